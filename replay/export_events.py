"""Sealed events as CSV for DuckDB: the database does the work, Python only moves bytes.

PostgreSQL streams `COPY (SELECT …) TO STDOUT (FORMAT csv)` straight into the file; SQLite's
rows go through `csv.writer.writerows` (a C loop). Each row joins the event with its seal row,
so the digests are those that were sealed.
"""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import psycopg

# Column order of the CSV (and of the `read_csv` columns in replay.export).
COLUMNS = ("position", "leaf_index", "stream_id", "version", "topic", "committed_at",
           "header_digest", "payload_digest", "payload")


def postgres_events_csv(conninfo: str, schema: str, after: int, upto: int, out: Path) -> None:
    s = f'"{schema}"'
    sql = (f"COPY (SELECT e.position, s.leaf_index, e.stream_id, e.version, e.topic, "
           f"e.committed_at, encode(s.header_digest, 'hex'), encode(s.payload_digest, 'hex'), "
           f"convert_from(e.state, 'UTF8') FROM {s}.events e JOIN {s}.seals s "
           f"ON s.position = e.position WHERE e.position > {int(after)} "
           f"AND e.position <= {int(upto)} ORDER BY e.position) TO STDOUT (FORMAT csv)")
    with psycopg.connect(conninfo) as conn, conn.cursor() as cur, out.open("wb") as file, \
            cur.copy(sql.encode()) as copy:
        for chunk in copy:
            file.write(chunk)


def sqlite_events_csv(path: str, after: int, upto: int, out: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT e.rowid, s.leaf_index, lower(e.originator_id), e.originator_version, "
            "e.topic, NULL, lower(hex(s.header_digest)), lower(hex(s.payload_digest)), "
            "CAST(e.state AS TEXT) FROM events e JOIN seals s ON s.position = e.rowid "
            "WHERE e.rowid > ? AND e.rowid <= ? ORDER BY e.rowid", (after, upto))
        with out.open("w", encoding="utf-8", newline="") as file:
            csv.writer(file).writerows(rows)
    finally:
        conn.close()
