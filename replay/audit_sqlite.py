"""Tamper evidence over SQLite: the library's events table (rowid = position) read raw."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from letopis.store import StoreNotInitialised
from replay.audit_store import AuditStore, EventRow, SealRow, SealState, SealWriter, Snapshot
from replay.checkpoint import Checkpoint
from replay.merkle import MerkleFrontier

_EVENTS = "SELECT rowid, originator_id, originator_version, topic, state FROM events"
_SEALS = "SELECT leaf_index, position, header_digest, payload_digest, chain FROM seals"
_CHECKPOINTS = ("SELECT tree_size, last_position, chain_head, merkle_root, created_at, key_id, "
                "signature FROM checkpoints")


def _stream_bytes(text: Any) -> bytes:
    """The library stores a stream id as 32 hex digits; anything else still hashes as itself."""
    try:
        return bytes.fromhex(text)
    except (TypeError, ValueError):
        return str(text).encode()


def _event(row: tuple[Any, ...]) -> EventRow:
    return (row[0], _stream_bytes(row[1]), row[2], str(row[3]).encode(), bytes(row[4]))


def _sha256(state: bytes | None) -> bytes:
    return hashlib.sha256(state or b"").digest()


class _Writer(SealWriter):
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def state(self) -> SealState:
        row = self.conn.execute("SELECT tree_size, last_position, chain, frontier "
                                "FROM seal_state WHERE id = 1").fetchone()
        if row is None:
            return SealState()
        return SealState(row[0], row[1], bytes(row[2]), MerkleFrontier.unpack(row[0], row[3]))

    def write(self, rows: Sequence[SealRow], state: SealState,
              checkpoints: Sequence[Checkpoint]) -> None:
        self.conn.executemany("INSERT INTO seals VALUES (?, ?, ?, ?, ?)", rows)
        self.conn.execute("INSERT OR REPLACE INTO seal_state VALUES (1, ?, ?, ?, ?)",
                          (state.tree_size, state.last_position, state.chain,
                           state.merkle().packed()))
        self.conn.executemany(
            "INSERT INTO checkpoints VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(c.tree_size, c.last_position, c.chain_head, c.merkle_root, c.created_at,
              c.key_id, c.signature) for c in checkpoints])


class _Snapshot(Snapshot):
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def events(self, after: int = 0) -> Iterator[EventRow]:
        cursor = self.conn.execute(_EVENTS + " WHERE rowid > ? ORDER BY rowid", (after,))
        return (_event(row) for row in cursor)

    def seals(self, limit: int | None = None, skip: int = 0) -> Iterator[SealRow]:
        if limit is None:
            return iter(self.conn.execute(_SEALS + " ORDER BY leaf_index LIMIT -1 OFFSET ?",
                                          (skip,)))
        return iter(self.conn.execute(_SEALS + " WHERE leaf_index < ? ORDER BY leaf_index "
                                      "LIMIT -1 OFFSET ?", (limit, skip)))

    def count_events(self, after: int) -> int:
        return int(self.conn.execute("SELECT count(*) FROM events WHERE rowid > ?",
                                     (after,)).fetchone()[0])

    def checkpoints(self) -> list[Checkpoint]:
        return [Checkpoint(r[0], r[1], bytes(r[2]), bytes(r[3]), r[4], r[5], bytes(r[6]))
                for r in self.conn.execute(_CHECKPOINTS + " ORDER BY tree_size")]

    def seal_at(self, position: int) -> SealRow | None:
        row = self.conn.execute(_SEALS + " WHERE position = ?", (position,)).fetchone()
        return None if row is None else (row[0], row[1], row[2], row[3], row[4])

    def event_at(self, position: int) -> EventRow | None:
        row = self.conn.execute(_EVENTS + " WHERE rowid = ?", (position,)).fetchone()
        return None if row is None else _event(row)

    def seals_with_payload(self, payload_digest: bytes) -> list[SealRow]:
        return list(self.conn.execute(_SEALS + " WHERE payload_digest = ? ORDER BY leaf_index",
                                      (payload_digest,)))

    def events_with_payload(self, payload_digest: bytes) -> list[EventRow]:
        return [_event(r) for r in self.conn.execute(
            _EVENTS + " WHERE letopis_sha256(state) = ? ORDER BY rowid", (payload_digest,))]


class SQLiteAudit(AuditStore):
    def __init__(self, path: str) -> None:
        if path != ":memory:" and not Path(path).exists():
            raise StoreNotInitialised(f"no store at {path}: run `letopis db init` first")
        self.path = path

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, timeout=10)
        conn.create_function("letopis_sha256", 1, _sha256, deterministic=True)
        return conn

    @contextmanager
    def sealing(self) -> Iterator[SealWriter]:
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")  # one sealer at a time: the write lock
            yield _Writer(conn)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            conn.close()

    @contextmanager
    def snapshot(self) -> Iterator[Snapshot]:
        conn = self._connect()
        try:
            conn.execute("BEGIN")
            yield _Snapshot(conn)
        finally:
            conn.close()

    def close(self) -> None:
        """Connections live only as long as a sealing run or a snapshot."""
