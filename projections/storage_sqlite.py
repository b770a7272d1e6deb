"""Projection tables in the embedded SQLite store file, prefixed `proj_` (see
projections/storage.py)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from projections import storage_feed_sqlite as feed
from projections.base import Projection, Row
from projections.feed import Change
from projections.storage import (
    Changes,
    GenerationRetired,
    ProjectionState,
    ProjectionStore,
    check_fields,
    physical,
    state_from_row,
    view,
)


class SQLiteProjectionStore(ProjectionStore):
    def __init__(self, path: str) -> None:
        self.conn = sqlite3.connect(path, timeout=30, isolation_level=None,
                                    check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS proj_state (name TEXT, generation INTEGER, "
                "active INTEGER NOT NULL, position INTEGER NOT NULL, state TEXT NOT NULL, "
                "error TEXT, updated_at TEXT NOT NULL "
                "DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), PRIMARY KEY (name, generation))")
            feed.create_log(self.conn)
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

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
        return [state_from_row(r) for r in rows]

    def load(self, name: str, generation: int, table: str, keys: Iterable[str]) -> dict[str, Row]:
        wanted = list(keys)
        found: dict[str, Row] = {}
        t = self._t(physical(name, table, generation))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            marks = ",".join("?" * len(chunk))
            try:
                selected = self.conn.execute(f"SELECT key, doc FROM {t} WHERE key IN ({marks})",
                                             chunk).fetchall()
            except sqlite3.OperationalError as error:
                if "no such table" in str(error):  # a rebuild dropped it meanwhile
                    raise GenerationRetired(name, generation) from error
                raise
            for key, doc in selected:
                found[key] = json.loads(doc)
        return found

    def write_page(self, name: str, generation: int, changes: Changes, position: int) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            state = self.conn.execute(
                "UPDATE proj_state SET position = ?, error = NULL, "
                "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'), "
                "state = CASE WHEN active THEN 'running' ELSE 'building' END "
                "WHERE name = ? AND generation = ? RETURNING active",
                (position, name, generation)).fetchone()
            if state is None:
                raise GenerationRetired(name, generation)
            logged = bool(state[0])
            for table, rows in changes.items():
                t = self._t(physical(name, table, generation))
                upserts = [(k, json.dumps(r), p) for k, (r, p) in rows.items() if r is not None]
                self.conn.executemany(
                    f"INSERT OR REPLACE INTO {t} (key, doc, position) VALUES (?, ?, ?)", upserts)
                deletes = [(k, p) for k, (r, p) in rows.items() if r is None]
                if logged:
                    feed.log_upserts(self.conn, name, table, upserts)
                    feed.delete_logged(self.conn, t, name, table, deletes)
                else:
                    self.conn.executemany(f"DELETE FROM {t} WHERE key = ?",
                                          [(k,) for k, _ in deletes])
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
            states = self.conn.execute(
                "SELECT generation, active, position FROM proj_state WHERE name = ? "
                "ORDER BY generation", (projection.name,)).fetchall()
            position = next((int(p) for g, _, p in states if g == generation), 0)
            previous = [int(g) for g, active, _ in states if active and g != generation]
            retired = [int(g) for g, _, _ in states if g != generation]
            if previous:
                feed.log_swap(self.conn, projection.name, previous[0], generation,
                              projection.tables, position)
            for table in projection.tables:
                v = self._t(view(projection.name, table))
                self.conn.execute(f"DROP VIEW IF EXISTS {v}")
                self.conn.execute(f"CREATE VIEW {v} AS SELECT key, doc, position FROM "
                                  f"{self._t(physical(projection.name, table, generation))}")
            for old in retired:
                for table in feed.generation_tables(self.conn, projection.name, old):
                    if table not in projection.tables:  # a table the new folds no longer have
                        self.conn.execute(
                            f"DROP VIEW IF EXISTS {self._t(view(projection.name, table))}")
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

    def page(self, name: str, table: str, *, after: str | None, limit: int,
             where: dict[str, str] | None = None) -> list[tuple[str, Row]]:
        fields = check_fields(where)
        clauses = ["key > ?"] + [f"json_extract(doc, '$.{f}') = ?" for f in fields]
        rows = self.conn.execute(
            f"SELECT key, doc FROM {self._t(view(name, table))} WHERE {' AND '.join(clauses)} "
            "ORDER BY key LIMIT ?", (after or "", *fields.values(), limit)).fetchall()
        return [(k, dict(json.loads(d))) for k, d in rows]

    def read_changes(self, after: int, limit: int, projections: list[str] | None
                     ) -> list[Change]:
        return feed.read(self.conn, after, limit, projections)

    def feed_head(self) -> int:
        return feed.head(self.conn)

    def close(self) -> None:
        self.conn.close()
