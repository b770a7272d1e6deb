"""Bulk import vs raw binary COPY of the same rows, on PostgreSQL, in the same run.

    python -m bench.bulk_import --events 1000000

The file: gradebooks (one `Opened` + `MarkRecorded` events, one command per event, the way
marks arrive), states taken from a real demo gradebook, `--stream-length` events per stream.
Measured, each on an empty table:
  raw COPY (bare)   binary COPY of (position, tx_id, stream_id, version, topic, state) into a
                    table without keys, 50,000 rows per transaction: the floor
  raw COPY (keyed)  the same into a table with the events table's keys (position, stream+version)
  letopis import    `import_file`: read + check the whole file (decode with the store's mapper,
                    replay each stream on its aggregate), then write (binary COPY of events and
                    commands, positions under the append lock, one NOTIFY per batch)
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg

from bench.schemas import drop_store
from letopis.bulk.format import format_line
from letopis.bulk.importer import Progress, import_file, open_target
from letopis.store.postgres import PostgresRecorder, create_schema

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
OPENED = "domain.gradebook:Gradebook.Opened"
MARK = "domain.gradebook:Gradebook.MarkRecorded"


def _template() -> tuple[bytes, list[bytes]]:
    """The Opened state and the mark states of one demo gradebook (a tiny SQLite region)."""
    from letopis.bootstrap import build_services
    from letopis.demo import DemoGenerator, DemoPlan, SettableClock
    from letopis.settings import Settings
    from letopis.store import init_store

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/t.sqlite"
        init_store(url)
        clock = SettableClock()
        services = build_services(Settings(database_url=url), clock)
        DemoGenerator(services, clock, DemoPlan(2, 1, 1, 2)).run()
        events = services.ledger.store.select_notifications(1, 10**6)
        services.close()
    book = next(n.originator_id for n in events if n.topic == OPENED)
    states = [n for n in events if n.originator_id == book]
    return states[0].state, [n.state for n in states[1:] if n.topic == MARK]


def rows(events: int, length: int, opened: bytes,
         marks: list[bytes]) -> Iterator[tuple[uuid.UUID, int, str, bytes]]:
    stream = uuid.uuid4()
    for i in range(events):
        version = i % length + 1
        if version == 1:
            stream = uuid.UUID(int=i + 1)
        yield stream, version, (OPENED if version == 1 else MARK), (
            opened if version == 1 else marks[i % len(marks)])


def write_file(path: Path, events: int, length: int, opened: bytes, marks: list[bytes]) -> None:
    with path.open("w") as out:
        for i, (stream, version, topic, state) in enumerate(rows(events, length, opened, marks)):
            result = json.dumps({"streams": {str(stream): version},
                                 "data": {"command": "record_mark", "fingerprint": f"{i:064x}"}},
                                sort_keys=True)
            out.write(format_line(f"bench-{i}", result, stream, version, topic, state) + "\n")


def raw_copy(url: str, table: str, events: int, length: int, opened: bytes,
             marks: list[bytes], batch: int) -> float:
    copy_sql = (f"COPY {table} (position, tx_id, stream_id, version, topic, state) "
                f"FROM STDIN (FORMAT BINARY)").encode()
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        source = rows(events, length, opened, marks)
        position = 0
        while position < events:
            with conn.transaction(), conn.cursor().copy(copy_sql) as copy:
                copy.set_types(["int8", "int8", "uuid", "int8", "text", "bytea"])
                for stream, version, topic, state in source:
                    position += 1
                    copy.write_row((position, 1, stream, version, topic, state))
                    if position % batch == 0:
                        break
    return events / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--stream-length", type=int, default=100)
    parser.add_argument("--batch", type=int, default=50_000)
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--schema", default="bench_bulk")
    args = parser.parse_args()
    url, schema, n = args.url, args.schema, args.events
    s = f'"{schema}"'
    with psycopg.connect(url, autocommit=True) as conn:
        drop_store(conn, schema)
    create_schema(url, schema)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE {s}.raw_bare (position bigint, tx_id xid8, stream_id uuid, "
                     f"version bigint, topic text, state bytea)".encode())
        conn.execute(f"CREATE TABLE {s}.raw_keyed (position bigint PRIMARY KEY, tx_id xid8, "
                     f"stream_id uuid, version bigint, topic text, state bytea, "
                     f"UNIQUE (stream_id, version))".encode())
    opened, marks = _template()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bench.ndjson"
            started = time.perf_counter()
            write_file(path, n, args.stream_length, opened, marks)
            generated = time.perf_counter() - started
            bare = raw_copy(url, f"{s}.raw_bare", n, args.stream_length, opened, marks,
                            args.batch)
            keyed = raw_copy(url, f"{s}.raw_keyed", n, args.stream_length, opened, marks,
                             args.batch)
            store = PostgresRecorder(url, schema=schema, pool_size=1)
            marks_at: list[float] = []
            started = time.perf_counter()
            with open_target(store, url, schema) as target:
                report = import_file(store, target, path, batch_size=args.batch,
                                     progress=Progress(start_writing=lambda _n: marks_at.append(
                                         time.perf_counter())))
            ended = time.perf_counter()
            store.close()
            assert report.events == n
            size = path.stat().st_size
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            drop_store(conn, schema)
    total = n / (ended - started)
    write = n / (ended - marks_at[0])
    print(f"events {n:,}, streams of {args.stream_length}, file {size / 1e6:.0f} MB "
          f"(generated in {generated:.1f} s), batch {args.batch:,}")
    print(f"raw COPY, bare table            {bare:>10,.0f} events/s")
    print(f"raw COPY, keyed table           {keyed:>10,.0f} events/s")
    print(f"letopis import, end to end      {total:>10,.0f} events/s  "
          f"= {total / bare:.2f}x bare, {total / keyed:.2f}x keyed")
    print(f"  check phase                   {n / (marks_at[0] - started):>10,.0f} events/s")
    print(f"  write phase                   {write:>10,.0f} events/s  "
          f"= {write / bare:.2f}x bare, {write / keyed:.2f}x keyed")


if __name__ == "__main__":
    main()
