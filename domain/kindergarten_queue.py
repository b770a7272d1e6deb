"""A child's application to the kindergarten e-queue (заявление в электронную очередь).

The stream id is derived from the child's pseudonymous id, so a child has one queue record: a
second application while one is active is refused, and a new one after withdrawal or enrolment
continues the same stream (`Reregistered`). The queue date (`applied_at`) is the moment the
application was registered; changing preferences keeps it.
"""

# Event method parameters are the event's stored fields, used by the body or not.

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.envelope import Meta
from domain.errors import InvalidInput
from domain.kindergarten_values import (
    ActiveApplicationExists,
    ApplicationStatus,
    FreePlaces,
    InvalidQueueTerms,
    Offer,
    PrivilegeCategory,
    PrivilegeDocument,
    QueueEntry,
    QueueTerms,
    WrongApplicationStatus,
    check_terms,
)

# Fixed for ever: every application stream id is derived from it.
QUEUE_NAMESPACE = UUID("3b8e1f52-6c0d-5a47-9e13-2d4f8a6b7c15")


class KindergartenApplication(Aggregate):
    """One child's place in the kindergarten queue, from registration to enrolment."""

    @staticmethod
    def stream_id(child_id: UUID) -> UUID:
        return uuid5(QUEUE_NAMESPACE, str(child_id))

    @staticmethod
    def create_id(child_id: UUID, terms: QueueTerms, applied_at: datetime, meta: Meta,
                  timestamp: datetime) -> UUID:
        return KindergartenApplication.stream_id(child_id)

    @classmethod
    def register(cls, *, child_id: UUID, terms: QueueTerms,
                 meta: Meta) -> KindergartenApplication:
        """Register the application; its queue date is the moment it is recorded."""
        check_terms(terms)
        return cls(child_id=child_id, terms=terms, applied_at=meta.recorded_at, meta=meta,
                   timestamp=meta.recorded_at)

    @event("Registered")
    def __init__(self, child_id: UUID, terms: QueueTerms, applied_at: datetime, meta: Meta,
                 timestamp: datetime) -> None:
        self.child_id = child_id
        self.terms = terms
        self.applied_at = applied_at
        self.status = ApplicationStatus.REGISTERED
        self.offer: Offer | None = None
        self.round_id: UUID | None = None

    def _require(self, *allowed: ApplicationStatus) -> None:
        if self.status not in allowed:
            wanted = " or ".join(s.value for s in allowed)
            raise WrongApplicationStatus(f"application {self.id} is {self.status.value}, "
                                         f"not {wanted}")

    def queue_entry(self) -> QueueEntry:
        """The application as an allocation round sees it."""
        return QueueEntry(application_id=self.id, child_id=self.child_id,
                          privilege=self.terms.privilege, applied_at=self.applied_at,
                          age_group=self.terms.age_group, desired_start=self.terms.desired_start,
                          preferences=self.terms.preferences)

    # Commands.

    def register_again(self, *, terms: QueueTerms, meta: Meta) -> None:
        """A new application for a child whose earlier one was withdrawn or ended."""
        if self.status.is_active:
            raise ActiveApplicationExists(
                f"child {self.child_id} already has an active application ({self.status.value}) "
                f"registered at {self.applied_at.isoformat()}; change it instead")
        check_terms(terms)
        self._reregistered(terms=terms, applied_at=meta.recorded_at, meta=meta,
                           timestamp=meta.recorded_at)

    def change(self, *, terms: QueueTerms, meta: Meta) -> None:
        """New preferences, start date, age group or privilege; the queue date is kept."""
        self._require(ApplicationStatus.REGISTERED, ApplicationStatus.CONFIRMED,
                      ApplicationStatus.SUSPENDED)
        check_terms(terms)
        if terms.municipality != self.terms.municipality:
            raise InvalidQueueTerms("queues are municipal: withdraw and apply in "
                                    f"{terms.municipality} instead")
        if terms == self.terms:
            raise InvalidQueueTerms("the change changes nothing")
        self._changed(terms=terms, applied_at=self.applied_at, meta=meta,
                      timestamp=meta.recorded_at)

    def confirm(self, *, meta: Meta) -> None:
        """Documents checked (подтверждено): the application enters the queue."""
        self._require(ApplicationStatus.REGISTERED)
        self._confirmed(meta=meta, timestamp=meta.recorded_at)

    def suspend(self, *, reason: str, meta: Meta) -> None:
        self._require(ApplicationStatus.CONFIRMED)
        _require_reason(reason)
        self._suspended(reason=reason, meta=meta, timestamp=meta.recorded_at)

    def resume(self, *, meta: Meta) -> None:
        self._require(ApplicationStatus.SUSPENDED)
        self._resumed(meta=meta, timestamp=meta.recorded_at)

    def withdraw(self, *, reason: str, meta: Meta) -> None:
        if not self.status.is_active or self.status is ApplicationStatus.ACCEPTED:
            raise WrongApplicationStatus(f"application {self.id} is {self.status.value}: "
                                         "it cannot be withdrawn")
        _require_reason(reason)
        self._withdrawn(reason=reason, meta=meta, timestamp=meta.recorded_at)

    def receive_offer(self, *, round_id: UUID, offer: Offer, meta: Meta) -> None:
        """A round offered a place (направление)."""
        self._require(ApplicationStatus.CONFIRMED)
        if offer.application_id != self.id:
            raise InvalidInput("the offer is for another application")
        self._place_offered(round_id=round_id, offer=offer, meta=meta,
                            timestamp=meta.recorded_at)

    def accept_offer(self, *, meta: Meta) -> None:
        self._require(ApplicationStatus.OFFERED)
        self._offer_accepted(meta=meta, timestamp=meta.recorded_at)

    def decline_offer(self, *, reason: str, meta: Meta) -> None:
        """The family declines: the application returns to the queue with its date."""
        self._require(ApplicationStatus.OFFERED)
        _require_reason(reason)
        self._offer_declined(reason=reason, meta=meta, timestamp=meta.recorded_at)

    def record_enrolment(self, *, learner_id: UUID, enrolment_id: UUID, meta: Meta) -> None:
        """The child was enrolled (the learner's `Enrolled` event is the enrolment itself)."""
        self._require(ApplicationStatus.ACCEPTED)
        self._enrolled(learner_id=learner_id, enrolment_id=enrolment_id, meta=meta,
                       timestamp=meta.recorded_at)

    # Events: bodies only apply state.

    @event("Reregistered")
    def _reregistered(self, terms: QueueTerms, applied_at: datetime, meta: Meta,
                      timestamp: datetime) -> None:
        self.terms, self.applied_at = terms, applied_at
        self.status, self.offer, self.round_id = ApplicationStatus.REGISTERED, None, None

    @event("Changed")
    def _changed(self, terms: QueueTerms, applied_at: datetime, meta: Meta,
                 timestamp: datetime) -> None:
        self.terms = terms

    @event("Confirmed")
    def _confirmed(self, meta: Meta, timestamp: datetime) -> None:
        self.status = ApplicationStatus.CONFIRMED

    @event("Suspended")
    def _suspended(self, reason: str, meta: Meta, timestamp: datetime) -> None:
        self.status = ApplicationStatus.SUSPENDED

    @event("Resumed")
    def _resumed(self, meta: Meta, timestamp: datetime) -> None:
        self.status = ApplicationStatus.CONFIRMED

    @event("Withdrawn")
    def _withdrawn(self, reason: str, meta: Meta, timestamp: datetime) -> None:
        self.status = ApplicationStatus.WITHDRAWN

    @event("PlaceOffered")
    def _place_offered(self, round_id: UUID, offer: Offer, meta: Meta,
                       timestamp: datetime) -> None:
        self.status, self.offer, self.round_id = ApplicationStatus.OFFERED, offer, round_id

    @event("OfferAccepted")
    def _offer_accepted(self, meta: Meta, timestamp: datetime) -> None:
        self.status = ApplicationStatus.ACCEPTED

    @event("OfferDeclined")
    def _offer_declined(self, reason: str, meta: Meta, timestamp: datetime) -> None:
        self.status, self.offer, self.round_id = ApplicationStatus.CONFIRMED, None, None

    @event("Enrolled")
    def _enrolled(self, learner_id: UUID, enrolment_id: UUID, meta: Meta,
                  timestamp: datetime) -> None:
        self.status = ApplicationStatus.ENROLLED


def _require_reason(reason: str) -> None:
    if not reason.strip():
        raise InvalidInput("give the reason")


VALUE_TYPES: tuple[type, ...] = (PrivilegeCategory, ApplicationStatus, PrivilegeDocument,
                                 QueueTerms, FreePlaces, QueueEntry, Offer)
