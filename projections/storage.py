"""Where projections live: tables of JSON documents, a state row per projection generation, and
reader views that a rebuild swaps atomically.

Physical table: `<projection>__<table>__g<generation>` (key, doc, position).
Reader view:    `<projection>__<table>` → the active generation. Portals read views only.
PostgreSQL keeps them in the schema `<store schema>_proj`; SQLite in the store file, prefixed
`proj_`.
"""

from __future__ import annotations

import json
import sqlite3
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg

from projections.base import Projection, Row

PROJECTION_LOCK_KEY = 0x4C455052  # "LEPR": serialises projection DDL across processes

Changes = dict[str, dict[str, tuple[Row | None, int]]]  # table -> key -> (row or delete, position)


@dataclass(frozen=True)
class ProjectionState:
    name: str
    generation: int
    active: bool
    position: int
    state: str  # running | failed | building
    error: str | None
    updated_at: str


class ProjectionStore(ABC):
    """The storage operations the engine needs; one implementation per database."""

    @abstractmethod
    def ensure(self, projection: Projection, generation: int, *, active: bool) -> None: ...

    @abstractmethod
    def states(self) -> list[ProjectionState]: ...

    @abstractmethod
    def load(self, name: str, generation: int, table: str, keys: Iterable[str]) -> dict[str, Row]:
        ...

    @abstractmethod
    def write_page(self, name: str, generation: int, changes: Changes, position: int) -> None:
        """Upserts, deletions and the tracking position, in one transaction."""

    @abstractmethod
    def mark_failed(self, name: str, generation: int, position: int, error: str) -> None: ...

    @abstractmethod
    def activate(self, projection: Projection, generation: int) -> None:
        """Point the reader views at `generation` and retire the previous one, atomically."""

    @abstractmethod
    def drop_generation(self, projection: Projection, generation: int) -> None:
        """Remove an inactive generation's tables and state (a scratch build)."""

    @abstractmethod
    def read(self, name: str, table: str, key: str) -> Row | None: ...

    @abstractmethod
    def scan(self, name: str, table: str, generation: int | None = None
             ) -> list[tuple[str, Row]]:
        """All rows of a table, by key: the live view, or a given generation's table."""

    @abstractmethod
    def close(self) -> None: ...

    def state(self, name: str, generation: int | None = None) -> ProjectionState | None:
        for s in self.states():
            if s.name == name and (s.active if generation is None else s.generation == generation):
                return s
        return None

    def wait_for(self, name: str, position: int, timeout: float) -> bool:
        """Read-your-writes: wait until the active projection has reached `position`."""
        deadline = time.monotonic() + timeout
        while True:
            current = self.state(name)
            if current is not None and current.position >= position:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)


def physical(name: str, table: str, generation: int) -> str:
    return f"{name}__{table}__g{generation}"


def view(name: str, table: str) -> str:
    return f"{name}__{table}"


def _state(row: Sequence[Any]) -> ProjectionState:
    return ProjectionState(row[0], int(row[1]), bool(row[2]), int(row[3]), row[4], row[5],
                           str(row[6]))


