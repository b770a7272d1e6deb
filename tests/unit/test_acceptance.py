"""Acceptance for the new school year: plan-schedule, daily protocols, remedies."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import UUID

from domain.academic_year import InvalidAcademicYear
from domain.acceptance import AcceptanceCampaign
from domain.acceptance_protocol import AcceptanceProtocol
from domain.acceptance_values import (
    AlreadyInPlan,
    AlreadyInProtocol,
    AlreadyRemedied,
    DeficiencyNotFound,
    InvalidEntry,
    NotAWorkingDay,
    NotInPlan,
    ProtocolEntry,
    ProtocolNotSigned,
    ProtocolSigned,
    Remedy,
)
from domain.calendar_ru import RUSSIA
from domain.commission import MemberNotOnCommission
from domain.errors import InvalidInput, RuleViolated
from domain.organisation import OrganisationClosed
from tests.acceptance_builders import (
    CHAIR,
    COMMISSION_ID,
    DEFICIENCY_1,
    MEMBER,
    MON_10_AUG,
    MUNICIPALITY,
    ORG_A,
    ORG_B,
    ORG_OUTSIDE,
    SAT_8_AUG,
    STRANGER,
    TUE_11_AUG,
    YEAR,
    accepted,
    campaign,
    commission,
    deficiency,
    meta,
    not_accepted,
    plan_entry,
    protocol,
    school,
    signed,
    with_remarks,
)
from tests.factories import make_meta
from tests.gwt import given

Opened = getattr(AcceptanceCampaign, "Opened")  # noqa: B009
OrganisationPlanned = getattr(AcceptanceCampaign, "OrganisationPlanned")  # noqa: B009
PlannedDateChanged = getattr(AcceptanceCampaign, "PlannedDateChanged")  # noqa: B009
RemediesConfirmed = getattr(AcceptanceCampaign, "RemediesConfirmed")  # noqa: B009
ProtocolOpened = getattr(AcceptanceProtocol, "Opened")  # noqa: B009
EntryRecorded = getattr(AcceptanceProtocol, "EntryRecorded")  # noqa: B009
Signed = getattr(AcceptanceProtocol, "Signed")  # noqa: B009
AMENDMENT_ID = UUID(int=801)


# -- campaign and plan-schedule ----------------------------------------------------------------

def test_campaign_is_opened_by_an_order_with_a_derived_id() -> None:
    outcome = given().when(lambda _: AcceptanceCampaign.open(
        municipality=MUNICIPALITY, academic_year=YEAR, meta=meta())).then(Opened)
    assert outcome.aggregate.id == AcceptanceCampaign.stream_id(MUNICIPALITY, YEAR)
    assert outcome.aggregate.basis_order.number == "412"
    given().when(lambda _: AcceptanceCampaign.open(
        municipality=MUNICIPALITY, academic_year=YEAR, meta=make_meta(basis=None),
    )).then_raises(InvalidInput, match="order")
    given().when(lambda _: AcceptanceCampaign.open(
        municipality=MUNICIPALITY, academic_year="2026-27", meta=meta(),
    )).then_raises(InvalidAcademicYear)


def plan(org: UUID, planned_on: date = MON_10_AUG, *, area: str = MUNICIPALITY
         ) -> Callable[[AcceptanceCampaign], None]:
    return lambda c: c.plan_organisation(
        entry=plan_entry(org, planned_on), organisation=school(org),
        commission=commission(area=area), calendar=RUSSIA, meta=meta())


def test_organisation_planned_on_a_working_day_before_september() -> None:
    given(campaign(ORG_A)).when(plan(ORG_B, TUE_11_AUG)).then(
        OrganisationPlanned, state=lambda c: c.entry(ORG_B).planned_on == TUE_11_AUG)
    given(campaign(ORG_A)).when(plan(ORG_B, SAT_8_AUG)).then_raises(NotAWorkingDay)
    given(campaign(ORG_A)).when(plan(ORG_B, date(2026, 9, 1))).then_raises(
        InvalidInput, match="before 2026-09-01")


def test_an_organisation_is_planned_once_by_a_commission_of_its_municipality() -> None:
    given(campaign(ORG_A)).when(plan(ORG_A)).then_raises(AlreadyInPlan)
    given(campaign(ORG_A)).when(plan(ORG_B, area="Орск")).then_raises(RuleViolated)


def test_only_open_organisations_of_the_municipality_are_planned() -> None:
    given(campaign(ORG_A)).when(lambda c: c.plan_organisation(
        entry=plan_entry(ORG_B), organisation=school(ORG_B, "Орск"), commission=commission(),
        calendar=RUSSIA, meta=meta(),
    )).then_raises(RuleViolated, match="Орск")
    closed = school(ORG_B)
    closed.close(reason="ликвидация", meta=meta())
    given(campaign(ORG_A)).when(lambda c: c.plan_organisation(
        entry=plan_entry(ORG_B), organisation=closed, commission=commission(),
        calendar=RUSSIA, meta=meta(),
    )).then_raises(OrganisationClosed)


def test_plan_changes_carry_a_reason() -> None:
    outcome = given(campaign(ORG_A)).when(lambda c: c.reschedule(
        organisation_id=ORG_A, planned_on=date(2026, 8, 14), reason="ремонт кровли не завершён",
        calendar=RUSSIA, meta=meta(),
    )).then(PlannedDateChanged, state=lambda c: c.entry(ORG_A).planned_on == date(2026, 8, 14))
    assert outcome.event().reason == "ремонт кровли не завершён"
    given(campaign(ORG_A)).when(lambda c: c.reschedule(
        organisation_id=ORG_A, planned_on=date(2026, 8, 14), reason=" ", calendar=RUSSIA,
        meta=meta(),
    )).then_raises(InvalidInput)
    given(campaign(ORG_A)).when(lambda c: c.reschedule(
        organisation_id=ORG_OUTSIDE, planned_on=date(2026, 8, 14), reason="x", calendar=RUSSIA,
        meta=meta(),
    )).then_raises(NotInPlan)


# -- daily protocols ---------------------------------------------------------------------------

def test_one_original_protocol_per_commission_and_working_day() -> None:
    given().when(lambda _: protocol(campaign())).then(
        ProtocolOpened, state=lambda p: p.id == AcceptanceProtocol.original_id(COMMISSION_ID,
                                                                                MON_10_AUG))
    given().when(lambda _: protocol(campaign(), SAT_8_AUG)).then_raises(NotAWorkingDay)
    given().when(lambda _: protocol(campaign(), protocol_id=UUID(int=1))).then_raises(
        InvalidInput)


def test_entries_for_organisations_in_the_plan() -> None:
    given(protocol(campaign())).when(lambda p: p.record_entry(
        entry=with_remarks(ORG_A), campaign=campaign(), meta=meta(MON_10_AUG),
    )).then(EntryRecorded, state=lambda p: ORG_A in p.entries)
    given(protocol(campaign())).when(lambda p: p.record_entry(
        entry=accepted(ORG_OUTSIDE), campaign=campaign(), meta=meta(MON_10_AUG),
    )).then_raises(NotInPlan, match="not in the 2026/2027 acceptance plan")


def test_an_organisation_appears_once_per_protocol() -> None:
    opened = protocol(campaign())
    opened.record_entry(entry=accepted(ORG_A), campaign=campaign(), meta=meta(MON_10_AUG))
    given(opened).when(lambda p: p.record_entry(
        entry=accepted(ORG_A), campaign=campaign(), meta=meta(MON_10_AUG),
    )).then_raises(AlreadyInProtocol)


def test_result_and_deficiencies_agree() -> None:
    for bad in (
        ProtocolEntry(ORG_A, accepted(ORG_A).result, (deficiency(),)),
        ProtocolEntry(ORG_A, not_accepted(ORG_A).result, ()),
        ProtocolEntry(ORG_A, with_remarks(ORG_A).result, ()),
        with_remarks(ORG_A, deficiency(remedy_by=MON_10_AUG)),
        with_remarks(ORG_A, deficiency(), deficiency()),
    ):
        given(protocol(campaign())).when(lambda p, bad=bad: p.record_entry(
            entry=bad, campaign=campaign(), meta=meta(MON_10_AUG),
        )).then_raises(InvalidEntry)


def test_signed_by_the_chair_with_the_members_present() -> None:
    opened = protocol(campaign())
    opened.record_entry(entry=accepted(ORG_A), campaign=campaign(), meta=meta(MON_10_AUG))
    outcome = given(opened).when(lambda p: p.sign(
        commission=commission(), chair_id=CHAIR.member_id, members_present=(MEMBER.member_id,),
        meta=meta(MON_10_AUG),
    )).then(Signed, state=lambda p: p.signed)
    assert outcome.event().members_present == (CHAIR, MEMBER)


def test_signing_rules() -> None:
    empty = protocol(campaign())
    given(empty).when(lambda p: p.sign(commission=commission(), chair_id=CHAIR.member_id,
                                       members_present=(), meta=meta(MON_10_AUG))
                      ).then_raises(InvalidInput, match="at least one organisation")
    opened = protocol(campaign())
    opened.record_entry(entry=accepted(ORG_A), campaign=campaign(), meta=meta(MON_10_AUG))
    given(opened).when(lambda p: p.sign(commission=commission(), chair_id=MEMBER.member_id,
                                        members_present=(), meta=meta(MON_10_AUG))
                       ).then_raises(RuleViolated, match="chair")
    given(opened).when(lambda p: p.sign(commission=commission(), chair_id=CHAIR.member_id,
                                        members_present=(STRANGER,), meta=meta(MON_10_AUG))
                       ).then_raises(MemberNotOnCommission)


def test_a_signed_protocol_is_immutable() -> None:
    closed = signed(campaign(), MON_10_AUG, accepted(ORG_A))
    given(closed).when(lambda p: p.record_entry(
        entry=accepted(ORG_B), campaign=campaign(), meta=meta(MON_10_AUG),
    )).then_raises(ProtocolSigned, match="amending protocol")
    given(closed).when(lambda p: p.sign(
        commission=commission(), chair_id=CHAIR.member_id, members_present=(),
        meta=meta(MON_10_AUG),
    )).then_raises(ProtocolSigned)


def test_an_amending_protocol_names_the_signed_original() -> None:
    on = campaign()
    original = signed(on, MON_10_AUG, accepted(ORG_A))
    outcome = given().when(lambda _: protocol(on, amends=original, protocol_id=AMENDMENT_ID)
                           ).then(ProtocolOpened)
    assert outcome.event().amends == original.id
    unsigned = protocol(on, TUE_11_AUG)
    given().when(lambda _: protocol(on, TUE_11_AUG, amends=unsigned, protocol_id=AMENDMENT_ID)
                 ).then_raises(ProtocolNotSigned)
    given().when(lambda _: protocol(on, TUE_11_AUG, amends=original, protocol_id=AMENDMENT_ID)
                 ).then_raises(InvalidInput, match="same commission and day")
    given().when(lambda _: protocol(on, amends=original)).then_raises(InvalidInput)


# -- remedies ----------------------------------------------------------------------------------

def remedy(deficiency_id: UUID = DEFICIENCY_1) -> Remedy:
    return Remedy(deficiency_id, date(2026, 8, 20), "акт проверки АПС от 20.08.2026 № 17")


def test_remedy_protocol_confirms_known_deficiencies() -> None:
    found = {DEFICIENCY_1: deficiency()}
    given(campaign()).when(lambda c: c.confirm_remedies(
        remedy_protocol_id=UUID(int=1), organisation_id=ORG_A, remedies=(remedy(),),
        found=found, meta=meta(),
    )).then(RemediesConfirmed, state=lambda c: DEFICIENCY_1 in c.remedies)
    given(campaign()).when(lambda c: c.confirm_remedies(
        remedy_protocol_id=UUID(int=1), organisation_id=ORG_A, remedies=(remedy(UUID(int=3)),),
        found=found, meta=meta(),
    )).then_raises(DeficiencyNotFound)
    twice = campaign()
    twice.confirm_remedies(remedy_protocol_id=UUID(int=1), organisation_id=ORG_A,
                           remedies=(remedy(),), found=found, meta=meta())
    given(twice).when(lambda c: c.confirm_remedies(
        remedy_protocol_id=UUID(int=2), organisation_id=ORG_A, remedies=(remedy(),),
        found=found, meta=meta(),
    )).then_raises(AlreadyRemedied, match="2026-08-20")


def test_remedy_needs_evidence() -> None:
    given(campaign()).when(lambda c: c.confirm_remedies(
        remedy_protocol_id=UUID(int=1), organisation_id=ORG_A,
        remedies=(Remedy(DEFICIENCY_1, date(2026, 8, 20), " "),),
        found={DEFICIENCY_1: deficiency()}, meta=meta(),
    )).then_raises(InvalidInput, match="evidence")


def test_unplanned_org_has_no_remedies() -> None:
    given(campaign()).when(lambda c: c.confirm_remedies(
        remedy_protocol_id=UUID(int=1), organisation_id=ORG_OUTSIDE, remedies=(remedy(),),
        found={}, meta=meta(),
    )).then_raises(NotInPlan)
