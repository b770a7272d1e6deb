"""Acceptance reports as domain queries: municipal, regional, and the act of readiness."""

from __future__ import annotations

import dataclasses
from datetime import date
from uuid import UUID

from domain.acceptance_reports import (
    act_of_readiness,
    deficiencies_on_record,
    municipal_report,
    regional_report,
)
from domain.acceptance_values import AcceptanceResult, Remedy
from domain.organisation import Organisation, OrganisationDetails, OrganisationKind
from tests.acceptance_builders import (
    ACCEPTANCE_ORDER,
    CHAIR,
    DEFICIENCY_1,
    DEFICIENCY_2,
    MEMBER,
    MON_10_AUG,
    ORG_A,
    ORG_B,
    ORG_C,
    TUE_11_AUG,
    YEAR,
    accepted,
    campaign,
    deficiency,
    meta,
    not_accepted,
    signed,
    with_remarks,
)
from tests.factories import make_meta

ACCEPTED, REMARKS, REFUSED = (AcceptanceResult.ACCEPTED, AcceptanceResult.ACCEPTED_WITH_REMARKS,
                              AcceptanceResult.NOT_ACCEPTED)
THU_20_AUG = date(2026, 8, 20)


def test_counts_not_inspected_and_overdue_deficiencies() -> None:
    on = campaign()  # A on 10 Aug, B on 11 Aug, C on 12 Aug
    first = signed(on, MON_10_AUG, with_remarks(ORG_A, deficiency(DEFICIENCY_1, date(2026, 8, 15))))
    second = signed(on, TUE_11_AUG,
                    not_accepted(ORG_B, deficiency(DEFICIENCY_2, date(2026, 8, 25))))
    protocols = {first.id: first, second.id: second}

    report = municipal_report(on, protocols, as_of=date(2026, 8, 17))
    assert report.planned == 3
    assert report.by_result == {ACCEPTED: 0, REMARKS: 1, REFUSED: 1}
    assert [(r.organisation_id, r.overdue) for r in report.not_inspected] == [(ORG_C, True)]
    assert report.open_deficiencies == 2
    assert [r.deficiency.deficiency_id for r in report.overdue_deficiencies] == [DEFICIENCY_1]

    early = municipal_report(on, protocols, as_of=date(2026, 8, 12))
    assert [r.overdue for r in early.not_inspected] == [False]
    assert early.overdue_deficiencies == ()


def test_a_repeat_visit_accepts_and_a_remedy_closes_the_deficiency() -> None:
    on = campaign()
    first = signed(on, TUE_11_AUG, not_accepted(ORG_B, deficiency(DEFICIENCY_2)))
    repeat = signed(on, THU_20_AUG, accepted(ORG_B))
    protocols = {first.id: first, repeat.id: repeat}
    on.confirm_remedies(remedy_protocol_id=UUID(int=1), organisation_id=ORG_B,
                        remedies=(Remedy(DEFICIENCY_2, date(2026, 8, 19), "фотофиксация"),),
                        found=deficiencies_on_record(on, protocols, ORG_B), meta=meta())
    report = municipal_report(on, protocols, as_of=date(2026, 9, 1))
    assert report.by_result == {ACCEPTED: 1, REMARKS: 0, REFUSED: 0}
    assert report.open_deficiencies == 0


def test_an_amending_protocol_supersedes_the_original() -> None:
    on = campaign()
    original = signed(on, MON_10_AUG, not_accepted(ORG_A))
    amendment = signed(on, MON_10_AUG, with_remarks(ORG_A, deficiency(DEFICIENCY_2)),
                       amends=original, protocol_id=UUID(int=801))
    protocols = {original.id: original, amendment.id: amendment}
    report = municipal_report(on, protocols, as_of=date(2026, 8, 12))
    assert report.by_result == {ACCEPTED: 0, REMARKS: 1, REFUSED: 0}
    assert set(deficiencies_on_record(on, protocols, ORG_A)) == {DEFICIENCY_2}
    # The original is still in the stream, signed and unchanged.
    assert original.signed
    assert original.entries[ORG_A].result is REFUSED


def test_regional_report_consolidates_municipalities() -> None:
    on = campaign()
    first = signed(on, MON_10_AUG, accepted(ORG_A))
    orenburg = municipal_report(on, {first.id: first}, as_of=date(2026, 8, 17))
    other = municipal_report(campaign(ORG_C), {}, as_of=date(2026, 8, 17))
    other = dataclasses.replace(other, municipality="Орск")
    regional = regional_report(YEAR, date(2026, 8, 17), [other, orenburg])
    assert [r.municipality for r in regional.municipalities] == ["Оренбург", "Орск"]
    assert regional.planned == 4
    assert regional.by_result[ACCEPTED] == 1
    assert regional.not_inspected == 3
    assert regional_report("2027/2028", date(2026, 8, 17), [orenburg]).planned == 0


DETAILS = OrganisationDetails(
    full_name="МОАУ «Средняя общеобразовательная школа № 1» г. Оренбурга",
    short_name="МОАУ СОШ № 1", kind=OrganisationKind.SCHOOL, inn="7707083893",
    ogrn="1027700132195", municipality="Оренбург", legal_address="ул. Ленина, 1",
    actual_address="ул. Ленина, 1а",
)


def test_act_of_readiness_is_derived() -> None:
    school = Organisation.register(organisation_id=ORG_A, details=DETAILS, meta=make_meta())
    on = campaign()
    assert act_of_readiness(on, {}, school) is None
    first = signed(on, MON_10_AUG, with_remarks(ORG_A, deficiency(DEFICIENCY_1)))
    act = act_of_readiness(on, {first.id: first}, school)
    assert act is not None
    assert (act.organisation_name, act.legal_address, act.actual_address) == (
        DETAILS.full_name, "ул. Ленина, 1", "ул. Ленина, 1а")
    assert act.founder == "Управление образования администрации г. Оренбурга"
    assert act.head == "директор Орлова Наталья Сергеевна"
    assert act.basis_order == ACCEPTANCE_ORDER
    assert (act.inspected_from, act.inspected_to) == (MON_10_AUG, MON_10_AUG)
    assert act.result is REMARKS
    assert (act.chair, act.members) == (CHAIR, (CHAIR, MEMBER))
    assert [d.deficiency_id for d in act.open_deficiencies] == [DEFICIENCY_1]
