"""An allocation round of kindergarten places (комплектование): one municipality, one day.

The round records its inputs — the free places declared per organisation and age group, and
the snapshot of the queue it used — and its outcome, the offers. `replay()` recomputes the
allocation from the recorded inputs alone; it must equal the recorded offers, and its
`Decision`s explain each place. Places freed by a declined offer may be offered by hand
(`offer_place`), never beyond what was declared.
"""

# Event method parameters are the event's stored fields, used by the body or not.

from __future__ import annotations

import json
from datetime import date, datetime
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.envelope import Meta
from domain.errors import InvalidInput
from domain.kindergarten_allocation import Allocation, allocate, queue_order
from domain.kindergarten_values import (
    FreePlaces,
    InvalidRound,
    NoFreePlace,
    Offer,
    OfferNotFound,
    PlaceNotDeclared,
    QueueEntry,
    RoundAlreadyAllocated,
    RoundNotAllocated,
    WrongApplicationStatus,
    check_places,
)

# Fixed for ever: every round stream id is derived from it.
ROUND_NAMESPACE = UUID("7d2a9c40-1e6b-5f38-a4c7-0b9e3d5f2a61")


class AllocationRound(Aggregate):
    """Declared places, the queue snapshot, offers and the families' answers."""

    @staticmethod
    def stream_id(municipality: str, held_on: date) -> UUID:
        return uuid5(ROUND_NAMESPACE, json.dumps([municipality, held_on.isoformat()]))

    @staticmethod
    def create_id(municipality: str, held_on: date, places_from: date,
                  places: tuple[FreePlaces, ...], meta: Meta, timestamp: datetime) -> UUID:
        return AllocationRound.stream_id(municipality, held_on)

    @classmethod
    def open(cls, *, municipality: str, held_on: date, places_from: date,
             places: tuple[FreePlaces, ...], meta: Meta) -> AllocationRound:
        """Open the round with the free places the organisations declared."""
        if not municipality.strip():
            raise InvalidRound("a round names its municipality")
        if places_from < held_on:
            raise InvalidRound("places are offered from the round's day or later")
        check_places(places)
        return cls(municipality=municipality, held_on=held_on, places_from=places_from,
                   places=places, meta=meta, timestamp=meta.recorded_at)

    @event("Opened")
    def __init__(self, municipality: str, held_on: date, places_from: date,
                 places: tuple[FreePlaces, ...], meta: Meta, timestamp: datetime) -> None:
        self.municipality = municipality
        self.held_on = held_on
        self.places_from = places_from
        self.places = tuple(places)
        self.queue: tuple[QueueEntry, ...] | None = None
        self.allocated_offers: tuple[Offer, ...] = ()
        self.offers: dict[UUID, Offer] = {}  # live offers by application
        self.answers: dict[UUID, bool] = {}  # application → accepted?

    @property
    def allocated(self) -> bool:
        return self.queue is not None

    def declared(self, organisation_id: UUID, age_group: str) -> int:
        return next((p.places for p in self.places
                     if (p.organisation_id, p.age_group) == (organisation_id, age_group)), 0)

    def remaining(self, organisation_id: UUID, age_group: str) -> int:
        """Declared places not held by an offer (a declined offer frees its place)."""
        held = sum(1 for o in self.offers.values()
                   if (o.organisation_id, o.age_group) == (organisation_id, age_group))
        return self.declared(organisation_id, age_group) - held

    def replay(self) -> Allocation:
        """The allocation recomputed from the recorded snapshot and declared places."""
        if self.queue is None:
            raise RoundNotAllocated(f"round {self.id} has not allocated yet")
        return allocate(self.queue, self.places, self.places_from)

    # Commands.

    def allocate(self, *, queue: tuple[QueueEntry, ...], meta: Meta) -> Allocation:
        """Serve the queue over the declared places; records the snapshot and the offers."""
        if self.allocated:
            raise RoundAlreadyAllocated(f"round {self.id} has already allocated its places")
        ids = [e.application_id for e in queue]
        if len(set(ids)) != len(ids):
            raise InvalidRound("an application appears twice in the queue snapshot")
        ordered = queue_order(queue)
        allocation = allocate(ordered, self.places, self.places_from)
        self._allocated(queue=ordered, offers=allocation.offers, meta=meta,
                        timestamp=meta.recorded_at)
        return allocation

    def offer_place(self, *, entry: QueueEntry, organisation_id: UUID, reason: str,
                    meta: Meta) -> Offer:
        """Offer a place by hand (after a decline); only a declared place still free."""
        if self.queue is None:
            raise RoundNotAllocated("the round allocates by the queue before offers by hand")
        if not reason.strip():
            raise InvalidInput("an offer by hand gives its reason")
        if self.declared(organisation_id, entry.age_group) == 0:
            raise PlaceNotDeclared(f"organisation {organisation_id} declared no place for age "
                                   f"group {entry.age_group} in round {self.id}")
        if self.remaining(organisation_id, entry.age_group) < 1:
            raise NoFreePlace(f"all {self.declared(organisation_id, entry.age_group)} declared "
                              f"places of {organisation_id}, age group {entry.age_group}, "
                              "are offered")
        if entry.application_id in self.offers:
            raise WrongApplicationStatus(f"application {entry.application_id} already holds "
                                         "an offer of this round")
        positions = {e.application_id: n for n, e in enumerate(self.queue, start=1)}
        rank = (entry.preferences.index(organisation_id) + 1
                if organisation_id in entry.preferences else 0)
        offer = Offer(entry.application_id, entry.child_id, organisation_id, entry.age_group,
                      positions.get(entry.application_id, 0), rank)
        self._place_offered(offer=offer, reason=reason, meta=meta, timestamp=meta.recorded_at)
        return offer

    def answer(self, *, application_id: UUID, accepted: bool, reason: str,
               meta: Meta) -> None:
        """The family accepts or declines the offer; a decline frees the place."""
        if application_id not in self.offers:
            raise OfferNotFound(f"round {self.id} holds no open offer for {application_id}")
        if application_id in self.answers:
            raise WrongApplicationStatus(f"the offer to {application_id} is already answered")
        if not accepted and not reason.strip():
            raise InvalidInput("a declined offer gives its reason")
        self._offer_answered(application_id=application_id, accepted=accepted, reason=reason,
                             meta=meta, timestamp=meta.recorded_at)

    # Events: bodies only apply state.

    @event("Allocated")
    def _allocated(self, queue: tuple[QueueEntry, ...], offers: tuple[Offer, ...], meta: Meta,
                   timestamp: datetime) -> None:
        self.queue = tuple(queue)
        self.allocated_offers = tuple(offers)
        self.offers = {o.application_id: o for o in offers}

    @event("PlaceOffered")
    def _place_offered(self, offer: Offer, reason: str, meta: Meta,
                       timestamp: datetime) -> None:
        self.offers[offer.application_id] = offer
        self.answers.pop(offer.application_id, None)

    @event("OfferAnswered")
    def _offer_answered(self, application_id: UUID, accepted: bool, reason: str, meta: Meta,
                        timestamp: datetime) -> None:
        if accepted:
            self.answers[application_id] = True
        else:
            del self.offers[application_id]
