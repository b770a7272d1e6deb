"""The change log in the SQLite store file: table `proj_feed` (see projections/feed.py).

SQLite has one writer at a time (every write begins IMMEDIATE), so sequences are taken in commit
order without further care. AUTOINCREMENT: a sequence is never handed out twice.
"""

from __future__ import annotations

import json
import re
import sqlite3
from typing import Any

from projections.feed import DELETE, UPSERT, Change
from projections.storage import physical

_COLUMNS = "projection, table_name, key, op, position, doc"


def create_log(conn: sqlite3.Connection) -> None:
    """Create the log (inside the caller's transaction); a store that already had projections
    gets their active rows as its first entries, so that a portal starting at 0 misses none."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'proj_feed'").fetchone():
        return
    conn.execute("CREATE TABLE proj_feed (sequence INTEGER PRIMARY KEY AUTOINCREMENT, "
                 "projection TEXT NOT NULL, table_name TEXT NOT NULL, key TEXT NOT NULL, "
                 "op TEXT NOT NULL CHECK (op IN ('upsert', 'delete')), "
                 "position INTEGER NOT NULL, doc TEXT)")
    for name, generation in conn.execute(
            "SELECT name, generation FROM proj_state WHERE active ORDER BY name").fetchall():
        for table in generation_tables(conn, name, generation):
            conn.execute(f"INSERT INTO proj_feed ({_COLUMNS}) SELECT ?, ?, key, '{UPSERT}', "
                         f"position, doc FROM \"proj_{physical(name, table, generation)}\" "
                         "ORDER BY key", (name, table))


def generation_tables(conn: sqlite3.Connection, name: str, generation: int) -> list[str]:
    """The tables a generation has in the catalogue (its projection may have changed since)."""
    pattern = re.compile(rf"proj_{re.escape(name)}__([a-z][a-z0-9_]*)__g{generation}")
    found = (pattern.fullmatch(r[0]) for r in
             conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
    return sorted(m.group(1) for m in found if m is not None)


def log_upserts(conn: sqlite3.Connection, name: str, table: str,
                rows: list[tuple[str, str, int]]) -> None:
    """Log upserted rows: (key, JSON document as written, position)."""
    conn.executemany(f"INSERT INTO proj_feed ({_COLUMNS}) VALUES (?, ?, ?, '{UPSERT}', ?, ?)",
                     [(name, table, k, p, doc) for k, doc, p in rows])


def delete_logged(conn: sqlite3.Connection, t: str, name: str, table: str,
                  deletes: list[tuple[str, int]]) -> None:
    """Delete rows and log the ones that existed (a row made and unmade within one page never
    reached a reader)."""
    existing: set[str] = set()
    for start in range(0, len(deletes), 500):
        chunk = [k for k, _ in deletes[start:start + 500]]
        marks = ",".join("?" * len(chunk))
        existing.update(r[0] for r in conn.execute(
            f"SELECT key FROM {t} WHERE key IN ({marks})", chunk))
    conn.executemany(f"DELETE FROM {t} WHERE key = ?", [(k,) for k, _ in deletes])
    conn.executemany(f"INSERT INTO proj_feed ({_COLUMNS}) VALUES (?, ?, ?, '{DELETE}', ?, NULL)",
                     [(name, table, k, p) for k, p in deletes if k in existing])


def log_swap(conn: sqlite3.Connection, name: str, old: int, new: int,
             new_tables: tuple[str, ...], position: int) -> None:
    """Log what a portal holding generation `old` must apply to hold generation `new`:
    upserts of new or changed rows, deletions of rows gone (whole tables included)."""
    old_tables = generation_tables(conn, name, old)
    for table in new_tables:
        n = f'"proj_{physical(name, table, new)}"'
        if table not in old_tables:
            conn.execute(f"INSERT INTO proj_feed ({_COLUMNS}) SELECT ?, ?, key, '{UPSERT}', "
                         f"position, doc FROM {n} ORDER BY key", (name, table))
            continue
        o = f'"proj_{physical(name, table, old)}"'
        # Documents compare as JSON text: the engine writes them with one serialiser, so an
        # unchanged row has the same text (at worst an unchanged row is logged again).
        conn.execute(f"INSERT INTO proj_feed ({_COLUMNS}) SELECT ?, ?, n.key, '{UPSERT}', "
                     f"n.position, n.doc FROM {n} n LEFT JOIN {o} o ON o.key = n.key "
                     "WHERE o.key IS NULL OR o.doc <> n.doc ORDER BY n.key", (name, table))
        conn.execute(f"INSERT INTO proj_feed ({_COLUMNS}) SELECT ?, ?, o.key, '{DELETE}', ?, "
                     f"NULL FROM {o} o WHERE NOT EXISTS (SELECT 1 FROM {n} n "
                     "WHERE n.key = o.key) ORDER BY o.key", (name, table, position))
    for table in old_tables:
        if table not in new_tables:
            conn.execute(f"INSERT INTO proj_feed ({_COLUMNS}) SELECT ?, ?, key, '{DELETE}', ?, "
                         f"NULL FROM \"proj_{physical(name, table, old)}\" ORDER BY key",
                         (name, table, position))


def read(conn: sqlite3.Connection, after: int, limit: int, projections: list[str] | None
         ) -> list[Change]:
    params: list[Any] = [after]
    where = "sequence > ?"
    if projections is not None:
        if not projections:
            return []
        where += f" AND projection IN ({','.join('?' * len(projections))})"
        params.extend(projections)
    rows = conn.execute(f"SELECT sequence, {_COLUMNS} FROM proj_feed WHERE {where} "
                        "ORDER BY sequence LIMIT ?", (*params, limit)).fetchall()
    return [Change(int(r[0]), r[1], r[2], r[3], r[4], int(r[5]),
                   None if r[6] is None else dict(json.loads(r[6]))) for r in rows]


def head(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT max(sequence) FROM proj_feed").fetchone()
    return 0 if row is None or row[0] is None else int(row[0])
