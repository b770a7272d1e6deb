"""Personalised funding in the demo region: groups, certificates, contracts, a month of claims.

`extend_demo(generator)` runs after the region's learners exist. For every municipality it adds
the education authority (the payer), a provider of additional education with two certified
programmes and the certificate group of the first year; every third learner gets a certificate
and a contract for September–December; September's advance claims and final invoices are
submitted, approved and paid. Command ids derive from the seed, so a rerun writes nothing new.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.certificate_values import CertificateKind, ChargeKind
from domain.claim import Claim
from domain.envelope import Actor, Role
from domain.money import Unit
from domain.organisation import OrganisationDetails, OrganisationKind
from domain.payment import PaymentOrder, PaymentParty
from letopis.demo import FIRST_YEAR, MUNICIPALITIES, DemoGenerator, _inn, _ogrn
from letopis.services.funding_claims import ClaimRequest

RUB = 100  # kopecks
NOMINAL = 30_000 * RUB
PROGRAMMES = (("Робототехника", 5_000 * RUB, 4_000 * RUB),
              ("Художественная гимнастика", 3_500 * RUB, 3_800 * RUB))
FINANCE = Actor(user_id="demo-finance", role=Role.FINANCE)
EVERY_NTH_LEARNER = 3


@dataclass(frozen=True)
class _Municipality:
    name: str
    payer: PaymentParty
    provider: PaymentParty
    programmes: tuple[UUID, ...]


def extend_demo(generator: DemoGenerator) -> None:
    """Add personalised funding to the demo region (deterministic, idempotent)."""
    rng = random.Random(f"{generator.plan.seed}/finance")
    year = FIRST_YEAR
    places = [_municipality(generator, rng, i, name, year) for i, name in
              enumerate(MUNICIPALITIES)]
    contracts: dict[tuple[int, UUID], list[UUID]] = defaultdict(list)
    for n in range(0, generator.plan.learners, EVERY_NTH_LEARNER):
        place = n % len(places)
        contract_id = _certificate_and_contract(generator, places[place], n, year)
        contracts[(place, places[place].provider.organisation_id)].append(contract_id)
    september = date(year, 9, 1)
    for (place, provider), ids in sorted(contracts.items()):
        municipality = places[place]
        advance = ClaimRequest(ChargeKind.ADVANCE, municipality.payer.organisation_id, provider,
                               september, [(c, 0) for c in ids])
        _claim_run(generator, municipality, advance, date(year, 9, 2), "advance")
        delivered = [(c, rng.choice((8_500, 9_000, 9_500, 10_000, 10_000))) for c in ids]
        final = ClaimRequest(ChargeKind.FINAL, municipality.payer.organisation_id, provider,
                             september, delivered)
        _claim_run(generator, municipality, final, date(year, 10, 6), "final")


def _municipality(generator: DemoGenerator, rng: random.Random, i: int, name: str,
                  year: int) -> _Municipality:
    s, plan = generator.s, generator.plan
    parties = []
    for role, kind, title in (
        ("payer", OrganisationKind.EDUCATION_AUTHORITY, f"Управление образования г. {name}"),
        ("provider", OrganisationKind.ADDITIONAL_EDUCATION, f"Дом детского творчества г. {name}"),
    ):
        org_id = plan.uuid("finance", role, i)
        inn = _inn(rng)
        s.organisations.register(
            generator._ctx(date(year, 8, 1), "finance", role, i), org_id,
            OrganisationDetails(full_name=title, short_name=title, kind=kind, inn=inn,
                                ogrn=_ogrn(rng), municipality=name,
                                legal_address=f"г. {name}, ул. Ленина, д. {10 + i}",
                                actual_address=f"г. {name}, ул. Ленина, д. {10 + i}"))
        parties.append(PaymentParty(org_id, title, inn, f"40102810{rng.randrange(10**12):012d}"))
    payer, provider = parties
    s.certificates.establish_group(
        generator._ctx(date(year, 8, 1), "finance", "group", i, actor=FINANCE),
        municipality=name, year=year, nominal=NOMINAL, unit=Unit.ROUBLES,
        max_certificates=max(1, plan.learners), max_nominal_sum=NOMINAL * max(1, plan.learners))
    programmes = []
    for p, (title, price, normative) in enumerate(PROGRAMMES):
        programme_id = plan.uuid("finance", "programme", i, p)
        s.certificates.certify_programme(
            generator._ctx(date(year, 8, 15), "finance", "programme", i, p, actor=FINANCE),
            programme_id=programme_id, provider_id=provider.organisation_id, title=title,
            unit=Unit.ROUBLES, price_per_month=price, normative_price=normative)
        programmes.append(programme_id)
    return _Municipality(name, payer, provider, tuple(programmes))


def _certificate_and_contract(generator: DemoGenerator, place: _Municipality, n: int,
                              year: int) -> UUID:
    s, plan = generator.s, generator.plan
    number = f"{n + 1:010d}"  # leading zeros are part of the number
    september = date(year, 9, 1)
    s.certificates.issue(generator._ctx(september, "finance", "certificate", n, actor=FINANCE),
                         number=number, learner_id=plan.uuid("learner", n),
                         kind=CertificateKind.ACCOUNTING if n % 2 else CertificateKind.FUNDING,
                         municipality=place.name, year=year)
    contract_id = plan.uuid("finance", "contract", n)
    s.certificates.request_contract(
        generator._ctx(september, "finance", "contract", n, actor=FINANCE),
        contract_id=contract_id, number=number,
        programme_id=place.programmes[n % len(place.programmes)], group_name=f"Группа {n % 4 + 1}",
        first_month=september, last_month=date(year, 12, 1))
    s.certificates.confirm_contract(
        generator._ctx(september, "finance", "confirm", n, actor=FINANCE), contract_id)
    s.certificates.activate_contract(
        generator._ctx(september, "finance", "activate", n, actor=FINANCE), contract_id)
    return contract_id


def _claim_run(generator: DemoGenerator, place: _Municipality, request: ClaimRequest,
               submitted_on: date, label: str) -> None:
    s = generator.s
    key = (label, place.name, request.provider_id)
    s.funding_claims.submit(generator._ctx(submitted_on, "finance", "submit", *key,
                                           actor=FINANCE), request)
    claim_id = Claim.stream_id(request.kind, request.payer_id, request.provider_id,
                               request.month)
    approved_on = date.fromordinal(submitted_on.toordinal() + 1)
    payer_finance = Actor(user_id=FINANCE.user_id, role=Role.FINANCE,
                          organisation_id=request.payer_id)  # the authorised organisation
    s.funding_claims.approve(generator._ctx(approved_on, "finance", "approve", *key,
                                            actor=payer_finance), claim_id)
    amount = s.funding_claims.claim(claim_id).approved
    if amount == 0:
        return
    paid_on = date.fromordinal(submitted_on.toordinal() + 3)
    order = PaymentOrder(number=f"{label[:1].upper()}-{MUNICIPALITIES.index(place.name) + 1:03d}",
                         dated=paid_on, amount=amount, payer=place.payer, payee=place.provider,
                         purpose=f"ПФДО, {label}, {request.month:%m.%Y}")
    s.funding_claims.record_payment(
        generator._ctx(paid_on, "finance", "pay", *key, actor=FINANCE),
        payment_id=generator.plan.uuid("finance", "payment", *key), claim_id=claim_id,
        order=order)
