"""Read model `digital_profile`: olympiad results become the learner's achievements."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.learner import Learner
from domain.olympiad import Olympiad
from domain.olympiad_values import AppealOutcome, ResultStatus
from projections.digital_profile import DIGITAL_PROFILE, PROFILES
from tests.factories import make_meta
from tests.olympiad_builders import (
    ANNA,
    APPEAL,
    BORIS,
    OCT_20,
    PAST_YEAR,
    SCHOOL_STAGE,
    SUBJECT,
    YEAR,
    meta,
    past_results,
    stage,
    with_appeal,
)
from tests.projection_checks import strict_fold


def _events() -> list[Any]:
    events: list[Any] = []
    for learner_id in (ANNA, BORIS, UUID(int=103)):
        events.extend(Learner.register(learner_id=learner_id, meta=make_meta()).collect_events())
    past = Olympiad.announce(academic_year=PAST_YEAR, subject=SUBJECT, meta=meta())
    past.import_results(stage=stage(UUID(int=410), planned_on=date(2024, 10, 3)),
                        held_on=date(2024, 10, 3), results=past_results(),
                        source="протокол 2024 г.", meta=meta())
    events.extend(past.collect_events())
    current = with_appeal()
    current.decide_appeal(appeal_id=APPEAL, outcome=AppealOutcome.SCORE_CHANGED, score="41",
                          status=ResultStatus.WINNER, meta=meta(OCT_20))
    events.extend(current.collect_events())
    return events


def test_olympiad_results_are_achievements_with_appeals_applied() -> None:
    profiles = strict_fold(DIGITAL_PROFILE, _events())[PROFILES]
    anna = profiles[str(ANNA)]["achievements"]
    assert [(a["academic_year"], a["stage"], a["score"], a["status"], a["imported"],
             a["appeals"]) for a in anna] == [
        (PAST_YEAR, "school", "48.5", "winner", True, 0),
        (YEAR, "school", "41", "winner", False, 1),
    ]
    assert anna[1]["stage_id"] == str(SCHOOL_STAGE)
    assert anna[1]["effective_on"] == OCT_20.isoformat()  # the result's date, not the appeal's
    assert [a["status"] for a in profiles[str(BORIS)]["achievements"]] == ["participant"]
    assert profiles[str(UUID(int=103))]["achievements"] == []


def test_a_restart_from_stored_rows_gives_the_same_achievements() -> None:
    events = _events()
    whole = strict_fold(DIGITAL_PROFILE, events)
    for cut in (3, len(events) // 2, len(events) - 1):
        first = strict_fold(DIGITAL_PROFILE, events[:cut])
        assert strict_fold(DIGITAL_PROFILE, events[cut:], first) == whole
