"""Acceptance for the new school year through the ledger, on SQLite and PostgreSQL.

Every refusal is checked against the store: its own domain error, nothing written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from uuid import UUID

import pytest

from domain.acceptance import AcceptanceCampaign
from domain.acceptance_protocol import AcceptanceProtocol
from domain.acceptance_values import (
    AcceptanceResult,
    Deficiency,
    DeficiencyCategory,
    DeficiencyNotFound,
    NotInPlan,
    PlanEntry,
    ProtocolEntry,
    ProtocolExists,
    ProtocolSigned,
    Remedy,
)
from domain.calendar_ru import RUSSIA
from domain.commission import CommissionMember, CommissionPurpose
from domain.envelope import Actor, BasisDocument, Role
from domain.errors import DomainError
from domain.identifiers import inn_check_digits, ogrn_check_digit
from domain.organisation import OrganisationDetails, OrganisationKind
from letopis.ledger import CommandContext, Ledger
from letopis.services.acceptance import AcceptanceService
from letopis.services.commissions import CommissionService
from letopis.services.organisations import OrganisationService

SCHOOL_A, SCHOOL_B, SCHOOL_C, OUTSIDE = UUID(int=1), UUID(int=2), UUID(int=3), UUID(int=4)
COMMISSION = UUID(int=601)
CHAIR = CommissionMember(UUID(int=701), "Кузнецов Павел Андреевич", "заместитель главы")
MEMBER = CommissionMember(UUID(int=702), "Смирнова Елена Викторовна", "инспектор ОНДиПР")
AUTHORITY = Actor(user_id="uo-orenburg-1", role=Role.COMMISSION)
ORDER = BasisDocument(kind="order", number="412", dated=date(2026, 5, 20))
YEAR = "2026/2027"
CAMPAIGN = AcceptanceCampaign.stream_id("Оренбург", YEAR)
MON_10, TUE_11, THU_20 = date(2026, 8, 10), date(2026, 8, 11), date(2026, 8, 20)
FIRE = Deficiency(UUID(int=901), DeficiencyCategory.FIRE_SAFETY,
                  "не исправна автоматическая пожарная сигнализация", date(2026, 8, 17))


def ctx(command_id: str, on: date = date(2026, 6, 1)) -> CommandContext:
    return CommandContext(actor=AUTHORITY, command_id=command_id, effective_on=on, basis=ORDER)


def details(n: int) -> OrganisationDetails:
    inn_body, ogrn_body = f"56{n:07d}", f"1025600{n:05d}"
    return OrganisationDetails(
        full_name=f"МОАУ «СОШ № {n}» г. Оренбурга", short_name=f"МОАУ СОШ № {n}",
        kind=OrganisationKind.SCHOOL, inn=inn_body + inn_check_digits(inn_body),
        ogrn=ogrn_body + ogrn_check_digit(ogrn_body), municipality="Оренбург",
        legal_address=f"ул. Ленина, {n}", actual_address=f"ул. Ленина, {n}",
    )


@dataclass
class Acceptance:
    ledger: Ledger
    service: AcceptanceService

    def refused(self, error: type[DomainError], command: Callable[[], object],
                match: str | None = None) -> None:
        before = self.ledger.store.count_events()
        with pytest.raises(error, match=match):
            command()
        assert self.ledger.store.count_events() == before

    def protocol(self, held_on: date, *entries: ProtocolEntry) -> UUID:
        """Open, fill and sign the commission's protocol of `held_on`."""
        key = held_on.isoformat()
        self.service.open_protocol(ctx(f"open-{key}", held_on), CAMPAIGN, COMMISSION, held_on)
        protocol_id = AcceptanceProtocol.original_id(COMMISSION, held_on)
        for entry in entries:
            self.service.record_entry(ctx(f"entry-{key}-{entry.organisation_id}", held_on),
                                      protocol_id, entry)
        self.service.sign_protocol(ctx(f"sign-{key}", held_on), protocol_id, CHAIR.member_id,
                                   (MEMBER.member_id,))
        return protocol_id


@pytest.fixture
def acceptance(ledger: Ledger) -> Acceptance:
    organisations = OrganisationService(ledger)
    for n, org in enumerate((SCHOOL_A, SCHOOL_B, SCHOOL_C, OUTSIDE), start=1):
        organisations.register(ctx(f"org-{n}"), org, details(n))
    CommissionService(ledger).form(
        ctx("commission"), COMMISSION, CommissionPurpose.SCHOOL_YEAR_ACCEPTANCE,
        "Комиссия по приёмке г. Оренбурга", "Оренбург", CHAIR, (MEMBER,))
    service = AcceptanceService(ledger, RUSSIA)
    service.open_campaign(ctx("campaign"), "Оренбург", YEAR)
    for n, org in enumerate((SCHOOL_A, SCHOOL_B, SCHOOL_C)):
        service.plan_organisation(ctx(f"plan-{n}"), CAMPAIGN, PlanEntry(
            org, date(2026, 8, 10 + n), COMMISSION, "Управление образования г. Оренбурга",
            f"директор школы № {n + 1}"))
    return Acceptance(ledger, service)


