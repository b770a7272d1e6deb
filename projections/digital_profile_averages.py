"""Class and school averages of period, annual, exam and final marks, kept incrementally.

A row holds the integer `sum` and `count` of the five-point marks it averages, and `marks`: every
mark counted in it by `mark_key`, with its points, or None for a pass/fail or "н/а" mark (recorded
there, not averaged). A fold's `apply` sees only its own row and the event, and a correction
event does not say what it corrects was worth: the row's own `marks` does, so a correction
subtracts the old points and adds the new ones exactly.

A mark is averaged where the learner's general placement for the gradebook's academic year stands
when the mark is folded (`placement_for_year`). A correction goes to the rows the corrected mark
was counted in, found among the places the learner has ever been (`seen_placements`), even if
the learner has moved since. Current (per-lesson) marks are not averaged here; a mark folded
while the learner has no placement for that year is counted in no average.
"""

from __future__ import annotations

from collections.abc import Callable

from projections.base import Event, Fold, Row, Rows
from projections.digital_profile_marks import (
    GRADEBOOKS,
    MARKS,
    MarkCorrected,
    MarkRecorded,
    mark_key,
    period_key,
    points,
)
from projections.digital_profile_study import PLACEMENTS, placement_for_year, seen_placements

CLASS_AVERAGES = "class_averages"
SCHOOL_AVERAGES = "school_averages"


def _escaped(part: str) -> str:
    return part.replace("\\", "\\\\").replace("|", "\\|")


def average_key(*parts: str) -> str:
    """Parts joined by "|", with "\\" and "|" inside a part escaped, so no two differ alike."""
    return "|".join(_escaped(part) for part in parts)


def class_average_key(organisation_id: str, class_or_group: str, academic_year: str,
                      subject: str, period: str) -> str:
    """`class_averages` key: "{organisation}|{class}|{academic year}|{subject}|{period key}"."""
    return average_key(organisation_id, class_or_group, academic_year, subject, period)


def school_average_key(organisation_id: str, academic_year: str, subject: str,
                       period: str) -> str:
    """`school_averages` key: "{organisation}|{academic year}|{subject}|{period key}"."""
    return average_key(organisation_id, academic_year, subject, period)


# Which rows a mark event touches.

KeyOf = Callable[[tuple[str, str], Row, str], str]  # (org, class), gradebook row, period key


def _class_key(where: tuple[str, str], gradebook: Row, period: str) -> str:
    return class_average_key(where[0], where[1], gradebook["academic_year"],
                             gradebook["subject"], period)


def _school_key(where: tuple[str, str], gradebook: Row, period: str) -> str:
    return school_average_key(where[0], gradebook["academic_year"], gradebook["subject"], period)


def _holding(table: str, key_of: KeyOf, rows: Rows, gradebook_id: str,
             mark_id: str) -> str | None:
    """The row of `table` the mark is counted in, if any."""
    mark = rows.get(MARKS, mark_key(gradebook_id, mark_id))
    gradebook = rows.get(GRADEBOOKS, gradebook_id)
    if mark is None or mark["period_key"] is None or gradebook is None:
        return None
    placements = rows.get(PLACEMENTS, gradebook["learner_id"])
    if placements is None:
        return None
    member = mark_key(gradebook_id, mark_id)
    likely = placement_for_year(placements, gradebook["academic_year"])
    candidates = [key_of(where, gradebook, mark["period_key"])
                  for where in ([likely] if likely else []) + seen_placements(placements)]
    for key in dict.fromkeys(candidates):
        row = rows.get(table, key)
        if row is not None and member in row["marks"]:
            return key
    return None


def _key_function(table: str, key_of: KeyOf) -> Callable[[Event, Rows], str | None]:
    def key(event: Event, rows: Rows) -> str | None:
        if isinstance(event, MarkCorrected):
            return _holding(table, key_of, rows, str(event.originator_id),
                            str(event.corrects_mark_id))
        if not isinstance(event, MarkRecorded):
            return None
        period = period_key(event.kind, event.period)
        if period is None:  # a current mark: decided without reading a row (the usual case)
            return None
        gradebook = rows.get(GRADEBOOKS, str(event.originator_id))
        if gradebook is None:
            return None
        placements = rows.get(PLACEMENTS, gradebook["learner_id"])
        where = (None if placements is None
                 else placement_for_year(placements, gradebook["academic_year"]))
        return None if where is None else key_of(where, gradebook, period)

    return key


# What it does to the row.


def _apply_average(row: Row | None, event: Event) -> Row | None:
    gradebook_id = str(event.originator_id)
    base: Row
    old: int | None
    if isinstance(event, MarkRecorded):
        base = row if row is not None else {"sum": 0, "count": 0, "marks": {}}
        member, old = mark_key(gradebook_id, str(event.mark_id)), None
    elif isinstance(event, MarkCorrected):
        member = mark_key(gradebook_id, str(event.corrects_mark_id))
        if row is None or member not in row["marks"]:
            return row
        base, old = row, row["marks"][member]
    else:
        return row
    new = points(event.value)
    return {"sum": base["sum"] - (old or 0) + (new or 0),
            "count": base["count"] - (old is not None) + (new is not None),
            "marks": {**base["marks"], member: new}}


CLASS_AVERAGES_FOLD = Fold(CLASS_AVERAGES, _key_function(CLASS_AVERAGES, _class_key),
                           _apply_average)
SCHOOL_AVERAGES_FOLD = Fold(SCHOOL_AVERAGES, _key_function(SCHOOL_AVERAGES, _school_key),
                            _apply_average)


# Reading.


def mean(total: int, count: int) -> str | None:
    """total / count to two decimals, rounded half up, in integer arithmetic: "4.25"; None for
    no marks. Marks are positive, so half up is away from zero."""
    if count <= 0:
        return None
    hundredths = (200 * total + count) // (2 * count)
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def average(row: Row | None) -> str | None:
    """The average of a `class_averages` or `school_averages` row, e.g. "4.25"; None if none."""
    return None if row is None else mean(row["sum"], row["count"])


def averages_for_mark(rows: Rows, gradebook_id: str, mark_id: str) -> dict[str, str | None]:
    """The class and school averages a period, annual, exam or final mark is counted in, to
    compare the learner's mark with: {"class": "4.25", "school": "4.10"} (None where none)."""
    found: dict[str, str | None] = {}
    for name, table, key_of in (("class", CLASS_AVERAGES, _class_key),
                                ("school", SCHOOL_AVERAGES, _school_key)):
        key = _holding(table, key_of, rows, gradebook_id, mark_id)
        found[name] = None if key is None else average(rows.get(table, key))
    return found
