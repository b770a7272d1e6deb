"""State final attestation (ГИА): exams, their official results day, and participations.

`Exam` is one scheduled exam day of one subject (main or reserve). `ExamParticipation` is one
participant on one exam: registration, result, and what appeals did to it. The final result at
any moment is a fold of the participation stream, which keeps the original score, the recheck
and the new score side by side.
"""

# Event method parameters are the event's stored fields, used by the body or not.

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.appeal_values import AppealKind
from domain.calendar import ProductionCalendar
from domain.envelope import Meta
from domain.errors import InvalidInput
from domain.exam_values import (
    AlreadyRegistered,
    AppealAlreadyLodged,
    ExamKind,
    ExamScore,
    NoResult,
    NotAReserveDay,
    ParticipantNotRegistered,
    ResultAlreadyRecorded,
    ResultIsAnnulled,
    ResultsDayAlreadyPublished,
    ScoreUnchanged,
    check_score,
)

# Fixed for ever: every participation stream id is derived from it.
PARTICIPATION_NAMESPACE = UUID("5b0e1a43-7c2d-5f8e-9b14-2d6a3c8f7e01")

# Score appeals may be filed within 2 working days following the official results day
# (Порядок ГИА-9 № 232/551 and ГИА-11 № 233/552).
SCORE_APPEAL_FILING_DAYS = 2


class Exam(Aggregate):
    """One exam day of one subject of one kind, main or reserve (резервный день)."""

    @staticmethod
    def create_id(exam_id: UUID, kind: ExamKind, subject: str, exam_on: date, is_reserve: bool,
                  max_primary: int, has_mark: bool, meta: Meta, timestamp: datetime) -> UUID:
        return exam_id

    @classmethod
    def schedule(cls, *, exam_id: UUID, kind: ExamKind, subject: str, exam_on: date,
                 max_primary: int, meta: Meta, is_reserve: bool = False,
                 has_mark: bool | None = None) -> Exam:
        if not subject.strip():
            raise InvalidInput("an exam needs a subject")
        if max_primary < 1:
            raise InvalidInput(f"maximum primary score must be positive, not {max_primary}")
        marked = kind.has_mark_by_default if has_mark is None else has_mark
        return cls(exam_id=exam_id, kind=kind, subject=subject, exam_on=exam_on,
                   is_reserve=is_reserve, max_primary=max_primary, has_mark=marked, meta=meta,
                   timestamp=meta.recorded_at)

    @event("Scheduled")
    def __init__(self, exam_id: UUID, kind: ExamKind, subject: str, exam_on: date,
                 is_reserve: bool, max_primary: int, has_mark: bool, meta: Meta,
                 timestamp: datetime) -> None:
        self.kind = kind
        self.subject = subject
        self.exam_on = exam_on
        self.is_reserve = is_reserve
        self.max_primary = max_primary
        self.has_mark = has_mark
        self.results_day: date | None = None
        self.score_appeals_until: date | None = None

    def publish_results_day(self, *, results_day: date, calendar: ProductionCalendar,
                            meta: Meta) -> None:
        """Publish the official results day; the score-appeal deadline is computed and stored."""
        if self.results_day is not None:
            raise ResultsDayAlreadyPublished(
                f"the official results day of exam {self.id} is already "
                f"{self.results_day.isoformat()}"
            )
        if results_day < self.exam_on:
            raise InvalidInput(f"results day {results_day.isoformat()} is before the exam on "
                               f"{self.exam_on.isoformat()}")
        until = calendar.add_working_days(results_day, SCORE_APPEAL_FILING_DAYS)
        self._results_day_published(results_day=results_day, score_appeals_until=until,
                                    meta=meta, timestamp=meta.recorded_at)

    @event("ResultsDayPublished")
    def _results_day_published(self, results_day: date, score_appeals_until: date, meta: Meta,
                               timestamp: datetime) -> None:
        self.results_day = results_day
        self.score_appeals_until = score_appeals_until

    def check_score(self, score: ExamScore) -> None:
        check_score(score, kind=self.kind, max_primary=self.max_primary, has_mark=self.has_mark)


@dataclass(frozen=True)
class ScoreChange:
    """One step of a participation's result history (recorded, revised or annulled)."""

    what: str  # "recorded" | "appealed" | "revised" | "annulled"
    score: ExamScore | None
    appeal_id: UUID | None
    recorded_at: datetime


