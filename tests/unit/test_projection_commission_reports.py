"""Read model `commission_reports`: folded from events of the real aggregates, it agrees with the
domain's reports (domain/acceptance_reports.py) on the same history."""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from uuid import UUID

from domain.acceptance import AcceptanceCampaign
from domain.acceptance_protocol import AcceptanceProtocol
from domain.acceptance_reports import (
    ReadinessReport,
    RegionalReadinessReport,
    deficiencies_on_record,
    municipal_report,
    regional_report,
)
from domain.acceptance_values import PlanEntry, ProtocolEntry, Remedy
from domain.calendar_ru import RUSSIA
from domain.commission import Commission, CommissionPurpose
from projections.base import Row
from projections.commission_reports import (
    CAMPAIGNS,
    COMMISSION_REPORTS,
    PROTOCOLS,
    PUBLIC_CAMPAIGNS,
    YEARS,
    campaign_key,
    municipal,
    overdue,
    regional,
)
from projections.memory import MemoryRows, Tables
from tests.acceptance_builders import (
    CHAIR,
    COMMISSION_ID,
    DEFICIENCY_1,
    DEFICIENCY_2,
    MEMBER,
    MON_10_AUG,
    MUNICIPALITY,
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
    plan_entry,
    protocol,
    school,
    signed,
    with_remarks,
)
from tests.projection_checks import strict_fold

THU_20_AUG, FRI_21_AUG = date(2026, 8, 20), date(2026, 8, 21)
DEFICIENCY_3 = UUID(int=903)
DAYS = [date(2026, 8, d) for d in (9, 10, 12, 14, 15, 17, 20, 25, 26, 31)] + [date(2026, 9, 1)]


class Story:
    """Campaigns and protocols driven through the aggregates, every event kept in order."""

    def __init__(self, *orgs: UUID) -> None:
        self.events: list[Any] = []
        self.campaigns: list[AcceptanceCampaign] = []
        self.protocols: dict[UUID, AcceptanceProtocol] = {}
        self.on = self.open(campaign(*orgs))

    def open(self, opened: AcceptanceCampaign) -> AcceptanceCampaign:
        self.campaigns.append(opened)
        self.events.extend(opened.collect_events())
        return opened

    def sign(self, held_on: date, *entries: ProtocolEntry,
             amends: AcceptanceProtocol | None = None,
             protocol_id: UUID | None = None) -> AcceptanceProtocol:
        done = signed(self.on, held_on, *entries, amends=amends, protocol_id=protocol_id)
        self.protocols[done.id] = done
        self.events.extend(done.collect_events())  # the protocol's events, then the filing
        self.events.extend(self.on.collect_events())
        return done

    def remedy(self, organisation_id: UUID, *remedies: Remedy) -> Story:
        self.on.confirm_remedies(
            remedy_protocol_id=UUID(int=len(self.events)), organisation_id=organisation_id,
            remedies=remedies,
            found=deficiencies_on_record(self.on, self.protocols, organisation_id), meta=meta())
        self.events.extend(self.on.collect_events())
        return self

    def reschedule(self, organisation_id: UUID, planned_on: date) -> Story:
        self.on.reschedule(organisation_id=organisation_id, planned_on=planned_on,
                           reason="ремонт кровли", calendar=RUSSIA, meta=meta())
        self.events.extend(self.on.collect_events())
        return self

    def fold(self) -> Tables:
        return strict_fold(COMMISSION_REPORTS, self.events)

    def row(self, table: str = CAMPAIGNS) -> Row:
        return self.fold()[table][str(self.on.id)]


def report_json(report: ReadinessReport) -> Row:
    """The domain's municipal report in the read model's JSON form."""
    return {
        "municipality": report.municipality, "academic_year": report.academic_year,
        "as_of": report.as_of.isoformat(), "planned": report.planned,
        "by_result": {r.value: n for r, n in report.by_result.items()},
        "not_inspected": [{"organisation_id": str(n.organisation_id),
                           "planned_on": n.planned_on.isoformat(), "overdue": n.overdue}
                          for n in report.not_inspected],
        "open_deficiencies": report.open_deficiencies,
        "overdue_deficiencies": [
            {"deficiency_id": str(o.deficiency.deficiency_id),
             "organisation_id": str(o.organisation_id), "found_on": o.found_on.isoformat(),
             "category": o.deficiency.category.value, "description": o.deficiency.description,
             "remedy_by": o.deficiency.remedy_by.isoformat(), "remedied_on": None,
             "municipality": report.municipality, "academic_year": report.academic_year}
            for o in report.overdue_deficiencies],
    }


