"""Value objects, their checks and the errors of the learner contingent (контингент)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from uuid import UUID

from domain.academic_year import academic_year_start, next_academic_year
from domain.envelope import Meta
from domain.errors import InvalidInput, NotFound, RuleViolated


class EducationLevel(Enum):
    """Level of education an enrolment is for (уровень образования)."""

    PRESCHOOL = "preschool"  # дошкольное
    PRIMARY_GENERAL = "primary_general"  # начальное общее
    BASIC_GENERAL = "basic_general"  # основное общее
    SECONDARY_GENERAL = "secondary_general"  # среднее общее
    VOCATIONAL = "vocational"  # среднее профессиональное
    ADDITIONAL = "additional"  # дополнительное

    @property
    def is_general(self) -> bool:
        """Everything but additional education takes the learner's one "main" place."""
        return self is not EducationLevel.ADDITIONAL


class FormOfStudy(Enum):
    """Form of study (форма обучения), 273-FZ art. 17.

    In an organisation: full-time (очная), part-time (очно-заочная), extramural (заочная).
    Outside one: family education (семейное образование) and self-education (самообразование).
    """

    FULL_TIME = "full_time"  # очная
    PART_TIME = "part_time"  # очно-заочная
    EXTRAMURAL = "extramural"  # заочная
    FAMILY = "family"  # семейное образование
    SELF_EDUCATION = "self_education"  # самообразование


class LeavingReason(Enum):
    """Grounds for leaving an organisation (отчисление), 273-FZ art. 61."""

    COMPLETION = "completion"  # в связи с получением образования
    LEARNER_OR_PARENTS_INITIATIVE = "learner_or_parents_initiative"  # по инициативе обучающегося
    ORGANISATION_INITIATIVE_DISCIPLINARY = "organisation_initiative_disciplinary"
    ORGANISATION_INITIATIVE_UNLAWFUL_ADMISSION = "organisation_initiative_unlawful_admission"
    CIRCUMSTANCES_BEYOND_CONTROL = "circumstances_beyond_control"  # не зависящие от воли сторон


@dataclass(frozen=True)
class EducationDocument:
    """The document issued on completion (аттестат, диплом, свидетельство)."""

    kind: str
    series: str  # may be empty: current school certificates carry a number only
    number: str
    issued_on: date

    def validated(self) -> EducationDocument:
        if not self.kind.strip():
            raise InvalidEducationDocument("education document kind must not be empty")
        if not self.number.strip():
            raise InvalidEducationDocument("education document number must not be empty")
        return self


@dataclass(frozen=True)
class Placement:
    """Where an active enrolment puts the learner now."""

    enrolment_id: UUID
    organisation_id: UUID
    level: EducationLevel
    class_or_group: str  # класс или группа, e.g. "5Б"
    academic_year: str
    enrolled_on: date
    placed_on: date  # effective date of the latest enrolment or transfer into this class
    form_of_study: FormOfStudy


def require_basis(meta: Meta, what: str) -> None:
    """Contingent moves are made by an order (приказ): without one a move has no legal basis."""
    if meta.basis is None:
        raise BasisOrderRequired(f"{what} needs a basis order (приказ): meta.basis is missing")


def require_class(class_or_group: str) -> None:
    """A placement names its class or group (e.g. "5Б"): a blank one is refused."""
    if not class_or_group.strip():
        raise InvalidInput("class or group must not be empty")


def check_class_change(placement: Placement, class_or_group: str, academic_year: str,
                       promotion: bool) -> None:
    """A transfer within must change something and never go back a year; a promotion is +1."""
    if promotion and academic_year != next_academic_year(placement.academic_year):
        raise InvalidAcademicYearChange(
            f"a promotion from {placement.academic_year} must be into "
            f"{next_academic_year(placement.academic_year)}, not {academic_year}"
        )
    if academic_year_start(academic_year) < academic_year_start(placement.academic_year):
        raise InvalidAcademicYearChange(
            f"a transfer cannot go back from {placement.academic_year} to {academic_year}"
        )
    if (class_or_group, academic_year) == (placement.class_or_group, placement.academic_year):
        raise TransferChangesNothing(
            f"the learner is already in {class_or_group} for {academic_year}"
        )


class EntryKind(Enum):
    """Kinds of entries in the learner's contingent history (движение контингента)."""

    ENROLLED = "enrolled"
    TRANSFERRED_WITHIN = "transferred_within"
    EXPELLED_BY_TRANSFER = "expelled_by_transfer"
    LEFT = "left"

    @property
    def is_move(self) -> bool:
        """Moves can be cancelled as erroneous; a leaving cannot."""
        return self is not EntryKind.LEFT


@dataclass(frozen=True)
class ContingentEntry:
    """One enrolment, transfer or leaving as it shapes state; the event holds the full fact."""

    version: int
    kind: EntryKind
    enrolment_id: UUID
    effective_on: date
    placement: Placement | None  # the placement it leads to; None when it ends the enrolment


# Errors. Each has a stable code the API and CLI report unchanged.


class BasisOrderRequired(InvalidInput):
    code = "basis_order_required"


class InvalidEducationDocument(InvalidInput):
    code = "invalid_education_document"


class EducationDocumentRequired(InvalidInput):
    code = "education_document_required"


class EducationDocumentNotExpected(InvalidInput):
    code = "education_document_not_expected"


class TransferChangesNothing(InvalidInput):
    code = "transfer_changes_nothing"


class TransferToSameOrganisation(InvalidInput):
    code = "transfer_to_same_organisation"


class AlreadyEnrolledInGeneral(RuleViolated):
    code = "already_enrolled_in_general"


class EnrolmentIdInUse(RuleViolated):
    code = "enrolment_id_in_use"


class MoveBackdated(RuleViolated):
    code = "move_backdated"


class NotEnrolled(RuleViolated):
    code = "not_enrolled"


class EnrolmentEnded(RuleViolated):
    code = "enrolment_ended"


class InvalidAcademicYearChange(RuleViolated):
    code = "invalid_academic_year_change"


class EnrolmentNotFound(NotFound):
    code = "enrolment_not_found"


class EntryNotFound(NotFound):
    code = "entry_not_found"


class EntryNotAMove(RuleViolated):
    code = "entry_not_a_move"


class EntryAlreadyCancelled(RuleViolated):
    code = "entry_already_cancelled"


class NotLatestMove(RuleViolated):
    code = "not_latest_move"


class PersonalDataAlreadyDestroyed(RuleViolated):
    code = "personal_data_already_destroyed"
