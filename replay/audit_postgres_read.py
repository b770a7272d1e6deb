"""The verifier's reads on PostgreSQL: events and seal rows fetched ahead, on two threads.

Verification is bound by moving a gigabyte per million events and hashing it; the hashing
thread should never wait for the server. Two reader threads, each on its own connection that
imports the verifier's snapshot (`pg_export_snapshot`, `SET TRANSACTION SNAPSHOT`), so all
three see exactly the same rows, fetch batches a few steps ahead while the caller hashes
(psycopg waits for the server without holding the GIL):

- events: `size` at a time by keyset on position, two columns per row: the canonical header
  (docs/audit.md, Canonical encoding) put together by the server from the stored position,
  stream id, version and topic — the same values the server would otherwise send one by one,
  so nothing is trusted that was not before — and the state exactly as stored. Digests are
  always computed here, never by the server.
- seal rows: one row per batch, each column aggregated into one byte string (`string_agg` over
  the rows in leaf order), so comparing a batch is comparing byte strings; the batch also
  says whether every digest is 32 bytes, so the columns line up row by row.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Generator, Iterator
from typing import Any, Generic, TypeVar

import psycopg
from psycopg import IsolationLevel, sql

from replay.audit_store import HeaderedEvent, SealBatch

T = TypeVar("T")
AHEAD = 2  # batches fetched ahead of the hashing thread, per reader

HEADER = ("int8send(position) || uuid_send(stream_id) || int8send(version) || "
          "int4send(octet_length(convert_to(topic, 'UTF8'))) || convert_to(topic, 'UTF8')")
_SEAL_COLUMNS = ("count(*), string_agg(int8send(leaf_index), ''), "
                 "string_agg(int8send(position), ''), string_agg(header_digest, ''), "
                 "string_agg(payload_digest, ''), string_agg(chain, ''), "
                 "coalesce(bool_and(octet_length(header_digest) = 32 AND "
                 "octet_length(payload_digest) = 32 AND octet_length(chain) = 32), true)")


class _Ahead(Generic[T]):
    """Runs `produce` on its own thread, at most AHEAD items ahead of whoever iterates."""

    def __init__(self, produce: Callable[[], Iterator[T]], name: str) -> None:
        self._queue: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=AHEAD)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(produce,), name=name,
                                        daemon=True)
        self._thread.start()

    def _put(self, item: tuple[str, Any]) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def _run(self, produce: Callable[[], Iterator[T]]) -> None:
        items: Iterator[T] = iter(())
        try:
            items = produce()
            for item in items:
                if not self._put(("item", item)):
                    return
            self._put(("end", None))
        except BaseException as error:  # re-raised on the consuming thread
            self._put(("error", error))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    def __iter__(self) -> Iterator[T]:
        while True:
            kind, value = self._queue.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value

    def close(self) -> None:
        self._stop.set()
        self._thread.join()


def _connect(conninfo: str, snapshot_id: str) -> psycopg.Connection[Any]:
    conn = psycopg.connect(conninfo)
    conn.isolation_level = IsolationLevel.REPEATABLE_READ
    conn.read_only = True
    conn.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(snapshot_id)))
    return conn


def event_batches(conninfo: str, snapshot_id: str, s: str, size: int,
                   after: int) -> Generator[list[HeaderedEvent], None, None]:
    query = (f"SELECT {HEADER}, state FROM {s}.events WHERE position > %s "
             f"ORDER BY position LIMIT {int(size)}").encode()
    with _connect(conninfo, snapshot_id) as conn:
        while rows := conn.execute(query, (after,), binary=True).fetchall():
            after = int.from_bytes(rows[-1][0][:8], "big", signed=True)
            yield rows
            if len(rows) < size:
                return


def _seal_batches(conninfo: str, snapshot_id: str, s: str, size: int,
                  skip: int) -> Generator[SealBatch, None, None]:
    # Rows after the first `skip` in leaf order. Once skipped rows were verified, they are
    # leaves 0..skip-1, so "leaf_index >= skip" selects the same rows and uses the index.
    limit = f"ORDER BY leaf_index LIMIT {int(size)}"
    rows = f"SELECT * FROM {s}.seals WHERE leaf_index >= %s {limit}"
    if skip == 0:  # from the very first row, whatever its leaf index
        rows = f"SELECT * FROM {s}.seals {limit}"
    first = f"SELECT {_SEAL_COLUMNS} FROM ({rows}) s".encode()
    query = (f"SELECT {_SEAL_COLUMNS} FROM (SELECT * FROM {s}.seals WHERE leaf_index > %s "
             f"{limit}) s").encode()
    with _connect(conninfo, snapshot_id) as conn:
        row = conn.execute(first, (skip,) if skip else (), binary=True).fetchone()
        while row is not None and row[0]:
            batch = SealBatch(int(row[0]), row[1], row[2], row[3], row[4], row[5], row[6])
            yield batch
            if batch.count < size:
                return
            last_leaf = int.from_bytes(batch.leaf_indexes[-8:], "big", signed=True)
            row = conn.execute(query, (last_leaf,), binary=True).fetchone()


def read_batches(conn: psycopg.Connection[Any], conninfo: str, s: str, size: int, skip: int,
                 after: int) -> Generator[tuple[SealBatch, list[HeaderedEvent]], None, None]:
    """`Snapshot.batches` for PostgreSQL: the readers run until this generator is closed."""
    row = conn.execute("SELECT pg_export_snapshot()").fetchone()
    snapshot_id = str(row[0]) if row else ""
    seals = _Ahead(lambda: _seal_batches(conninfo, snapshot_id, s, size, skip), "letopis-seals")
    events = _Ahead(lambda: event_batches(conninfo, snapshot_id, s, size, after),
                    "letopis-events")
    try:
        pending: list[HeaderedEvent] = []
        incoming = iter(events)
        for batch in seals:
            while len(pending) < batch.count:
                more = next(incoming, None)
                if more is None:
                    break
                pending = more if not pending else pending + more
            if len(pending) <= batch.count:
                taken, pending = pending, []
            else:
                taken, pending = pending[:batch.count], pending[batch.count:]
            yield batch, taken
    finally:
        seals.close()
        events.close()
