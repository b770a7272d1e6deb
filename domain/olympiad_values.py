"""Values and errors of the all-Russian school olympiad (всероссийская олимпиада школьников)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import Enum
from uuid import UUID

from domain.errors import InvalidInput, NotFound, RuleViolated

MIN_GRADE, MAX_GRADE = 4, 11  # the school stage starts in the 4th grade (maths, Russian)


class StageLevel(Enum):
    SCHOOL = "school"  # школьный этап
    MUNICIPAL = "municipal"  # муниципальный этап
    REGIONAL = "regional"  # региональный этап


class ResultStatus(Enum):
    WINNER = "winner"  # победитель
    PRIZE_WINNER = "prize_winner"  # призёр
    PARTICIPANT = "participant"  # участник


class AppealOutcome(Enum):
    SCORE_CHANGED = "score_changed"  # апелляция удовлетворена, баллы изменены
    SCORE_UNCHANGED = "score_unchanged"  # апелляция отклонена, баллы сохранены


@dataclass(frozen=True)
class Stage:
    """A stage as planned: where (the school, municipality or region) and when."""

    stage_id: UUID
    level: StageLevel
    area: str  # the organising school's name, the municipality or the region
    planned_on: date
    max_score: int


@dataclass(frozen=True)
class ImportedResult:
    """One result of a past year, as the import source gives it."""

    learner_id: UUID
    grade: int
    score: str
    status: ResultStatus


def check_score(score: str, status: ResultStatus, max_score: int) -> None:
    """A score is a decimal string ("37.5": no floats) within 0..max with at most two decimals;
    a winner or prize-winner scored more than half of the maximum (Order No. 678, item 31)."""
    try:
        value = Decimal(score)
    except InvalidOperation:
        raise InvalidScore(f"score {score!r} is not a number") from None
    exponent = value.as_tuple().exponent
    if not value.is_finite() or not isinstance(exponent, int) or exponent < -2:
        raise InvalidScore(f"score {score!r} must have at most two decimals")
    if not 0 <= value <= max_score or score != score.strip():
        raise InvalidScore(f"score {score!r} must be between 0 and {max_score}")
    if status is not ResultStatus.PARTICIPANT and value * 2 <= max_score:
        raise StatusNeedsScore(f"a {status.value} scored more than half of {max_score}, "
                               f"not {score}")


def check_grade(grade: int) -> None:
    if not MIN_GRADE <= grade <= MAX_GRADE:
        raise InvalidInput(f"grade {grade} must be {MIN_GRADE}..{MAX_GRADE}")


class InvalidScore(InvalidInput):
    code = "invalid_olympiad_score"


class StatusNeedsScore(RuleViolated):
    code = "olympiad_status_below_half"


class StageNotFound(NotFound):
    code = "olympiad_stage_not_found"


class StageNotHeld(RuleViolated):
    code = "olympiad_stage_not_held"


class StageAlreadyHeld(RuleViolated):
    code = "olympiad_stage_already_held"


class StageExists(RuleViolated):
    code = "olympiad_stage_exists"


class AlreadyApplied(RuleViolated):
    code = "olympiad_already_applied"


class NotApplied(RuleViolated):
    code = "olympiad_not_applied"


class ResultExists(RuleViolated):
    code = "olympiad_result_exists"


class ResultNotFound(NotFound):
    code = "olympiad_result_not_found"


class AppealPending(RuleViolated):
    code = "olympiad_appeal_pending"


class AppealNotFound(NotFound):
    code = "olympiad_appeal_not_found"


class NotAPastYear(RuleViolated):
    code = "olympiad_import_not_past"


class HistoricalResult(RuleViolated):
    code = "olympiad_result_imported"
