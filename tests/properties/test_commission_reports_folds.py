"""Random acceptance seasons folded into `commission_reports`: the read model's municipal report
equals the domain's on every day, and folding in two chunks with a JSON round trip between them
(a restart from stored rows) equals folding at once."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from domain.acceptance_protocol import AcceptanceProtocol
from domain.acceptance_reports import deficiencies_on_record, municipal_report
from domain.acceptance_values import (
    AcceptanceResult,
    Deficiency,
    DeficiencyCategory,
    ProtocolEntry,
    Remedy,
)
from domain.calendar_ru import RUSSIA
from domain.errors import DomainError
from projections.commission_reports import (
    CAMPAIGNS,
    COMMISSION_REPORTS,
    PUBLIC_CAMPAIGNS,
    municipal,
)
from projections.memory import Tables
from tests.acceptance_builders import ORG_A, ORG_B, ORG_C, campaign, meta, protocol
from tests.projection_checks import strict_apply, strict_fold
from tests.unit.test_projection_commission_reports import Story, report_json

ORGS = [ORG_A, ORG_B, ORG_C]
WORKING_DAYS = [date(2026, 8, d) for d in (10, 11, 12, 13, 14, 17, 18, 19)]
DEFICIENCY_IDS = [UUID(int=950 + n) for n in range(5)]
ASK_ON = [date(2026, 8, d) for d in (9, 12, 15, 19, 22, 27)] + [date(2026, 9, 5)]

entries = st.lists(
    st.tuples(st.sampled_from(ORGS), st.sampled_from(list(AcceptanceResult)),
              st.lists(st.tuples(st.sampled_from(DEFICIENCY_IDS), st.integers(1, 20)),
                       min_size=1, max_size=2)),
    min_size=1, max_size=3)
ops = st.lists(st.one_of(
    st.tuples(st.just("sign"), st.sampled_from(WORKING_DAYS), entries),
    st.tuples(st.just("amend"), st.sampled_from(WORKING_DAYS), entries),
    st.tuples(st.just("sign"), st.sampled_from(WORKING_DAYS), entries),
    st.tuples(st.just("draft"), st.sampled_from(WORKING_DAYS), entries),
    st.tuples(st.just("remedy"), st.sampled_from(ORGS), st.sampled_from(DEFICIENCY_IDS),
              st.integers(0, 20)),
    st.tuples(st.just("remedy"), st.sampled_from(ORGS), st.sampled_from(DEFICIENCY_IDS),
              st.integers(0, 20)),
    st.tuples(st.just("reschedule"), st.sampled_from(ORGS), st.sampled_from(WORKING_DAYS)),
), max_size=16)


def _entries(held_on: date, raw: list[Any]) -> list[ProtocolEntry]:
    made: dict[UUID, ProtocolEntry] = {}
    for org, result, found in raw:
        by_id = {} if result is AcceptanceResult.ACCEPTED else dict(found)  # valid entries
        deficiencies = tuple(Deficiency(d, DeficiencyCategory.SANITARY, f"замечание {d.int}",
                                        held_on + timedelta(days=k)) for d, k in by_id.items())
        made.setdefault(org, ProtocolEntry(org, result, deficiencies))
    return list(made.values())


class Season(Story):
    def __init__(self) -> None:
        super().__init__()
        self.originals: dict[date, AcceptanceProtocol] = {}
        self.extra = 0

    def run(self, op: tuple[Any, ...]) -> None:
        name, *args = op
        try:
            if name in ("sign", "amend", "draft"):
                self.protocol(name, args[0], _entries(args[0], args[1]))
            elif name == "remedy":
                org, deficiency_id, days = args
                self.remedy(org, Remedy(deficiency_id, date(2026, 8, 10) + timedelta(days),
                                        "акт"))
            else:
                org, day = args
                self.reschedule(org, day)
        except DomainError:
            self.on.collect_events()  # a refused command leaves nothing

    def protocol(self, name: str, held_on: date, found: list[ProtocolEntry]) -> None:
        amends = self.originals.get(held_on) if name == "amend" else None
        if name == "amend" and amends is None:
            return
        if name != "amend" and held_on in self.originals:
            return  # one original per commission and day (protocol_exists)
        self.extra += 1
        protocol_id = UUID(int=8000 + self.extra) if amends is not None else None
        if name == "draft":
            draft = protocol(self.on, held_on, protocol_id=protocol_id)
            for entry in found:
                draft.record_entry(entry=entry, campaign=self.on, meta=meta(held_on))
            self.events.extend(draft.collect_events())
            self.originals[held_on] = draft  # its id is taken, unsigned: cannot be amended
            return
        done = self.sign(held_on, *found, amends=amends, protocol_id=protocol_id)
        self.originals.setdefault(held_on, done)


@given(ops, st.integers(0, 40))
def test_random_seasons_agree_with_the_domain_and_restart_from_stored_rows(
        history: list[tuple[Any, ...]], cut: int) -> None:
    season = Season()
    for op in history:
        season.run(op)
    whole = strict_fold(COMMISSION_REPORTS, season.events)
    key = str(season.on.id)
    for on in ASK_ON:
        expected = report_json(municipal_report(season.on, season.protocols, on))
        assert municipal(whole[CAMPAIGNS][key], on) == expected
        assert municipal(whole[PUBLIC_CAMPAIGNS][key], on) == expected
    for org in ORGS:
        on_record = deficiencies_on_record(season.on, season.protocols, org)
        assert {d["deficiency_id"] for d in whole[CAMPAIGNS][key]["deficiencies"]
                if d["organisation_id"] == str(org)} <= {str(d) for d in on_record}

    cut = min(cut, len(season.events))
    first: Tables = json.loads(json.dumps(strict_fold(COMMISSION_REPORTS, season.events[:cut])))
    for event in season.events[cut:]:
        strict_apply(COMMISSION_REPORTS, first, event)
    assert first == whole


def test_the_builders_campaign_is_valid() -> None:
    assert RUSSIA.is_working_day(WORKING_DAYS[0])
    assert campaign().plan