def regional_json(report: RegionalReadinessReport) -> Row:
    return {
        "academic_year": report.academic_year, "as_of": report.as_of.isoformat(),
        "municipalities": [report_json(r) for r in report.municipalities],
        "planned": report.planned, "by_result": {r.value: n for r, n in report.by_result.items()},
        "not_inspected": report.not_inspected, "open_deficiencies": report.open_deficiencies,
        "overdue_deficiencies": report.overdue_deficiencies,
    }


def agrees(story: Story) -> Tables:
    """Both report tables give the domain's municipal report on every day of the season."""
    tables = story.fold()
    for on in DAYS:
        expected = report_json(municipal_report(story.on, story.protocols, on))
        for table in (CAMPAIGNS, PUBLIC_CAMPAIGNS):
            assert municipal(tables[table][str(story.on.id)], on) == expected, (table, on)
    return tables


def test_counts_not_inspected_and_overdue_deficiencies() -> None:
    story = Story()  # A on 10 Aug, B on 11 Aug, C on 12 Aug
    story.sign(MON_10_AUG, with_remarks(ORG_A, deficiency(DEFICIENCY_1, date(2026, 8, 15))))
    story.sign(TUE_11_AUG, not_accepted(ORG_B, deficiency(DEFICIENCY_2, date(2026, 8, 25))))
    row = agrees(story)[CAMPAIGNS][str(story.on.id)]
    assert row["planned"] == 3
    assert row["by_result"] == {"accepted": 0, "accepted_with_remarks": 1, "not_accepted": 1}
    assert row["not_inspected"] == [{"organisation_id": str(ORG_C), "planned_on": "2026-08-12"}]
    assert [(d["deficiency_id"], d["remedy_by"], d["remedied_on"])
            for d in row["deficiencies"]] == [(str(DEFICIENCY_1), "2026-08-15", None),
                                              (str(DEFICIENCY_2), "2026-08-25", None)]
    assert [d["deficiency_id"] for d in overdue([row], date(2026, 8, 17))] == [str(DEFICIENCY_1)]
    assert overdue([row], date(2026, 8, 15)) == []  # due on the 15th: overdue from the 16th


def test_a_repeat_visit_accepts_and_a_remedy_closes_the_deficiency() -> None:
    story = Story()
    story.sign(TUE_11_AUG, not_accepted(ORG_B, deficiency(DEFICIENCY_2)))
    mid = agrees(story)[CAMPAIGNS][str(story.on.id)]
    assert mid["by_result"]["not_accepted"] == 1
    story.sign(THU_20_AUG, accepted(ORG_B))
    after_visit = agrees(story)[CAMPAIGNS][str(story.on.id)]
    assert after_visit["open_deficiencies"] == 1  # open until a remedy protocol confirms it
    story.remedy(ORG_B, Remedy(DEFICIENCY_2, date(2026, 8, 19), "фотофиксация"))
    row = agrees(story)[CAMPAIGNS][str(story.on.id)]
    assert row["by_result"] == {"accepted": 1, "accepted_with_remarks": 0, "not_accepted": 0}
    assert row["open_deficiencies"] == 0
    assert row["deficiencies"][0]["remedied_on"] == "2026-08-19"
    org_b = next(o for o in row["organisations"] if o["organisation_id"] == str(ORG_B))
    assert org_b["result"] == "accepted"
    assert (org_b["inspected_from"], org_b["inspected_to"]) == ("2026-08-11", "2026-08-20")
    assert [v["result"] for v in org_b["visits"]] == ["not_accepted", "accepted"]


def test_an_amending_protocol_replaces_the_original_entries() -> None:
    story = Story()
    original = story.sign(MON_10_AUG, not_accepted(ORG_A), accepted(ORG_B))
    story.sign(MON_10_AUG, with_remarks(ORG_A, deficiency(DEFICIENCY_2)),
               amends=original, protocol_id=UUID(int=801))
    row = agrees(story)[CAMPAIGNS][str(story.on.id)]
    assert row["by_result"] == {"accepted": 0, "accepted_with_remarks": 1, "not_accepted": 0}
    assert [d["deficiency_id"] for d in row["deficiencies"]] == [str(DEFICIENCY_2)]
    # B was only in the original: the amendment restates the day, so B is not inspected.
    assert [n["organisation_id"] for n in row["not_inspected"]] == [str(ORG_B), str(ORG_C)]
    assert [p["protocol_id"] for p in row["protocols"]] == [str(original.id), str(UUID(int=801))]


def test_an_unsigned_protocol_does_not_count() -> None:
    story = Story()
    story.sign(MON_10_AUG, accepted(ORG_A))
    draft = protocol(story.on, TUE_11_AUG)
    draft.record_entry(entry=not_accepted(ORG_B), campaign=story.on, meta=meta(TUE_11_AUG))
    story.events.extend(draft.collect_events())
    tables = agrees(story)
    row = tables[CAMPAIGNS][str(story.on.id)]
    assert row["by_result"]["not_accepted"] == 0
    assert [p["protocol_id"] for p in row["pending"]] == [str(draft.id)]
    assert tables[PROTOCOLS][str(draft.id)] == {"protocol_id": str(draft.id),
                                                "campaign_id": str(story.on.id)}


