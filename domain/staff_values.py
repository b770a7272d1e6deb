"""Values and errors of the staff registry (педагогические кадры) and teacher attestation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import Enum
from uuid import UUID

from domain.envelope import BasisDocument
from domain.errors import InvalidInput, NotFound, RuleViolated

# A class is a grade and a letter (or a letter pair), as on a school's class list: "5Б", "11А".
_CLASS = re.compile(r"(?:[1-9]|1[0-2])[А-ЯЁ]{0,2}")


@dataclass(frozen=True)
class Position:
    """A post in the organisation's staff list, and the subjects taught in it (may be none)."""

    title: str  # e.g. "учитель", "педагог дополнительного образования", "директор"
    subjects: tuple[str, ...] = ()

    def validated(self) -> Position:
        if not self.title.strip() or self.title != self.title.strip():
            raise InvalidInput("a position needs a non-empty, unpadded title")
        if any(not s.strip() for s in self.subjects):
            raise InvalidInput("a subject must not be empty")
        if len(set(self.subjects)) != len(self.subjects):
            raise InvalidInput("a subject is listed twice")
        return self


@dataclass(frozen=True)
class Employment:
    """One employee's current employment at the organisation (сотрудник)."""

    person_id: UUID  # the person's regional id: the same in every organisation they work at
    full_name: str  # staff names and posts are public (273-FZ art. 29), unlike learners'
    position: Position
    hired_on: date
    hiring_order: BasisDocument  # приказ о приёме на работу


@dataclass(frozen=True)
class ClassKey:
    class_name: str
    academic_year: str


class AttestationCategory(Enum):
    FIRST = "first"  # первая квалификационная категория
    HIGHEST = "highest"  # высшая квалификационная категория


class AttestationOutcome(Enum):
    GRANTED = "granted"  # категория установлена
    REFUSED = "refused"  # в установлении категории отказано


def require_class_name(class_name: str) -> str:
    if not _CLASS.fullmatch(class_name):
        raise InvalidClassName(f"class {class_name!r} must be a grade 1-12 and a letter, "
                               "e.g. '5Б'")
    return class_name


class InvalidClassName(InvalidInput):
    code = "invalid_class_name"


class HiringOrderRequired(InvalidInput):
    code = "staff_order_required"


class AlreadyEmployed(RuleViolated):
    code = "already_employed"


class NotEmployed(RuleViolated):
    code = "not_employed"


class ClassTeacherTaken(RuleViolated):
    code = "class_teacher_taken"


class NoClassTeacher(NotFound):
    code = "no_class_teacher"


class StillClassTeacher(RuleViolated):
    code = "still_class_teacher"


class AttestationNotFound(NotFound):
    code = "attestation_application_not_found"


class AttestationNotAssessed(RuleViolated):
    code = "attestation_not_assessed"


class AttestationDecided(RuleViolated):
    code = "attestation_already_decided"


class InvalidValidity(InvalidInput):
    code = "invalid_attestation_validity"
