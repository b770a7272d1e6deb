"""The kindergarten queue order and the allocation of places: pure functions.

The order is privilege category (strongest first), then the moment the application was
registered, then the application id (a deterministic tie-break). The allocation walks the queue
in that order and gives each child the first of its preferences, in the family's order, that
still has a free place in its age group. The same inputs always give the same allocation, and
`Decision`s say why: an auditor replays a round from its recorded snapshot and free places.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import Enum
from uuid import UUID

from domain.kindergarten_values import FreePlaces, Offer, QueueEntry


class PreferenceResult(Enum):
    OFFERED = "offered"  # a place was free: offered here
    FULL = "full"  # the declared places were taken by children earlier in the queue
    NOT_DECLARED = "not_declared"  # no free place declared for this age group in the round
    NOT_REACHED = "not_reached"  # a place was offered at a preferred organisation already


@dataclass(frozen=True)
class PreferenceOutcome:
    organisation_id: UUID
    result: PreferenceResult
    taken_by: tuple[int, ...] = ()  # queue positions that took the places, when full


@dataclass(frozen=True)
class Decision:
    """What the round decided for one application, and why."""

    position: int
    entry: QueueEntry
    waiting: bool  # the desired start is after the round's places are available
    preferences: tuple[PreferenceOutcome, ...]
    offer: Offer | None

    @property
    def reason(self) -> str:
        head = (f"position {self.position}: privilege {self.entry.privilege.value}, "
                f"applied at {self.entry.applied_at.isoformat()}, "
                f"age group {self.entry.age_group}")
        if self.waiting:
            return f"{head}; wants a place from {self.entry.desired_start.isoformat()}: waits"
        parts = []
        for rank, outcome in enumerate(self.preferences, start=1):
            if outcome.result is PreferenceResult.FULL:
                taken = ", ".join(str(p) for p in outcome.taken_by)
                parts.append(f"choice {rank} {outcome.organisation_id} full "
                             f"(taken by positions {taken})")
            elif outcome.result is PreferenceResult.NOT_DECLARED:
                parts.append(f"choice {rank} {outcome.organisation_id} declared no place "
                             f"for age group {self.entry.age_group}")
            elif outcome.result is PreferenceResult.OFFERED:
                parts.append(f"choice {rank} {outcome.organisation_id} offered")
        if self.offer is None:
            parts.append("no place in this round: stays in the queue")
        return f"{head}; " + "; ".join(parts)


@dataclass(frozen=True)
class Allocation:
    decisions: tuple[Decision, ...]

    @property
    def offers(self) -> tuple[Offer, ...]:
        return tuple(d.offer for d in self.decisions if d.offer is not None)

    def decision_for(self, application_id: UUID) -> Decision | None:
        return next((d for d in self.decisions if d.entry.application_id == application_id),
                    None)


def queue_order(entries: Iterable[QueueEntry]) -> tuple[QueueEntry, ...]:
    """The queue in the order it is served."""
    return tuple(sorted(entries, key=lambda e: (e.privilege.rank, e.applied_at,
                                                str(e.application_id))))


def allocate(queue: Iterable[QueueEntry], places: Iterable[FreePlaces],
             places_from: date) -> Allocation:
    """Serve the queue in order over the declared free places (available from `places_from`)."""
    free = {(p.organisation_id, p.age_group): p.places for p in places}
    takers: dict[tuple[UUID, str], list[int]] = {key: [] for key in free}
    decisions = []
    for position, entry in enumerate(queue_order(queue), start=1):
        if entry.desired_start > places_from:
            decisions.append(Decision(position, entry, True, (), None))
            continue
        outcomes: list[PreferenceOutcome] = []
        offer: Offer | None = None
        for rank, organisation_id in enumerate(entry.preferences, start=1):
            key = (organisation_id, entry.age_group)
            if offer is not None:
                outcomes.append(PreferenceOutcome(organisation_id, PreferenceResult.NOT_REACHED))
            elif key not in free:
                outcomes.append(PreferenceOutcome(organisation_id,
                                                  PreferenceResult.NOT_DECLARED))
            elif len(takers[key]) >= free[key]:
                outcomes.append(PreferenceOutcome(organisation_id, PreferenceResult.FULL,
                                                  tuple(takers[key])))
            else:
                takers[key].append(position)
                offer = Offer(entry.application_id, entry.child_id, organisation_id,
                              entry.age_group, position, rank)
                outcomes.append(PreferenceOutcome(organisation_id, PreferenceResult.OFFERED))
        decisions.append(Decision(position, entry, False, tuple(outcomes), offer))
    return Allocation(tuple(decisions))
