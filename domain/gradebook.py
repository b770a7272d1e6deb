"""Gradebook (успеваемость): a learner's marks in one subject for one academic year.

One stream per learner × subject × academic year, so teachers recording different subjects of
the same learner never contend for the same stream version.
"""

# Event method parameters are the event's stored fields, used by the body or not.

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.academic_year import academic_year_bounds, validate_academic_year
from domain.envelope import Meta
from domain.errors import InvalidInput
from domain.gradebook_values import (
    CorrectionChangesNothing,
    DuplicateMarkId,
    LessonDateRequired,
    MarkAlreadyRecorded,
    MarkKind,
    MarkNotFound,
    MarkValue,
    OutsideAcademicYear,
    Period,
    PeriodKind,
    PeriodNotApplicable,
    PeriodRequired,
    RecordedMark,
    Scale,
)
from domain.sealed import SealedText, require_sealed

CORRECTION_REASON = "Gradebook.MarkCorrected.reason"

# Fixed for ever: every gradebook stream id is derived from it.
GRADEBOOK_NAMESPACE = UUID("0b7d3f5e-4c1a-5e8b-9a62-6f1d2c3b4a50")

# Kinds of which a gradebook holds at most one (per period): a second one is a correction.
_ONE_PER_GRADEBOOK = (MarkKind.PERIOD, MarkKind.ANNUAL, MarkKind.FINAL)