class ExamParticipation(Aggregate):
    """A participant registered on one exam at one exam point (ППЭ), and their result."""

    @staticmethod
    def stream_id(participant_id: UUID, exam_id: UUID) -> UUID:
        return uuid5(PARTICIPATION_NAMESPACE, json.dumps([str(participant_id), str(exam_id)]))

    @staticmethod
    def create_id(participant_id: UUID, exam_id: UUID, kind: ExamKind, subject: str,
                  exam_on: date, exam_point: str, meta: Meta, timestamp: datetime) -> UUID:
        return ExamParticipation.stream_id(participant_id, exam_id)

    @classmethod
    def register(cls, *, participant_id: UUID, exam: Exam, exam_point: str,
                 meta: Meta) -> ExamParticipation:
        if not exam_point.strip():
            raise InvalidInput("registration needs the exam point (ППЭ)")
        return cls(participant_id=participant_id, exam_id=exam.id, kind=exam.kind,
                   subject=exam.subject, exam_on=exam.exam_on, exam_point=exam_point, meta=meta,
                   timestamp=meta.recorded_at)

    @event("Registered")
    def __init__(self, participant_id: UUID, exam_id: UUID, kind: ExamKind, subject: str,
                 exam_on: date, exam_point: str, meta: Meta, timestamp: datetime) -> None:
        self.participant_id = participant_id
        self.exam_id = exam_id
        self.kind = kind
        self.subject = subject
        self.exam_on = exam_on
        self.exam_point = exam_point
        self.score: ExamScore | None = None
        self.annulled_by: UUID | None = None
        self.resit_exam_id: UUID | None = None
        self.appeals: dict[AppealKind, UUID] = {}
        self.history: list[ScoreChange] = []

    @property
    def final_result(self) -> ExamScore | None:
        """The result that stands now: none if not yet recorded or annulled."""
        return None if self.annulled_by is not None else self.score

    def _require_not_annulled(self) -> None:
        if self.annulled_by is not None:
            raise ResultIsAnnulled(f"the result of participation {self.id} was annulled by "
                                   f"appeal {self.annulled_by}")

    def record_result(self, *, score: ExamScore, exam: Exam, meta: Meta) -> None:
        self._require_not_annulled()
        if self.score is not None:
            raise ResultAlreadyRecorded(
                f"participation {self.id} already has a result; it changes only by an appeal"
            )
        exam.check_score(score)
        self._result_recorded(score=score, meta=meta, timestamp=meta.recorded_at)

    @event("ResultRecorded")
    def _result_recorded(self, score: ExamScore, meta: Meta, timestamp: datetime) -> None:
        self.score = score
        self.history.append(ScoreChange("recorded", score, None, timestamp))

    def lodge_appeal(self, *, appeal_id: UUID, kind: AppealKind, meta: Meta) -> None:
        """Note on the participation that an appeal was filed: one of each kind per exam."""
        self._require_not_annulled()
        if kind in self.appeals:
            raise AppealAlreadyLodged(f"participation {self.id} already has a {kind.value} "
                                      f"appeal: {self.appeals[kind]}")
        self._appeal_lodged(appeal_id=appeal_id, kind=kind, meta=meta,
                            timestamp=meta.recorded_at)

    @event("AppealLodged")
    def _appeal_lodged(self, appeal_id: UUID, kind: AppealKind, meta: Meta,
                       timestamp: datetime) -> None:
        self.appeals[kind] = appeal_id
        self.history.append(ScoreChange("appealed", self.score, appeal_id, timestamp))

    def check_resit(self, reserve_exam: Exam) -> None:
        """Guard for an upheld procedure appeal: the resit is on a later reserve day."""
        self._require_not_annulled()
        if not (reserve_exam.is_reserve and reserve_exam.kind is self.kind
                and reserve_exam.subject == self.subject and reserve_exam.exam_on > self.exam_on):
            raise NotAReserveDay(
                f"exam {reserve_exam.id} is not a later reserve day of {self.kind.name} "
                f"{self.subject}"
            )

    def annul_with_resit(self, *, appeal_id: UUID, reserve_exam: Exam, meta: Meta) -> None:
        """Upheld procedure appeal: the result is annulled and a reserve-day resit granted."""
        self.check_resit(reserve_exam)
        self._result_annulled(appeal_id=appeal_id, meta=meta, timestamp=meta.recorded_at)
        self._resit_granted(appeal_id=appeal_id, reserve_exam_id=reserve_exam.id,
                            reserve_on=reserve_exam.exam_on, meta=meta,
                            timestamp=meta.recorded_at)

    @event("ResultAnnulled")
    def _result_annulled(self, appeal_id: UUID, meta: Meta, timestamp: datetime) -> None:
        self.annulled_by = appeal_id
        self.history.append(ScoreChange("annulled", None, appeal_id, timestamp))

    @event("ResitGranted")
    def _resit_granted(self, appeal_id: UUID, reserve_exam_id: UUID, reserve_on: date,
                       meta: Meta, timestamp: datetime) -> None:
        self.resit_exam_id = reserve_exam_id

    def check_revision(self, score: ExamScore, exam: Exam) -> ExamScore:
        """Guard for an upheld score appeal; returns the score being replaced."""
        self._require_not_annulled()
        if self.score is None:
            raise NoResult(f"participation {self.id} has no result to recheck")
        exam.check_score(score)
        if score == self.score:
            raise ScoreUnchanged("an upheld score appeal changes the score; "
                                 "a recheck that changes nothing is a rejected appeal")
        return self.score

    def revise_score(self, *, appeal_id: UUID, score: ExamScore, exam: Exam,
                     meta: Meta) -> None:
        """Upheld score appeal: the rechecked score replaces the old one (up or down)."""
        previous = self.check_revision(score, exam)
        self._score_revised(appeal_id=appeal_id, previous=previous, revised=score, meta=meta,
                            timestamp=meta.recorded_at)

    @event("ScoreRevised")
    def _score_revised(self, appeal_id: UUID, previous: ExamScore, revised: ExamScore,
                       meta: Meta, timestamp: datetime) -> None:
        self.score = revised
        self.history.append(ScoreChange("revised", revised, appeal_id, timestamp))


def require_registered(participation: ExamParticipation | None, participant_id: UUID,
                       exam_id: UUID) -> ExamParticipation:
    """Guard for services: a result or an appeal needs a registered participant."""
    if participation is None:
        raise ParticipantNotRegistered(
            f"participant {participant_id} is not registered on exam {exam_id}"
        )
    return participation


def check_not_registered(existing: ExamParticipation | None) -> None:
    if existing is not None:
        raise AlreadyRegistered(f"participant {existing.participant_id} is already registered "
                                f"on exam {existing.exam_id}")


VALUE_TYPES: tuple[type, ...] = (ExamKind, ExamScore)
