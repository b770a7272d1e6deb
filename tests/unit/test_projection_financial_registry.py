"""Read model `financial_registry`: events from the real funding services (on an embedded
SQLite ledger), folded in memory; every certificate, contract and claim row must say what the
aggregate itself says after the same events."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from uuid import UUID, uuid5

import pytest

from domain.certificate import Certificate
from domain.certificate_group import CertificateGroup
from domain.certificate_values import CertificateKind, ChargeKind
from domain.funding_accounts import Account, AccountKind
from letopis.clock import FixedClock
from letopis.ledger import Ledger
from letopis.store import init_store, open_store
from projections.base import Event
from projections.financial_registry import (
    CERTIFICATE_TRANSFERS,
    FINANCIAL_REGISTRY,
    municipality_month_key,
    provider_month_key,
    split_key,
)
from projections.memory import Tables, fold_events
from tests.conftest import START
from tests.funding_builders import PAYER, PROVIDER
from tests.funding_world import MUNICIPALITY, NS, PROGRAMME, FundingWorld
from tests.projection_checks import strict_fold

RUB = 100  # kopecks
NUMBER = "0000002026"
OTHER = "0000002027"
SEP, OCT, NOV, DEC = (date(2026, m, 1) for m in (9, 10, 11, 12))
JAN_1 = date(2026, 1, 1)
PAYMENT = UUID(int=9001)


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    url = f"sqlite:///{tmp_path / 'letopis.sqlite'}"
    init_store(url)
    recorder = open_store(url, "letopis")
    yield Ledger(recorder, FixedClock(START))
    recorder.close()


def events_of(ledger: Ledger) -> list[Event]:
    return [ledger.mapper.to_domain_event(n)
            for n in ledger.recorder.select_notifications(None, 100_000)]


def fold(ledger: Ledger) -> Tables:
    return strict_fold(FINANCIAL_REGISTRY, events_of(ledger))


class Funding:
    """The worked example of docs/finance.md, step by step, on the real services."""

    def __init__(self, ledger: Ledger) -> None:
        self.world = FundingWorld(ledger).setup(nominal=30_000 * RUB)
        self.ledger = ledger
        self.contract = uuid5(NS, "contract/robotics")

    def issue(self, number: str = NUMBER) -> Funding:
        learner = uuid5(NS, f"learner/{number}")
        self.world.learners.register(self.world.ctx(JAN_1), learner)
        self.world.certificates.issue(self.world.ctx(JAN_1), number=number, learner_id=learner,
                                      kind=CertificateKind.FUNDING, municipality=MUNICIPALITY,
                                      year=2026)
        return self

    def submit(self, kind: ChargeKind, month: date, on: date, delivered_bp: int = 0,
               contracts: list[UUID] | None = None) -> UUID:
        request = self.world.request(kind, month, [(c, delivered_bp)
                                                   for c in contracts or [self.contract]])
        self.world.claims.submit(self.world.ctx(on), request)
        return self.world.claim_id(kind, month)

    def approve(self, kind: ChargeKind, month: date, on: date) -> None:
        self.world.claims.approve(self.world.ctx(on), self.world.claim_id(kind, month))

    def certificate(self, number: str = NUMBER) -> Certificate:
        return self.world.certificates.certificate(number)


def balances(certificate: Certificate) -> dict[str, int]:
    return {str(a): b for a, b in certificate.accounts.balances().items()}


def month(day: date) -> str:
    return f"{day:%Y-%m}"


def assert_matches_aggregates(funding: Funding, tables: Tables) -> None:
    """Every certificate, contract and claim row against the aggregate loaded from the ledger."""
    ledger = funding.ledger
    for certificate_id, row in tables["certificates"].items():
        cert = ledger.load(Certificate, UUID(certificate_id), "certificate")
        assert row["accounts"] == balances(cert)
        assert (row["number"], row["kind"], row["status"], row["municipality"]) == (
            cert.number, cert.kind.value, cert.status.value, cert.municipality)
        assert row["learner_id"] == str(cert.learner_id)
        assert row["units"] == {str(y): u.value for y, u in cert.units.items()}
        for year, unit in cert.units.items():
            assert row["years"][str(year)] == {
                "unit": unit.value, "free": cert.free(year),
                "credited": -cert.balance(Account(AccountKind.NOMINAL, str(year))),
                "expired": cert.balance(Account(AccountKind.EXPIRED, str(year))),
                "year_expired": year in cert.expired_years}
        for contract_id, funds in cert.contracts.items():
            key = str(contract_id)
            assert row["contracts"][key] == {
                "year": funds.year, "reserved": cert.reserve(contract_id),
                "spent": cert.balance(Account(AccountKind.SPENT, key)),
                "copayment": cert.balance(Account(AccountKind.COPAYMENT, key))}
            contract = tables["contracts"][key]
            assert contract["reserved"] == cert.reserve(contract_id)
            assert contract["spent"] == cert.balance(Account(AccountKind.SPENT, key))
            assert contract["months"] == {
                month(m): {"amount": amount,
                           "advance": None if m not in funds.advances else {
                               "claim_id": str(funds.advances[m][0]),
                               "claimed": funds.advances[m][1]},
                           "final": None if m not in funds.finals else {
                               "claim_id": str(funds.finals[m][0]),
                               "claimed": funds.finals[m][1], "charged": funds.finals[m][2]},
                           "settled": m in funds.settled}
                for m, amount in funds.schedule.items()}
        (unit,) = {u.value for u in cert.units.values()} or {"roubles"}
        assert row["totals"].get(unit, {}) == ({} if not cert.units else {
            "credited": -cert.total(AccountKind.NOMINAL), "free": cert.total(AccountKind.FREE),
            "reserved": cert.total(AccountKind.RESERVE), "spent": cert.total(AccountKind.SPENT),
            "expired": cert.total(AccountKind.EXPIRED),
            "copayment": cert.total(AccountKind.COPAYMENT)})
    for contract_id, row in tables["contracts"].items():
        contract = funding.world.certificates.contract(UUID(contract_id))
        assert (row["status"], row["last_month"], row["provider_id"], row["certificate_id"]) == (
            contract.status.value, month(contract.last_month), str(contract.provider_id),
            str(contract.certificate_id))
    for claim_id, row in tables["claims"].items():
        claim = funding.world.claims.claim(UUID(claim_id))
        assert row["accounts"] == {str(a): b for a, b in claim.accounts.balances().items()}
        assert (row["status"], row["revision"], row["amount"], row["approved"], row["paid"]) == (
            None if claim.status is None else claim.status.value, claim.revision, claim.amount,
            claim.approved, claim.paid)
        assert row["lines"] == [{"contract_id": str(line.contract_id),
                                 "certificate_id": str(line.certificate_id),
                                 "claimed": line.claimed, "amount": line.amount}
                                for line in claim.lines]


def test_worked_example_balances_equal_the_aggregates_after_every_step(ledger: Ledger) -> None:
    funding = Funding(ledger).issue()
    steps = [
        lambda: funding.world.contract(NUMBER, "robotics"),
        lambda: funding.submit(ChargeKind.ADVANCE, SEP, date(2026, 9, 2)),
        lambda: funding.approve(ChargeKind.ADVANCE, SEP, date(2026, 9, 3)),
        lambda: funding.world.claims.record_payment(
            funding.world.ctx(date(2026, 9, 10)), payment_id=PAYMENT,
            claim_id=funding.world.claim_id(ChargeKind.ADVANCE, SEP),
            order=funding.world.order("117", 200_000, date(2026, 9, 10))),
        lambda: funding.submit(ChargeKind.FINAL, SEP, date(2026, 10, 5), 9_000),
        lambda: funding.approve(ChargeKind.FINAL, SEP, date(2026, 10, 6)),
        lambda: funding.submit(ChargeKind.FINAL, OCT, date(2026, 11, 5), 10_000),
        lambda: funding.approve(ChargeKind.FINAL, OCT, date(2026, 11, 6)),
        lambda: funding.submit(ChargeKind.ADVANCE, NOV, date(2026, 11, 5)),
        lambda: funding.world.certificates.terminate_contract(
            funding.world.ctx(date(2026, 11, 20)), funding.contract, "moved"),
        lambda: funding.submit(ChargeKind.FINAL, NOV, date(2026, 12, 7), 9_000),
        lambda: funding.approve(ChargeKind.ADVANCE, NOV, date(2026, 12, 8)),
        lambda: funding.approve(ChargeKind.FINAL, NOV, date(2026, 12, 8)),
        lambda: funding.world.certificates.expire_year(
            funding.world.ctx(date(2027, 1, 1)), number=NUMBER, year=2026),
    ]
    assert_matches_aggregates(funding, fold(ledger))
    for step in steps:
        step()
        assert_matches_aggregates(funding, fold(ledger))

    tables = fold(ledger)
    certificate = tables["certificates"][str(funding.certificate().id)]
    assert certificate["totals"] == {"roubles": {
        "credited": 30_000 * RUB, "free": 0, "reserved": 0, "spent": 11_200 * RUB,
        "expired": 18_800 * RUB, "copayment": 4_000 * RUB}}
    assert certificate["years"] == {"2026": {
        "unit": "roubles", "credited": 30_000 * RUB, "free": 0, "expired": 18_800 * RUB,
        "year_expired": True}}
    contract = tables["contracts"][str(funding.contract)]
    assert {k: contract[k] for k in (
        "status", "first_month", "last_month", "year", "reserved", "spent", "copayment",
        "released", "months_charged", "price_per_month", "certificate_share")} == {
        "status": "terminated", "first_month": "2026-09", "last_month": "2026-11",
        "year": 2026, "reserved": 0, "spent": 11_200 * RUB, "copayment": 4_000 * RUB,
        "released": 4_800 * RUB, "months_charged": ["2026-09", "2026-10", "2026-11"],
        "price_per_month": 5_000 * RUB, "certificate_share": 4_000 * RUB}


def test_claims_payments_and_provider_months(ledger: Ledger) -> None:
    funding = Funding(ledger).issue()
    funding.world.contract(NUMBER, "robotics")
    advance = funding.submit(ChargeKind.ADVANCE, SEP, date(2026, 9, 2))
    funding.approve(ChargeKind.ADVANCE, SEP, date(2026, 9, 3))
    order = funding.world.order("117", 200_000, date(2026, 9, 10))
    funding.world.claims.record_payment(funding.world.ctx(date(2026, 9, 10)),
                                        payment_id=PAYMENT, claim_id=advance, order=order)
    final = funding.submit(ChargeKind.FINAL, SEP, date(2026, 10, 5), 9_000)
    tables = fold(ledger)

    claim = tables["claims"][str(advance)]
    assert {k: claim[k] for k in ("kind", "payer_id", "provider_id", "month", "status",
                                  "amount", "approved", "paid", "unpaid")} == {
        "kind": "advance", "payer_id": str(PAYER), "provider_id": str(PROVIDER),
        "month": "2026-09", "status": "approved", "amount": 320_000, "approved": 320_000,
        "paid": 200_000, "unpaid": 120_000}
    assert claim["payments"] == [{"payment_id": str(PAYMENT), "amount": 200_000,
                                  "effective_on": "2026-09-10"}]
    submitted_at = claim["revisions"][0]["submitted_at"]  # the fixed clock ticks per read
    assert submitted_at.startswith("2026-09-01T08:")
    assert claim["revisions"] == [{
        "revision": 1, "amount": 320_000, "lines": 1, "submitted_on": "2026-09-02",
        "submitted_at": submitted_at, "decision": "approved", "decided_on": "2026-09-03",
        "reason": None}]
    assert tables["claims"][str(final)]["amount"] == 40_000  # 3 600.00 less the advance
    payment = tables["payments"][str(PAYMENT)]
    assert payment["recorded_at"] > submitted_at
    assert payment == {
        "payment_id": str(PAYMENT), "claim_id": str(advance), "number": "117",
        "dated": "2026-09-10", "amount": 200_000,
        "payer": {"organisation_id": str(PAYER), "name": "УО Орска", "inn": "7707083893",
                  "account_number": "40102810545370000045"},
        "payee": {"organisation_id": str(PROVIDER), "name": "ДТДМ", "inn": "7707083893",
                  "account_number": "40601810200003000001"},
        "purpose": "ПФДО", "effective_on": "2026-09-10", "recorded_at": payment["recorded_at"]}

    row = tables["provider_months"][provider_month_key(str(PROVIDER), "2026-09")]
    assert split_key(provider_month_key(str(PROVIDER), "2026-09")) == (str(PROVIDER), "2026-09")
    assert row["advance"] == {"submitted": 0, "approved": 320_000, "paid": 200_000,
                              "unpaid": 120_000, "rejected": 0}
    assert row["final"] == {"submitted": 40_000, "approved": 0, "paid": 0, "unpaid": 0,
                            "rejected": 0}
    assert row["total"] == {"submitted": 40_000, "approved": 320_000, "paid": 200_000,
                            "unpaid": 120_000, "rejected": 0}
    assert set(row["claims"]) == {str(advance), str(final)}


def test_rejection_reverses_the_charge_and_a_resubmission_is_a_new_revision(
        ledger: Ledger) -> None:
    funding = Funding(ledger).issue().issue(OTHER)
    other = funding.world.contract(OTHER, "chess")
    funding.world.contract(NUMBER, "robotics")
    both = [funding.contract, other]
    claim_id = funding.submit(ChargeKind.ADVANCE, SEP, date(2026, 9, 2), contracts=both)
    funding.world.claims.reject(funding.world.ctx(date(2026, 9, 3)), claim_id, "wrong group")
    tables = fold(ledger)
    assert_matches_aggregates(funding, tables)
    contract = tables["contracts"][str(funding.contract)]
    assert contract["months"]["2026-09"]["advance"] is None
    assert (contract["reserved"], contract["spent"], contract["months_charged"]) == (
        1_600_000, 0, [])
    key = provider_month_key(str(PROVIDER), "2026-09")
    assert tables["provider_months"][key]["advance"]["rejected"] == 640_000

    funding.submit(ChargeKind.ADVANCE, SEP, date(2026, 9, 4), contracts=[funding.contract])
    tables = fold(ledger)
    assert_matches_aggregates(funding, tables)
    claim = tables["claims"][str(claim_id)]
    assert [(r["revision"], r["amount"], r["lines"], r["decision"], r["reason"])
            for r in claim["revisions"]] == [(1, 640_000, 2, "rejected", "wrong group"),
                                              (2, 320_000, 1, None, None)]
    assert (claim["status"], claim["revision"]) == ("submitted", 2)
    assert tables["provider_months"][key]["advance"] == {
        "submitted": 320_000, "approved": 0, "paid": 0, "unpaid": 0, "rejected": 0}
    assert tables["contracts"][str(funding.contract)]["months_charged"] == ["2026-09"]
    assert tables["contracts"][str(other)]["months_charged"] == []


def test_refusal_suspension_closure_and_the_group(ledger: Ledger) -> None:
    funding = Funding(ledger).issue()
    contract = funding.world.contract(NUMBER, "robotics", activate=False)
    funding.world.certificates.refuse_contract(funding.world.ctx(date(2026, 9, 2)), contract,
                                               "no places")
    certificates = funding.world.certificates
    certificates.suspend(funding.world.ctx(date(2026, 9, 3)), number=NUMBER, reason="check")
    tables = fold(ledger)
    assert_matches_aggregates(funding, tables)
    certificate_id = str(funding.certificate().id)
    assert tables["certificates"][certificate_id]["status"] == "suspended"
    row = tables["contracts"][str(contract)]
    assert {k: row[k] for k in ("status", "status_on", "reason", "reserved", "released",
                                "months", "programme_id", "group_name")} == {
        "status": "refused", "status_on": "2026-09-02", "reason": "no places", "reserved": 0,
        "released": 1_600_000, "months": {}, "programme_id": str(PROGRAMME),
        "group_name": "Группа 1"}

    certificates.resume(funding.world.ctx(date(2026, 9, 4)), number=NUMBER)
    certificates.close(funding.world.ctx(date(2026, 9, 5)), number=NUMBER, reason="moved away")
    tables = fold(ledger)
    assert_matches_aggregates(funding, tables)
    closed = tables["certificates"][certificate_id]
    assert (closed["status"], closed["closed_on"]) == ("closed", "2026-09-05")
    assert closed["years"]["2026"] == {"unit": "roubles", "credited": 3_000_000, "free": 0,
                                       "expired": 3_000_000, "year_expired": False}
    group = tables["groups"][str(CertificateGroup.stream_id(MUNICIPALITY, 2026))]
    assert group == {"group_id": str(CertificateGroup.stream_id(MUNICIPALITY, 2026)),
                     "municipality": MUNICIPALITY, "year": 2026, "unit": "roubles",
                     "nominal": 3_000_000, "max_certificates": 100,
                     "max_nominal_sum": 300_000_000, "admitted": 1, "nominal_sum": 3_000_000,
                     "version": 2}


def test_municipality_months_book_movements_in_the_month_of_their_effective_date(
        ledger: Ledger) -> None:
    funding = Funding(ledger).issue()
    funding.world.contract(NUMBER, "robotics")
    funding.submit(ChargeKind.ADVANCE, SEP, date(2026, 9, 2))
    funding.submit(ChargeKind.FINAL, SEP, date(2026, 10, 5), 9_000)
    funding.approve(ChargeKind.FINAL, SEP, date(2026, 10, 6))
    tables = fold(ledger)

    def sums(**amounts: int) -> dict[str, int]:
        return dict.fromkeys(CERTIFICATE_TRANSFERS, 0) | amounts

    months = tables["municipality_months"]
    assert months == {
        municipality_month_key(MUNICIPALITY, "2026-01"): {
            "month": "2026-01", "years": {"2026": sums(opening=3_000_000)}},
        municipality_month_key(MUNICIPALITY, "2026-09"): {
            "month": "2026-09", "years": {"2026": sums(reserve=1_600_000, copayment=400_000,
                                                        charge=320_000)}},
        municipality_month_key(MUNICIPALITY, "2026-10"): {
            "month": "2026-10", "years": {"2026": sums(charge=40_000, release=40_000)}},
    }
    assert split_key(municipality_month_key("Орск|Север\\", "2026-01")) == (
        "Орск|Север\\", "2026-01")


def test_other_events_are_passed_over() -> None:
    assert fold_events(FINANCIAL_REGISTRY, []) == {t: {} for t in FINANCIAL_REGISTRY.tables}
    assert not FINANCIAL_REGISTRY.reads("domain.learner:Learner.Registered")
    assert FINANCIAL_REGISTRY.reads("domain.certificate:Certificate.Issued")
    assert FINANCIAL_REGISTRY.reads("domain.certificate_group:CertificateGroup.Established")
