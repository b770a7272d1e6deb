"""The change log in PostgreSQL: table `<store schema>_proj.feed` (see projections/feed.py).

Sequences come from an identity column. Several projection processes commit pages concurrently,
so a sequence taken early could commit after a higher one and a reader paging by `after=` would
skip it. Every transaction that logs takes the advisory lock FEED_LOCK_KEY first and holds it
to its commit: sequences are then taken, and become visible, in commit order. Locks are released
after a commit is visible, so the next logging transaction starts from a visible predecessor.
"""

from __future__ import annotations

import re
from typing import Any

import psycopg

from projections.base import Row
from projections.feed import DELETE, FEED_CHANNEL, UPSERT, Change
from projections.storage import FEED_LOCK_KEY, physical

Conn = psycopg.Connection[Any]

_COLUMNS = "projection, table_name, key, op, position, doc"


def create_log(conn: Conn, q: str, schema: str) -> None:
    """Create the log (inside the caller's transaction); a store that already had projections
    gets their active rows as its first entries, so that a portal starting at 0 misses none."""
    existed = conn.execute("SELECT to_regclass(%s)", (f'{q}."feed"',)).fetchone()
    if existed is not None and existed[0] is not None:
        return
    conn.execute(
        f"CREATE TABLE {q}.feed (sequence bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
        "projection text NOT NULL, table_name text NOT NULL, key text NOT NULL, "
        "op text NOT NULL CHECK (op IN ('upsert', 'delete')), position bigint NOT NULL, "
        "doc jsonb)".encode())
    for name, generation in conn.execute(
            f"SELECT name, generation FROM {q}.projection_state WHERE active "
            "ORDER BY name".encode()).fetchall():
        for table in generation_tables(conn, schema, name, generation):
            conn.execute(
                f"INSERT INTO {q}.feed ({_COLUMNS}) SELECT %s, %s, key, 'upsert', position, doc "
                f"FROM {q}.\"{physical(name, table, generation)}\" ORDER BY key".encode(),
                (name, table))


def generation_tables(conn: Conn, schema: str, name: str, generation: int) -> list[str]:
    """The tables a generation has in the catalogue (its projection may have changed since)."""
    pattern = re.compile(rf"{re.escape(name)}__([a-z][a-z0-9_]*)__g{generation}")
    rows = conn.execute("SELECT c.relname FROM pg_class c JOIN pg_namespace n "
                        "ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'",
                        (schema,)).fetchall()
    found = (pattern.fullmatch(r[0]) for r in rows)
    return sorted(m.group(1) for m in found if m is not None)


def lock(conn: Conn) -> None:
    conn.execute("SELECT pg_advisory_xact_lock(%s)", (FEED_LOCK_KEY,))


def notify(conn: Conn) -> None:
    """Delivered at commit, and only if it commits."""
    conn.execute(f"NOTIFY {FEED_CHANNEL}")


# The upserts of a page's rows of one table, from `{key: [doc or null, position]}` (a null doc
# is a deletion, written apart).
PAGE_ROWS = ("SELECT key, value->0 AS doc, (value->>1)::bigint AS position "
             "FROM jsonb_each(%s::jsonb) WHERE value->0 <> 'null'::jsonb")


def upsert_logged(conn: Conn, q: str, t: str, name: str, table: str, rows: Any) -> None:
    """Upsert a page's rows of one table and log them, parsing the JSON document once; `rows`:
    the jsonb parameter PAGE_ROWS reads."""
    conn.execute(
        f"WITH r AS ({PAGE_ROWS}), "
        f"w AS (INSERT INTO {t} (key, doc, position) SELECT key, doc, position FROM r "
        f"ON CONFLICT (key) DO UPDATE SET doc = EXCLUDED.doc, position = EXCLUDED.position) "
        f"INSERT INTO {q}.feed ({_COLUMNS}) SELECT %s, %s, key, '{UPSERT}', position, doc "
        f"FROM r".encode(), (rows, name, table))