class Gradebook(Aggregate):
    """Marks of one learner in one subject for one academic year, with their corrections."""

    @staticmethod
    def stream_id(learner_id: UUID, subject: str, academic_year: str) -> UUID:
        """The gradebook's stream id, derived so any writer finds the same stream."""
        # JSON keeps the parts unambiguous whatever characters a subject name holds.
        name = json.dumps([str(learner_id), subject, academic_year])
        return uuid5(GRADEBOOK_NAMESPACE, name)

    @staticmethod
    def create_id(learner_id: UUID, subject: str, academic_year: str, meta: Meta,
                  timestamp: datetime) -> UUID:
        return Gradebook.stream_id(learner_id, subject, academic_year)

    @classmethod
    def open(cls, *, learner_id: UUID, subject: str, academic_year: str,
             meta: Meta) -> Gradebook:
        # Surrounding spaces would silently derive a different stream id for the same subject.
        if not subject.strip() or subject != subject.strip():
            raise InvalidInput(f"subject {subject!r} must be non-empty, without surrounding spaces")
        validate_academic_year(academic_year)
        return cls(learner_id=learner_id, subject=subject, academic_year=academic_year,
                   meta=meta, timestamp=meta.recorded_at)

    @event("Opened")
    def __init__(self, learner_id: UUID, subject: str, academic_year: str, meta: Meta,
                 timestamp: datetime) -> None:
        self.learner_id = learner_id
        self.subject = subject
        self.academic_year = academic_year
        self._marks: dict[UUID, RecordedMark] = {}
        self._corrections: dict[UUID, UUID] = {}  # correction id → id of the mark it corrects

    # Read-only state.

    @property
    def marks(self) -> tuple[RecordedMark, ...]:
        """Every recorded mark as it stands now, in the order recorded."""
        return tuple(self._marks.values())

    @property
    def corrections(self) -> dict[UUID, UUID]:
        """Correction id → id of the mark it corrects (a copy)."""
        return dict(self._corrections)

    def mark(self, mark_id: UUID) -> RecordedMark:
        """The recorded mark with this id; raises `MarkNotFound`."""
        recorded = self._marks.get(mark_id)
        if recorded is not None:
            return recorded
        corrected_id = self._corrections.get(mark_id)
        if corrected_id is not None:
            raise MarkNotFound(
                f"{mark_id} is a correction, not a recorded mark; it corrects mark {corrected_id}"
            )
        raise MarkNotFound(f"mark {mark_id} is not recorded in gradebook {self.id}")

    # Guards.

    def _require_new_mark_id(self, mark_id: UUID) -> None:
        if mark_id in self._marks or mark_id in self._corrections:
            raise DuplicateMarkId(f"mark id {mark_id} is already used in gradebook {self.id}")

    def _require_within_year(self, lesson_on: date) -> None:
        first, last = academic_year_bounds(self.academic_year)
        if not first <= lesson_on <= last:
            raise OutsideAcademicYear(
                f"lesson date {lesson_on.isoformat()} is outside academic year "
                f"{self.academic_year} ({first.isoformat()} to {last.isoformat()})"
            )

    # Commands.

    def record_mark(self, *, mark_id: UUID, kind: MarkKind, value: MarkValue,
                    lesson_on: date | None, work_kind: str | None, period: Period | None,
                    meta: Meta) -> None:
        """Record an e-journal mark: current marks need a lesson date, period marks a period."""
        value.validated()
        if kind is MarkKind.CURRENT and lesson_on is None:
            raise LessonDateRequired("a current mark needs the date of its lesson")
        if kind is MarkKind.PERIOD:
            if period is None:
                raise PeriodRequired("a period mark needs its period (quarter, trimester...)")
            period.validated()
        elif period is not None:
            raise PeriodNotApplicable(f"a {kind.value} mark has no period; only period marks do")
        if work_kind is not None and not work_kind.strip():
            raise InvalidInput("work kind must be omitted or non-empty")
        if lesson_on is not None:
            self._require_within_year(lesson_on)
        self._require_new_mark_id(mark_id)
        if kind in _ONE_PER_GRADEBOOK:
            existing = next((m for m in self._marks.values()
                             if m.kind is kind and m.period == period), None)
            if existing is not None:
                what = f"{kind.value} mark" + (f" for {period.kind.value} {period.number}"
                                               if period is not None else "")
                raise MarkAlreadyRecorded(
                    f"the {what} is already recorded as mark {existing.mark_id}; correct it instead"
                )
        self._mark_recorded(mark_id=mark_id, kind=kind, value=value, lesson_on=lesson_on,
                            work_kind=work_kind, period=period, meta=meta,
                            timestamp=meta.recorded_at)

    def correct_mark(self, *, mark_id: UUID, corrects_mark_id: UUID, value: MarkValue,
                     reason: SealedText, meta: Meta) -> None:
        """Correct a recorded mark: a new fact naming the mark, who corrected it and why (the
        reason sealed under the learner's data key by the application)."""
        value.validated()
        require_sealed(reason, self.learner_id, CORRECTION_REASON)
        self._require_new_mark_id(mark_id)
        corrected = self.mark(corrects_mark_id)
        if value == corrected.value:
            raise CorrectionChangesNothing(
                f"mark {corrects_mark_id} already has the value {value.value!r}"
            )
        self._mark_corrected(mark_id=mark_id, corrects_mark_id=corrects_mark_id, value=value,
                             reason=reason, meta=meta, timestamp=meta.recorded_at)

    # Events: bodies only apply state.

    @event("MarkRecorded")
    def _mark_recorded(self, mark_id: UUID, kind: MarkKind, value: MarkValue,
                       lesson_on: date | None, work_kind: str | None, period: Period | None,
                       meta: Meta, timestamp: datetime) -> None:
        self._marks[mark_id] = RecordedMark(mark_id=mark_id, kind=kind, value=value,
                                            original_value=value, lesson_on=lesson_on,
                                            work_kind=work_kind, period=period, corrections=())

    class MarkCorrected(Aggregate.Event):
        """Version 2 seals `reason` (a `SealedText`). Version 1 stored it as plain text: it
        reads back as the plain `str` it was."""

        class_version = 2

        mark_id: UUID
        corrects_mark_id: UUID
        value: MarkValue
        reason: SealedText | str
        meta: Meta

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            # The v1 shape already fits v2 (`reason` may be a plain str): nothing to change.
            return None

    @event(MarkCorrected)
    def _mark_corrected(self, mark_id: UUID, corrects_mark_id: UUID, value: MarkValue,
                        reason: SealedText | str, meta: Meta, timestamp: datetime) -> None:
        corrected = self._marks[corrects_mark_id]
        self._marks[corrects_mark_id] = replace(
            corrected, value=value, corrections=(*corrected.corrections, mark_id)
        )
        self._corrections[mark_id] = corrects_mark_id


VALUE_TYPES: tuple[type, ...] = (MarkKind, Scale, MarkValue, PeriodKind, Period)
