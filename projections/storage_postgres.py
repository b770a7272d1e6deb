"""Projection tables in PostgreSQL: schema `<store schema>_proj` (see projections/storage.py)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import orjson
import psycopg
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

from projections import storage_feed_postgres as feed
from projections.base import Projection, Row
from projections.feed import Change
from projections.storage import (
    PROJECTION_LOCK_KEY,
    Changes,
    GenerationRetired,
    ProjectionState,
    ProjectionStore,
    Related,
    check_fields,
    physical,
    state_from_row,
    view,
)
from projections.storage_postgres_aside import AsideGenerations


def _dumps(document: Any) -> bytes:
    try:
        return orjson.dumps(document)
    except orjson.JSONEncodeError:  # an integer past 64 bits: `json` writes it
        return json.dumps(document).encode()


def page_json(rows: dict[str, tuple[Row | None, int]]) -> Jsonb:
    """A page's rows of one table as one jsonb parameter, `{key: [doc or null, position]}`
    (`feed.PAGE_ROWS` reads its upserts): the engine's dict of changes itself, written by orjson
    (several times `json.dumps`' speed; `json` where orjson refuses) straight to bytes, with no
    per-row object built and no text decoded and encoded again. PostgreSQL stores the same jsonb
    either way."""
    return Jsonb(rows, dumps=_dumps)


class PostgresProjectionStore(AsideGenerations, ProjectionStore):
    """`readers` > 0 gives the reads (read, page, states, the change log) a pool of their own
    connections, for a server whose requests read concurrently; the engine's writes keep the
    one connection `conn` (and a second one of their own for pages committed in the
    background, projections/paging.py)."""

    concurrent_writes = True

    def __init__(self, conninfo: str, store_schema: str, readers: int = 0) -> None:
        self.schema = f"{store_schema}_proj"
        self.conninfo = conninfo  # the change feed LISTENs on a connection of its own
        self.conn = psycopg.connect(conninfo, autocommit=True)
        # Pages are written on a connection of their own, so the engine can load the next
        # page's rows while one commits (projections/paging.py).
        self._write_conn: psycopg.Connection[Any] | None = None
        self._q = f'"{self.schema}"'
        self._pool: ConnectionPool[psycopg.Connection[Any]] | None = None
        if readers > 0:
            self._pool = ConnectionPool(conninfo, min_size=readers, max_size=readers,
                                        kwargs={"autocommit": True}, open=True)
        with self.conn.transaction():
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (PROJECTION_LOCK_KEY,))
            self.conn.execute(f"CREATE SCHEMA IF NOT EXISTS {self._q}".encode())
            self.conn.execute(
                f"CREATE TABLE IF NOT EXISTS {self._q}.projection_state ("
                "name text, generation int, active boolean NOT NULL, position bigint NOT NULL, "
                "state text NOT NULL, error text, updated_at timestamptz NOT NULL DEFAULT now(), "
                "PRIMARY KEY (name, generation))".encode())
            feed.create_log(self.conn, self._q, self.schema)

    @contextmanager
    def _reading(self) -> Iterator[psycopg.Connection[Any]]:
        if self._pool is None:
            yield self.conn
        else:
            with self._pool.connection() as conn:
                yield conn

    def ensure(self, projection: Projection, generation: int, *, active: bool) -> None:
        """A generation built aside (not active: a rebuild, a scratch copy for `verify`) is
        created UNLOGGED: its pages write no WAL, and `make_durable` (or else the swap) makes it
        LOGGED (docs/projections.md, "Built aside"). PostgreSQL empties unlogged tables when it
        recovers from a crash, so a generation written before the server last started is built
        again from position 0."""
        with self.conn.transaction():
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (PROJECTION_LOCK_KEY,))
            persistence = "" if active else "UNLOGGED "
            for table, t in zip(projection.tables, self._tables(projection, generation),
                                strict=True):
                self.conn.execute(f"CREATE {persistence}TABLE IF NOT EXISTS {t} (key text "
                                  "PRIMARY KEY, doc jsonb NOT NULL, position bigint NOT NULL)"
                                  .encode())
                if active:
                    v = self._t(view(projection.name, table))
                    self.conn.execute(f"CREATE OR REPLACE VIEW {v} AS "
                                      f"SELECT key, doc, position FROM {t}".encode())
            self.conn.execute(
                f"INSERT INTO {self._q}.projection_state (name, generation, active, position, "
                "state) VALUES (%s, %s, %s, 0, %s) ON CONFLICT DO NOTHING".encode(),
                (projection.name, generation, active, "running" if active else "building"))
            if not active:
                self._restart_if_emptied(projection, generation)

    def states(self) -> list[ProjectionState]:
        with self._reading() as conn:
            rows = conn.execute(
                f"SELECT name, generation, active, position, state, error, updated_at "
                f"FROM {self._q}.projection_state ORDER BY name, generation".encode()
            ).fetchall()
        return [state_from_row(r) for r in rows]

    def load(self, name: str, generation: int, table: str, keys: Iterable[str]) -> dict[str, Row]:
        wanted = list(keys)
        if not wanted:
            return {}
        try:
            rows = self.conn.execute(
                f"SELECT key, doc FROM {self._t(physical(name, table, generation))} "
                f"WHERE key = ANY(%s)".encode(), (wanted,)).fetchall()
        except psycopg.errors.UndefinedTable as error:  # a rebuild dropped it meanwhile
            raise GenerationRetired(name, generation) from error
        return {r[0]: r[1] for r in rows}

    def _writer(self) -> psycopg.Connection[Any]:
        if self._write_conn is None:
            self._write_conn = psycopg.connect(self.conninfo, autocommit=True)
        return self._write_conn

    def write_page(self, name: str, generation: int, changes: Changes, position: int) -> None:
        conn = self._writer()
        with conn.transaction():
            # The state row first: its row lock orders this page against a concurrent swap,
            # and whether the generation is active decides whether the page is logged.
            state = conn.execute(
                f"UPDATE {self._q}.projection_state SET position = %s, updated_at = now(), "
                "error = NULL, state = CASE WHEN active THEN 'running' ELSE 'building' END "
                "WHERE name = %s AND generation = %s RETURNING active".encode(),
                (position, name, generation)).fetchone()
            if state is None:
                raise GenerationRetired(name, generation)
            logged = bool(state[0]) and any(changes.values())
            if logged:
                feed.lock(conn)
            for table, rows in changes.items():
                t = self._t(physical(name, table, generation))
                deletes = [k for k, (r, _) in rows.items() if r is None]
                # One JSON document for the whole page: text arrays of JSON would be escaped
                # element by element on the client, which dominated the cost.
                if len(deletes) < len(rows) and logged:
                    feed.upsert_logged(conn, self._q, t, name, table, page_json(rows))
                elif len(deletes) < len(rows):
                    conn.execute(
                        f"INSERT INTO {t} (key, doc, position) {feed.PAGE_ROWS} "
                        f"ON CONFLICT (key) DO UPDATE SET doc = EXCLUDED.doc, "
                        f"position = EXCLUDED.position".encode(), (page_json(rows),))
                if deletes and logged:
                    feed.delete_logged(conn, self._q, t, name, table, deletes,
                                       [rows[k][1] for k in deletes])
                elif deletes:
                    conn.execute(f"DELETE FROM {t} WHERE key = ANY(%s)".encode(), (deletes,))
            if logged:
                feed.notify(conn)

    def mark_failed(self, name: str, generation: int, position: int, error: str) -> None:
        self.conn.execute(
            f"UPDATE {self._q}.projection_state SET state = 'failed', error = %s, "
            "updated_at = now() WHERE name = %s AND generation = %s".encode(),
            (f"at position {position}: {error}", name, generation))

    def activate(self, projection: Projection, generation: int) -> None:
        with self.conn.transaction():
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (PROJECTION_LOCK_KEY,))
            # State rows before the feed lock, in the order write_page takes them.
            states = self.conn.execute(
                f"SELECT generation, active, position FROM {self._q}.projection_state "
                "WHERE name = %s ORDER BY generation FOR UPDATE".encode(),
                (projection.name,)).fetchall()
            position = next((int(p) for g, _, p in states if g == generation), 0)
            previous = [int(g) for g, active, _ in states if active and g != generation]
            retired = [int(g) for g, _, _ in states if g != generation]
            if previous:
                feed.lock(self.conn)
                feed.log_swap(self.conn, self._q, self.schema, projection.name, previous[0],
                              generation, projection.tables, position)
                feed.notify(self.conn)
            tables = self._set_logged(projection, generation)  # usually done: `make_durable`
            for table, t in zip(projection.tables, tables, strict=True):
                v = self._t(view(projection.name, table))
                self.conn.execute(f"CREATE OR REPLACE VIEW {v} AS "
                                  f"SELECT key, doc, position FROM {t}".encode())
            self.conn.execute(
                f"DELETE FROM {self._q}.projection_state WHERE name = %s AND generation <> %s"
                .encode(), (projection.name, generation))
            self.conn.execute(
                f"UPDATE {self._q}.projection_state SET active = true, state = 'running' "
                "WHERE name = %s AND generation = %s".encode(), (projection.name, generation))
            for old in retired:
                for table in feed.generation_tables(self.conn, self.schema, projection.name,
                                                    old):
                    if table not in projection.tables:  # a table the new folds no longer have
                        self.conn.execute(f"DROP VIEW IF EXISTS "
                                          f"{self._t(view(projection.name, table))}".encode())
                    self.conn.execute(
                        f"DROP TABLE IF EXISTS {self._t(physical(projection.name, table, old))}"
                        .encode())

    def drop_generation(self, projection: Projection, generation: int) -> None:
        with self.conn.transaction():
            for t in self._tables(projection, generation):
                self.conn.execute(f"DROP TABLE IF EXISTS {t}".encode())
            self.conn.execute(f"DELETE FROM {self._q}.projection_state WHERE name = %s AND "
                              "generation = %s AND NOT active".encode(),
                              (projection.name, generation))

    def read(self, name: str, table: str, key: str) -> Row | None:
        with self._reading() as conn:
            row = conn.execute(f"SELECT doc FROM {self._t(view(name, table))} WHERE key = %s"
                               .encode(), (key,)).fetchone()
        return None if row is None else dict(row[0])

    def read_related(self, name: str, table: str, key: str, *, related_table: str,
                     items: str, item_key: str) -> Related:
        sql = (f"SELECT (SELECT position FROM {self._q}.projection_state "
               f"WHERE name = %(name)s AND active), r.doc, "
               f"(SELECT jsonb_object_agg(t.key, t.doc) FROM {self._t(view(name, related_table))}"
               f" t WHERE t.key IN (SELECT i->>%(item_key)s "
               f"FROM jsonb_array_elements(r.doc->%(items)s) i)) "
               f"FROM (SELECT 1) one LEFT JOIN {self._t(view(name, table))} r ON r.key = %(key)s")
        with self._reading() as conn:
            row = conn.execute(sql.encode(), {"name": name, "key": key, "items": items,
                                              "item_key": item_key}).fetchone()
        assert row is not None  # the LEFT JOIN from one row always yields one
        return Related(int(row[0] or 0), None if row[1] is None else dict(row[1]),
                       dict(row[2] or {}))

    def scan(self, name: str, table: str, generation: int | None = None
             ) -> list[tuple[str, Row]]:
        source = view(name, table) if generation is None else physical(name, table, generation)
        rows = self.conn.execute(
            f"SELECT key, doc FROM {self._t(source)} ORDER BY key".encode()).fetchall()
        return [(r[0], dict(r[1])) for r in rows]

    def page(self, name: str, table: str, *, after: str | None, limit: int,
             where: dict[str, str] | None = None) -> list[tuple[str, Row]]:
        fields = check_fields(where)
        clauses = ["key > %s"] + [f"doc->>'{f}' = %s" for f in fields]
        with self._reading() as conn:
            rows = conn.execute(
                f"SELECT key, doc FROM {self._t(view(name, table))} "
                f"WHERE {' AND '.join(clauses)} ORDER BY key LIMIT %s".encode(),
                (after or "", *fields.values(), limit)).fetchall()
        return [(r[0], dict(r[1])) for r in rows]

    def read_changes(self, after: int, limit: int, projections: list[str] | None
                     ) -> list[Change]:
        with self._reading() as conn:
            return feed.read(conn, self._q, after, limit, projections)

    def feed_head(self) -> int:
        with self._reading() as conn:
            return feed.head(conn, self._q)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
        if self._write_conn is not None:
            self._write_conn.close()
        self.conn.close()
