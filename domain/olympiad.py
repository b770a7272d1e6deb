"""The all-Russian school olympiad in one subject for one academic year (Smolensk 493 item 5.7):
stages planned and held, participants' applications, results, requests to see the results,
appeals of results with their outcomes, and past years' results imported with their basis.

Result events name the year, the subject and the stage level, so a learner's digital profile
can show the achievement without looking anything up.
"""

# Event method parameters are the event's stored fields, used by the body or not.

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.academic_year import academic_year_bounds, validate_academic_year
from domain.envelope import Meta
from domain.errors import InvalidInput
from domain.olympiad_values import (
    AlreadyApplied,
    AppealNotFound,
    AppealOutcome,
    AppealPending,
    HistoricalResult,
    ImportedResult,
    NotAPastYear,
    NotApplied,
    ResultExists,
    ResultNotFound,
    ResultStatus,
    Stage,
    StageAlreadyHeld,
    StageExists,
    StageLevel,
    StageNotFound,
    StageNotHeld,
    check_grade,
    check_score,
)

# Fixed for ever: every olympiad stream id is derived from it.
OLYMPIAD_NAMESPACE = UUID("5e8a1c37-2b4d-5f60-9a71-c3d2e4f5a6b8")


@dataclass(frozen=True)
class Result:
    score: str
    status: ResultStatus
    imported: bool


def _text(value: str, what: str) -> None:
    if not value.strip() or value != value.strip():
        raise InvalidInput(f"{what} must be non-empty and unpadded")


