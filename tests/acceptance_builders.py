"""Builders for acceptance tests: a campaign in Оренбург for 2026/2027 with three schools."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.acceptance import AcceptanceCampaign
from domain.acceptance_protocol import AcceptanceProtocol
from domain.acceptance_values import (
    AcceptanceResult,
    Deficiency,
    DeficiencyCategory,
    PlanEntry,
    ProtocolEntry,
)
from domain.calendar_ru import RUSSIA
from domain.commission import Commission, CommissionMember, CommissionPurpose
from domain.envelope import Actor, BasisDocument, Meta, Role
from domain.identifiers import inn_check_digits, ogrn_check_digit
from domain.organisation import Organisation, OrganisationDetails, OrganisationKind
from tests.factories import make_meta

MUNICIPALITY, YEAR = "Оренбург", "2026/2027"
ORG_A, ORG_B, ORG_C, ORG_OUTSIDE = UUID(int=11), UUID(int=12), UUID(int=13), UUID(int=19)
COMMISSION_ID = UUID(int=601)
CHAIR = CommissionMember(UUID(int=701), "Кузнецов Павел Андреевич", "заместитель главы города")
MEMBER = CommissionMember(UUID(int=702), "Смирнова Елена Викторовна", "инспектор ОНДиПР")
STRANGER = UUID(int=799)
AUTHORITY = Actor(user_id="uo-orenburg-1", role=Role.COMMISSION)
ACCEPTANCE_ORDER = BasisDocument(kind="order", number="412", dated=date(2026, 5, 20))
MON_10_AUG, TUE_11_AUG, SAT_8_AUG = date(2026, 8, 10), date(2026, 8, 11), date(2026, 8, 8)
DEFICIENCY_1, DEFICIENCY_2 = UUID(int=901), UUID(int=902)


def meta(on: date = date(2026, 6, 1)) -> Meta:
    return make_meta(effective_on=on, actor=AUTHORITY, basis=ACCEPTANCE_ORDER)


def commission(area: str = MUNICIPALITY) -> Commission:
    return Commission.form(commission_id=COMMISSION_ID,
                           purpose=CommissionPurpose.SCHOOL_YEAR_ACCEPTANCE,
                           name="Комиссия по приёмке образовательных организаций г. Оренбурга",
                           area=area, chair=CHAIR, members=(MEMBER,), meta=meta())


def plan_entry(org: UUID, planned_on: date = MON_10_AUG) -> PlanEntry:
    return PlanEntry(organisation_id=org, planned_on=planned_on, commission_id=COMMISSION_ID,
                     founder="Управление образования администрации г. Оренбурга",
                     head="директор Орлова Наталья Сергеевна")


def school(org: UUID, municipality: str = MUNICIPALITY) -> Organisation:
    inn_body, ogrn_body = f"56{org.int:07d}", f"1025600{org.int:05d}"
    details = OrganisationDetails(
        full_name=f"МОАУ «СОШ № {org.int}» г. {municipality}",
        short_name=f"МОАУ СОШ № {org.int}", kind=OrganisationKind.SCHOOL,
        inn=inn_body + inn_check_digits(inn_body), ogrn=ogrn_body + ogrn_check_digit(ogrn_body),
        municipality=municipality, legal_address="ул. Ленина, 1", actual_address="ул. Ленина, 1а",
    )
    return Organisation.register(organisation_id=org, details=details, meta=meta())


def campaign(*orgs: UUID) -> AcceptanceCampaign:
    opened = AcceptanceCampaign.open(municipality=MUNICIPALITY, academic_year=YEAR, meta=meta())
    for n, org in enumerate(orgs or (ORG_A, ORG_B, ORG_C)):
        opened.plan_organisation(entry=plan_entry(org, date(2026, 8, 10 + n)),
                                 organisation=school(org), commission=commission(),
                                 calendar=RUSSIA, meta=meta())
    return opened


def protocol(on_campaign: AcceptanceCampaign, held_on: date = MON_10_AUG,
             amends: AcceptanceProtocol | None = None,
             protocol_id: UUID | None = None) -> AcceptanceProtocol:
    return AcceptanceProtocol.open(
        protocol_id=protocol_id or AcceptanceProtocol.original_id(COMMISSION_ID, held_on),
        campaign=on_campaign, commission=commission(), held_on=held_on, calendar=RUSSIA,
        amends=amends, meta=meta(held_on))


def deficiency(deficiency_id: UUID = DEFICIENCY_1, remedy_by: date = date(2026, 8, 25),
               category: DeficiencyCategory = DeficiencyCategory.FIRE_SAFETY) -> Deficiency:
    return Deficiency(deficiency_id, category, "не исправна автоматическая пожарная сигнализация",
                      remedy_by)


def accepted(org: UUID) -> ProtocolEntry:
    return ProtocolEntry(org, AcceptanceResult.ACCEPTED)


def with_remarks(org: UUID, *found: Deficiency) -> ProtocolEntry:
    return ProtocolEntry(org, AcceptanceResult.ACCEPTED_WITH_REMARKS, found or (deficiency(),))


def not_accepted(org: UUID, *found: Deficiency) -> ProtocolEntry:
    return ProtocolEntry(org, AcceptanceResult.NOT_ACCEPTED, found or (deficiency(),))


def signed(on_campaign: AcceptanceCampaign, held_on: date, *entries: ProtocolEntry,
           amends: AcceptanceProtocol | None = None,
           protocol_id: UUID | None = None) -> AcceptanceProtocol:
    """A signed protocol, filed with the campaign (as the service does in one command)."""
    opened = protocol(on_campaign, held_on, amends, protocol_id)
    for entry in entries:
        opened.record_entry(entry=entry, campaign=on_campaign, meta=meta(held_on))
    opened.sign(commission=commission(), chair_id=CHAIR.member_id,
                members_present=(MEMBER.member_id,), meta=meta(held_on))
    on_campaign.file_protocol(protocol_id=opened.id, commission_id=COMMISSION_ID,
                              held_on=held_on, amends=opened.amends, meta=meta(held_on))
    return opened
