"""The snapshots table of the PostgreSQL store: a disposable cache (letopis/snapshots.py).

Read in bulk with the events after each snapshot (`Ledger.load_many`), written by the nightly
job and by the ledger for certificate groups, listed and dropped by `letopis snapshots verify`.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import psycopg
from eventsourcing.persistence import StoredEvent
from psycopg.rows import TupleRow
from psycopg_pool import ConnectionPool

_new, _set = object.__new__, object.__setattr__


class PostgresSnapshots:
    """The snapshot methods of `PostgresRecorder` (its `pool` and quoted schema `_s`)."""

    pool: ConnectionPool[psycopg.Connection[TupleRow]]
    _s: str

    def _snapshot_sql(self, s: str) -> None:
        # Index lookups only: the snapshots by primary key (once: the events' bound is taken
        # from the rows read, by a hash join), then for each stream only the events above its
        # snapshot's version, by (stream, version) (OFFSET 0 keeps that a lookup per stream,
        # never a join over the events table). No ORDER BY: sorting thousands of wide rows
        # spilled to disk and cost PostgreSQL half of the query; the reader groups the rows.
        self._select_from_snapshots = (
            f"WITH snap AS MATERIALIZED (SELECT stream_id, version, topic, state "
            f"FROM {s}.snapshots WHERE stream_id = ANY(%b::uuid[])) "
            f"SELECT stream_id, version, topic, state, true FROM snap UNION ALL "
            f"SELECT ids.id, e.version, e.topic, e.state, false "
            f"FROM unnest(%b::uuid[]) AS ids(id) LEFT JOIN snap ON snap.stream_id = ids.id "
            f"CROSS JOIN LATERAL (SELECT version, topic, state FROM {s}.events "
            f"WHERE stream_id = ids.id AND version > coalesce(snap.version, 0) "
            f"ORDER BY version OFFSET 0) e"
        ).encode()
        self._put_snapshots = (
            f"INSERT INTO {s}.snapshots (stream_id, version, topic, state) "
            f"SELECT * FROM unnest(%b::uuid[], %b::bigint[], %b::text[], %b::bytea[]) "
            f"ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version, "
            f"topic = EXCLUDED.topic, state = EXCLUDED.state, taken_at = clock_timestamp() "
            f"WHERE {s}.snapshots.version < EXCLUDED.version"
        ).encode()

    def select_from_snapshots(
        self, stream_ids: Sequence[UUID]
    ) -> dict[UUID, tuple[StoredEvent | None, list[StoredEvent]]]:
        """The streams by stream id, as SQLite returns them (rows come in any order, in
        binary): services save what they loaded in this order, so a command orders its events
        the same way on either store."""
        found: dict[UUID, tuple[StoredEvent | None, list[StoredEvent]]] = {}
        if not stream_ids:
            return found
        with self.pool.connection() as conn:
            ids = list(dict.fromkeys(stream_ids))
            rows = conn.execute(self._select_from_snapshots, (ids, ids),
                                prepare=True, binary=True).fetchall()
        snapshots: dict[UUID, StoredEvent] = {}
        after: dict[UUID, list[StoredEvent]] = {}
        for stream_id, version, topic, state, is_snapshot in rows:
            stored = _stored(stream_id, version, topic, state)
            if is_snapshot:
                snapshots[stream_id] = stored
            else:
                after.setdefault(stream_id, []).append(stored)
        for stream_id in sorted(ids, key=_uuid_int):
            snapshot, events = snapshots.get(stream_id), after.get(stream_id)
            if events is None:
                if snapshot is None:
                    continue
                events = []
            elif len(events) > 1:
                events.sort(key=_version)
            found[stream_id] = (snapshot, events)
        return found

    def put_snapshots(self, snapshots: Sequence[StoredEvent]) -> None:
        if not snapshots:
            return
        params = ([s.originator_id for s in snapshots], [s.originator_version for s in snapshots],
                  [s.topic for s in snapshots], [s.state for s in snapshots])
        with self.pool.connection() as conn:
            conn.execute(self._put_snapshots, params)

    def select_snapshots(self, after: UUID, limit: int) -> list[StoredEvent]:
        with self.pool.connection() as conn:
            rows = conn.execute(
                f"SELECT stream_id, version, topic, state FROM {self._s}.snapshots "
                f"WHERE stream_id > %s ORDER BY stream_id LIMIT %s".encode(),
                (after, limit)).fetchall()
        return [StoredEvent(originator_id=i, originator_version=v, topic=t, state=bytes(b))
                for i, v, t, b in rows]

    def delete_snapshots(self, stream_ids: Sequence[UUID]) -> int:
        with self.pool.connection() as conn:
            cursor = conn.execute(
                f"DELETE FROM {self._s}.snapshots WHERE stream_id = ANY(%s)".encode(),
                (list(stream_ids),))
            return cursor.rowcount


def _stored(stream_id: UUID, version: int, topic: str, state: bytes) -> StoredEvent:
    """`StoredEvent(…)` without the frozen dataclass's `__init__` (a bulk read builds
    thousands)."""
    made: StoredEvent = _new(StoredEvent)
    _set(made, "__dict__", {"originator_id": stream_id, "originator_version": version,
                            "topic": topic, "state": bytes(state)})
    return made


def _uuid_int(stream_id: UUID) -> int:
    return stream_id.int


def _version(stored: StoredEvent) -> int:
    return stored.originator_version
