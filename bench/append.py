"""Single-command append throughput on PostgreSQL: Letopis vs the eventsourcing default vs raw.

    python -m bench.append --events 3000 --writers 1 4

Each writer process appends `events / writers` single-event commands (one transaction each) to
streams of its own. Three systems are measured in the same run, on the same server:
  raw          one INSERT per transaction into a bare table (the floor: no ordering guarantee)
  eventsourcing the library's PostgresApplicationRecorder (LOCK TABLE ... EXCLUSIVE per insert)
  letopis      our recorder (no table lock; certified-gap reading keeps the order safe)
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import time
import uuid
from collections.abc import Callable
from urllib.parse import urlsplit

import psycopg
from eventsourcing.persistence import StoredEvent

from bench.schemas import DEFAULT_URL, drop_store

STATE = b'{"meta":{"actor":"bench"},"value":"5","lesson_on":"2026-09-01"}'


def _raw_writer(url: str, schema: str, count: int) -> Callable[[int], None]:
    conn = psycopg.connect(url, autocommit=True)
    sql = f'INSERT INTO "{schema}".raw (stream_id, version, state) VALUES (%s, %s, %s)'.encode()
    stream = uuid.uuid4()

    def write(i: int) -> None:
        conn.execute(sql, (stream, i, STATE), prepare=True)

    return write


def _es_writer(url: str, schema: str, count: int) -> Callable[[int], None]:
    from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore

    parts = urlsplit(url)
    datastore = PostgresDatastore(
        dbname=parts.path.lstrip("/"), host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432, user=parts.username or "postgres",
        password=parts.password or "", schema=schema,
    )
    recorder = PostgresApplicationRecorder(datastore, events_table_name="es_events")
    stream = uuid.uuid4()

    def write(i: int) -> None:
        recorder.insert_events([StoredEvent(stream, i + 1, "bench:Event", STATE)])

    return write


def _letopis_writer(url: str, schema: str, count: int) -> Callable[[int], None]:
    from letopis.store.postgres import PostgresRecorder

    recorder = PostgresRecorder(url, schema=schema, pool_size=1,
                                notify=os.environ.get("BENCH_NOTIFY", "1") == "1")
    stream = uuid.uuid4()

    def write(i: int) -> None:
        recorder.insert_events([StoredEvent(stream, i + 1, "bench:Event", STATE)],
                               command_id=f"{stream}/{i}", command_result="{}")

    return write


WRITERS = {"raw": _raw_writer, "eventsourcing": _es_writer, "letopis": _letopis_writer}


def _worker(system: str, url: str, schema: str, count: int, barrier: object,
            out: mp.Queue[float]) -> None:
    write = WRITERS[system](url, schema, count)
    barrier.wait()  # type: ignore[attr-defined]
    start = time.perf_counter()
    for i in range(count):
        write(i)
    out.put(time.perf_counter() - start)


def setup(url: str, schema: str) -> None:
    from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore

    from letopis.store.postgres import create_schema

    with psycopg.connect(url, autocommit=True) as conn:
        drop_store(conn, schema)
    create_schema(url, schema)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE TABLE "{schema}".raw (id bigserial PRIMARY KEY, stream_id uuid, '
                     f'version bigint, state bytea, UNIQUE (stream_id, version))'.encode())
    parts = urlsplit(url)
    datastore = PostgresDatastore(
        dbname=parts.path.lstrip("/"), host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432, user=parts.username or "postgres", password="", schema=schema,
    )
    PostgresApplicationRecorder(datastore, events_table_name="es_events").create_table()
    datastore.close()


def run(system: str, url: str, schema: str, events: int, writers: int) -> float:
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(writers)
    out: mp.Queue[float] = ctx.Queue()
    per = events // writers
    procs = [ctx.Process(target=_worker, args=(system, url, schema, per, barrier, out))
             for _ in range(writers)]
    for p in procs:
        p.start()
    durations = [out.get() for _ in procs]
    for p in procs:
        p.join()
    return per * writers / max(durations)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--url", default=os.environ.get("LETOPIS_TEST_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--writers", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--schema", default="bench_append")
    parser.add_argument("--repeat", type=int, default=1, help="runs per cell; the median counts")
    args = parser.parse_args()
    setup(args.url, args.schema)
    results: dict[tuple[str, int], float] = {}
    print(f"single-command append, {args.events} events per run, median of {args.repeat}, "
          f"PostgreSQL at {args.url}")
    print(f"{'system':<14}{'writers':>8}{'events/s':>12}")
    for writers in args.writers:
        for system in WRITERS:
            rates = sorted(run(system, args.url, args.schema, args.events, writers)
                           for _ in range(args.repeat))
            rate = rates[len(rates) // 2]
            results[(system, writers)] = rate
            print(f"{system:<14}{writers:>8}{rate:>12.0f}")
    for writers in args.writers:
        ours, lib = results[("letopis", writers)], results[("eventsourcing", writers)]
        raw = results[("raw", writers)]
        print(f"{writers} writer(s): letopis/eventsourcing = {ours / lib:.2f}x, "
              f"letopis/raw = {ours / raw:.2f}x")
    with psycopg.connect(args.url, autocommit=True) as conn:
        drop_store(conn, args.schema)


if __name__ == "__main__":
    main()
