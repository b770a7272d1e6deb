"""Value objects and errors of the learner contingent (контингент): levels, placements, leaving."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from uuid import UUID

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
