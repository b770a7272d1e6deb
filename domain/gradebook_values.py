"""Value objects and errors of grades (успеваемость): mark kinds, scales, periods, final marks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from uuid import UUID

from domain.errors import InvalidInput, NotFound, RuleViolated


class MarkKind(Enum):
    CURRENT = "current"  # текущая, per lesson
    PERIOD = "period"  # четвертная / триместровая / полугодовая
    ANNUAL = "annual"  # годовая
    EXAM = "exam"  # экзаменационная
    FINAL = "final"  # итоговая, for the education document


class Scale(Enum):
    FIVE_POINT = "five_point"  # пятибалльная, 2–5
    PASS_FAIL = "pass_fail"  # noqa: S105 -- зачёт / незачёт, not a password
    NOT_ASSESSED = "not_assessed"  # не аттестован


SCALE_VALUES: dict[Scale, tuple[str, ...]] = {
    Scale.FIVE_POINT: ("2", "3", "4", "5"),
    Scale.PASS_FAIL: ("pass", "fail"),  # зачёт, незачёт
    Scale.NOT_ASSESSED: ("н/а",),
}


@dataclass(frozen=True)
class MarkValue:
    """A mark on its scale, e.g. MarkValue(Scale.FIVE_POINT, "4")."""

    scale: Scale
    value: str

    def validated(self) -> MarkValue:
        allowed = SCALE_VALUES[self.scale]
        if self.value not in allowed:
            raise MarkOutOfScale(
                f"{self.value!r} is not a mark on the {self.scale.value} scale; "
                f"allowed: {', '.join(allowed)}"
            )
        return self


class PeriodKind(Enum):
    """How a school divides its year, per its own calendar (a school's regulation)."""

    QUARTER = "quarter"  # четверть
    TRIMESTER = "trimester"  # триместр
    HALF_YEAR = "half_year"  # полугодие

    @property
    def periods_in_year(self) -> int:
        return {PeriodKind.QUARTER: 4, PeriodKind.TRIMESTER: 3, PeriodKind.HALF_YEAR: 2}[self]


@dataclass(frozen=True)
class Period:
    """A period of the academic year, e.g. Period(PeriodKind.QUARTER, 2)."""

    kind: PeriodKind
    number: int

    def validated(self) -> Period:
        if not 1 <= self.number <= self.kind.periods_in_year:
            raise InvalidPeriod(
                f"{self.kind.value} number must be 1 to {self.kind.periods_in_year}, "
                f"not {self.number}"
            )
        return self


@dataclass(frozen=True)
class RecordedMark:
    """A mark as it stands now: its value after corrections, and the value first recorded."""

    mark_id: UUID
    kind: MarkKind
    value: MarkValue
    original_value: MarkValue
    lesson_on: date | None
    work_kind: str | None  # вид работы, e.g. "контрольная работа"
    period: Period | None
    corrections: tuple[UUID, ...]  # ids of the corrections applied, oldest first


def final_mark(annual: MarkValue, exam: MarkValue) -> MarkValue:
    """Final mark for the education document: the mean of annual and exam marks, rounded half up.

    Both must be five-point marks: 4 and 5 give 5 (4.5 rounds up), 3 and 4 give 4, 5 and 5 give 5.
    Raises `FinalMarkNotComputable` for pass/fail or "н/а" marks, `MarkOutOfScale` for bad values.
    """
    for mark in (annual, exam):
        mark.validated()
        if mark.scale is not Scale.FIVE_POINT:
            raise FinalMarkNotComputable(
                f"a final mark is the mean of five-point marks; got {mark.value!r} "
                f"on the {mark.scale.value} scale"
            )
    total = int(annual.value) + int(exam.value)
    # Integer arithmetic rounds the half up exactly; no float ever sees a mark.
    return MarkValue(Scale.FIVE_POINT, str((total + 1) // 2))


# Errors. Each has a stable code the API and CLI report unchanged.


class MarkOutOfScale(InvalidInput):
    code = "mark_out_of_scale"


class InvalidPeriod(InvalidInput):
    code = "invalid_period"


class LessonDateRequired(InvalidInput):
    code = "lesson_date_required"


class PeriodRequired(InvalidInput):
    code = "period_required"


class PeriodNotApplicable(InvalidInput):
    code = "period_not_applicable"


class OutsideAcademicYear(InvalidInput):
    code = "outside_academic_year"


class CorrectionChangesNothing(InvalidInput):
    code = "correction_changes_nothing"


class FinalMarkNotComputable(InvalidInput):
    code = "final_mark_not_computable"


class DuplicateMarkId(RuleViolated):
    code = "duplicate_mark_id"


class MarkAlreadyRecorded(RuleViolated):
    code = "mark_already_recorded"


class MarkNotFound(NotFound):
    code = "mark_not_found"