def test_a_moved_planned_date_counts_from_the_new_date() -> None:
    story = Story().reschedule(ORG_C, date(2026, 8, 26))
    row = agrees(story)[CAMPAIGNS][str(story.on.id)]
    assert row["not_inspected"][-1] == {"organisation_id": str(ORG_C),
                                        "planned_on": "2026-08-26"}
    plan_c = next(p for p in row["plan"] if p["organisation_id"] == str(ORG_C))
    assert [r["planned_on"] for r in plan_c["reschedules"]] == ["2026-08-26"]


def test_the_public_subset_has_no_personal_or_internal_data() -> None:
    story = Story()
    story.sign(MON_10_AUG, with_remarks(ORG_A, deficiency(DEFICIENCY_1)),
               not_accepted(ORG_B, deficiency(DEFICIENCY_3, date(2026, 8, 14))))
    story.remedy(ORG_A, Remedy(DEFICIENCY_1, date(2026, 8, 12), "акт проверки АПС № 17"))
    story.reschedule(ORG_C, date(2026, 8, 26))
    tables = agrees(story)
    public = tables[PUBLIC_CAMPAIGNS][str(story.on.id)]
    full = tables[CAMPAIGNS][str(story.on.id)]
    text = json.dumps(public, ensure_ascii=False)
    for secret in (CHAIR.full_name, MEMBER.full_name, CHAIR.position, plan_entry(ORG_A).head,
                   "акт проверки АПС № 17", "ремонт кровли"):
        assert secret not in text
        assert secret in json.dumps(full, ensure_ascii=False)
    for name in ("planned", "by_result", "not_inspected", "open_deficiencies", "organisations",
                 "deficiencies"):
        assert public[name] == full[name]
    assert public["deficiencies"][1]["remedy_by"] == "2026-08-25"
    assert public["plan"][0] == {"organisation_id": str(ORG_A), "planned_on": "2026-08-10",
                                 "commission_id": str(COMMISSION_ID),
                                 "founder": plan_entry(ORG_A).founder}


def test_regional_report_consolidates_the_campaigns_of_the_year() -> None:
    story = Story()
    story.sign(MON_10_AUG, not_accepted(ORG_A, deficiency(DEFICIENCY_1, date(2026, 8, 14))))
    orsk_commission = Commission.form(
        commission_id=COMMISSION_ID, purpose=CommissionPurpose.SCHOOL_YEAR_ACCEPTANCE,
        name="Комиссия г. Орска", area="Орск", chair=CHAIR, members=(MEMBER,), meta=meta())
    orsk = AcceptanceCampaign.open(municipality="Орск", academic_year=YEAR, meta=meta())
    orsk.plan_organisation(entry=PlanEntry(UUID(int=21), FRI_21_AUG, COMMISSION_ID, "УО Орска",
                                           "директор"),
                           organisation=school(UUID(int=21), "Орск"), commission=orsk_commission,
                           calendar=RUSSIA, meta=meta())
    story.open(orsk)
    other_year = AcceptanceCampaign.open(municipality=MUNICIPALITY, academic_year="2027/2028",
                                         meta=meta())
    story.open(other_year)
    tables = story.fold()
    assert [c["municipality"] for c in tables[YEARS][YEAR]["campaigns"]] == ["Оренбург", "Орск"]
    assert campaign_key("Орск", YEAR) == str(orsk.id)
    rows = MemoryRows(tables)
    for on in DAYS:
        expected = regional_json(regional_report(YEAR, on, [
            municipal_report(c, story.protocols if c is story.on else {}, on)
            for c in story.campaigns]))
        assert regional(rows, YEAR, on) == expected
        assert regional(rows, YEAR, on, CAMPAIGNS) == expected
    assert regional(rows, "2025/2026", MON_10_AUG)["planned"] == 0
    assert [d["municipality"] for d in overdue(tables[CAMPAIGNS].values(), FRI_21_AUG)] == [
        "Оренбург"]


def test_events_of_an_unknown_campaign_or_protocol_change_nothing() -> None:
    story = Story()
    done = story.sign(MON_10_AUG, accepted(ORG_A))
    protocol_events = [e for e in story.events if e.originator_id == done.id]
    tables = strict_fold(COMMISSION_REPORTS, protocol_events)  # no campaign, no plan
    assert tables[CAMPAIGNS] == {}
    assert tables[PUBLIC_CAMPAIGNS] == {}