class PostgresProjectionStore(ProjectionStore):
    def __init__(self, conninfo: str, store_schema: str) -> None:
        self.schema = f"{store_schema}_proj"
        self.conn = psycopg.connect(conninfo, autocommit=True)
        self._q = f'"{self.schema}"'
        with self.conn.transaction():
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (PROJECTION_LOCK_KEY,))
            self.conn.execute(f"CREATE SCHEMA IF NOT EXISTS {self._q}".encode())
            self.conn.execute(
                f"CREATE TABLE IF NOT EXISTS {self._q}.projection_state ("
                "name text, generation int, active boolean NOT NULL, position bigint NOT NULL, "
                "state text NOT NULL, error text, updated_at timestamptz NOT NULL DEFAULT now(), "
                "PRIMARY KEY (name, generation))".encode())

    def _t(self, name: str) -> str:
        return f'{self._q}."{name}"'

    def ensure(self, projection: Projection, generation: int, *, active: bool) -> None:
        with self.conn.transaction():
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (PROJECTION_LOCK_KEY,))
            for table in projection.tables:
                t = self._t(physical(projection.name, table, generation))
                self.conn.execute(f"CREATE TABLE IF NOT EXISTS {t} (key text PRIMARY KEY, "
                                  "doc jsonb NOT NULL, position bigint NOT NULL)".encode())
                if active:
                    v = self._t(view(projection.name, table))
                    self.conn.execute(f"CREATE OR REPLACE VIEW {v} AS "
                                      f"SELECT key, doc, position FROM {t}".encode())
            self.conn.execute(
                f"INSERT INTO {self._q}.projection_state (name, generation, active, position, "
                "state) VALUES (%s, %s, %s, 0, %s) ON CONFLICT DO NOTHING".encode(),
                (projection.name, generation, active, "running" if active else "building"))

    def states(self) -> list[ProjectionState]:
        rows = self.conn.execute(
            f"SELECT name, generation, active, position, state, error, updated_at "
            f"FROM {self._q}.projection_state ORDER BY name, generation".encode()).fetchall()
        return [_state(r) for r in rows]

    def load(self, name: str, generation: int, table: str, keys: Iterable[str]) -> dict[str, Row]:
        wanted = list(keys)
        if not wanted:
            return {}
        rows = self.conn.execute(
            f"SELECT key, doc FROM {self._t(physical(name, table, generation))} "
            f"WHERE key = ANY(%s)".encode(), (wanted,)).fetchall()
        return {r[0]: r[1] for r in rows}

    def write_page(self, name: str, generation: int, changes: Changes, position: int) -> None:
        with self.conn.transaction():
            for table, rows in changes.items():
                t = self._t(physical(name, table, generation))
                upserts = [{"key": k, "doc": r, "position": p}
                           for k, (r, p) in rows.items() if r is not None]
                deletes = [k for k, (r, _) in rows.items() if r is None]
                if upserts:
                    # One JSON document for the whole page: text arrays of JSON would be
                    # escaped element by element on the client, which dominated the cost.
                    self.conn.execute(
                        f"INSERT INTO {t} (key, doc, position) SELECT key, doc, position FROM "
                        f"jsonb_to_recordset(%s::jsonb) AS r(key text, doc jsonb, position bigint)"
                        f" ON CONFLICT (key) DO UPDATE SET doc = EXCLUDED.doc, "
                        f"position = EXCLUDED.position".encode(),
                        (json.dumps(upserts),))
                if deletes:
                    self.conn.execute(f"DELETE FROM {t} WHERE key = ANY(%s)".encode(), (deletes,))
            self.conn.execute(
                f"UPDATE {self._q}.projection_state SET position = %s, updated_at = now(), "
                "error = NULL, state = CASE WHEN active THEN 'running' ELSE 'building' END "
                "WHERE name = %s AND generation = %s".encode(), (position, name, generation))

    def mark_failed(self, name: str, generation: int, position: int, error: str) -> None:
        self.conn.execute(
            f"UPDATE {self._q}.projection_state SET state = 'failed', error = %s, "
            "updated_at = now() WHERE name = %s AND generation = %s".encode(),
            (f"at position {position}: {error}", name, generation))

    def activate(self, projection: Projection, generation: int) -> None:
        retired: list[int] = []
        with self.conn.transaction():
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (PROJECTION_LOCK_KEY,))
            for table in projection.tables:
                t = self._t(physical(projection.name, table, generation))
                v = self._t(view(projection.name, table))
                self.conn.execute(f"CREATE OR REPLACE VIEW {v} AS "
                                  f"SELECT key, doc, position FROM {t}".encode())
            rows = self.conn.execute(
                f"SELECT generation FROM {self._q}.projection_state WHERE name = %s AND "
                "generation <> %s".encode(), (projection.name, generation)).fetchall()
            retired = [int(r[0]) for r in rows]
            self.conn.execute(
                f"DELETE FROM {self._q}.projection_state WHERE name = %s AND generation <> %s"
                .encode(), (projection.name, generation))
            self.conn.execute(
                f"UPDATE {self._q}.projection_state SET active = true, state = 'running' "
                "WHERE name = %s AND generation = %s".encode(), (projection.name, generation))
            for old in retired:
                for table in projection.tables:
                    self.conn.execute(
                        f"DROP TABLE IF EXISTS {self._t(physical(projection.name, table, old))}"
                        .encode())

    def drop_generation(self, projection: Projection, generation: int) -> None:
        with self.conn.transaction():
            for table in projection.tables:
                self.conn.execute(f"DROP TABLE IF EXISTS "
                                  f"{self._t(physical(projection.name, table, generation))}"
                                  .encode())
            self.conn.execute(f"DELETE FROM {self._q}.projection_state WHERE name = %s AND "
                              "generation = %s AND NOT active".encode(),
                              (projection.name, generation))

    def read(self, name: str, table: str, key: str) -> Row | None:
        row = self.conn.execute(f"SELECT doc FROM {self._t(view(name, table))} WHERE key = %s"
                                .encode(), (key,)).fetchone()
        return None if row is None else dict(row[0])

    def scan(self, name: str, table: str, generation: int | None = None
             ) -> list[tuple[str, Row]]:
        source = view(name, table) if generation is None else physical(name, table, generation)
        rows = self.conn.execute(
            f"SELECT key, doc FROM {self._t(source)} ORDER BY key".encode()).fetchall()
        return [(r[0], dict(r[1])) for r in rows]

    def close(self) -> None:
        self.conn.close()


