"""Tamper evidence over PostgreSQL: `<schema>.events` read raw, `<schema>.seals` written by COPY.

Everything is read inside one REPEATABLE READ READ ONLY transaction, so events and seals come
from one snapshot; the verifier's fast path reads ahead on two more connections that import it
(`replay.audit_postgres_read`). Row by row, stream ids come as their 16 bytes (`uuid_send`)
and topics as UTF-8 bytes (`convert_to`): no per-row UUID or text objects to build.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import IsolationLevel

from replay.audit_postgres_read import read_batches
from replay.audit_store import (
    AuditStore,
    EventRow,
    HeaderedEvent,
    SealBatch,
    SealRow,
    SealState,
    SealWriter,
    Snapshot,
)
from replay.checkpoint import Checkpoint
from replay.merkle import MerkleFrontier

SEAL_LOCK_KEY = 0x4C455453  # "LETS": one sealer at a time
BATCH = 20_000


def _checkpoint(row: tuple[Any, ...]) -> Checkpoint:
    return Checkpoint(int(row[0]), int(row[1]), bytes(row[2]), bytes(row[3]), str(row[4]),
                      str(row[5]), bytes(row[6]))


class _Writer(SealWriter):
    def __init__(self, conn: psycopg.Connection[Any], s: str) -> None:
        self.conn, self.s = conn, s

    def state(self) -> SealState:
        row = self.conn.execute(
            f"SELECT tree_size, last_position, chain, frontier FROM {self.s}.seal_state "
            "WHERE id = 1").fetchone()
        if row is None:
            return SealState()
        return SealState(int(row[0]), int(row[1]), bytes(row[2]),
                         MerkleFrontier.unpack(int(row[0]), bytes(row[3])))

    def write(self, rows: Sequence[SealRow], state: SealState,
              checkpoints: Sequence[Checkpoint]) -> None:
        with self.conn.cursor() as cur:
            with cur.copy(f"COPY {self.s}.seals (leaf_index, position, header_digest, "
                          "payload_digest, chain) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(["int8", "int8", "bytea", "bytea", "bytea"])
                for row in rows:
                    copy.write_row(row)
            cur.execute(
                f"INSERT INTO {self.s}.seal_state (id, tree_size, last_position, chain, "
                "frontier) VALUES (1, %s, %s, %s, %s) ON CONFLICT (id) DO UPDATE SET "
                "tree_size = EXCLUDED.tree_size, last_position = EXCLUDED.last_position, "
                "chain = EXCLUDED.chain, frontier = EXCLUDED.frontier",
                (state.tree_size, state.last_position, state.chain, state.merkle().packed()))
            cur.executemany(
                f"INSERT INTO {self.s}.checkpoints (tree_size, last_position, chain_head, "
                "merkle_root, created_at, key_id, signature) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [(c.tree_size, c.last_position, c.chain_head, c.merkle_root, c.created_at,
                  c.key_id, c.signature) for c in checkpoints])


class _Snapshot(Snapshot):
    def __init__(self, conn: psycopg.Connection[Any], conninfo: str, s: str) -> None:
        self.conn, self.conninfo, self.s = conn, conninfo, s
        self._events = (f"SELECT position, uuid_send(stream_id), version, "
                        f"convert_to(topic, 'UTF8'), state FROM {s}.events")
        self._seals = (f"SELECT leaf_index, position, header_digest, payload_digest, chain "
                       f"FROM {s}.seals")
        self._cursors = 0

    def _stream(self, sql: str, params: Sequence[Any]) -> Iterator[Any]:
        self._cursors += 1
        with self.conn.cursor(name=f"letopis_audit_{self._cursors}", binary=True) as cur:
            cur.itersize = BATCH
            cur.execute(sql, params)
            while rows := cur.fetchmany(BATCH):
                yield from rows

    def events(self, after: int = 0) -> Iterator[EventRow]:
        return self._stream(self._events + " WHERE position > %s ORDER BY position", (after,))

    def seals(self, limit: int | None = None, skip: int = 0) -> Iterator[SealRow]:
        if limit is None:
            return self._stream(self._seals + " ORDER BY leaf_index OFFSET %s", (skip,))
        return self._stream(self._seals + " WHERE leaf_index < %s ORDER BY leaf_index OFFSET %s",
                            (limit, skip))

    def batches(self, size: int, skip: int = 0, after: int = 0
                ) -> Generator[tuple[SealBatch, list[HeaderedEvent] | None], None, None]:
        return read_batches(self.conn, self.conninfo, self.s, size, skip, after)

    def count_events(self, after: int) -> int:
        row = self.conn.execute(f"SELECT count(*) FROM {self.s}.events WHERE position > %s",
                                (after,)).fetchone()
        return int(row[0]) if row else 0

    def checkpoints(self) -> list[Checkpoint]:
        rows = self.conn.execute(
            f"SELECT tree_size, last_position, chain_head, merkle_root, created_at, key_id, "
            f"signature FROM {self.s}.checkpoints ORDER BY tree_size").fetchall()
        return [_checkpoint(r) for r in rows]

    def seal_at(self, position: int) -> SealRow | None:
        row = self.conn.execute(self._seals + " WHERE position = %s", (position,),
                                binary=True).fetchone()
        return None if row is None else (row[0], row[1], row[2], row[3], row[4])

    def event_at(self, position: int) -> EventRow | None:
        row = self.conn.execute(self._events + " WHERE position = %s", (position,),
                                binary=True).fetchone()
        return None if row is None else (row[0], row[1], row[2], row[3], row[4])

    def seals_with_payload(self, payload_digest: bytes) -> list[SealRow]:
        rows = self.conn.execute(self._seals + " WHERE payload_digest = %s ORDER BY leaf_index",
                                 (payload_digest,), binary=True).fetchall()
        return [(r[0], r[1], r[2], r[3], r[4]) for r in rows]

    def events_with_payload(self, payload_digest: bytes) -> list[EventRow]:
        rows = self.conn.execute(self._events + " WHERE sha256(state) = %s ORDER BY position",
                                 (payload_digest,), binary=True).fetchall()
        return [(r[0], r[1], r[2], r[3], r[4]) for r in rows]


class PostgresAudit(AuditStore):
    def __init__(self, conninfo: str, schema: str) -> None:
        self.conninfo = conninfo
        self.s = f'"{schema}"'
        self._sealer: psycopg.Connection[Any] | None = None  # kept by a continuous sealer

    @contextmanager
    def sealing(self) -> Iterator[SealWriter]:
        if self._sealer is None or self._sealer.closed:
            self._sealer = psycopg.connect(self.conninfo, autocommit=True)
        conn = self._sealer
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (SEAL_LOCK_KEY,))
            yield _Writer(conn, self.s)

    @contextmanager
    def snapshot(self) -> Iterator[Snapshot]:
        with psycopg.connect(self.conninfo) as conn:
            conn.isolation_level = IsolationLevel.REPEATABLE_READ
            conn.read_only = True
            try:
                yield _Snapshot(conn, self.conninfo, self.s)
            finally:
                conn.rollback()

    def close(self) -> None:
        if self._sealer is not None:
            self._sealer.close()
            self._sealer = None
