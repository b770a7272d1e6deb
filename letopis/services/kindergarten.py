"""Commands of the kindergarten e-queue: applications, allocation rounds, offers, enrolment.

Enrolment ends in the core ledger: the child's `Learner` stream gets its `Enrolled` event (the
learner is registered in the same command if new), and the application only notes which
enrolment closed it. One history, not two.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

from domain.envelope import Meta
from domain.kindergarten_allocation import Allocation
from domain.kindergarten_queue import KindergartenApplication
from domain.kindergarten_round import AllocationRound
from domain.kindergarten_values import (
    ApplicationNotFound,
    ApplicationStatus,
    FreePlaces,
    InvalidRound,
    OrganisationNotEligible,
    QueueEntry,
    QueueTerms,
    WrongApplicationStatus,
)
from domain.learner import Learner
from domain.learner_values import EducationLevel
from domain.organisation import Organisation, OrganisationKind
from letopis.ledger import CommandContext, Ledger
from letopis.services.streams import stream_ids_with_topic
from letopis.store.base import CommandOutcome


def _terms_payload(terms: QueueTerms) -> dict[str, object]:
    return {**dataclasses.asdict(terms), "privilege": terms.privilege.value,
            "preferences": [str(p) for p in terms.preferences]}


class KindergartenQueueService:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    # -- reading -------------------------------------------------------------------------------

    def application(self, child_id: UUID) -> KindergartenApplication:
        stream_id = KindergartenApplication.stream_id(child_id)
        if not self.ledger.exists(stream_id):
            raise ApplicationNotFound(f"child {child_id} has no kindergarten application")
        return self.ledger.load(KindergartenApplication, stream_id, "kindergarten application")

    def round(self, round_id: UUID) -> AllocationRound:
        return self.ledger.load(AllocationRound, round_id, "allocation round")

    def queue_snapshot(self, municipality: str) -> tuple[QueueEntry, ...]:
        """Every confirmed application of the municipality, as a round would see it now."""
        registered = get_topic(getattr(KindergartenApplication, "Registered"))  # noqa: B009
        found = []
        for stream_id in stream_ids_with_topic(self.ledger, registered):
            application = self.ledger.load(KindergartenApplication, stream_id, "application")
            if (application.status is ApplicationStatus.CONFIRMED
                    and application.terms.municipality == municipality):
                found.append(application.queue_entry())
        return tuple(found)

    def explain(self, round_id: UUID) -> Allocation:
        """The round replayed from its recorded snapshot: every decision with its reasons."""
        return self.round(round_id).replay()

    def verify(self, round_id: UUID) -> bool:
        """True when replaying the round reproduces exactly the offers it recorded."""
        found = self.round(round_id)
        return found.replay().offers == found.allocated_offers

    def _check_organisations(self, municipality: str, organisations: tuple[UUID, ...]) -> None:
        for organisation_id in organisations:
            organisation = self.ledger.load(Organisation, organisation_id, "organisation")
            organisation.require_accepting_enrolments()
            if (organisation.details.kind is not OrganisationKind.KINDERGARTEN
                    or organisation.details.municipality != municipality):
                raise OrganisationNotEligible(
                    f"organisation {organisation_id} is not a kindergarten of {municipality}")

    # -- applications --------------------------------------------------------------------------

    def register(self, context: CommandContext, child_id: UUID,
                 terms: QueueTerms) -> CommandOutcome:
        """Register an application; a child with an active one is refused."""
        def action(meta: Meta) -> list[KindergartenApplication]:
            self._check_organisations(terms.municipality, terms.preferences)
            stream_id = KindergartenApplication.stream_id(child_id)
            if not self.ledger.exists(stream_id):
                return [KindergartenApplication.register(child_id=child_id, terms=terms,
                                                         meta=meta)]
            application = self.application(child_id)
            application.register_again(terms=terms, meta=meta)
            return [application]

        return self.ledger.execute(context, "register_kindergarten_application",
                                   {"child_id": child_id, **_terms_payload(terms)}, action)

    def change(self, context: CommandContext, child_id: UUID,
               terms: QueueTerms) -> CommandOutcome:
        def action(meta: Meta) -> list[KindergartenApplication]:
            self._check_organisations(terms.municipality, terms.preferences)
            application = self.application(child_id)
            application.change(terms=terms, meta=meta)
            return [application]

        return self.ledger.execute(context, "change_kindergarten_application",
                                   {"child_id": child_id, **_terms_payload(terms)}, action)

    def _on(self, context: CommandContext, command: str, child_id: UUID,
            step: Callable[[KindergartenApplication, Meta], None],
            reason: str | None = None) -> CommandOutcome:
        def action(meta: Meta) -> list[KindergartenApplication]:
            application = self.application(child_id)
            step(application, meta)
            return [application]

        return self.ledger.execute(context, command, {"child_id": child_id, "reason": reason},
                                   action)

    def confirm(self, context: CommandContext, child_id: UUID) -> CommandOutcome:
        """Documents checked: the application enters the queue."""
        return self._on(context, "confirm_kindergarten_application", child_id,
                        lambda a, meta: a.confirm(meta=meta))

    def suspend(self, context: CommandContext, child_id: UUID, reason: str) -> CommandOutcome:
        return self._on(context, "suspend_kindergarten_application", child_id,
                        lambda a, meta: a.suspend(reason=reason, meta=meta), reason)

    def resume(self, context: CommandContext, child_id: UUID) -> CommandOutcome:
        return self._on(context, "resume_kindergarten_application", child_id,
                        lambda a, meta: a.resume(meta=meta))

    def withdraw(self, context: CommandContext, child_id: UUID, reason: str) -> CommandOutcome:
        return self._on(context, "withdraw_kindergarten_application", child_id,
                        lambda a, meta: a.withdraw(reason=reason, meta=meta), reason)

    # -- allocation rounds ---------------------------------------------------------------------

    def open_round(self, context: CommandContext, municipality: str, held_on: date,
                   places_from: date, places: tuple[FreePlaces, ...]) -> CommandOutcome:
        """Open the municipality's round of `held_on` (id derived) with the declared places."""
        def action(meta: Meta) -> list[AllocationRound]:
            if self.ledger.exists(AllocationRound.stream_id(municipality, held_on)):
                raise InvalidRound(f"the round of {municipality} on {held_on} is already open")
            self._check_organisations(municipality, tuple(p.organisation_id for p in places))
            return [AllocationRound.open(municipality=municipality, held_on=held_on,
                                         places_from=places_from, places=places, meta=meta)]

        return self.ledger.execute(
            context, "open_allocation_round",
            {"municipality": municipality, "held_on": held_on, "places_from": places_from,
             "places": [dataclasses.asdict(p) for p in places]}, action)

    def allocate(self, context: CommandContext, round_id: UUID) -> CommandOutcome:
        """Snapshot the queue, allocate, and offer each place: one atomic command."""
        def action(meta: Meta) -> list[Aggregate]:
            found = self.round(round_id)
            allocation = found.allocate(queue=self.queue_snapshot(found.municipality),
                                        meta=meta)
            touched: list[Aggregate] = [found]
            for offer in allocation.offers:
                application = self.ledger.load(KindergartenApplication, offer.application_id,
                                               "application")
                application.receive_offer(round_id=round_id, offer=offer, meta=meta)
                touched.append(application)
            return touched

        return self.ledger.execute(context, "allocate_places", {"round_id": round_id}, action)

    def offer_place(self, context: CommandContext, round_id: UUID, child_id: UUID,
                    organisation_id: UUID, reason: str) -> CommandOutcome:
        """Offer a place freed by a decline to a confirmed application."""
        def action(meta: Meta) -> list[Aggregate]:
            found = self.round(round_id)
            application = self.application(child_id)
            offer = found.offer_place(entry=application.queue_entry(),
                                      organisation_id=organisation_id, reason=reason, meta=meta)
            application.receive_offer(round_id=round_id, offer=offer, meta=meta)
            return [found, application]

        return self.ledger.execute(
            context, "offer_place", {"round_id": round_id, "child_id": child_id,
                                     "organisation_id": organisation_id, "reason": reason},
            action)

    def answer_offer(self, context: CommandContext, child_id: UUID, *, accepted: bool,
                     reason: str = "") -> CommandOutcome:
        """The family's answer, recorded on the round and on the application."""
        def action(meta: Meta) -> list[Aggregate]:
            application = self.application(child_id)
            if application.round_id is None:
                raise WrongApplicationStatus(f"child {child_id}'s application is "
                                             f"{application.status.value}: it holds no offer")
            found = self.round(application.round_id)
            found.answer(application_id=application.id, accepted=accepted, reason=reason,
                         meta=meta)
            if accepted:
                application.accept_offer(meta=meta)
            else:
                application.decline_offer(reason=reason, meta=meta)
            return [found, application]

        return self.ledger.execute(context, "answer_kindergarten_offer",
                                   {"child_id": child_id, "accepted": accepted,
                                    "reason": reason}, action)

    def enrol(self, context: CommandContext, child_id: UUID, *, enrolment_id: UUID,
              group: str, academic_year: str) -> CommandOutcome:
        """Enrol the child where the accepted offer was, by the order in `context.basis`."""
        def action(meta: Meta) -> list[Aggregate]:
            application = self.application(child_id)
            offer = application.offer
            if application.status is not ApplicationStatus.ACCEPTED or offer is None:
                raise WrongApplicationStatus(f"child {child_id}'s application is "
                                             f"{application.status.value}: only an accepted "
                                             "offer leads to enrolment")
            organisation = self.ledger.load(Organisation, offer.organisation_id, "organisation")
            organisation.require_accepting_enrolments()
            learner = (self.ledger.load(Learner, child_id, "learner")
                       if self.ledger.exists(child_id)
                       else Learner.register(learner_id=child_id, meta=meta))
            learner.enrol(enrolment_id=enrolment_id, organisation_id=offer.organisation_id,
                          level=EducationLevel.PRESCHOOL, class_or_group=group,
                          academic_year=academic_year, meta=meta)
            application.record_enrolment(learner_id=child_id, enrolment_id=enrolment_id,
                                         meta=meta)
            return [learner, application]

        return self.ledger.execute(
            context, "enrol_from_kindergarten_queue",
            {"child_id": child_id, "enrolment_id": enrolment_id, "group": group,
             "academic_year": academic_year}, action)
