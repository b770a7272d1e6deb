"""What the importer needs from a store: stream heads, recorded commands, a batch write."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
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

    def write(self, groups: Sequence[Group]) -> None:
        """Append the groups' events and commands in one transaction, in file order."""

    def close(self) -> None:
        """Release connections."""
