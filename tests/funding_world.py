"""A small personalised-funding world behind the services: payer, provider, group, programme,
certificates and active contracts. Used by integration, property and concurrency tests."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import date
from uuid import UUID, uuid5

from domain.certificate_values import CertificateKind, ChargeKind
from domain.claim import Claim
from domain.envelope import Actor, Role
from domain.money import Unit
from domain.organisation import OrganisationDetails, OrganisationKind
from domain.payment import PaymentOrder, PaymentParty
from letopis.ledger import CommandContext, Ledger
from letopis.privacy import PersonalDataService
from letopis.services.certificates import CertificateService
from letopis.services.funding_claims import ClaimRequest, FundingClaimService
from letopis.services.learners import LearnerService
from letopis.services.organisations import OrganisationService
from tests.funding_builders import NOMINAL, PAYER, PRICE, PROVIDER, SHARE
from tests.memory_keystore import memory_personal_data

NS = UUID(int=77)
PROGRAMME = UUID(int=7300)
MUNICIPALITY = "Орск"
FINANCE = Actor(user_id="finance-1", role=Role.FINANCE, organisation_id=PAYER)  # the payer
PAYER_DETAILS = OrganisationDetails(
    full_name="Управление образования администрации г. Орска", short_name="УО Орска",
    kind=OrganisationKind.EDUCATION_AUTHORITY, inn="7707083893", ogrn="1027700132195",
    municipality=MUNICIPALITY, legal_address="пр. Ленина, 29", actual_address="пр. Ленина, 29")
PROVIDER_DETAILS = dataclasses.replace(
    PAYER_DETAILS, full_name="Дворец творчества детей и молодёжи", short_name="ДТДМ",
    kind=OrganisationKind.ADDITIONAL_EDUCATION)
PAYER_PARTY = PaymentParty(PAYER, "УО Орска", "7707083893", "40102810545370000045")
PAYEE_PARTY = PaymentParty(PROVIDER, "ДТДМ", "7707083893", "40601810200003000001")


class FundingWorld:
    def __init__(self, ledger: Ledger, *, prefix: str = "w",
                 personal_data: PersonalDataService | None = None) -> None:
        self.ledger = ledger
        # Suspension and closure reasons are sealed under the holder's data key.
        self.personal_data = personal_data or memory_personal_data(ledger)
        self.certificates = CertificateService(ledger, self.personal_data)
        self.claims = FundingClaimService(ledger)
        self.learners = LearnerService(ledger)
        self.prefix = prefix
        self._numbers = itertools.count(1)

    def ctx(self, on: date = date(2026, 9, 1), name: str | None = None) -> CommandContext:
        command_id = name or f"{self.prefix}/{next(self._numbers)}"
        return CommandContext(actor=FINANCE, command_id=command_id, effective_on=on)

    def setup(self, *, nominal: int = NOMINAL, max_certificates: int = 100) -> FundingWorld:
        organisations = OrganisationService(self.ledger)
        organisations.register(self.ctx(), PAYER, PAYER_DETAILS)
        organisations.register(self.ctx(), PROVIDER, PROVIDER_DETAILS)
        self.certificates.establish_group(
            self.ctx(), municipality=MUNICIPALITY, year=2026, nominal=nominal,
            unit=Unit.ROUBLES, max_certificates=max_certificates,
            max_nominal_sum=nominal * max_certificates)
        self.certificates.certify_programme(
            self.ctx(), programme_id=PROGRAMME, provider_id=PROVIDER, title="Робототехника",
            unit=Unit.ROUBLES, price_per_month=PRICE, normative_price=SHARE)
        return self

    def issue(self, number: str) -> str:
        """Register a learner, then issue them a funding certificate with this number."""
        self.learners.register(self.ctx(), uuid5(NS, f"learner/{number}"))
        return self.issue_only(number)

    def issue_only(self, number: str) -> str:
        learner_id = uuid5(NS, f"learner/{number}")
        self.certificates.issue(self.ctx(), number=number, learner_id=learner_id,
                                kind=CertificateKind.FUNDING, municipality=MUNICIPALITY,
                                year=2026)
        return number

    def contract(self, number: str, name: str, *, first: date = date(2026, 9, 1),
                 last: date = date(2026, 12, 1), activate: bool = True) -> UUID:
        contract_id = uuid5(NS, f"contract/{name}")
        self.certificates.request_contract(
            self.ctx(), contract_id=contract_id, number=number, programme_id=PROGRAMME,
            group_name="Группа 1", first_month=first, last_month=last)
        if activate:
            self.certificates.confirm_contract(self.ctx(), contract_id)
            self.certificates.activate_contract(self.ctx(), contract_id)
        return contract_id

    def request(self, kind: ChargeKind, month: date,
                contracts: list[tuple[UUID, int]]) -> ClaimRequest:
        return ClaimRequest(kind, PAYER, PROVIDER, month, contracts)

    def claim_id(self, kind: ChargeKind, month: date) -> UUID:
        return Claim.stream_id(kind, PAYER, PROVIDER, month)

    def order(self, number: str, amount: int, on: date = date(2026, 10, 10)) -> PaymentOrder:
        return PaymentOrder(number, on, amount, PAYER_PARTY, PAYEE_PARTY, "ПФДО")
