"""Aggregate load on PostgreSQL: a learner's five years of marks, and a certificate with and
without its snapshot, against a raw `SELECT` of the same rows (the scale issue's read figures).

A demo region of `--years` school years (34 weeks, two lessons a subject a week) is written
through the command path. Then, each timed `--repeat` times (median, after one warm-up):

- raw: `SELECT stream_id, version, topic, state … WHERE stream_id = ANY(…)` of the streams, the
  read ceiling (rows fetched, nothing decoded);
- the learner with the most gradebooks: its `Learner` stream and every gradebook (one stream
  per learner × subject × academic year) in one `Ledger.load_many`, and one gradebook alone.
  Gradebooks have no snapshot codec: a stream holds one subject's year (~70 events here), so a
  snapshot would save little; the figure shows what that costs;
- the certificate with the most events: `load_many` from its snapshot (letopis/snapshots.py)
  and the events after it, against the library repository's replay of all its events.

    python -m bench.aggregate_load --years 5 --repeat 30
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

import orjson
import psycopg

from bench.schemas import DEFAULT_URL, drop_store, settle
from letopis.bootstrap import build_services
from letopis.demo import DemoGenerator, DemoPlan, SettableClock
from letopis.ledger import Ledger
from letopis.settings import Settings
from letopis.store import init_store

OPENED = "domain.gradebook:Gradebook.Opened"
CERTIFICATE = "domain.certificate:Certificate."


def median_ms(run: Callable[[], object], repeat: int) -> float:
    run()  # warm-up: connections, caches, prepared statements
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e3


def raw_rows(conn: psycopg.Connection[Any], schema: str, ids: Sequence[UUID]) -> int:
    return len(conn.execute(
        f'SELECT stream_id, version, topic, state FROM "{schema}".events '
        f"WHERE stream_id = ANY(%s) ORDER BY stream_id, version".encode(), (list(ids),)
    ).fetchall())


def learner_streams(conn: psycopg.Connection[Any], schema: str) -> list[UUID]:
    """The learner with the most gradebooks: its id, then its gradebooks' stream ids."""
    rows = conn.execute(f'SELECT stream_id, state FROM "{schema}".events '
                        f"WHERE topic = %s".encode(), (OPENED,)).fetchall()
    books: dict[str, list[UUID]] = {}
    for stream_id, state in rows:
        books.setdefault(orjson.loads(bytes(state))["learner_id"]["_data_"], []).append(stream_id)
    learner, ids = max(books.items(), key=lambda item: len(item[1]))
    return [UUID(learner), *ids]


def busiest_certificate(conn: psycopg.Connection[Any], schema: str) -> UUID:
    rows = conn.execute(f'SELECT stream_id FROM "{schema}".events '
                        f"WHERE starts_with(topic, %s)".encode(), (CERTIFICATE,)).fetchall()
    stream_id: UUID = Counter(r[0] for r in rows).most_common(1)[0][0]
    return stream_id


def report(label: str, events: int, ms: float, raw_ms: float) -> None:
    print(f"{label:<66}{events:>7}{ms:>10.2f}{events / ms * 1e3:>12,.0f}{ms / raw_ms:>9.1f}x")


def measure(ledger: Ledger, conn: psycopg.Connection[Any], schema: str, repeat: int) -> None:
    learner = learner_streams(conn, schema)
    certificate = busiest_certificate(conn, schema)
    events = raw_rows(conn, schema, learner)
    one_book = raw_rows(conn, schema, learner[1:2])
    cert_events = raw_rows(conn, schema, [certificate])
    print(f"{'':<66}{'events':>7}{'ms':>10}{'events/s':>12}{'/ raw':>10}")
    raw_all = median_ms(lambda: raw_rows(conn, schema, learner), repeat)
    report(f"raw SELECT, learner + {len(learner) - 1} gradebooks", events, raw_all, raw_all)
    report("load_many, learner + gradebooks (from events)", events,
           median_ms(lambda: ledger.load_many(learner), repeat), raw_all)
    raw_one = median_ms(lambda: raw_rows(conn, schema, learner[1:2]), repeat)
    report("raw SELECT, one gradebook", one_book, raw_one, raw_one)
    report("load_many, one gradebook (from events)", one_book,
           median_ms(lambda: ledger.load_many(learner[1:2]), repeat), raw_one)
    raw_cert = median_ms(lambda: raw_rows(conn, schema, [certificate]), repeat)
    report("raw SELECT, the busiest certificate", cert_events, raw_cert, raw_cert)
    ledger.store.delete_snapshots([certificate])
    report("certificate without a snapshot (library repository, all events)", cert_events,
           median_ms(lambda: ledger.repository.get(certificate), repeat), raw_cert)
    report("certificate without a snapshot (load_many, all events)", cert_events,
           median_ms(lambda: ledger.load_many([certificate]), repeat), raw_cert)
    ledger.take_snapshots([certificate])
    report("certificate from its snapshot (load_many)", cert_events,
           median_ms(lambda: ledger.load_many([certificate]), repeat), raw_cert)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--learners", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--schema", default=None, help="default bench_load_<time>")
    parser.add_argument("--keep", action="store_true", help="keep the schema afterwards")
    args = parser.parse_args(argv)
    schema = args.schema or f"bench_load_{int(time.time())}"
    with psycopg.connect(args.url, autocommit=True) as conn:
        drop_store(conn, schema)
    init_store(args.url, schema)
    clock = SettableClock()
    services = build_services(Settings(database_url=args.url, database_schema=schema), clock)
    try:
        started = time.perf_counter()
        DemoGenerator(services, clock, DemoPlan(learners=args.learners, years=args.years,
                                                seed=11, weeks_of_marks=34,
                                                lessons_per_week=2)).run()
        print(f"demo region of {args.years} years: {services.ledger.store.count_events()} "
              f"events in {time.perf_counter() - started:.0f} s")
        settle(args.url, schema)
        with psycopg.connect(args.url) as conn:
            measure(services.ledger, conn, schema, args.repeat)
    finally:
        services.close()
        if not args.keep:
            with psycopg.connect(args.url, autocommit=True) as conn:
                drop_store(conn, schema)


if __name__ == "__main__":
    main()
