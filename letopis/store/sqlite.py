"""Embedded SQLite event store: the eventsourcing library's recorder plus our side tables.

SQLite serialises writers, so positions (rowids) commit in order and a follower needs no
gap logic. Command outcomes commit in the same transaction as the events.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteDatastore

from letopis.store.base import CommandOutcome, DuplicateCommand, LedgerRecorder

_SIDE_TABLES = [
    "CREATE TABLE IF NOT EXISTS commands ("
    "command_id TEXT PRIMARY KEY, result TEXT NOT NULL, "
    "recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))",
    "CREATE TABLE IF NOT EXISTS personal_data ("
    "learner_id TEXT PRIMARY KEY, data BLOB NOT NULL)",
    # Tamper evidence (docs/audit.md): written by the sealer, never by appends.
    "CREATE TABLE IF NOT EXISTS seals (leaf_index INTEGER PRIMARY KEY, "
    "position INTEGER NOT NULL UNIQUE, header_digest BLOB NOT NULL, "
    "payload_digest BLOB NOT NULL, chain BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS seal_state (id INTEGER PRIMARY KEY CHECK (id = 1), "
    "tree_size INTEGER NOT NULL, last_position INTEGER NOT NULL, chain BLOB NOT NULL, "
    "frontier BLOB NOT NULL)",
    # Snapshots: a disposable cache of aggregate state (letopis/snapshots.py).
    "CREATE TABLE IF NOT EXISTS snapshots (stream_id TEXT PRIMARY KEY, "
    "version INTEGER NOT NULL, topic TEXT NOT NULL, state BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS checkpoints (tree_size INTEGER PRIMARY KEY, "
    "last_position INTEGER NOT NULL, chain_head BLOB NOT NULL, merkle_root BLOB NOT NULL, "
    "created_at TEXT NOT NULL, key_id TEXT NOT NULL, signature BLOB NOT NULL)",
]


_IDS_PER_QUERY = 500  # SQLite limits the number of bound parameters per statement


class SQLiteRecorder(SQLiteApplicationRecorder, LedgerRecorder):
    """The library's SQLite application recorder with command outcomes and personal data."""

    def __init__(self, path: str, *, lock_timeout: int = 10) -> None:
        super().__init__(SQLiteDatastore(path, lock_timeout=lock_timeout), "events")

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *_SIDE_TABLES]

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        try:
            return super().insert_events(stored_events, **kwargs)
        except IntegrityError as error:
            if "commands.command_id" in str(error):
                raise DuplicateCommand(str(error)) from error
            raise

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        positions = super()._insert_events(c, stored_events, **kwargs)
        command_id: str | None = kwargs.get("command_id")
        if command_id is not None:
            result = json.loads(kwargs.get("command_result") or "{}")
            result["positions"] = list(positions or [])
            c.execute("INSERT INTO commands (command_id, result) VALUES (?, ?)",
                      (command_id, json.dumps(result, sort_keys=True)))
        return positions

    def select_streams(self, stream_ids: Sequence[UUID]) -> dict[UUID, list[StoredEvent]]:
        found: dict[UUID, list[StoredEvent]] = {}
        unique = list(dict.fromkeys(stream_ids))
        with self.datastore.transaction(commit=False) as c:
            for start in range(0, len(unique), _IDS_PER_QUERY):
                chunk = [i.hex for i in unique[start:start + _IDS_PER_QUERY]]
                c.execute(
                    "SELECT originator_id, originator_version, topic, state FROM events "
                    f"WHERE originator_id IN ({','.join('?' * len(chunk))}) "
                    "ORDER BY originator_id, originator_version", chunk)
                for row in c.fetchall():
                    stream_id = UUID(row[0])
                    found.setdefault(stream_id, []).append(
                        StoredEvent(originator_id=stream_id, originator_version=row[1],
                                    topic=row[2], state=row[3]))
        return found

    def select_from_snapshots(
        self, stream_ids: Sequence[UUID]
    ) -> dict[UUID, tuple[StoredEvent | None, list[StoredEvent]]]:
        snapshots: dict[UUID, StoredEvent] = {}
        unique = list(dict.fromkeys(stream_ids))
        with self.datastore.transaction(commit=False) as c:
            for start in range(0, len(unique), _IDS_PER_QUERY):
                chunk = [i.hex for i in unique[start:start + _IDS_PER_QUERY]]
                c.execute("SELECT stream_id, version, topic, state FROM snapshots "
                          f"WHERE stream_id IN ({','.join('?' * len(chunk))})", chunk)
                for row in c.fetchall():
                    stream_id = UUID(row[0])
                    snapshots[stream_id] = StoredEvent(originator_id=stream_id,
                                                       originator_version=row[1],
                                                       topic=row[2], state=row[3])
        found: dict[UUID, tuple[StoredEvent | None, list[StoredEvent]]] = {}
        for stream_id, events in self.select_streams(unique).items():
            snapshot = snapshots.get(stream_id)
            after = snapshot.originator_version if snapshot else 0
            found[stream_id] = (snapshot, [e for e in events if e.originator_version > after])
        return found

    def put_snapshots(self, snapshots: Sequence[StoredEvent]) -> None:
        with self.datastore.transaction(commit=True) as c:
            for snapshot in snapshots:
                c.execute(
                    "INSERT INTO snapshots (stream_id, version, topic, state) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT (stream_id) DO UPDATE SET "
                    "version = excluded.version, topic = excluded.topic, "
                    "state = excluded.state WHERE snapshots.version < excluded.version",
                    (UUID(str(snapshot.originator_id)).hex, snapshot.originator_version,
                     snapshot.topic, snapshot.state))

    def select_snapshots(self, after: UUID, limit: int) -> list[StoredEvent]:
        with self.datastore.transaction(commit=False) as c:
            c.execute("SELECT stream_id, version, topic, state FROM snapshots "
                      "WHERE stream_id > ? ORDER BY stream_id LIMIT ?", (after.hex, limit))
            return [StoredEvent(originator_id=UUID(i), originator_version=v, topic=t, state=b)
                    for i, v, t, b in c.fetchall()]

    def delete_snapshots(self, stream_ids: Sequence[UUID]) -> int:
        deleted = 0
        with self.datastore.transaction(commit=True) as c:
            for stream_id in dict.fromkeys(stream_ids):
                c.execute("DELETE FROM snapshots WHERE stream_id = ? RETURNING 1",
                          (stream_id.hex,))
                deleted += len(c.fetchall())
        return deleted

    def command_outcome(self, command_id: str) -> CommandOutcome | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute("SELECT result FROM commands WHERE command_id = ?", (command_id,))
            row = c.fetchone()
        return None if row is None else CommandOutcome.from_stored(command_id, json.loads(row[0]))

    def put_personal_data(self, learner_id: UUID, data: bytes) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.execute("INSERT OR REPLACE INTO personal_data (learner_id, data) VALUES (?, ?)",
                      (learner_id.hex, data))

    def get_personal_data(self, learner_id: UUID) -> bytes | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute("SELECT data FROM personal_data WHERE learner_id = ?", (learner_id.hex,))
            row = c.fetchone()
        return None if row is None else bytes(row[0])

    def delete_personal_data(self, learner_id: UUID) -> bool:
        with self.datastore.transaction(commit=True) as c:
            c.execute("DELETE FROM personal_data WHERE learner_id = ?", (learner_id.hex,))
            c.execute("SELECT changes()")
            return int(c.fetchone()[0]) > 0

    def count_events(self) -> int:
        with self.datastore.transaction(commit=False) as c:
            c.execute("SELECT count(*) FROM events")
            return int(c.fetchone()[0])

    def close(self) -> None:
        self.datastore.close()
