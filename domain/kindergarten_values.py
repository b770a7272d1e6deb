"""Values and errors of the kindergarten e-queue (электронная очередь в детский сад)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from uuid import UUID

from domain.errors import InvalidInput, NotFound, RuleViolated


class PrivilegeCategory(Enum):
    """The right to a place ahead of others (льгота), strongest first."""

    EXTRAORDINARY = "extraordinary"  # внеочередное право (children of judges, prosecutors…)
    FIRST_PRIORITY = "first_priority"  # первоочередное право (servicemen, police, large families)
    SIBLING = "sibling"  # преимущественное право (a brother or sister already attends)
    NONE = "none"  # общая очередь

    @property
    def rank(self) -> int:
        """0 is served first."""
        return list(PrivilegeCategory).index(self)


class ApplicationStatus(Enum):
    REGISTERED = "registered"  # зарегистрировано, documents not yet checked
    CONFIRMED = "confirmed"  # подтверждено: in the queue
    SUSPENDED = "suspended"  # приостановлено at the parents' request: out of allocation
    OFFERED = "offered"  # направлено: a place is offered
    ACCEPTED = "accepted"  # the parents accepted the place
    ENROLLED = "enrolled"  # зачислен: the application is closed
    WITHDRAWN = "withdrawn"  # отозвано

    @property
    def is_active(self) -> bool:
        return self not in (ApplicationStatus.ENROLLED, ApplicationStatus.WITHDRAWN)


@dataclass(frozen=True)
class PrivilegeDocument:
    """The document supporting a privilege (удостоверение, справка с места службы…)."""

    kind: str
    number: str
    issued_on: date


@dataclass(frozen=True)
class QueueTerms:
    """What the parents ask for: organisations in order of preference, the start date, the age
    group, and the privilege with its document."""

    municipality: str
    preferences: tuple[UUID, ...]  # organisations, most wanted first
    desired_start: date
    age_group: str  # возрастная группа, e.g. "3-4"
    privilege: PrivilegeCategory = PrivilegeCategory.NONE
    privilege_document: PrivilegeDocument | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "preferences", tuple(self.preferences))  # stored as a list


@dataclass(frozen=True)
class FreePlaces:
    """Places an organisation declares free for an age group in an allocation round."""

    organisation_id: UUID
    age_group: str
    places: int


@dataclass(frozen=True)
class QueueEntry:
    """One confirmed application as the round saw it (the snapshot an auditor replays)."""

    application_id: UUID
    child_id: UUID
    privilege: PrivilegeCategory
    applied_at: datetime  # when the application was registered: the queue date
    age_group: str
    desired_start: date
    preferences: tuple[UUID, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "preferences", tuple(self.preferences))  # stored as a list


@dataclass(frozen=True)
class Offer:
    """A place offered (направление): to whom, where, and why there."""

    application_id: UUID
    child_id: UUID
    organisation_id: UUID
    age_group: str
    queue_position: int  # 1-based, in the order the round served the queue
    preference_rank: int  # 1 = the family's first choice


# Errors. Each has a stable code the API and CLI report unchanged.


class PrivilegeDocumentMissing(InvalidInput):
    code = "privilege_document_missing"


class InvalidQueueTerms(InvalidInput):
    code = "invalid_queue_terms"


class ActiveApplicationExists(RuleViolated):
    code = "application_already_active"


class ApplicationNotFound(NotFound):
    code = "application_not_found"


class WrongApplicationStatus(RuleViolated):
    code = "wrong_application_status"


class PlaceNotDeclared(NotFound):
    code = "place_not_declared"


class NoFreePlace(RuleViolated):
    code = "no_free_place"


class RoundAlreadyAllocated(RuleViolated):
    code = "round_already_allocated"


class RoundNotAllocated(RuleViolated):
    code = "round_not_allocated"


class OfferNotFound(NotFound):
    code = "offer_not_found"


class OrganisationNotEligible(RuleViolated):
    code = "organisation_not_eligible"


class InvalidRound(InvalidInput):
    code = "invalid_allocation_round"


def check_terms(terms: QueueTerms) -> None:
    """Guard: preferences given once each, an age group, and a privilege with its document."""
    if not terms.preferences:
        raise InvalidQueueTerms("an application names at least one organisation")
    if len(set(terms.preferences)) != len(terms.preferences):
        raise InvalidQueueTerms("an organisation is listed twice in the preferences")
    if not terms.age_group.strip() or not terms.municipality.strip():
        raise InvalidQueueTerms("an application names its municipality and age group")
    document = terms.privilege_document
    if terms.privilege is not PrivilegeCategory.NONE:
        if document is None or not document.kind.strip() or not document.number.strip():
            raise PrivilegeDocumentMissing(
                f"privilege {terms.privilege.value} needs its supporting document "
                "(kind and number)")
    elif document is not None:
        raise InvalidQueueTerms("a privilege document without a privilege category")


def check_places(places: tuple[FreePlaces, ...]) -> None:
    """Guard: each organisation × age group declared once, with a positive count."""
    keys = [(p.organisation_id, p.age_group) for p in places]
    if not places:
        raise InvalidRound("a round declares at least one organisation's free places")
    if len(set(keys)) != len(keys):
        raise InvalidRound("an organisation's age group is declared twice")
    for p in places:
        if p.places < 1 or not p.age_group.strip():
            raise InvalidRound(f"free places of {p.organisation_id} must be a positive count "
                               "for a named age group")
