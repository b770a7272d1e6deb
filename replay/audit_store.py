"""What tamper evidence needs from a store: raw events in position order, seal rows, checkpoints.

Two implementations, one per database (`replay.audit_postgres`, `replay.audit_sqlite`); both
read the stored bytes as stored, never through the event mapper, so upcasting cannot change a
digest. `open_audit` picks one by the database URL, like `letopis.store.open_store`.
"""

from __future__ import annotations

import struct
from abc import ABC, abstractmethod
from collections.abc import Generator, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from itertools import islice

from replay.checkpoint import Checkpoint
from replay.merkle import GENESIS, MerkleFrontier, header_bytes

# (position, stream id as 16 bytes, version, topic as UTF-8, stored state)
EventRow = tuple[int, bytes, int, bytes, bytes]
# (leaf index, position, header digest, payload digest, chain)
SealRow = tuple[int, int, bytes, bytes, bytes]
# (canonical header bytes, stored state): the header begins with u64be(position)
HeaderedEvent = tuple[bytes, bytes]
_INT8 = struct.Struct(">q")


@dataclass(frozen=True)
class SealBatch:
    """Consecutive seal rows in leaf order, column by column: each column's values concatenated.

    `leaf_indexes` and `positions` are 8-byte big-endian integers; the digests line up at 32
    bytes each only if `digests_32` (every digest of every row is 32 bytes long).
    """

    count: int
    leaf_indexes: bytes
    positions: bytes
    header_digests: bytes
    payload_digests: bytes
    chains: bytes
    digests_32: bool

    def position(self, row: int) -> int:
        return int(_INT8.unpack_from(self.positions, row * 8)[0])

    @classmethod
    def of(cls, rows: Sequence[SealRow]) -> SealBatch:
        """These rows as a batch; values that cannot be packed (forged) fail the fast path."""
        try:
            return cls(len(rows), b"".join([_INT8.pack(r[0]) for r in rows]),
                       b"".join([_INT8.pack(r[1]) for r in rows]),
                       b"".join([r[2] for r in rows]), b"".join([r[3] for r in rows]),
                       b"".join([r[4] for r in rows]),
                       all(len(r[2]) == len(r[3]) == len(r[4]) == 32 for r in rows))
        except (struct.error, TypeError):
            return cls(len(rows), b"", b"", b"", b"", b"", False)


def headered(rows: Sequence[EventRow]) -> list[HeaderedEvent] | None:
    """Events as (canonical header, state); None if one cannot be encoded (forged values)."""
    try:
        return [(header_bytes(r[0], r[1], r[2], r[3]), r[4]) for r in rows]
    except (struct.error, TypeError):
        return None


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
    def seals(self, limit: int | None = None, skip: int = 0) -> Iterator[SealRow]:
        """Seal rows in leaf order (those with leaf index < `limit` if given), the first `skip`
        rows left out."""

    def batches(self, size: int, skip: int = 0, after: int = 0
                ) -> Generator[tuple[SealBatch, list[HeaderedEvent] | None], None, None]:
        """Seal rows `size` at a time in leaf order (the first `skip` left out), each batch with
        the next as many events after position `after` (fewer if the events run out).

        The verifier's fast path. A store may read ahead on other threads and connections
        (of the same snapshot) until the generator is closed.
        """
        seals, events = self.seals(skip=skip), self.events(after)
        while rows := list(islice(seals, size)):
            yield SealBatch.of(rows), headered(list(islice(events, len(rows))))

    def count_events(self, after: int) -> int:
        """How many events have position > `after`."""
        return sum(1 for _ in self.events(after))

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
