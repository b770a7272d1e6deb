"""The synthetic region at several scales: file generation, bulk import, raw binary COPY of the
same rows, in the same run, on PostgreSQL; then the slope and the projected 250,000 learners.

    python -m bench.bulk_import --learners 1000 3000 6000 --weeks 34 --lessons 2

For each number of learners, on empty tables of the same server:
  generate          `letopis demo generate --out DIR` (Parquet parts, letopis/demo_files.py)
  raw COPY (bare)   binary COPY of (position, tx_id, stream_id, version, topic, state), read
                    from the same Parquet parts, into a table without keys, 50,000 rows per
                    transaction: the floor
  raw COPY (keyed)  the same into a table with the events table's keys
  letopis import    `import_file`: check pass (fast mark check, docs/import.md) then write pass
                    (positions under the append lock, binary COPY of events and commands)
Wall time, CPU time of this process (PostgreSQL's own CPU is not in it), load average.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

import psycopg

from bench.schemas import DEFAULT_URL, drop_store
from letopis.bulk.files import input_parts
from letopis.bulk.importer import Progress, import_file, open_target
from letopis.demo import DemoPlan
from letopis.demo_files import generate_files
from letopis.store.postgres import PostgresRecorder, create_schema

REGION_LEARNERS = 250_000  # Orenburg region's school learners (issue 10)


@dataclass
class Run:
    learners: int
    events: int
    parquet_bytes: int
    generate: tuple[float, float]  # wall, cpu seconds
    check: tuple[float, float]
    write: tuple[float, float]
    bare: float  # raw COPY wall seconds
    keyed: float
    store_bytes: int
    load: tuple[float, float]  # 1-minute load average before, after
    max_rss_mb: float

    def rate(self, seconds: float) -> float:
        return self.events / seconds


def _rows(directory: Path) -> Iterator[tuple[UUID, int, str, str]]:
    import duckdb

    with duckdb.connect() as con:
        for part in input_parts(directory):
            cursor = con.execute("SELECT stream_id::UUID, version, topic, state "
                                 "FROM read_parquet(?)", [str(part)])
            while batch := cursor.fetchmany(20_000):
                yield from batch


def raw_copy(url: str, table: str, directory: Path, batch: int) -> float:
    copy_sql = (f"COPY {table} (position, tx_id, stream_id, version, topic, state) "
                f"FROM STDIN (FORMAT BINARY)").encode()
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        source = _rows(directory)
        position, done = 0, False
        while not done:
            done = True
            with conn.transaction(), conn.cursor().copy(copy_sql) as copy:
                copy.set_types(["int8", "int8", "uuid", "int8", "text", "bytea"])
                for stream, version, topic, state in source:
                    position += 1
                    copy.write_row((position, 1, stream, version, topic, state.encode()))
                    if position % batch == 0:
                        done = False
                        break
    return time.perf_counter() - started


def _clock() -> tuple[float, float]:
    """Wall time, and CPU time of this process and of its finished children (the generator's
    and the check's worker processes)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter(), time.process_time() + children.ru_utime + children.ru_stime


def _since(start: tuple[float, float]) -> tuple[float, float]:
    wall, cpu = _clock()
    return wall - start[0], cpu - start[1]


def measure(url: str, schema: str, plan: DemoPlan, batch: int, tmp: Path,
            workers: int | None) -> Run:
    load_before = os.getloadavg()[0]
    directory = tmp / f"region-{plan.learners}"
    started = _clock()
    report = generate_files(plan, directory, "parquet", workers or os.cpu_count() or 1)
    generated = _since(started)
    size = sum(p.stat().st_size for p in input_parts(directory))
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
    try:
        bare = raw_copy(url, f"{s}.raw_bare", directory, batch)
        keyed = raw_copy(url, f"{s}.raw_keyed", directory, batch)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP TABLE {s}.raw_bare, {s}.raw_keyed".encode())
        store = PostgresRecorder(url, schema=schema, pool_size=1)
        marks: list[tuple[float, float]] = []
        started = _clock()
        with open_target(store, url, schema) as target:
            imported = import_file(store, target, directory, batch_size=batch,
                                   progress=Progress(start_writing=lambda _n: marks.append(
                                       _clock())), workers=workers or os.cpu_count() or 1)
        ended = _clock()
        store.close()
        assert imported.events == report.events
        with psycopg.connect(url, autocommit=True) as conn:
            row = conn.execute(f"SELECT pg_total_relation_size('{s}.events') "
                               f"+ pg_total_relation_size('{s}.commands')".encode()).fetchone()
            store_bytes = int(row[0]) if row else 0
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            drop_store(conn, schema)
    for part in input_parts(directory):
        part.unlink()
    check = (marks[0][0] - started[0], marks[0][1] - started[1])
    write = (ended[0] - marks[0][0], ended[1] - marks[0][1])
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return Run(plan.learners, report.events, size, generated, check, write, bare, keyed,
               store_bytes, (load_before, os.getloadavg()[0]), rss)


def print_report(runs: list[Run], plan: DemoPlan) -> None:
    print(f"region: --weeks {plan.weeks_of_marks} --lessons {plan.lessons_per_week} "
          f"--seed {plan.seed}; load average (1 min) before/after each scale in brackets")
    print("| learners | events | generate ev/s (µs CPU/ev) | check ev/s (µs CPU/ev) | "
          "write ev/s | import end to end ev/s | raw COPY bare / keyed ev/s | "
          "end to end vs bare / keyed | load | Parquet B/ev | PG B/ev |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in runs:
        total = r.check[0] + r.write[0]
        print(f"| {r.learners:,} | {r.events:,} "
              f"| {r.rate(r.generate[0]):,.0f} ({r.generate[1] / r.events * 1e6:.0f}) "
              f"| {r.rate(r.check[0]):,.0f} ({r.check[1] / r.events * 1e6:.0f}) "
              f"| {r.rate(r.write[0]):,.0f} | {r.rate(total):,.0f} "
              f"| {r.rate(r.bare):,.0f} / {r.rate(r.keyed):,.0f} "
              f"| {r.bare / total:.2f}x / {r.keyed / total:.2f}x "
              f"| {r.load[0]:.1f}–{r.load[1]:.1f} | {r.parquet_bytes / r.events:.0f} "
              f"| {r.store_bytes / r.events:.0f} |")
    last = runs[-1]
    per_learner = last.events / last.learners
    events = per_learner * REGION_LEARNERS
    if len(runs) > 1:
        first = runs[0]
        for name, pick in (("generate", lambda r: r.generate[0]),
                           ("import", lambda r: r.check[0] + r.write[0])):
            slope = (pick(last) / pick(first)) / (last.events / first.events)
            print(f"slope {name}: time grows {slope:.2f}x as fast as events "
                  f"({first.learners:,} -> {last.learners:,} learners; 1.00 = linear)")
    gen_s = events / last.rate(last.generate[0])
    imp_s = events / last.rate(last.check[0] + last.write[0])
    print(f"projected {REGION_LEARNERS:,} learners: {events / 1e6:,.0f}M events, generate "
          f"{gen_s / 60:,.0f} min + import {imp_s / 60:,.0f} min = "
          f"{(gen_s + imp_s) / 60:,.0f} min at the {last.learners:,}-learner rates; "
          f"Parquet {events * last.parquet_bytes / last.events / 1e9:,.1f} GB, "
          f"PostgreSQL {events * last.store_bytes / last.events / 1e9:,.0f} GB; "
          f"bench process max RSS {last.max_rss_mb:,.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--learners", type=int, nargs="+", default=[300])
    parser.add_argument("--weeks", type=int, default=34)
    parser.add_argument("--lessons", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--batch", type=int, default=50_000)
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--schema", default="bench_bulk")
    parser.add_argument("--workers", type=int, default=None,
                        help="processes generating and checking (default: one per CPU)")
    args = parser.parse_args()
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for learners in args.learners:
            plan = DemoPlan(learners, 1, args.seed, args.weeks, args.lessons)
            runs.append(measure(args.url, args.schema, plan, args.batch, Path(tmp),
                                args.workers))
            print_report(runs[-1:], plan)
    print()
    print_report(runs, DemoPlan(args.learners[-1], 1, args.seed, args.weeks, args.lessons))


if __name__ == "__main__":
    main()