def test_campaign_from_plan_to_regional_report(acceptance: Acceptance) -> None:
    service = acceptance.service
    acceptance.protocol(MON_10, ProtocolEntry(SCHOOL_A, AcceptanceResult.NOT_ACCEPTED, (FIRE,)))
    acceptance.protocol(TUE_11, ProtocolEntry(SCHOOL_B, AcceptanceResult.ACCEPTED))
    report = service.municipal_report(CAMPAIGN, date(2026, 8, 18))
    assert report.by_result[AcceptanceResult.NOT_ACCEPTED] == 1
    assert [r.organisation_id for r in report.not_inspected] == [SCHOOL_C]
    assert [r.deficiency for r in report.overdue_deficiencies] == [FIRE]

    service.confirm_remedies(ctx("remedy", date(2026, 8, 19)), CAMPAIGN, UUID(int=1),
                             SCHOOL_A, (Remedy(FIRE.deficiency_id, date(2026, 8, 19),
                                               "акт проверки АПС № 17"),))
    acceptance.protocol(THU_20, ProtocolEntry(SCHOOL_A, AcceptanceResult.ACCEPTED))
    regional = service.regional_report(YEAR, date(2026, 8, 21))
    assert regional.by_result[AcceptanceResult.ACCEPTED] == 2
    assert regional.open_deficiencies == 0
    assert regional.not_inspected == 1

    act = service.act_of_readiness(CAMPAIGN, SCHOOL_A)
    assert act is not None
    assert (act.inspected_from, act.inspected_to, act.result) == (
        MON_10, THU_20, AcceptanceResult.ACCEPTED)
    assert act.basis_order == ORDER
    assert act.members == (CHAIR, MEMBER)
    first_visit = service.protocol(AcceptanceProtocol.original_id(COMMISSION, MON_10))
    assert first_visit.entries[SCHOOL_A] == ProtocolEntry(
        SCHOOL_A, AcceptanceResult.NOT_ACCEPTED, (FIRE,))
    assert act.chair == CHAIR


def test_amending_protocol_corrects_a_signed_one(acceptance: Acceptance) -> None:
    original = acceptance.protocol(MON_10, ProtocolEntry(SCHOOL_A, AcceptanceResult.ACCEPTED))
    amendment = UUID(int=801)
    acceptance.service.open_protocol(ctx("amend", MON_10), CAMPAIGN, COMMISSION, MON_10,
                                     amends=original, protocol_id=amendment)
    acceptance.service.record_entry(ctx("amend-entry", MON_10), amendment,
                                    ProtocolEntry(SCHOOL_A, AcceptanceResult.
                                                  ACCEPTED_WITH_REMARKS, (FIRE,)))
    acceptance.service.sign_protocol(ctx("amend-sign", MON_10), amendment, CHAIR.member_id, ())
    report = acceptance.service.municipal_report(CAMPAIGN, date(2026, 8, 12))
    assert report.by_result[AcceptanceResult.ACCEPTED_WITH_REMARKS] == 1
    assert report.by_result[AcceptanceResult.ACCEPTED] == 0
    assert acceptance.service.protocol(amendment).amends == original


def test_bad_input_writes_nothing(acceptance: Acceptance) -> None:
    service = acceptance.service
    protocol_id = acceptance.protocol(MON_10, ProtocolEntry(SCHOOL_A,
                                                            AcceptanceResult.ACCEPTED))
    acceptance.refused(ProtocolSigned, lambda: service.record_entry(
        ctx("edit", MON_10), protocol_id, ProtocolEntry(SCHOOL_B, AcceptanceResult.ACCEPTED)))
    acceptance.refused(ProtocolExists, lambda: service.open_protocol(
        ctx("again", MON_10), CAMPAIGN, COMMISSION, MON_10))
    service.open_protocol(ctx("open-tue", TUE_11), CAMPAIGN, COMMISSION, TUE_11)
    acceptance.refused(NotInPlan, lambda: service.record_entry(
        ctx("outside", TUE_11), AcceptanceProtocol.original_id(COMMISSION, TUE_11),
        ProtocolEntry(OUTSIDE, AcceptanceResult.ACCEPTED)))
    acceptance.refused(DeficiencyNotFound, lambda: service.confirm_remedies(
        ctx("remedy", TUE_11), CAMPAIGN, UUID(int=1), SCHOOL_A,
        (Remedy(UUID(int=12345), TUE_11, "фото"),)))
    for command_id in ("edit", "again", "outside", "remedy"):
        assert acceptance.ledger.store.command_outcome(command_id) is None
