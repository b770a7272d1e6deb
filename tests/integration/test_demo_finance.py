"""The demo region's personalised funding: certificates, contracts, a month of claims and
payments; every kopeck accounted for; a rerun writes nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from domain.certificate_values import CertificateKind, ChargeKind
from domain.claim import Claim, ClaimStatus
from domain.funding_accounts import AccountKind
from letopis.bootstrap import build_services
from letopis.demo import FIRST_YEAR, DemoGenerator, DemoPlan, SettableClock
from letopis.demo_finance import EVERY_NTH_LEARNER, extend_demo
from letopis.settings import Settings
from letopis.store import init_store

LEARNERS = 24


def test_demo_region_has_a_month_of_funding(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    init_store(url)
    clock = SettableClock()
    services = build_services(Settings(database_url=url), clock)
    try:
        generator = DemoGenerator(services, clock,
                                  DemoPlan(learners=LEARNERS, years=1, seed=7, weeks_of_marks=1))
        generator.run()
        extend_demo(generator)
        written = services.ledger.store.count_events()
        extend_demo(generator)
        assert services.ledger.store.count_events() == written

        numbers = [f"{n + 1:010d}" for n in range(0, LEARNERS, EVERY_NTH_LEARNER)]
        for number in numbers:
            certificate = services.certificates.certificate(number)
            assert certificate.kind is CertificateKind.FUNDING  # accounting ones converted
            credited = -certificate.total(AccountKind.NOMINAL)
            assert credited == sum(certificate.total(k) for k in (
                AccountKind.SPENT, AccountKind.RESERVE, AccountKind.FREE, AccountKind.EXPIRED))
            assert certificate.total(AccountKind.SPENT) > 0
        september = date(FIRST_YEAR, 9, 1)
        payer = generator.plan.uuid("finance", "payer", 0)
        provider = generator.plan.uuid("finance", "provider", 0)
        for kind in ChargeKind:
            claim = services.funding_claims.claim(Claim.stream_id(kind, payer, provider,
                                                                  september))
            assert claim.status is ClaimStatus.APPROVED
            assert claim.paid == claim.approved > 0
    finally:
        services.close()
