"""The all-Russian school olympiad: given/when/then for every rule and bad input."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import UUID

from domain.academic_year import InvalidAcademicYear
from domain.errors import InvalidInput
from domain.olympiad import Olympiad
from domain.olympiad_values import (
    AlreadyApplied,
    AppealNotFound,
    AppealOutcome,
    AppealPending,
    HistoricalResult,
    ImportedResult,
    InvalidScore,
    NotAPastYear,
    NotApplied,
    ResultExists,
    ResultNotFound,
    ResultStatus,
    StageAlreadyHeld,
    StageExists,
    StageLevel,
    StageNotFound,
    StageNotHeld,
    StatusNeedsScore,
)
from tests.gwt import given
from tests.olympiad_builders import (
    ANNA,
    APPEAL,
    BORIS,
    MUNICIPAL_STAGE,
    OCT_1,
    OCT_2,
    OCT_20,
    PAST_YEAR,
    SCHOOL_ORG,
    SCHOOL_STAGE,
    SUBJECT,
    VERA,
    YEAR,
    announced,
    held,
    meta,
    past_results,
    stage,
    with_appeal,
    with_result,
)

Announced = getattr(Olympiad, "Announced")  # noqa: B009
StagePlanned = getattr(Olympiad, "StagePlanned")  # noqa: B009
StageHeld = getattr(Olympiad, "StageHeld")  # noqa: B009
Applied = getattr(Olympiad, "ParticipantApplied")  # noqa: B009
ResultRecorded = getattr(Olympiad, "ResultRecorded")  # noqa: B009
ResultsRequested = getattr(Olympiad, "ResultsRequested")  # noqa: B009
AppealFiled = getattr(Olympiad, "AppealFiled")  # noqa: B009
AppealDecided = getattr(Olympiad, "AppealDecided")  # noqa: B009
ResultsImported = getattr(Olympiad, "ResultsImported")  # noqa: B009
WINNER, PRIZE, PARTICIPANT = (ResultStatus.WINNER, ResultStatus.PRIZE_WINNER,
                              ResultStatus.PARTICIPANT)


def result(learner: UUID = ANNA, score: str = "30", status: ResultStatus = PRIZE,
           stage_id: UUID = SCHOOL_STAGE) -> Callable[[Olympiad], None]:
    return lambda o: o.record_result(stage_id=stage_id, learner_id=learner, score=score,
                                     status=status, meta=meta(OCT_20))


def test_announced_by_an_order_one_stream_per_year_and_subject() -> None:
    outcome = given().when(lambda _: Olympiad.announce(
        academic_year=YEAR, subject=SUBJECT, meta=meta())).then(Announced)
    assert outcome.aggregate.id == Olympiad.stream_id(YEAR, SUBJECT)
    assert Olympiad.stream_id(YEAR, SUBJECT) != Olympiad.stream_id(YEAR, "Физика")
    given().when(lambda _: Olympiad.announce(academic_year=YEAR, subject=SUBJECT,
                                             meta=meta(basis=None))).then_raises(InvalidInput)
    given().when(lambda _: Olympiad.announce(academic_year="2026", subject=SUBJECT,
                                             meta=meta())).then_raises(InvalidAcademicYear)
    given().when(lambda _: Olympiad.announce(academic_year=YEAR, subject=" ",
                                             meta=meta())).then_raises(InvalidInput)


def test_stages_are_planned_within_the_year_and_held_once() -> None:
    regional = stage(UUID(int=403), StageLevel.REGIONAL, date(2027, 1, 20), 100)
    given(announced()).when(lambda o: o.plan_stage(stage=regional, meta=meta())).then(
        StagePlanned, state=lambda o: o.stage(regional.stage_id).level is StageLevel.REGIONAL)
    given(announced()).when(lambda o: o.plan_stage(stage=stage(), meta=meta())).then_raises(
        StageExists)
    given(announced()).when(lambda o: o.plan_stage(
        stage=stage(UUID(int=404), planned_on=date(2027, 9, 1)), meta=meta())).then_raises(
        InvalidInput, match="within")
    given(announced()).when(lambda o: o.plan_stage(
        stage=stage(UUID(int=404), max_score=0), meta=meta())).then_raises(InvalidInput)
    given(announced()).when(lambda o: o.hold_stage(
        stage_id=SCHOOL_STAGE, held_on=OCT_1, meta=meta(OCT_2))).then(
        StageHeld, state=lambda o: o.held[SCHOOL_STAGE] == OCT_1)
    given(held()).when(lambda o: o.hold_stage(
        stage_id=SCHOOL_STAGE, held_on=OCT_1, meta=meta(OCT_2))).then_raises(StageAlreadyHeld)
    given(announced()).when(lambda o: o.hold_stage(
        stage_id=UUID(int=499), held_on=OCT_1, meta=meta(OCT_2))).then_raises(StageNotFound)
    given(announced()).when(lambda o: o.hold_stage(
        stage_id=SCHOOL_STAGE, held_on=OCT_2, meta=meta(OCT_1))).then_raises(InvalidInput)


def test_one_application_per_learner_for_a_grade_4_to_11() -> None:
    given(announced()).when(lambda o: o.apply(
        learner_id=VERA, organisation_id=SCHOOL_ORG, grade=9, meta=meta(),
    )).then(Applied, state=lambda o: o.applicants[VERA] == 9)
    given(announced()).when(lambda o: o.apply(
        learner_id=ANNA, organisation_id=SCHOOL_ORG, grade=7, meta=meta())).then_raises(
        AlreadyApplied)
    for grade in (3, 12):
        given(announced()).when(lambda o, g=grade: o.apply(
            learner_id=VERA, organisation_id=SCHOOL_ORG, grade=g, meta=meta())).then_raises(
            InvalidInput)


def test_results_only_for_a_stage_that_was_held() -> None:
    outcome = given(held()).when(result()).then(ResultRecorded)
    assert (outcome.event().level, outcome.event().subject) == (StageLevel.SCHOOL, SUBJECT)
    given(announced()).when(result()).then_raises(StageNotHeld)
    given(held()).when(result(stage_id=UUID(int=499))).then_raises(StageNotFound)
    given(held()).when(result(stage_id=MUNICIPAL_STAGE)).then_raises(StageNotHeld)
    given(held()).when(result(VERA)).then_raises(NotApplied)
    given(with_result()).when(result()).then_raises(ResultExists, match="appeal")


def test_scores_are_exact_decimals_and_a_winner_scored_over_half() -> None:
    given(held()).when(result(score="37.5", status=WINNER)).then(ResultRecorded)
    for bad in ("abc", "51", "-1", "12.345", "NaN", " 12", "1e1000"):
        given(held()).when(result(score=bad, status=PARTICIPANT)).then_raises(InvalidScore)
    given(held()).when(result(score="25", status=PRIZE)).then_raises(StatusNeedsScore)
    given(held()).when(result(score="25", status=PARTICIPANT)).then(ResultRecorded)


def test_a_participant_may_ask_to_see_their_result() -> None:
    given(with_result()).when(lambda o: o.request_results(
        stage_id=SCHOOL_STAGE, learner_id=ANNA, meta=meta(OCT_20))).then(ResultsRequested)
    given(with_result()).when(lambda o: o.request_results(
        stage_id=SCHOOL_STAGE, learner_id=BORIS, meta=meta(OCT_20))).then_raises(ResultNotFound)


def test_an_appeal_is_of_a_recorded_result_one_at_a_time() -> None:
    given(with_result()).when(lambda o: o.file_appeal(
        appeal_id=APPEAL, stage_id=SCHOOL_STAGE, learner_id=ANNA, reason="задача 3",
        meta=meta(OCT_20))).then(AppealFiled)
    given(held()).when(lambda o: o.file_appeal(
        appeal_id=APPEAL, stage_id=SCHOOL_STAGE, learner_id=ANNA, reason="x",
        meta=meta(OCT_20))).then_raises(ResultNotFound)
    given(with_appeal()).when(lambda o: o.file_appeal(
        appeal_id=UUID(int=452), stage_id=SCHOOL_STAGE, learner_id=ANNA, reason="ещё раз",
        meta=meta(OCT_20))).then_raises(AppealPending)
    given(with_result()).when(lambda o: o.file_appeal(
        appeal_id=APPEAL, stage_id=SCHOOL_STAGE, learner_id=ANNA, reason=" ",
        meta=meta(OCT_20))).then_raises(InvalidInput)


def test_appeal_outcome_changes_the_score_or_keeps_it() -> None:
    given(with_appeal()).when(lambda o: o.decide_appeal(
        appeal_id=APPEAL, outcome=AppealOutcome.SCORE_CHANGED, score="41", status=WINNER,
        meta=meta(OCT_20),
    )).then(AppealDecided, state=lambda o: o.result(SCHOOL_STAGE, ANNA).score == "41")
    given(with_appeal()).when(lambda o: o.decide_appeal(
        appeal_id=APPEAL, outcome=AppealOutcome.SCORE_UNCHANGED, score="30", status=PRIZE,
        meta=meta(OCT_20))).then(AppealDecided)
    given(with_appeal()).when(lambda o: o.decide_appeal(
        appeal_id=APPEAL, outcome=AppealOutcome.SCORE_CHANGED, score="30", status=PRIZE,
        meta=meta(OCT_20))).then_raises(InvalidInput, match="score_changed")
    given(with_appeal()).when(lambda o: o.decide_appeal(
        appeal_id=UUID(int=499), outcome=AppealOutcome.SCORE_UNCHANGED, score="30",
        status=PRIZE, meta=meta(OCT_20))).then_raises(AppealNotFound)
    given(with_appeal()).when(lambda o: o.decide_appeal(
        appeal_id=APPEAL, outcome=AppealOutcome.SCORE_CHANGED, score="60", status=WINNER,
        meta=meta(OCT_20))).then_raises(InvalidScore)
    decided = with_appeal()
    decided.decide_appeal(appeal_id=APPEAL, outcome=AppealOutcome.SCORE_UNCHANGED, score="30",
                          status=PRIZE, meta=meta(OCT_20))
    given(decided).when(lambda o: o.decide_appeal(
        appeal_id=APPEAL, outcome=AppealOutcome.SCORE_UNCHANGED, score="30", status=PRIZE,
        meta=meta(OCT_20))).then_raises(InvalidInput, match="decided")


def past() -> Olympiad:
    return Olympiad.announce(academic_year=PAST_YEAR, subject=SUBJECT, meta=meta())


def import_(results: tuple[ImportedResult, ...] | None = None, on: date = date(2026, 9, 5),
            held_on: date = date(2024, 10, 3),
            with_basis: bool = True) -> Callable[[Olympiad], None]:
    return lambda o: o.import_results(
        stage=stage(UUID(int=410), planned_on=held_on), held_on=held_on,
        results=past_results() if results is None else results,
        source="протокол школьного этапа 2024 г.", meta=meta(on) if with_basis
        else meta(on, basis=None))


def test_past_years_results_are_imported_with_their_basis() -> None:
    outcome = given(past()).when(import_()).then(
        ResultsImported, state=lambda o: o.result(UUID(int=410), ANNA).imported)
    assert outcome.event().results[0].score == "48.5"
    given(past()).when(import_(with_basis=False)).then_raises(InvalidInput, match="basis")
    given(past()).when(import_(on=date(2025, 8, 31))).then_raises(NotAPastYear)
    given(announced()).when(import_(on=date(2026, 9, 5))).then_raises(NotAPastYear)
    given(past()).when(import_(results=())).then_raises(InvalidInput)
    given(past()).when(import_(results=past_results()[:1] * 2)).then_raises(InvalidInput,
                                                                         match="twice")
    given(past()).when(import_(results=(ImportedResult(ANNA, 5, "20", WINNER),))).then_raises(
        StatusNeedsScore)
    given(past()).when(import_(held_on=date(2026, 10, 3))).then_raises(InvalidInput,
                                                                       match="within")


def test_an_imported_result_is_not_appealed_here() -> None:
    imported = past()
    import_()(imported)
    given(imported).when(lambda o: o.file_appeal(
        appeal_id=APPEAL, stage_id=UUID(int=410), learner_id=ANNA, reason="x",
        meta=meta())).then_raises(HistoricalResult)
