"""A learner's contingent state: the fold of their non-cancelled entries (domain/learner.py).

The `Learner` aggregate guards and emits; this class only keeps what its events applied, and
answers the questions the guards ask. Cancelling an entry refolds the rest as if the cancelled
one had never happened; the history keeps both facts.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.learner_values import (
    ContingentEntry,
    EnrolmentEnded,
    EnrolmentNotFound,
    MoveBackdated,
    NotEnrolled,
    Placement,
)


class Contingent:
    """Every entry ever made, cancelled or not, and the state folded from the non-cancelled."""

    def __init__(self) -> None:
        self._entries: list[ContingentEntry] = []
        self.cancelled_versions: set[int] = set()
        # Ids stay used after cancellation, so an id never names two different enrolments.
        self.used_enrolment_ids: set[UUID] = set()
        self.active_general: Placement | None = None
        self.active_additional: dict[UUID, Placement] = {}
        self.placements: dict[UUID, Placement] = {}  # latest placement of every enrolment
        self.ended_on: dict[UUID, date] = {}
        self.last_move_on: date | None = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Contingent) and vars(self) == vars(other)

    __hash__ = None  # type: ignore[assignment]  # mutable: equal by value, so not hashable

    @property
    def all_entries(self) -> list[ContingentEntry]:
        """Every entry, cancelled ones included, oldest first (not a copy)."""
        return self._entries

    @property
    def entries(self) -> tuple[ContingentEntry, ...]:
        """The non-cancelled entries, oldest first."""
        return tuple(e for e in self._entries if e.version not in self.cancelled_versions)

    # Questions the guards ask.

    def require_in_order(self, effective_on: date, previous_on: date | None) -> None:
        if previous_on is not None and effective_on < previous_on:
            raise MoveBackdated(
                f"effective date {effective_on.isoformat()} is before the learner's previous "
                f"move on {previous_on.isoformat()}; moves cannot go back in time"
            )

    def active_placement(self, learner_id: UUID, enrolment_id: UUID) -> Placement:
        if self.active_general is None and not self.active_additional:
            raise NotEnrolled(f"learner {learner_id} has no active enrolment")
        placement = self.placements.get(enrolment_id)
        if placement is None:
            raise EnrolmentNotFound(f"learner {learner_id} has no enrolment {enrolment_id}")
        ended_on = self.ended_on.get(enrolment_id)
        if ended_on is not None:
            raise EnrolmentEnded(f"enrolment {enrolment_id} ended on {ended_on.isoformat()}")
        return placement

    # Folding, shared by live commands, replay and cancellation.

    def record(self, entry: ContingentEntry) -> None:
        self._entries.append(entry)
        self._apply(entry)

    def cancel(self, version: int) -> None:
        self.cancelled_versions.add(version)
        self._refold()

    def _apply(self, entry: ContingentEntry) -> None:
        if entry.placement is not None:
            self.placements[entry.enrolment_id] = entry.placement
            if entry.placement.level.is_general:
                self.active_general = entry.placement
            else:
                self.active_additional[entry.enrolment_id] = entry.placement
        else:
            self.ended_on[entry.enrolment_id] = entry.effective_on
            active = self.active_general
            if active is not None and active.enrolment_id == entry.enrolment_id:
                self.active_general = None
            self.active_additional.pop(entry.enrolment_id, None)
        self.last_move_on = entry.effective_on

    def _refold(self) -> None:
        """Rebuild derived state as if cancelled entries had never happened."""
        self.active_general = None
        self.active_additional = {}
        self.placements = {}
        self.ended_on = {}
        self.last_move_on = None
        for entry in self.entries:
            self._apply(entry)
