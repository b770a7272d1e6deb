"""What the importer needs from a store: stream heads, recorded commands, a batch write."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol
from uuid import UUID

from letopis.bulk.format import Line


@dataclass
class Group:
    """One command of the file: its id, its stored result and its events in file order."""

    command_id: str
    result: str
    lines: list[Line] = field(default_factory=list)


def digest(result: str, events: Iterable[tuple[UUID, int, str, bytes]]) -> str:
    """Content of a command: its result and every event (stream, version, topic, state)."""
    h = hashlib.sha256(result.encode())
    for stream_id, version, topic, state in events:
        h.update(f"\x1e{stream_id}\x1f{version}\x1f{topic}\x1f".encode())
        h.update(state)
    return h.hexdigest()


class Target(Protocol):
    def heads(self, stream_ids: Sequence[UUID]) -> dict[UUID, int]:
        """The current version of each stream that has events (absent: no events)."""

    def recorded(self, command_ids: Sequence[str]) -> dict[str, str]:
        """For command ids already in the store: the digest of what they wrote."""

    def stage(self, group: Group) -> None:
        """Keep a checked, new command for the write pass (nothing is written yet)."""

    def flush(self, batch_size: int, written: Callable[[int], None] | None) -> int:
        """Write the staged commands in file order, one transaction per batch of about
        `batch_size` events (cut between commands); returns the number of batches."""

    def close(self) -> None:
        """Release connections."""
