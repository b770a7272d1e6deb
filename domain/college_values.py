"""Values, the rating list and errors of college admission (приём в колледж, СПО)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import Enum
from uuid import UUID

from domain.errors import InvalidInput, NotFound, RuleViolated


class CollegeApplicationStatus(Enum):
    DRAFT = "draft"  # «Проект»: filed from the personal account
    CONFIRMED = "confirmed"  # the applicant came with the originals; data checked
    WITHDRAWN = "withdrawn"  # забрал документы
    ENROLLED = "enrolled"


@dataclass(frozen=True)
class ProgrammePlaces:
    """A programme (специальность) the college admits to, and its budget places."""

    code: str  # e.g. "09.02.07"
    name: str
    places: int


@dataclass(frozen=True)
class ProgrammeChoice:
    code: str
    priority: int  # 1 = the applicant's first choice


@dataclass(frozen=True)
class CollegeApplication:
    """An application as the admission holds it."""

    application_id: UUID
    applicant_id: UUID
    choices: tuple[ProgrammeChoice, ...]
    average_mark: Decimal  # средний балл аттестата
    status: CollegeApplicationStatus = CollegeApplicationStatus.DRAFT
    confirmed_at: datetime | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "choices", tuple(self.choices))  # stored as a list
        object.__setattr__(self, "average_mark", Decimal(self.average_mark))

    def priority_of(self, code: str) -> int | None:
        return next((c.priority for c in self.choices if c.code == code), None)


@dataclass(frozen=True)
class RatingLine:
    """One line of a programme's rating list (рейтинговый список)."""

    position: int
    application_id: UUID
    applicant_id: UUID
    average_mark: Decimal
    priority: int
    confirmed_at: datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "average_mark", Decimal(self.average_mark))


def rating(applications: Iterable[CollegeApplication], code: str) -> tuple[RatingLine, ...]:
    """Confirmed applications choosing `code`: average mark (highest first), then the
    applicant's priority for it, then the moment of confirmation (earliest first)."""
    ranked = []
    for application in applications:
        priority = application.priority_of(code)
        confirmed_at = application.confirmed_at
        if (application.status is CollegeApplicationStatus.CONFIRMED and priority is not None
                and confirmed_at is not None):
            ranked.append((-application.average_mark, priority, confirmed_at,
                           str(application.application_id), application))
    ranked.sort(key=lambda line: line[:4])
    lines = []
    for position, (_, priority, confirmed_at, _, application) in enumerate(ranked, start=1):
        lines.append(RatingLine(position, application.application_id, application.applicant_id,
                                application.average_mark, priority, confirmed_at))
    return tuple(lines)


def check_average_mark(mark: Decimal) -> None:
    if not Decimal("3") <= mark <= Decimal("5") or mark != mark.quantize(Decimal("0.01")):
        raise InvalidAverageMark(f"average certificate mark {mark} must be 3.00–5.00 with at "
                                 "most two decimals")


def check_choices(choices: tuple[ProgrammeChoice, ...], offered: set[str]) -> None:
    if not choices:
        raise InvalidInput("an application chooses at least one programme")
    codes = [c.code for c in choices]
    if len(set(codes)) != len(codes):
        raise InvalidInput("a programme is chosen twice")
    if sorted(c.priority for c in choices) != list(range(1, len(choices) + 1)):
        raise InvalidInput("priorities are 1, 2, … without gaps or repeats")
    for code in codes:
        if code not in offered:
            raise ProgrammeNotOffered(f"the college does not admit to programme {code}")


class InvalidAverageMark(InvalidInput):
    code = "invalid_average_mark"


class ProgrammeNotOffered(NotFound):
    code = "programme_not_offered"


class CollegeApplicationNotFound(NotFound):
    code = "college_application_not_found"


class ActiveCollegeApplicationExists(RuleViolated):
    code = "college_application_already_active"


class WrongCollegeApplicationStatus(RuleViolated):
    code = "wrong_college_application_status"


class OriginalsRequired(InvalidInput):
    code = "originals_required"


class NotOnPublishedRating(RuleViolated):
    code = "not_on_published_rating"


class ProgrammeFull(RuleViolated):
    code = "programme_full"
