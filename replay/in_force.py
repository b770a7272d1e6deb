"""What was in force on a business date, according to the record as of a moment.

Two clocks: `as_of` chooses the record (events recorded by then, cancellations recorded by then
included); `on` is the business date asked about and is compared with each fact's effective
date. An enrolment or a transfer is in force from its effective date; a leaving or an expulsion
ends the enrolment from its effective date, so the learner is not placed there on that day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from domain.errors import NotFound
from domain.learner import Learner
from domain.learner_values import Placement
from domain.organisation import OrganisationDetails
from letopis.ledger import Ledger
from replay.as_of import StreamEvent, fold_as, meta_of, read_stream, recorded_by
from replay.event_id import event_id
from replay.history import event_type

_REGISTERED = "Organisation.Registered"
_DETAILS_CHANGED = "Organisation.DetailsChanged"
_CLOSED = "Organisation.Closed"


@dataclass(frozen=True)
class PlacementInForce:
    """A placement and the entry (version, event id) that put it in force."""

    placement: Placement
    version: int
    event_id: UUID


@dataclass(frozen=True)
class LearnerOn:
    """The learner's placements in force on `on`: general education (at most one) and
    additional education (any number, by enrolment)."""

    learner_id: UUID
    on: date
    general: PlacementInForce | None
    additional: tuple[PlacementInForce, ...]


@dataclass(frozen=True)
class OrganisationOn:
    """The organisation on `on`: not yet registered (`details` None), or its details in force
    (from the entry at `details_version`) and whether it was closed by then."""

    organisation_id: UUID
    on: date
    details: OrganisationDetails | None
    details_version: int | None
    details_event_id: UUID | None
    details_effective_on: date | None
    closed_on: date | None
    closed_version: int | None


def placement_on(learner: Learner, on: date) -> LearnerOn:
    """Placements in force on `on` among the learner's non-cancelled entries (pure)."""
    general: PlacementInForce | None = None
    additional: dict[UUID, PlacementInForce] = {}
    for entry in learner.entries:
        if entry.effective_on > on:
            continue
        if entry.placement is not None:
            placed = PlacementInForce(entry.placement, entry.version,
                                      event_id(learner.id, entry.version))
            if entry.placement.level.is_general:
                general = placed
            else:
                additional[entry.enrolment_id] = placed
        else:
            if general is not None and general.placement.enrolment_id == entry.enrolment_id:
                general = None
            additional.pop(entry.enrolment_id, None)
    return LearnerOn(learner.id, on, general, tuple(additional.values()))


def learner_placement_on(ledger: Ledger, learner_id: UUID, on: date,
                         as_of: datetime | None = None) -> LearnerOn:
    """The placement in force on `on` according to the record as of `as_of` (now if None).

    A learner with nothing recorded by `as_of` had no placement in that record; an unknown
    stream, or one of another kind, is refused (NotFound).
    """
    events = read_stream(ledger, learner_id)
    if not events:
        raise NotFound(f"learner {learner_id} is not in the ledger")
    fold_as(Learner, events[:1], "learner")  # refuses another kind of stream
    known = recorded_by(events, as_of)
    if not known:
        return LearnerOn(learner_id, on, None, ())
    return placement_on(fold_as(Learner, known, "learner"), on)


def organisation_on(organisation_id: UUID, events: Sequence[StreamEvent],
                    on: date) -> OrganisationOn:
    """The organisation's details in force on `on` among these events (pure).

    Details in force are those of the registration or the details change with the latest
    effective date on or before `on` (the later recorded one when two share a date). Before
    its registration takes effect an organisation has no details.
    """
    registered = False
    best: tuple[date, int, OrganisationDetails] | None = None
    closed: tuple[date, int] | None = None
    for event in events:
        kind = event_type(event)
        effective_on = meta_of(event).effective_on
        version = event.originator_version
        if effective_on > on:
            continue
        if kind in (_REGISTERED, _DETAILS_CHANGED):
            registered = registered or kind == _REGISTERED
            details = vars(event).get("details")
            if not isinstance(details, OrganisationDetails):
                raise TypeError(f"{kind} v{version} carries no organisation details")
            if best is None or (effective_on, version) >= (best[0], best[1]):
                best = (effective_on, version, details)
        elif kind == _CLOSED:
            closed = (effective_on, version)
    if not registered or best is None:
        return OrganisationOn(organisation_id, on, None, None, None, None, None, None)
    return OrganisationOn(
        organisation_id=organisation_id,
        on=on,
        details=best[2],
        details_version=best[1],
        details_event_id=event_id(organisation_id, best[1]),
        details_effective_on=best[0],
        closed_on=closed[0] if closed else None,
        closed_version=closed[1] if closed else None,
    )