def delete_logged(conn: Conn, q: str, t: str, name: str, table: str, keys: list[str],
                  positions: list[int]) -> None:
    """Delete rows and log the ones that existed (a row made and unmade within one page never
    reached a reader)."""
    conn.execute(
        f"WITH d AS (DELETE FROM {t} WHERE key = ANY(%s) RETURNING key) "
        f"INSERT INTO {q}.feed ({_COLUMNS}) SELECT %s, %s, d.key, '{DELETE}', p.position, NULL "
        f"FROM d JOIN unnest(%s::text[], %s::bigint[]) AS p(key, position) USING (key)"
        .encode(), (keys, name, table, keys, positions))


def log_swap(conn: Conn, q: str, schema: str, name: str, old: int, new: int,
             new_tables: tuple[str, ...], position: int) -> None:
    """Log what a portal holding generation `old` must apply to hold generation `new`:
    upserts of new or changed rows, deletions of rows gone (whole tables included)."""
    for table in new_tables:
        n = f'{q}."{physical(name, table, new)}"'
        if table not in generation_tables(conn, schema, name, old):
            conn.execute(
                f"INSERT INTO {q}.feed ({_COLUMNS}) SELECT %s, %s, key, '{UPSERT}', position, "
                f"doc FROM {n} ORDER BY key".encode(), (name, table))
            continue
        o = f'{q}."{physical(name, table, old)}"'
        # The comparison first, as a query that only reads (PostgreSQL may run it in parallel
        # workers; an INSERT … SELECT never is): usually few rows or none differ, and only
        # those are logged. Nothing writes either table meanwhile: the swap holds the state
        # rows a page locks first, and the new generation is written by this rebuild alone.
        # Documents whose stored bytes are equal are equal (`record_image_ne`, a memcmp, is
        # several times cheaper than walking two jsonb trees); only those whose bytes differ
        # are compared as jsonb, so the difference is exactly the documents' `<>`.
        changed = [r[0] for r in conn.execute(
            f"SELECT n.key FROM {n} n LEFT JOIN {o} o ON o.key = n.key "
            f"WHERE o.key IS NULL OR (record_image_ne(ROW(o.doc), ROW(n.doc)) "
            f"AND o.doc <> n.doc)".encode()).fetchall()]
        if changed:
            conn.execute(
                f"INSERT INTO {q}.feed ({_COLUMNS}) SELECT %s, %s, n.key, '{UPSERT}', "
                f"n.position, n.doc FROM {n} n JOIN unnest(%s::text[]) AS c(key) USING (key) "
                f"ORDER BY n.key".encode(), (name, table, changed))
        conn.execute(
            f"INSERT INTO {q}.feed ({_COLUMNS}) SELECT %s, %s, o.key, '{DELETE}', %s, NULL "
            f"FROM {o} o WHERE NOT EXISTS (SELECT FROM {n} n WHERE n.key = o.key) ORDER BY o.key"
            .encode(), (name, table, position))
    for table in generation_tables(conn, schema, name, old):
        if table not in new_tables:
            conn.execute(
                f"INSERT INTO {q}.feed ({_COLUMNS}) SELECT %s, %s, key, '{DELETE}', %s, NULL "
                f"FROM {q}.\"{physical(name, table, old)}\" ORDER BY key".encode(),
                (name, table, position))


def read(conn: Conn, q: str, after: int, limit: int, projections: list[str] | None
         ) -> list[Change]:
    where = "sequence > %s" + ("" if projections is None else " AND projection = ANY(%s)")
    params: tuple[Any, ...] = (after,) if projections is None else (after, projections)
    rows = conn.execute(f"SELECT sequence, {_COLUMNS} FROM {q}.feed WHERE {where} "
                        f"ORDER BY sequence LIMIT %s".encode(), (*params, limit)).fetchall()
    return [Change(int(r[0]), r[1], r[2], r[3], r[4], int(r[5]), _row(r[6])) for r in rows]


def head(conn: Conn, q: str) -> int:
    row = conn.execute(f"SELECT max(sequence) FROM {q}.feed".encode()).fetchone()
    return 0 if row is None or row[0] is None else int(row[0])


def _row(doc: Any) -> Row | None:
    return None if doc is None else dict(doc)
