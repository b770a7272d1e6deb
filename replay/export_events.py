"""Sealed events as CSV for DuckDB: the database does the work, Python only moves bytes.

PostgreSQL runs `COPY (SELECT …) … (FORMAT csv)` either **on the server**, writing straight
into the named pipe DuckDB reads (`postgres_events_csv_on_server`: no byte passes through
Python; needs a server on this host that may write files, see `replay.export_copy`), or to
STDOUT, each chunk handed on by psycopg (`postgres_events_csv`). SQLite's rows go through
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

import contextlib
import csv
import fcntl
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

# Column order of the CSV (and of the `read_csv` columns in replay.export).
COLUMNS = ("position", "leaf_index", "stream_id", "version", "topic", "committed_at",
           "header_digest", "payload_digest", "payload")
DELIMITER = "\x1f"
QUOTE = "\x1e"
_BUFFER = 1 << 20
_PIPE_SIZE = 1 << 20
_CSV = "FORMAT csv, DELIMITER E'\\x1f', QUOTE E'\\x1e'"
_POLL = 0.05  # seconds between attempts to release the other end of a pipe


def _select(schema: str, after: int, upto: int) -> str:
    s = f'"{schema}"'
    # Only the events' positions are bounded: the same range on the seals too makes the planner
    # multiply two selectivities and pick a nested loop and a sort over every row.
    return (f"SELECT e.position, s.leaf_index, e.stream_id, e.version, e.topic, "
            f"e.committed_at, encode(s.header_digest, 'hex'), encode(s.payload_digest, 'hex'), "
            f"convert_from(e.state, 'UTF8') FROM {s}.events e JOIN {s}.seals s "
            f"ON s.position = e.position WHERE e.position > {int(after)} "
            f"AND e.position <= {int(upto)} ORDER BY e.position")


def _session(conn: psycopg.Connection[Any]) -> None:
    # The rows' text as DuckDB reads it; no JIT (compiling costs more than it saves here).
    conn.execute("SET DateStyle = 'ISO'; SET jit = off")


def postgres_events_csv(conninfo: str, schema: str, after: int, upto: int, out: Path) -> int:
    """Write the sealed events after `after` up to `upto` to `out`; return how many."""
    query = f"COPY ({_select(schema, after, upto)}) TO STDOUT ({_CSV})"
    with psycopg.connect(conninfo, autocommit=True) as conn, conn.cursor() as cur:
        _session(conn)
        with out.open("wb", buffering=_BUFFER) as file, cur.copy(query.encode()) as copy:
            for chunk in copy:
                file.write(chunk)
        return cur.rowcount


def postgres_events_csv_on_server(conninfo: str, schema: str, after: int, upto: int,
                                  out: Path) -> int:
    """The same rows written by the server's own backend into `out`, a path on this host
    that the server's OS user may write (replay.export_copy checks that first)."""
    query = sql.SQL("COPY ({}) TO {} ({}, ENCODING 'UTF8')").format(
        sql.SQL(_select(schema, after, upto)), sql.Literal(str(out)), sql.SQL(_CSV))
    with psycopg.connect(conninfo, autocommit=True) as conn, conn.cursor() as cur:
        _session(conn)
        cur.execute(query)
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


def make_pipe(path: Path, shared: bool = False) -> None:
    """A named pipe at `path`; `shared`: writable by any local user (the database server's
    OS user writes into it), in a directory only its owner can list."""
    os.mkfifo(path, 0o600)
    if shared:
        os.chmod(path, 0o666)  # noqa: S103 - the server's OS user writes it


def stream_events(write: Callable[[Path], int], read: Callable[[Path], int],
                  source: Path) -> tuple[int, int]:
    """(rows written, rows read): `write` fills `source` while `read` consumes it.

    Through a named pipe where there are named pipes (both run at once; `source` may already
    be one, made by `make_pipe`), else a file written first. An error on either side is raised
    here, after both have stopped: neither end is left blocked on the pipe.
    """
    if not hasattr(os, "mkfifo"):
        written = write(source)
        return written, read(source)
    if not source.exists():
        make_pipe(source)
    # Held open for reading until `read` is done, so the writer's open never waits for the
    # reader: a writer in another process (the database server) can never be left blocked on
    # the pipe, even if this process dies; when this process goes, the writer gets EPIPE.
    guard = os.open(source, os.O_RDONLY | os.O_NONBLOCK)
    _widen(guard)
    outcome: list[int] = []
    failure: list[BaseException] = []
    reading = threading.Event()
    reading.set()

    def writer() -> None:
        try:
            outcome.append(write(source))
        except BaseException as error:  # re-raised by the caller's thread
            failure.append(error)
        # Done (or failed, maybe before it opened the pipe), and the reader may not have
        # opened the pipe yet: it would wait in `open` for a writer that never comes.
        _release_reader(source, reading)

    thread = threading.Thread(target=writer, name="letopis-export-events", daemon=True)
    thread.start()
    try:
        events = read(source)
    except BaseException:
        reading.clear()
        os.close(guard)
        _release_writer(source, thread)
        raise
    reading.clear()
    os.close(guard)
    thread.join()
    if failure:
        raise failure[0]
    return outcome[0], events


def _widen(pipe: int) -> None:
    """A larger pipe buffer (Linux): the server writes 4 KB at a time; with room to run ahead
    it is woken, and DuckDB reads, in larger pieces."""
    if hasattr(fcntl, "F_SETPIPE_SZ"):
        # Above /proc/sys/fs/pipe-max-size the call fails: the default size then stays.
        with contextlib.suppress(OSError):
            fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, _PIPE_SIZE)


def _release_reader(source: Path, reading: threading.Event) -> None:
    """Let a reader waiting in `open` for a writer go on: open and close the writing end until
    the reader is done. It reads what is in the pipe (held by the guard), then the end."""
    while reading.is_set():
        descriptor = os.open(source, os.O_WRONLY | os.O_NONBLOCK)  # the guard reads: no ENXIO
        os.close(descriptor)
        time.sleep(_POLL)


def _release_writer(source: Path, thread: threading.Thread) -> None:
    """Let a writer blocked on the pipe finish: open and close its reading end until it stops
    (it then fails on a broken pipe, which nobody is waiting for any more)."""
    while thread.is_alive():
        descriptor = os.open(source, os.O_RDONLY | os.O_NONBLOCK)
        os.close(descriptor)
        thread.join(_POLL)