class SQLiteProjectionStore(ProjectionStore):
    def __init__(self, path: str) -> None:
        self.conn = sqlite3.connect(path, timeout=30, isolation_level=None,
                                    check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS proj_state (name TEXT, generation INTEGER, "
            "active INTEGER NOT NULL, position INTEGER NOT NULL, state TEXT NOT NULL, "
            "error TEXT, updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),"
            " PRIMARY KEY (name, generation))")

    @staticmethod
    def _t(name: str) -> str:
        return f'"proj_{name}"'

    def ensure(self, projection: Projection, generation: int, *, active: bool) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            for table in projection.tables:
                t = self._t(physical(projection.name, table, generation))
                self.conn.execute(f"CREATE TABLE IF NOT EXISTS {t} (key TEXT PRIMARY KEY, "
                                  "doc TEXT NOT NULL, position INTEGER NOT NULL)")
                if active:
                    self.conn.execute(f"CREATE VIEW IF NOT EXISTS "
                                      f"{self._t(view(projection.name, table))} AS "
                                      f"SELECT key, doc, position FROM {t}")
            self.conn.execute(
                "INSERT OR IGNORE INTO proj_state (name, generation, active, position, state) "
                "VALUES (?, ?, ?, 0, ?)",
                (projection.name, generation, int(active), "running" if active else "building"))
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def states(self) -> list[ProjectionState]:
        rows = self.conn.execute("SELECT name, generation, active, position, state, error, "
                                 "updated_at FROM proj_state ORDER BY name, generation").fetchall()
        return [_state(r) for r in rows]

    def load(self, name: str, generation: int, table: str, keys: Iterable[str]) -> dict[str, Row]:
        wanted = list(keys)
        found: dict[str, Row] = {}
        t = self._t(physical(name, table, generation))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for key, doc in self.conn.execute(f"SELECT key, doc FROM {t} WHERE key IN ({marks})",
                                              chunk):
                found[key] = json.loads(doc)
        return found

    def write_page(self, name: str, generation: int, changes: Changes, position: int) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            for table, rows in changes.items():
                t = self._t(physical(name, table, generation))
                self.conn.executemany(
                    f"INSERT OR REPLACE INTO {t} (key, doc, position) VALUES (?, ?, ?)",
                    [(k, json.dumps(r), p) for k, (r, p) in rows.items() if r is not None])
                self.conn.executemany(f"DELETE FROM {t} WHERE key = ?",
                                      [(k,) for k, (r, _) in rows.items() if r is None])
            self.conn.execute(
                "UPDATE proj_state SET position = ?, error = NULL, "
                "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'), "
                "state = CASE WHEN active THEN 'running' ELSE 'building' END "
                "WHERE name = ? AND generation = ?", (position, name, generation))
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def mark_failed(self, name: str, generation: int, position: int, error: str) -> None:
        self.conn.execute("UPDATE proj_state SET state = 'failed', error = ? "
                          "WHERE name = ? AND generation = ?",
                          (f"at position {position}: {error}", name, generation))

    def activate(self, projection: Projection, generation: int) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            retired = [int(r[0]) for r in self.conn.execute(
                "SELECT generation FROM proj_state WHERE name = ? AND generation <> ?",
                (projection.name, generation))]
            for table in projection.tables:
                v = self._t(view(projection.name, table))
                self.conn.execute(f"DROP VIEW IF EXISTS {v}")
                self.conn.execute(f"CREATE VIEW {v} AS SELECT key, doc, position FROM "
                                  f"{self._t(physical(projection.name, table, generation))}")
                for old in retired:
                    self.conn.execute(
                        f"DROP TABLE IF EXISTS {self._t(physical(projection.name, table, old))}")
            self.conn.execute("DELETE FROM proj_state WHERE name = ? AND generation <> ?",
                              (projection.name, generation))
            self.conn.execute("UPDATE proj_state SET active = 1, state = 'running' "
                              "WHERE name = ? AND generation = ?", (projection.name, generation))
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def drop_generation(self, projection: Projection, generation: int) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            for table in projection.tables:
                self.conn.execute(f"DROP TABLE IF EXISTS "
                                  f"{self._t(physical(projection.name, table, generation))}")
            self.conn.execute("DELETE FROM proj_state WHERE name = ? AND generation = ? "
                              "AND NOT active", (projection.name, generation))
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def read(self, name: str, table: str, key: str) -> Row | None:
        row = self.conn.execute(f"SELECT doc FROM {self._t(view(name, table))} WHERE key = ?",
                                (key,)).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def scan(self, name: str, table: str, generation: int | None = None
             ) -> list[tuple[str, Row]]:
        source = view(name, table) if generation is None else physical(name, table, generation)
        rows = self.conn.execute(f"SELECT key, doc FROM {self._t(source)} "
                                 "ORDER BY key").fetchall()
        return [(k, dict(json.loads(d))) for k, d in rows]

    def close(self) -> None:
        self.conn.close()
