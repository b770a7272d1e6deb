"""Sealed events as CSV for DuckDB: the database does the work, Python only moves bytes.

PostgreSQL streams `COPY (SELECT …) TO STDOUT (FORMAT csv)`; SQLite's rows go through
`csv.writer.writerows` (a C loop). Each row joins the event with its seal row, so the digests
are those that were sealed.

The CSV separates fields with 0x1F (unit separator) and quotes with 0x1E (record separator):
neither appears in JSON text (control characters inside JSON strings are escaped), so a payload
is written as it is, without the quoting and doubled quotes a comma-and-quote CSV would wrap
around every JSON document; a field that does hold one of them (or a line break) is still
quoted, correctly, by the same rules.

`stream_events` runs the writer on a thread into a named pipe that DuckDB reads at the same
time, so the database's COPY and DuckDB's Parquet writing overlap instead of following each
other through a file on disk.
"""

from __future__ import annotations

import csv
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import psycopg

# Column order of the CSV (and of the `read_csv` columns in replay.export).
COLUMNS = ("position", "leaf_index", "stream_id", "version", "topic", "committed_at",
           "header_digest", "payload_digest", "payload")
DELIMITER = "\x1f"
QUOTE = "\x1e"
_BUFFER = 1 << 20


def postgres_events_csv(conninfo: str, schema: str, after: int, upto: int, out: Path) -> int:
    """Write the sealed events after `after` up to `upto` to `out`; return how many."""
    s = f'"{schema}"'
    sql = (f"COPY (SELECT e.position, s.leaf_index, e.stream_id, e.version, e.topic, "
           f"e.committed_at, encode(s.header_digest, 'hex'), encode(s.payload_digest, 'hex'), "
           f"convert_from(e.state, 'UTF8') FROM {s}.events e JOIN {s}.seals s "
           f"ON s.position = e.position WHERE e.position > {int(after)} "
           f"AND e.position <= {int(upto)} ORDER BY e.position) TO STDOUT "
           f"(FORMAT csv, DELIMITER E'\\x1f', QUOTE E'\\x1e')")
    with psycopg.connect(conninfo) as conn, conn.cursor() as cur, \
            out.open("wb", buffering=_BUFFER) as file:
        with cur.copy(sql.encode()) as copy:
            for chunk in copy:
                file.write(chunk)
        return cur.rowcount


def sqlite_events_csv(path: str, after: int, upto: int, out: Path) -> int:
    """Write the sealed events after `after` up to `upto` to `out`; return how many."""
    conn = sqlite3.connect(path)
    written = 0

    def counted(rows: Iterable[Any]) -> Iterator[Any]:
        nonlocal written
        for row in rows:
            written += 1
            yield row

    try:
        rows = conn.execute(
            "SELECT e.rowid, s.leaf_index, lower(e.originator_id), e.originator_version, "
            "e.topic, NULL, lower(hex(s.header_digest)), lower(hex(s.payload_digest)), "
            "CAST(e.state AS TEXT) FROM events e JOIN seals s ON s.position = e.rowid "
            "WHERE e.rowid > ? AND e.rowid <= ? ORDER BY e.rowid", (after, upto))
        with out.open("w", encoding="utf-8", newline="", buffering=_BUFFER) as file:
            csv.writer(file, delimiter=DELIMITER, quotechar=QUOTE,
                       lineterminator="\n").writerows(counted(rows))
        return written
    finally:
        conn.close()


def stream_events(write: Callable[[Path], int], read: Callable[[Path], int],
                  source: Path) -> tuple[int, int]:
    """(rows written, rows read): `write` fills `source` while `read` consumes it.

    Through a named pipe where there are named pipes (both run at once), else a file written
    first. An error on either side is raised here, after both have stopped.
    """
    if not hasattr(os, "mkfifo"):
        written = write(source)
        return written, read(source)
    os.mkfifo(source)
    outcome: list[int] = []
    failure: list[BaseException] = []

    def writer() -> None:
        try:
            outcome.append(write(source))
        except BaseException as error:  # re-raised by the caller's thread
            failure.append(error)

    thread = threading.Thread(target=writer, name="letopis-export-events", daemon=True)
    thread.start()
    try:
        events = read(source)
    except BaseException:
        _release(source, thread)
        raise
    thread.join()
    if failure:
        raise failure[0]
    return outcome[0], events


def _release(source: Path, thread: threading.Thread) -> None:
    """Let a writer blocked on the pipe finish: open and close its reading end until it stops
    (it then fails on a broken pipe, which nobody is waiting for any more)."""
    while thread.is_alive():
        descriptor = os.open(source, os.O_RDONLY | os.O_NONBLOCK)
        os.close(descriptor)
        thread.join(0.05)