class Olympiad(Aggregate):
    """One subject's olympiad of one academic year, all its stages and results."""

    @staticmethod
    def stream_id(academic_year: str, subject: str) -> UUID:
        return uuid5(OLYMPIAD_NAMESPACE, json.dumps([academic_year, subject]))

    @staticmethod
    def create_id(academic_year: str, subject: str, meta: Meta, timestamp: datetime) -> UUID:
        return Olympiad.stream_id(academic_year, subject)

    @classmethod
    def announce(cls, *, academic_year: str, subject: str, meta: Meta) -> Olympiad:
        """Announce the olympiad by the education authority's order in `meta.basis`."""
        validate_academic_year(academic_year)
        _text(subject, "the subject")
        if meta.basis is None:
            raise InvalidInput("an olympiad is announced by an order: give the basis")
        return cls(academic_year=academic_year, subject=subject, meta=meta,
                   timestamp=meta.recorded_at)

    @event("Announced")
    def __init__(self, academic_year: str, subject: str, meta: Meta, timestamp: datetime) -> None:
        self.academic_year = academic_year
        self.subject = subject
        self.stages: dict[UUID, Stage] = {}
        self.held: dict[UUID, date] = {}
        self.applicants: dict[UUID, int] = {}  # learner -> grade of participation
        self.results: dict[tuple[UUID, UUID], Result] = {}  # (stage, learner)
        self.appeals: dict[UUID, tuple[UUID, UUID, AppealOutcome | None]] = {}

    def stage(self, stage_id: UUID) -> Stage:
        try:
            return self.stages[stage_id]
        except KeyError:
            raise StageNotFound(f"stage {stage_id} is not planned in the {self.subject} "
                                f"olympiad of {self.academic_year}") from None

    def _check_new_stage(self, stage: Stage) -> None:
        if stage.stage_id in self.stages:
            raise StageExists(f"stage {stage.stage_id} is already planned")
        _text(stage.area, "the stage's area")
        if stage.max_score <= 0:
            raise InvalidInput("a stage's maximum score must be positive")

    # -- stages --------------------------------------------------------------------------------

    def plan_stage(self, *, stage: Stage, meta: Meta) -> None:
        self._check_new_stage(stage)
        first, last = academic_year_bounds(self.academic_year)
        if not first <= stage.planned_on <= last:
            raise InvalidInput(f"the stage must fall within {self.academic_year}")
        self._stage_planned(stage=stage, meta=meta, timestamp=meta.recorded_at)

    @event("StagePlanned")
    def _stage_planned(self, stage: Stage, meta: Meta, timestamp: datetime) -> None:
        self.stages[stage.stage_id] = stage

    def hold_stage(self, *, stage_id: UUID, held_on: date, meta: Meta) -> None:
        """Record that the stage took place (its results may now be recorded)."""
        self.stage(stage_id)
        if stage_id in self.held:
            raise StageAlreadyHeld(f"stage {stage_id} was held on {self.held[stage_id]}")
        if held_on > meta.effective_on:
            raise InvalidInput("a stage is recorded as held on or after the day it was held")
        self._stage_held(stage_id=stage_id, held_on=held_on, meta=meta,
                         timestamp=meta.recorded_at)

    @event("StageHeld")
    def _stage_held(self, stage_id: UUID, held_on: date, meta: Meta, timestamp: datetime) -> None:
        self.held[stage_id] = held_on

    # -- participants and results --------------------------------------------------------------

    def apply(self, *, learner_id: UUID, organisation_id: UUID, grade: int, meta: Meta) -> None:
        """A participant's application (заявление на участие), for the grade they compete in."""
        check_grade(grade)
        if learner_id in self.applicants:
            raise AlreadyApplied(f"learner {learner_id} has applied to this olympiad already")
        self._participant_applied(learner_id=learner_id, organisation_id=organisation_id,
                                  grade=grade, meta=meta, timestamp=meta.recorded_at)

    @event("ParticipantApplied")
    def _participant_applied(self, learner_id: UUID, organisation_id: UUID, grade: int,
                             meta: Meta, timestamp: datetime) -> None:
        self.applicants[learner_id] = grade

    def record_result(self, *, stage_id: UUID, learner_id: UUID, score: str,
                      status: ResultStatus, meta: Meta) -> None:
        stage = self.stage(stage_id)
        if stage_id not in self.held:
            raise StageNotHeld(f"the {stage.level.value} stage {stage_id} has not been held: "
                               "results are recorded after it")
        if learner_id not in self.applicants:
            raise NotApplied(f"learner {learner_id} did not apply to this olympiad")
        if (stage_id, learner_id) in self.results:
            raise ResultExists(f"learner {learner_id} has a result at stage {stage_id}; "
                               "a change goes through an appeal")
        check_score(score, status, stage.max_score)
        self._result_recorded(stage_id=stage_id, level=stage.level, learner_id=learner_id,
                              score=score, status=status, academic_year=self.academic_year,
                              subject=self.subject, meta=meta, timestamp=meta.recorded_at)

    @event("ResultRecorded")
    def _result_recorded(self, stage_id: UUID, level: StageLevel, learner_id: UUID, score: str,
                         status: ResultStatus, academic_year: str, subject: str, meta: Meta,
                         timestamp: datetime) -> None:
        self.results[(stage_id, learner_id)] = Result(score, status, imported=False)

    def result(self, stage_id: UUID, learner_id: UUID) -> Result:
        try:
            return self.results[(stage_id, learner_id)]
        except KeyError:
            raise ResultNotFound(f"learner {learner_id} has no result at stage {stage_id}"
                                 ) from None

    def request_results(self, *, stage_id: UUID, learner_id: UUID, meta: Meta) -> None:
        """A participant's request to see their results and work (заявление на получение
        результатов)."""
        self.result(stage_id, learner_id)
        self._results_requested(stage_id=stage_id, learner_id=learner_id, meta=meta,
                                timestamp=meta.recorded_at)

    @event("ResultsRequested")
    def _results_requested(self, stage_id: UUID, learner_id: UUID, meta: Meta,
                           timestamp: datetime) -> None:
        pass  # a fact for the record: the participant asked, on this date

    # -- appeals -------------------------------------------------------------------------------

    def file_appeal(self, *, appeal_id: UUID, stage_id: UUID, learner_id: UUID, reason: str,
                    meta: Meta) -> None:
        """An appeal against the score (апелляция о несогласии с выставленными баллами)."""
        if self.result(stage_id, learner_id).imported:
            raise HistoricalResult("an imported result of a past year cannot be appealed here")
        _text(reason, "the appeal's reason")
        if appeal_id in self.appeals:
            raise InvalidInput(f"appeal {appeal_id} is already filed")
        if any(s == stage_id and p == learner_id and o is None
               for s, p, o in self.appeals.values()):
            raise AppealPending(f"learner {learner_id} has an undecided appeal at this stage")
        self._appeal_filed(appeal_id=appeal_id, stage_id=stage_id, learner_id=learner_id,
                           reason=reason, meta=meta, timestamp=meta.recorded_at)

    @event("AppealFiled")
    def _appeal_filed(self, appeal_id: UUID, stage_id: UUID, learner_id: UUID, reason: str,
                      meta: Meta, timestamp: datetime) -> None:
        self.appeals[appeal_id] = (stage_id, learner_id, None)

    def decide_appeal(self, *, appeal_id: UUID, outcome: AppealOutcome, score: str,
                      status: ResultStatus, meta: Meta) -> None:
        """The jury's decision: the score (and status) changed, or unchanged (`score` and
        `status` then repeat the current ones)."""
        if appeal_id not in self.appeals:
            raise AppealNotFound(f"there is no appeal {appeal_id} in this olympiad")
        stage_id, learner_id, decided = self.appeals[appeal_id]
        if decided is not None:
            raise InvalidInput(f"appeal {appeal_id} was decided: {decided.value}")
        current = self.result(stage_id, learner_id)
        changed = (score, status) != (current.score, current.status)
        if changed != (outcome is AppealOutcome.SCORE_CHANGED):
            raise InvalidInput("a changed score comes with outcome score_changed, an unchanged "
                               "one with score_unchanged")
        stage = self.stage(stage_id)
        check_score(score, status, stage.max_score)
        self._appeal_decided(appeal_id=appeal_id, stage_id=stage_id, level=stage.level,
                             learner_id=learner_id, outcome=outcome, score=score, status=status,
                             academic_year=self.academic_year, subject=self.subject, meta=meta,
                             timestamp=meta.recorded_at)

    @event("AppealDecided")
    def _appeal_decided(self, appeal_id: UUID, stage_id: UUID, level: StageLevel, learner_id: UUID,
                        outcome: AppealOutcome, score: str, status: ResultStatus,
                        academic_year: str, subject: str, meta: Meta,
                        timestamp: datetime) -> None:
        self.appeals[appeal_id] = (stage_id, learner_id, outcome)
        self.results[(stage_id, learner_id)] = Result(score, status, imported=False)

    # -- past years ----------------------------------------------------------------------------

    def import_results(self, *, stage: Stage, held_on: date,
                       results: tuple[ImportedResult, ...], source: str, meta: Meta) -> None:
        """Record a past year's stage with its results (загрузка данных за прошлые годы), on
        the basis of the document in `meta.basis` (the protocol or order they come from)."""
        if meta.basis is None:
            raise InvalidInput("imported results need their basis document")
        _text(source, "the import source")
        if academic_year_bounds(self.academic_year)[1] >= meta.effective_on:
            raise NotAPastYear(f"{self.academic_year} is not over: record its results "
                               "stage by stage")
        self._check_new_stage(stage)
        first, last = academic_year_bounds(self.academic_year)
        if not first <= held_on <= last:
            raise InvalidInput(f"the stage was held within {self.academic_year}")
        if not results:
            raise InvalidInput("an import carries at least one result")
        learners = [r.learner_id for r in results]
        if len(set(learners)) != len(learners):
            raise InvalidInput("a learner is listed twice")
        for row in results:
            check_grade(row.grade)
            check_score(row.score, row.status, stage.max_score)
        self._results_imported(stage=stage, held_on=held_on, results=results, source=source,
                               academic_year=self.academic_year, subject=self.subject,
                               meta=meta, timestamp=meta.recorded_at)

    @event("ResultsImported")
    def _results_imported(self, stage: Stage, held_on: date, results: tuple[ImportedResult, ...],
                          source: str, academic_year: str, subject: str, meta: Meta,
                          timestamp: datetime) -> None:
        self.stages[stage.stage_id] = stage
        self.held[stage.stage_id] = held_on
        for row in results:
            self.results[(stage.stage_id, row.learner_id)] = Result(row.score, row.status,
                                                                    imported=True)


VALUE_TYPES: tuple[type, ...] = (StageLevel, ResultStatus, AppealOutcome, Stage,
                                 ImportedResult)
