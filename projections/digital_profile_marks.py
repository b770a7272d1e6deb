"""Marks for the digital profile: the `gradebooks` and `marks` helper tables, and `subject_marks`.

Gradebook events after `Opened` carry only the gradebook's stream id, so `gradebooks` remembers
whose gradebook it is (learner, subject, academic year), and `marks` what every averaged mark is
(kind, period, current value), so a correction knows what it corrects. Current (per-lesson) marks,
most of the volume, are averaged nowhere and have no `marks` row (since version 3). A mark is
named by its gradebook and its id (`mark_key`): the domain keeps mark ids unique within a
gradebook only.
"""

from __future__ import annotations

from typing import Any

from domain.gradebook import Gradebook
from domain.gradebook_values import MarkKind, MarkValue, Period, Scale
from projections.base import Event, Fold, Row, Rows

GRADEBOOKS = "gradebooks"
MARKS = "marks"
SUBJECT_MARKS = "subject_marks"

# @event-generated classes are invisible to mypy; look them up once, by their stable names.
Opened: type[Any] = getattr(Gradebook, "Opened")  # noqa: B009
MarkRecorded: type[Any] = getattr(Gradebook, "MarkRecorded")  # noqa: B009
MarkCorrected: type[Any] = getattr(Gradebook, "MarkCorrected")  # noqa: B009


def mark_key(gradebook_id: str, mark_id: str) -> str:
    """A mark's key in `marks` and in the averages: "{gradebook id}|{mark id}"."""
    return f"{gradebook_id}|{mark_id}"


def period_key(kind: MarkKind, period: Period | None) -> str | None:
    """Which mark of the year a mark is: "quarter-1", "trimester-3", "half_year-2", "annual",
    "exam", "final"; None for a current (per-lesson) mark."""
    if kind is MarkKind.CURRENT:
        return None
    if kind is MarkKind.PERIOD:
        if period is None:  # the gradebook refuses a period mark without a period
            raise ValueError("a period mark without a period")
        return f"{period.kind.value}-{period.number}"
    return str(kind.value)


def points(value: MarkValue) -> int | None:
    """A five-point mark as a number; None for pass/fail and "н/а", which are never averaged."""
    return int(value.value) if value.scale is Scale.FIVE_POINT else None


def _point_of(mark: Row) -> int | None:
    return int(mark["value"]) if mark["scale"] == Scale.FIVE_POINT.value else None


# gradebooks


def _gradebook_key(event: Event, _rows: Rows) -> str | None:
    return str(event.originator_id) if isinstance(event, Opened) else None


def _apply_gradebook(_row: Row | None, event: Any) -> Row | None:
    return {"gradebook_id": str(event.originator_id), "learner_id": str(event.learner_id),
            "subject": event.subject, "academic_year": event.academic_year}


# marks


def _mark_key(event: Event, rows: Rows) -> str | None:
    if isinstance(event, MarkRecorded):
        if event.kind is MarkKind.CURRENT:
            return None  # never averaged: nothing needs to look it up (most marks are current)
        return mark_key(str(event.originator_id), str(event.mark_id))
    if isinstance(event, MarkCorrected):
        key = mark_key(str(event.originator_id), str(event.corrects_mark_id))
        return key if rows.get(MARKS, key) is not None else None
    return None


def _apply_mark(row: Row | None, event: Any) -> Row | None:
    if isinstance(event, MarkRecorded):
        return {"gradebook_id": str(event.originator_id), "mark_id": str(event.mark_id),
                "kind": event.kind.value, "period_key": period_key(event.kind, event.period),
                "scale": event.value.scale.value, "value": event.value.value,
                "corrected_by": []}
    if row is None:
        return None
    return {**row, "scale": event.value.scale.value, "value": event.value.value,
            "corrected_by": [*row["corrected_by"], str(event.mark_id)]}


# subject_marks: one row per gradebook (learner × subject × academic year)


def _subject_key(event: Event, _rows: Rows) -> str | None:
    return str(event.originator_id) if isinstance(event, Gradebook.Event) else None


def _new_mark(event: Any) -> Row:
    return {"mark_id": str(event.mark_id), "scale": event.value.scale.value,
            "value": event.value.value,
            "lesson_on": None if event.lesson_on is None else event.lesson_on.isoformat(),
            "work_kind": event.work_kind, "corrected_by": []}


def _recorded(row: Row, event: Any) -> Row:
    mark = _new_mark(event)
    kind: MarkKind = event.kind
    if kind is MarkKind.CURRENT:
        point = _point_of(mark)
        return {**row, "current": [*row["current"], mark],
                "current_sum": row["current_sum"] + (point or 0),
                "current_count": row["current_count"] + (point is not None)}
    if kind is MarkKind.PERIOD:
        return {**row, "periods": {**row["periods"], period_key(kind, event.period): mark}}
    if kind is MarkKind.EXAM:
        return {**row, "exam": [*row["exam"], mark]}
    return {**row, kind.value: mark}  # annual, final


def _corrected(row: Row, event: Any) -> Row:
    target = str(event.corrects_mark_id)

    def fix(mark: Row | None) -> Row | None:
        if mark is None or mark["mark_id"] != target:
            return mark
        return {**mark, "scale": event.value.scale.value, "value": event.value.value,
                "corrected_by": [*mark["corrected_by"], str(event.mark_id)]}

    new = {**row, "annual": fix(row["annual"]), "final": fix(row["final"]),
           "periods": {key: fix(mark) for key, mark in row["periods"].items()},
           "exam": [fix(mark) for mark in row["exam"]]}
    before = next((m for m in row["current"] if m["mark_id"] == target), None)
    if before is not None:
        after = fix(before)
        old, now = _point_of(before), points(event.value)
        new |= {"current": [after if m is before else m for m in row["current"]],
                "current_sum": row["current_sum"] - (old or 0) + (now or 0),
                "current_count": row["current_count"] - (old is not None) + (now is not None)}
    return new


def _apply_subject(row: Row | None, event: Event) -> Row | None:
    if isinstance(event, Opened):
        return {"gradebook_id": str(event.originator_id), "learner_id": str(event.learner_id),
                "subject": event.subject, "academic_year": event.academic_year,
                "current": [], "current_sum": 0, "current_count": 0,
                "periods": {}, "annual": None, "exam": [], "final": None}
    if row is None:  # every gradebook stream starts with Opened
        return None
    if isinstance(event, MarkRecorded):
        return _recorded(row, event)
    if isinstance(event, MarkCorrected):
        return _corrected(row, event)
    return row


GRADEBOOKS_FOLD = Fold(GRADEBOOKS, _gradebook_key, _apply_gradebook)
MARKS_FOLD = Fold(MARKS, _mark_key, _apply_mark)
SUBJECT_MARKS_FOLD = Fold(SUBJECT_MARKS, _subject_key, _apply_subject)
