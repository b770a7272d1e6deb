"""Same-run baselines for the claim run: writing the run's own events without deciding anything.

- raw: the claim run's stored rows copied into a bare table (unique stream × version, a
  bigserial position), one multi-row `INSERT … SELECT unnest(…)` or one `COPY` per transaction
  of the run's size: the floor of any store on this server.
- library: the eventsourcing library's batched save, `Application.save(*aggregates)` with its
  `PostgresApplicationRecorder` (its table lock, its `JSONTranscoder`), in batches of the run's
  size; each aggregate is new and carries one event shaped like a `MonthCharged` (same value
  types, same envelope). Timed: the save calls only (encoding and insert), not making the
  aggregates.
- library, trivial: the same save of aggregates whose one event holds a name only: the
  funding issue's own reference ("the library's batched save reached ~24k ev/s here"), which
  tells what that figure is on the machine at hand.
"""

from __future__ import annotations

import os
import time
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID, uuid4

import psycopg
from eventsourcing.domain import Aggregate, event

from bench.library_projection import LetopisBench
from bench.schemas import drop_schema
from domain.certificate_values import ChargeKind
from domain.envelope import Meta
from domain.funding_accounts import Account, AccountKind, Transfer, TransferKind

Row = tuple[UUID, int, str, bytes]
_TICK = os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU seconds spent by this process and by its PostgreSQL backends (found by application
    name, `PGAPPNAME`, which must be set before the first connection; readable when the server
    runs on this host). On a loaded machine wall time measures the queue for the cores; CPU
    time per event does not."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.name = os.environ.setdefault("PGAPPNAME", f"letopis-bench-{os.getpid()}")
        self.conn: psycopg.Connection[tuple[int]] | None = None

    def server(self) -> float:
        if self.conn is None:
            self.conn = psycopg.connect(self.url, autocommit=True)
        pids = [row[0] for row in self.conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s "
            "AND pid <> pg_backend_pid()", (self.name,))]
        total = 0.0
        for pid in pids:
            try:
                with open(f"/proc/{pid}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                return float("nan")  # not on this host
            total += (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime
        return total

    def sample(self) -> tuple[float, float]:
        """(this process, its backends) CPU seconds so far; backends that closed are lost, so
        sample before closing connections."""
        return time.process_time(), self.server()


def per_event(before: tuple[float, float], after: tuple[float, float],
              events: int) -> tuple[float, float]:
    """Client and server CPU microseconds per event between two samples."""
    return ((after[0] - before[0]) * 1e6 / events, (after[1] - before[1]) * 1e6 / events)


def last_position(url: str, schema: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(f'SELECT coalesce(max(position), 0) FROM "{schema}".events'
                           .encode()).fetchone()
    return int(row[0]) if row else 0


def claim_run_rows(url: str, schema: str, after: int) -> list[Row]:
    """The rows the claim run wrote (positions above `after`), in global order."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            f'SELECT stream_id, version, topic, state FROM "{schema}".events '
            f"WHERE position > %s ORDER BY position".encode(), (after,)).fetchall()
    return [(r[0], r[1], r[2], bytes(r[3])) for r in rows]


def raw_write(url: str, schema: str, rows: list[Row], batch: int, copy: bool,
              meter: CpuMeter) -> tuple[float, tuple[float, float]]:
    """Events/s writing `rows` into a bare table, one transaction per `batch` rows, and the
    CPU microseconds per event (client, server)."""
    table = f'"{schema}".raw_{"copy" if copy else "insert"}'
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {table}".encode())
        conn.execute(f"CREATE TABLE {table} (position bigserial PRIMARY KEY, stream_id uuid "
                     f"NOT NULL, version bigint NOT NULL, topic text NOT NULL, state bytea "
                     f"NOT NULL, UNIQUE (stream_id, version))".encode())
        insert = (f"INSERT INTO {table} (stream_id, version, topic, state) "
                  f"SELECT * FROM unnest(%s::uuid[], %s::bigint[], %s::text[], %s::bytea[])"
                  ).encode()
        cpu = meter.sample()
        started = time.perf_counter()
        for first in range(0, len(rows), batch):
            part = rows[first:first + batch]
            with conn.transaction():
                if copy:
                    with conn.cursor().copy(f"COPY {table} (stream_id, version, topic, state) "
                                            f"FROM STDIN".encode()) as out:
                        for row in part:
                            out.write_row(row)
                else:
                    conn.execute(insert, ([r[0] for r in part], [r[1] for r in part],
                                          [r[2] for r in part], [r[3] for r in part]))
        elapsed = time.perf_counter() - started
        cost = per_event(cpu, meter.sample(), len(rows))
        conn.execute(f"DROP TABLE {table}".encode())
    return len(rows) / elapsed, cost


# Event method parameters are the event's stored fields, used by the body or not.
class Charged(Aggregate):
    """A new aggregate whose one event has the fields of `Certificate.MonthCharged`."""

    @event("Charged")
    def __init__(self, contract_id: UUID, month: date, kind: ChargeKind, claim_id: UUID,
                 claimed: int, transfer: Transfer | None, meta: Meta,
                 timestamp: datetime) -> None:
        self.contract_id = contract_id


class Registered(Aggregate):
    """A new aggregate whose one event holds a name: the funding issue's reference save."""

    @event("Registered")
    def __init__(self, name: str) -> None:
        self.name = name


def library_save(url: str, schema: str, meta: Meta, events: int, batch: int,
                 meter: CpuMeter, *, trivial: bool = False) -> tuple[float, tuple[float, float]]:
    """Events/s of the library's `Application.save(*aggregates)`, `batch` aggregates a call,
    and the CPU microseconds per event of the save calls (client, server); `trivial`: of
    `Registered` aggregates instead of `MonthCharged`-shaped ones."""
    parts = urlsplit(url)
    library_schema = f"{schema}_libsave"
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_DBNAME": parts.path.lstrip("/"),
        "POSTGRES_HOST": parts.hostname or "127.0.0.1", "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": parts.username or "postgres", "POSTGRES_PASSWORD": parts.password or "",
        "POSTGRES_SCHEMA": library_schema, "CREATE_TABLE": "y",
    }
    with psycopg.connect(url, autocommit=True) as conn:
        drop_schema(conn, library_schema)
        conn.execute(f'CREATE SCHEMA "{library_schema}"'.encode())
    app = LetopisBench(env=env)
    claim_id, month = uuid4(), date(2026, 9, 1)
    elapsed = client = server = 0.0
    try:
        for first in range(0, events, batch):
            aggregates: list[Any] = []
            for n in range(min(batch, events - first)):
                if trivial:
                    aggregates.append(Registered(name=f"n{first + n}"))
                    continue
                contract_id = uuid4()
                transfer = Transfer(uuid4(), TransferKind.CHARGE,
                                    Account(AccountKind.RESERVE, str(contract_id)),
                                    Account(AccountKind.SPENT, str(contract_id)), 320_000,
                                    "2026-09 advance")
                aggregates.append(Charged(contract_id=contract_id, month=month,
                                          kind=ChargeKind.ADVANCE, claim_id=claim_id,
                                          claimed=320_000, transfer=transfer, meta=meta,
                                          timestamp=meta.recorded_at))
            cpu = meter.sample()
            started = time.perf_counter()
            app.save(*aggregates)
            elapsed += time.perf_counter() - started
            done = meter.sample()
            client, server = client + done[0] - cpu[0], server + done[1] - cpu[1]
    finally:
        app.close()
        with psycopg.connect(url, autocommit=True) as conn:
            drop_schema(conn, library_schema)
    return events / elapsed, (client * 1e6 / events, server * 1e6 / events)
