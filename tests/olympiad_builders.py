"""Builders for olympiad tests: the 2026/2027 maths olympiad with a school stage."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.envelope import Actor, BasisDocument, Meta, Role
from domain.olympiad import Olympiad
from domain.olympiad_values import ImportedResult, ResultStatus, Stage, StageLevel
from tests.factories import make_meta

YEAR, PAST_YEAR, SUBJECT = "2026/2027", "2024/2025", "Математика"
SCHOOL_ORG = UUID(int=11)
ANNA, BORIS, VERA = UUID(int=101), UUID(int=102), UUID(int=103)
SCHOOL_STAGE, MUNICIPAL_STAGE = UUID(int=401), UUID(int=402)
APPEAL = UUID(int=451)
OCT_1, OCT_2, OCT_20 = date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 20)
ORGANISER = Actor(user_id="olympiad-organiser", role=Role.ADMINISTRATOR)
ORDER = BasisDocument(kind="order", number="01-21/900", dated=date(2026, 9, 1))


def meta(on: date = date(2026, 9, 5), basis: BasisDocument | None = ORDER) -> Meta:
    return make_meta(effective_on=on, actor=ORGANISER, basis=basis)


def stage(stage_id: UUID = SCHOOL_STAGE, level: StageLevel = StageLevel.SCHOOL,
          planned_on: date = OCT_1, max_score: int = 50) -> Stage:
    return Stage(stage_id, level, "МОАУ СОШ № 11", planned_on, max_score)


def announced() -> Olympiad:
    """The olympiad with its school stage planned and Анна and Борис applied."""
    olympiad = Olympiad.announce(academic_year=YEAR, subject=SUBJECT, meta=meta())
    olympiad.plan_stage(stage=stage(), meta=meta())
    olympiad.plan_stage(stage=stage(MUNICIPAL_STAGE, StageLevel.MUNICIPAL, date(2026, 11, 20)),
                        meta=meta())
    for learner in (ANNA, BORIS):
        olympiad.apply(learner_id=learner, organisation_id=SCHOOL_ORG, grade=7, meta=meta())
    return olympiad


def held() -> Olympiad:
    olympiad = announced()
    olympiad.hold_stage(stage_id=SCHOOL_STAGE, held_on=OCT_1, meta=meta(OCT_2))
    return olympiad


def with_result() -> Olympiad:
    """Анна is a prize-winner of the school stage with 30 of 50."""
    olympiad = held()
    olympiad.record_result(stage_id=SCHOOL_STAGE, learner_id=ANNA, score="30",
                           status=ResultStatus.PRIZE_WINNER, meta=meta(OCT_20))
    return olympiad


def with_appeal() -> Olympiad:
    olympiad = with_result()
    olympiad.file_appeal(appeal_id=APPEAL, stage_id=SCHOOL_STAGE, learner_id=ANNA,
                         reason="задача 3 оценена неверно", meta=meta(OCT_20))
    return olympiad


def past_results() -> tuple[ImportedResult, ...]:
    return (ImportedResult(ANNA, 5, "48.5", ResultStatus.WINNER),
            ImportedResult(BORIS, 5, "12", ResultStatus.PARTICIPANT))
