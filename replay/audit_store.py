"""What tamper evidence needs from a store: raw events in position order, seal rows, checkpoints.

Two implementations, one per database (`replay.audit_postgres`, `replay.audit_sqlite`); both
read the stored bytes as stored, never through the event mapper, so upcasting cannot change a
digest. `open_audit` picks one by the database URL, like `letopis.store.open_store`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass

from replay.checkpoint import Checkpoint
from replay.merkle import GENESIS, MerkleFrontier

# (position, stream id as 16 bytes, version, topic as UTF-8, stored state)
EventRow = tuple[int, bytes, int, bytes, bytes]
# (leaf index, position, header digest, payload digest, chain)
SealRow = tuple[int, int, bytes, bytes, bytes]


@dataclass
class SealState:
    """Where the sealer stopped: the chain and Merkle frontier after `tree_size` leaves."""

    tree_size: int = 0
    last_position: int = 0
    chain: bytes = GENESIS
    frontier: MerkleFrontier | None = None

    def merkle(self) -> MerkleFrontier:
        if self.frontier is None:
            self.frontier = MerkleFrontier()
        return self.frontier


class SealWriter(ABC):
    """One locked sealing transaction: read the state, add rows after it, commit on exit."""

    @abstractmethod
    def state(self) -> SealState: ...

    @abstractmethod
    def write(self, rows: Sequence[SealRow], state: SealState,
              checkpoints: Sequence[Checkpoint]) -> None: ...


class Snapshot(ABC):
    """A consistent read of events, seal rows and checkpoints (one database snapshot)."""

    @abstractmethod
    def events(self, after: int = 0) -> Iterator[EventRow]:
        """Every event with position > `after`, in position order."""

    @abstractmethod
    def seals(self, limit: int | None = None) -> Iterator[SealRow]:
        """Seal rows in leaf order (the first `limit` if given)."""

    @abstractmethod
    def checkpoints(self) -> list[Checkpoint]: ...

    @abstractmethod
    def seal_at(self, position: int) -> SealRow | None: ...

    @abstractmethod
    def event_at(self, position: int) -> EventRow | None: ...

    @abstractmethod
    def seals_with_payload(self, payload_digest: bytes) -> list[SealRow]:
        """Seal rows whose payload digest is this (a full scan: used only after damage)."""

    @abstractmethod
    def events_with_payload(self, payload_digest: bytes) -> list[EventRow]:
        """Events whose stored state hashes to this (a full scan: used only after damage)."""


class AuditStore(ABC):
    @abstractmethod
    def sealing(self) -> AbstractContextManager[SealWriter]: ...

    @abstractmethod
    def snapshot(self) -> AbstractContextManager[Snapshot]: ...

    @abstractmethod
    def close(self) -> None: ...


def open_audit(url: str, schema: str = "letopis") -> AuditStore:
    """The audit view of the store at `url` (run `letopis db init` first)."""
    from letopis.store import _kind, _sqlite_path

    if _kind(url) == "postgres":
        from replay.audit_postgres import PostgresAudit

        return PostgresAudit(url, schema)
    from replay.audit_sqlite import SQLiteAudit

    return SQLiteAudit(_sqlite_path(url))
