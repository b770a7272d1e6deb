"""The HTTP API under load on PostgreSQL: uvicorn (`letopis serve --workers N`) and a lean
keep-alive load generator on loopback, with in-process baselines measured in the same run.

    python -m bench.api --learners 100000 --rate 200 --seconds 20 [--workers 2] [--keep|--reuse]

  profile reads, open loop  GET /learners/{id}/profile due at --rate req/s for --seconds (after
                            3 s of warm-up): achieved rate, p50/p99 from the due time, errors
  profile reads, max        the same, closed loop with --concurrency clients: reads/s, p99
  mark writes, max          POST /learners/{id}/marks, closed loop: writes/s, p99
  baselines                 the same read (`read_related`) and the same command
                            (MarkService.record_mark) in-process, one thread: ops/s, p50/p99

The region (learners enrolled in 50 schools, one gradebook with --marks current marks each) is
built by the aggregates and written with the bulk COPY path of `letopis import`; then only the
read models in --projections catch up. The server does not follow; one `letopis projections run
--follow` process keeps those read models current while the benchmark writes. The store and its
companion schemas are dropped at the end unless `--keep` (leave the region for a later `--reuse`)
or `--reuse`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from functools import partial
from typing import cast
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

import psycopg

from bench.http_load import (
    Request,
    closed_loop,
    open_loop,
    pct,
    run,
    wait_until_answering,
)
from bench.schemas import DEFAULT_URL, drop_store
from domain.envelope import Actor, BasisDocument, Meta, Role
from domain.gradebook import Gradebook
from domain.gradebook_values import MarkKind, MarkValue, Scale
from domain.learner import Learner
from domain.learner_values import EducationLevel
from domain.organisation import Organisation
from letopis.clock import system_clock
from letopis.ledger import CommandContext, Ledger
from letopis.store import init_store, open_store

YEAR = "2026/2027"


def learner_id(n: int) -> UUID:
    return uuid5(NAMESPACE_URL, f"bench-api/learner/{n}")


def generate(ledger: Ledger, url: str, schema: str, learners: int, marks: int) -> int:
    """The region, built by the domain aggregates and written by the bulk path of `letopis
    import` (binary COPY, positions under the append lock): one command per school and per
    learner (registration, enrolment, gradebook and its marks)."""
    from letopis.bulk.format import Line
    from letopis.bulk.postgres import PostgresTarget
    from letopis.bulk.target import Group
    from tests.integration.test_projection_engine import BASE  # a valid registry card

    at = datetime(2026, 9, 1, 9, tzinfo=UTC)
    order = BasisDocument("order", "1-к", date(2026, 9, 1))
    admin = Actor("generator", Role.SYSTEM)
    meta = Meta(recorded_at=at, effective_on=date(2026, 9, 1), actor=admin,
                command_id="bench", basis=order)
    target = PostgresTarget(url, schema)
    written = 0

    def stage(command_id: str, *aggregates: Organisation | Learner | Gradebook) -> None:
        nonlocal written
        stored = [ledger.mapper.to_stored_event(e) for a in aggregates
                  for e in a.collect_events()]
        streams = {str(a.id): a.version for a in aggregates}
        result = json.dumps({"streams": streams, "data": {"command": "bench_region",
                                                          "fingerprint": command_id}},
                            sort_keys=True)
        target.stage(Group(command_id, result, [
            Line(0, command_id, None, cast(UUID, s.originator_id), s.originator_version,
                 s.topic, s.state)
            for s in stored]))
        written += len(stored)

    schools = [uuid5(NAMESPACE_URL, f"bench-api/school/{i}") for i in range(50)]
    for school in schools:
        stage(f"bench-api/school/{school}",
              Organisation.register(organisation_id=school, details=BASE, meta=meta))
    for n in range(learners):
        learner = Learner.register(learner_id=learner_id(n), meta=meta)
        learner.enrol(enrolment_id=uuid5(learner.id, "e"), organisation_id=schools[n % 50],
                      level=EducationLevel.BASIC_GENERAL, class_or_group=f"5{'АБВ'[n % 3]}",
                      academic_year=YEAR, meta=meta)
        book = Gradebook.open(learner_id=learner.id, subject="Математика", academic_year=YEAR,
                              meta=meta)
        for week in range(marks):
            book.record_mark(mark_id=uuid5(book.id, str(week)), kind=MarkKind.CURRENT,
                             value=MarkValue(Scale.FIVE_POINT, str(2 + (n + week) % 4)),
                             lesson_on=date(2026, 9, 7 + week), work_kind="lesson",
                             period=None, meta=meta)
        stage(f"bench-api/learner/{n}", learner, book)
    try:
        target.flush(50_000, None)
    finally:
        target.close()
    return written


def _mark(learners: int) -> Request:
    body = json.dumps({"subject": "Математика", "academic_year": YEAR, "mark_id": str(uuid4()),
                       "kind": "current", "value": str(random.randrange(2, 6)),
                       "lesson_on": "2026-10-05", "effective_on": "2026-10-05"}).encode()
    return "POST", f"/learners/{learner_id(random.randrange(learners))}/marks", body


def _profile(learners: int) -> Request:
    return "GET", f"/learners/{learner_id(random.randrange(learners))}/profile", b""


def baselines(url: str, schema: str, learners: int, seconds: float
              ) -> tuple[list[float], list[float]]:
    """The same read (one `read_related`) and the same command, in-process, one thread, back
    to back: the latency of each, on the same loaded machine."""
    from letopis.services.marks import MarkService
    from projections.runner import open_projection_store

    store = open_projection_store(url, schema)
    reads: list[float] = []
    deadline = time.perf_counter() + seconds
    while (t0 := time.perf_counter()) < deadline:
        found = store.read_related("digital_profile", "profiles",
                                   str(learner_id(random.randrange(learners))),
                                   related_table="subject_marks", items="subjects",
                                   item_key="gradebook_id")
        assert found.row is not None
        assert found.related
        reads.append(time.perf_counter() - t0)
    store.close()
    recorder = open_store(url, schema, pool_size=1)
    marks = MarkService(Ledger(recorder, system_clock))
    actor = Actor("bench", Role.ADMINISTRATOR)
    writes: list[float] = []
    deadline = time.perf_counter() + seconds
    while (t0 := time.perf_counter()) < deadline:
        context = CommandContext(actor=actor, command_id=f"bench/{uuid4()}",
                                 effective_on=date(2026, 10, 5))
        marks.record_mark(context, learner_id(random.randrange(learners)), subject="Математика",
                          academic_year=YEAR, mark_id=uuid4(), kind=MarkKind.CURRENT,
                          value=MarkValue(Scale.FIVE_POINT, "4"), lesson_on=date(2026, 10, 5))
        writes.append(time.perf_counter() - t0)
    recorder.close()
    return reads, writes


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def build_region(args: argparse.Namespace) -> None:
    """Write the region (unless --reuse) and catch up the read model the benchmark reads."""
    from projections.registry import PROJECTIONS
    from projections.runner import build_engine

    if not args.reuse:
        with psycopg.connect(args.url, autocommit=True) as conn:
            drop_store(conn, args.schema)
    init_store(args.url, args.schema)
    recorder = open_store(args.url, args.schema)
    ledger = Ledger(recorder, system_clock)
    t0 = time.perf_counter()
    events = (recorder.count_events() if args.reuse
              else generate(ledger, args.url, args.schema, args.learners, args.marks))
    print(f"region: {args.learners:,} learners, {events:,} events, written in "
          f"{time.perf_counter() - t0:.0f} s{' (reused)' if args.reuse else ''} "
          f"[load {_load()}]", flush=True)
    t0 = time.perf_counter()
    engine, close = build_engine(ledger, args.url, args.schema)
    processed = 0
    for name in args.projections:
        engine.active_generation(PROJECTIONS[name])
        processed += engine.catch_up(PROJECTIONS[name])
    close()
    recorder.close()
    print(f"projections {', '.join(args.projections)} caught up in "
          f"{time.perf_counter() - t0:.0f} s ({processed:,} events) [load {_load()}]",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description="HTTP API benchmark (PostgreSQL, uvicorn)")
    parser.add_argument("--url", default=os.environ.get("LETOPIS_TEST_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--schema", default="bench_api")
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--marks", type=int, default=4, help="current marks per learner")
    parser.add_argument("--rate", type=int, default=200, help="open-loop reads per second")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="`letopis serve --workers`")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--projections", nargs="+", default=["digital_profile"],
                        help="read models to build and follow (default: the one read here)")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the region a previous run left in --schema")
    parser.add_argument("--keep", action="store_true",
                        help="keep the region at the end (for later --reuse runs)")
    args = parser.parse_args()

    from api.auth import ApiRole, issue_token
    from letopis.settings import Settings

    build_region(args)
    # The server does not follow the read models (the other ones were never built: catching
    # them up under load would measure that, not the reads); one follower process keeps the
    # benchmark's read models current while marks are written, as `letopis serve` would.
    env = {**os.environ, "LETOPIS_DATABASE_URL": args.url, "LETOPIS_DATABASE_SCHEMA":
           args.schema, "LETOPIS_API_FOLLOW_PROJECTIONS": "false"}
    settings = Settings(database_url=args.url, database_schema=args.schema)
    token = issue_token(settings, subject="bench", role=ApiRole.REGIONAL_OPERATOR)
    letopis = os.path.join(os.path.dirname(sys.executable), "letopis")
    server = subprocess.Popen([letopis, "serve", "--port", str(args.port), "--workers",
                               str(args.workers), "--log-level", "warning", "--no-access-log"],
                              env=env)
    follower = subprocess.Popen([letopis, "projections", "run", "--follow", *args.projections],
                                env=env, stdout=subprocess.DEVNULL)
    rows: list[tuple[str, float, float, float, int, str]] = []
    try:
        wait_until_answering(args.port, token, _profile(args.learners)[1])
        print(f"load before the reads: {_load()}", flush=True)
        reads, writes = partial(_profile, args.learners), partial(_mark, args.learners)
        loads = [
            (f"profile reads, open loop at {args.rate}/s",
             lambda h: open_loop(h, reads, 200, args.rate, args.seconds)),
            (f"profile reads, max ({args.concurrency} clients)",
             lambda h: closed_loop(h, reads, 200, args.concurrency, args.seconds)),
            (f"mark writes, max ({args.concurrency} clients)",
             lambda h: closed_loop(h, writes, 201, args.concurrency, args.seconds)),
        ]
        for name, load in loads:
            lat, errors, elapsed = run(load, args.port, token)
            rows.append((name, len(lat) / elapsed, pct(lat, 50), pct(lat, 99), errors,
                         _load()))
    finally:
        server.send_signal(signal.SIGINT)  # uvicorn's graceful shutdown
        follower.terminate()  # its pages are transactions: stopping it anywhere loses nothing
        for process in (server, follower):
            process.wait(timeout=30)
    seconds = min(args.seconds, 10)
    for name, latencies in zip(("baseline: profile read in-process", "baseline: record_mark "
                                "in-process"), baselines(args.url, args.schema, args.learners,
                                                         seconds), strict=True):
        rows.append((name, len(latencies) / seconds, pct(latencies, 50), pct(latencies, 99),
                     0, _load()))
    print(f"{'load':<36}{'ops/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}  load average")
    for name, rate, p50, p99, errs, load in rows:
        print(f"{name:<36}{rate:>10,.0f}{p50:>10.1f}{p99:>10.1f}{errs:>8}  {load}")
    print(f"HTTP max reads / in-process reads = {rows[1][1] / rows[3][1]:.2f}x; "
          f"HTTP max writes / in-process writes = {rows[2][1] / rows[4][1]:.2f}x; "
          f"open-loop read p99 / in-process read p99 = {rows[0][3] / rows[3][3]:.1f}x")
    if not args.keep and not args.reuse:
        with psycopg.connect(args.url, autocommit=True) as conn:
            drop_store(conn, args.schema)


if __name__ == "__main__":
    main()
