"""What the ledger needs from a store, beyond the eventsourcing recorder interface."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, IntegrityError, StoredEvent


class DuplicateCommand(IntegrityError):
    """A command id was recorded by a concurrent request: read its first result instead."""


@dataclass(frozen=True)
class CommandOutcome:
    """The result of a command as first recorded: what a retry gets back."""

    command_id: str
    streams: dict[str, int]  # stream id -> version after the command
    positions: tuple[int, ...]  # global positions of the events written
    data: dict[str, Any]

    def to_json(self) -> str:
        return json.dumps({"streams": self.streams, "data": self.data}, sort_keys=True)

    @classmethod
    def from_stored(cls, command_id: str, stored: dict[str, Any]) -> CommandOutcome:
        return cls(
            command_id=command_id,
            streams={str(k): int(v) for k, v in stored["streams"].items()},
            positions=tuple(int(p) for p in stored.get("positions", ())),
            data=dict(stored.get("data", {})),
        )


class LedgerRecorder(ApplicationRecorder, ABC):
    """An application recorder that also keeps command outcomes and personal data.

    Personal-data records are opaque bytes here: `letopis.privacy` encrypts them before they
    arrive, so plaintext never reaches the event store.
    """

    def select_streams(self, stream_ids: Sequence[UUID]) -> dict[UUID, list[StoredEvent]]:
        """Every event of each of `stream_ids`, by stream, in version order (unknown streams
        are absent). Stores override this with one query for many streams."""
        found: dict[UUID, list[StoredEvent]] = {}
        for stream_id in dict.fromkeys(stream_ids):
            events = list(self.select_events(stream_id))
            if events:
                found[stream_id] = events
        return found

    def select_from_snapshots(
        self, stream_ids: Sequence[UUID]
    ) -> dict[UUID, tuple[StoredEvent | None, list[StoredEvent]]]:
        """For each of `stream_ids`: its snapshot (or None) and the events after it, in version
        order (all of them without a snapshot). Unknown streams are absent."""
        return {stream_id: (None, events)
                for stream_id, events in self.select_streams(stream_ids).items()}

    def put_snapshots(self, snapshots: Sequence[StoredEvent]) -> None:
        """Keep each snapshot unless its stream already has one at a later version.
        Snapshots are a cache: a store without them ignores this."""

    def select_snapshots(self, after: UUID, limit: int) -> list[StoredEvent]:  # noqa: ARG002
        """Up to `limit` snapshots of streams whose id sorts after `after`, by stream id
        (`letopis snapshots verify`). A store without snapshots has none."""
        return []

    def delete_snapshots(self, stream_ids: Sequence[UUID]) -> int:  # noqa: ARG002
        """Drop the snapshots of `stream_ids` (always safe: a cache); returns how many."""
        return 0

    @abstractmethod
    def command_outcome(self, command_id: str) -> CommandOutcome | None:
        """The outcome recorded for `command_id`, or None if it never ran."""

    @abstractmethod
    def put_personal_data(self, learner_id: UUID, data: bytes) -> None:
        """Store (replace) the personal-data record of a learner, outside the event stream."""

    @abstractmethod
    def get_personal_data(self, learner_id: UUID) -> bytes | None:
        """The personal-data record of a learner, if any."""

    @abstractmethod
    def delete_personal_data(self, learner_id: UUID) -> bool:
        """Delete the learner's record (after its key was destroyed); True if there was one."""

    @abstractmethod
    def count_events(self) -> int:
        """How many events the store holds (for tests, status and benchmarks)."""

    @abstractmethod
    def close(self) -> None:
        """Release connections."""


def certified_prefix(
    rows: Sequence[tuple[int, Any]], after: int, certified: int | None
) -> list[Any]:
    """Rows a follower may take now, given rows ordered by position after `after`.

    A row is safe when every lower position is final: either it is at or below `certified`
    (all positions up to there belong to finished transactions) or it directly follows the
    last safe row. The first unsafe gap stops the page; the follower asks again later.
    """
    taken: list[Any] = []
    previous = after
    for position, row in rows:
        if (certified is not None and position <= certified) or position == previous + 1:
            taken.append(row)
            previous = position
        else:
            break
    return taken
