"""Projection catch-up speed on PostgreSQL over a generated region, with baselines measured in the
same run on the same events:

    python -m bench.projections --events 1000000 --library-events 20000

  raw select       keyset pages of SELECT over the events table (the read ceiling)
  select+decode    the same pages decoded into domain events (what any projection must pay), with
                   the library's JSONTranscoder and with the ledger's FastJSONTranscoder
  letopis <name>   `rebuild` of each registered projection from position 0 (pages of 1000)
  eventsourcing    the library's ProjectionRunner (one transaction per event) on a copy of the
                   first --library-events events, counting events per stream

The store (and its companion schemas) is dropped at the end unless `--keep`, which leaves it for
`bench.decode --schema S --drop`.
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import UTC, date, datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

import psycopg
from eventsourcing.persistence import JSONTranscoder, Mapper, StoredEvent

from bench.schemas import DEFAULT_URL, drop_store
from domain.envelope import Actor, BasisDocument, Meta, Role
from domain.gradebook import Gradebook
from domain.gradebook_values import MarkKind, MarkValue, Scale
from domain.learner import Learner
from domain.learner_values import EducationLevel
from domain.organisation import Organisation
from letopis.clock import system_clock
from letopis.ledger import Ledger
from letopis.store import init_store, open_store
from projections.registry import PROJECTIONS
from projections.runner import build_engine

SUBJECTS = ("Русский язык", "Математика", "История", "Физика", "Литература")


def generate(ledger: Ledger, events: int) -> int:
    """A region: schools, learners enrolled, and current marks (most of the volume)."""
    from tests.integration.test_projection_engine import BASE  # a valid registry card

    at = datetime(2026, 9, 1, 9, tzinfo=UTC)
    order = BasisDocument("order", "1-к", date(2026, 9, 1))
    admin = Actor("generator", Role.SYSTEM)
    written, batch = 0, []

    def meta(command: str) -> Meta:
        return Meta(recorded_at=at, effective_on=date(2026, 9, 1), actor=admin,
                    command_id=command, basis=order)

    def flush() -> None:
        nonlocal batch, written
        if batch:
            ledger.recorder.insert_events(batch)
            written += len(batch)
            batch = []

    schools = [uuid5(NAMESPACE_URL, f"school/{i}") for i in range(50)]
    for school in schools:
        org = Organisation.register(organisation_id=school, details=BASE, meta=meta("o"))
        batch.extend(ledger.mapper.to_stored_event(e) for e in org.collect_events())
    n = 0
    while written + len(batch) < events:
        learner_id = uuid5(NAMESPACE_URL, f"learner/{n}")
        learner = Learner.register(learner_id=learner_id, meta=meta(f"l/{n}"))
        grade = 1 + n % 11
        learner.enrol(enrolment_id=uuid5(learner_id, "e"), organisation_id=schools[n % 50],
                      level=EducationLevel.PRIMARY_GENERAL if grade <= 4
                      else EducationLevel.BASIC_GENERAL,
                      class_or_group=f"{grade}{'АБВ'[n % 3]}", academic_year="2026/2027",
                      meta=meta(f"e/{n}"))
        batch.extend(ledger.mapper.to_stored_event(e) for e in learner.collect_events())
        for subject in SUBJECTS:
            # One command per gradebook (its opening and eight marks share an envelope).
            marks = meta(f"g/{n}/{subject}")
            book = Gradebook.open(learner_id=learner_id, subject=subject,
                                  academic_year="2026/2027", meta=marks)
            for week in range(8):
                book.record_mark(mark_id=uuid5(book.id, str(week)), kind=MarkKind.CURRENT,
                                 value=MarkValue(Scale.FIVE_POINT, str(2 + (n + week) % 4)),
                                 lesson_on=date(2026, 9, 7 + week), work_kind="lesson",
                                 period=None, meta=marks)
            batch.extend(ledger.mapper.to_stored_event(e) for e in book.collect_events())
        n += 1
        if len(batch) >= 5000:
            flush()
    flush()
    return written


def library_mapper(ledger: Ledger) -> Mapper[UUID]:
    """A mapper with the eventsourcing library's JSONTranscoder (object_hook decoding)."""
    transcoder = JSONTranscoder()
    ledger.register_transcodings(transcoder)
    return Mapper(transcoder)


def raw_select(url: str, schema: str, decode: Mapper[UUID] | None) -> float:
    started, count, after = time.perf_counter(), 0, 0
    with psycopg.connect(url) as conn:
        while True:
            rows = conn.execute(
                f'SELECT position, stream_id, version, topic, state FROM "{schema}".events '
                "WHERE position > %s ORDER BY position LIMIT 10000".encode(), (after,)).fetchall()
            if not rows:
                break
            if decode is not None:
                for row in rows:
                    decode.to_domain_event(StoredEvent(row[1], row[2], row[3], bytes(row[4])))
            count += len(rows)
            after = rows[-1][0]
    return count / (time.perf_counter() - started)


def library_runner(url: str, schema: str, events: int) -> float:
    """The eventsourcing ProjectionRunner, one transaction per event, on a copy of the events."""
    from bench.library_projection import run_library_projection

    return run_library_projection(url, schema, events)


def main() -> None:
    parser = argparse.ArgumentParser(description="projection catch-up benchmark")
    parser.add_argument("--url", default=os.environ.get("LETOPIS_TEST_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--library-events", type=int, default=20_000)
    parser.add_argument("--schema", default="bench_proj")
    parser.add_argument("--keep", action="store_true",
                        help="keep the generated store (for `bench.decode --schema S --drop`)")
    args = parser.parse_args()
    with psycopg.connect(args.url, autocommit=True) as conn:
        drop_store(conn, args.schema)
    init_store(args.url, args.schema)
    store = open_store(args.url, args.schema)
    ledger = Ledger(store, system_clock)
    started = time.perf_counter()
    written = generate(ledger, args.events)
    print(f"generated {written} events in {time.perf_counter() - started:.0f} s "
          f"(PostgreSQL at {args.url})")
    results: dict[str, Any] = {
        "raw select": raw_select(args.url, args.schema, None),
        "select+decode (library transcoder)": raw_select(args.url, args.schema,
                                                         library_mapper(ledger)),
        "select+decode (Letopis transcoder)": raw_select(args.url, args.schema, ledger.mapper),
    }
    engine, close = build_engine(ledger, args.url, args.schema)
    for name, projection in PROJECTIONS.items():
        t0 = time.perf_counter()
        processed = engine.rebuild(projection)
        results[f"letopis {name}"] = processed / (time.perf_counter() - t0)
    close()
    results["eventsourcing ProjectionRunner"] = library_runner(args.url, args.schema,
                                                               args.library_events)
    print(f"{'reader':<40}{'events/s':>12}")
    for name, rate in results.items():
        print(f"{name:<40}{rate:>12,.0f}")
    library = results["eventsourcing ProjectionRunner"]
    for name in PROJECTIONS:
        rate = results[f"letopis {name}"]
        print(f"letopis {name}: {rate / library:.1f}x library runner, "
              f"{rate / results['raw select']:.2f}x raw select")
    store.close()
    if not args.keep:
        with psycopg.connect(args.url, autocommit=True) as conn:
            drop_store(conn, args.schema)


if __name__ == "__main__":
    main()
