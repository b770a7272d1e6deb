"""The HTTP API under load on PostgreSQL: uvicorn (`letopis serve`, one process) and a load
generator on loopback, with in-process baselines measured in the same run.

    python -m bench.api --learners 100000 --rate 200 --seconds 20

  profile reads, open loop  GET /learners/{id}/profile at --rate req/s for --seconds: p50/p99
  profile reads, max        the same, closed loop with --concurrency clients: reads/s, p99
  mark writes, max          POST /learners/{id}/marks, closed loop: writes/s, p99
  baselines                 the same read (projection store) and the same command
                            (MarkService.record_mark) called in-process, one thread: ops/s

The region is written straight into the store (learners enrolled in 50 schools, one gradebook
with --marks current marks each), then every projection catches up before the server starts.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

import httpx
import psycopg

from domain.envelope import Actor, BasisDocument, Meta, Role
from domain.gradebook import Gradebook
from domain.gradebook_values import MarkKind, MarkValue, Scale
from domain.learner import Learner
from domain.learner_values import EducationLevel
from domain.organisation import Organisation
from letopis.clock import system_clock
from letopis.ledger import CommandContext, Ledger
from letopis.store import init_store, open_store

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
YEAR = "2026/2027"


def learner_id(n: int) -> UUID:
    return uuid5(NAMESPACE_URL, f"bench-api/learner/{n}")


def generate(ledger: Ledger, learners: int, marks: int) -> int:
    from tests.integration.test_projection_engine import BASE  # a valid registry card

    at = datetime(2026, 9, 1, 9, tzinfo=UTC)
    order = BasisDocument("order", "1-к", date(2026, 9, 1))
    admin = Actor("generator", Role.SYSTEM)
    meta = Meta(recorded_at=at, effective_on=date(2026, 9, 1), actor=admin,
                command_id="bench", basis=order)
    written, batch = 0, []
    schools = [uuid5(NAMESPACE_URL, f"bench-api/school/{i}") for i in range(50)]
    for school in schools:
        org = Organisation.register(organisation_id=school, details=BASE, meta=meta)
        batch.extend(ledger.mapper.to_stored_event(e) for e in org.collect_events())
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
        for aggregate in (learner, book):
            batch.extend(ledger.mapper.to_stored_event(e) for e in aggregate.collect_events())
        if len(batch) >= 5000:
            ledger.recorder.insert_events(batch)
            written, batch = written + len(batch), []
    ledger.recorder.insert_events(batch)
    return written + len(batch)


def _mark_body(n: int) -> dict[str, object]:
    return {"subject": "Математика", "academic_year": YEAR, "mark_id": str(uuid4()),
            "kind": "current", "value": str(2 + n % 4), "lesson_on": "2026-10-05",
            "effective_on": "2026-10-05"}


def _pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] * 1000 if len(values) > 1 else 0.0


async def open_loop(base: str, headers: dict[str, str], learners: int, rate: int,
                    seconds: float) -> tuple[list[float], int, float]:
    """Requests due at a steady rate whether or not earlier ones finished (no coordinated
    omission); latency counts from the due time."""
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits,
                                 timeout=30) as client:
        async def one(due: float) -> None:
            nonlocal errors
            response = await client.get(
                f"/learners/{learner_id(random.randrange(learners))}/profile")
            latencies.append(time.perf_counter() - due)
            errors += response.status_code != 200

        started = time.perf_counter()
        tasks = []
        for i in range(int(rate * seconds)):
            due = started + i / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            tasks.append(asyncio.create_task(one(due)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - started
    return latencies, errors, elapsed


async def closed_loop(base: str, headers: dict[str, str], learners: int, concurrency: int,
                      seconds: float, write: bool) -> tuple[list[float], int, float]:
    latencies: list[float] = []
    errors = 0
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
        deadline = time.perf_counter() + seconds

        async def worker(w: int) -> None:
            nonlocal errors
            n = w
            while time.perf_counter() < deadline:
                learner = learner_id(random.randrange(learners))
                t0 = time.perf_counter()
                if write:
                    response = await client.post(f"/learners/{learner}/marks",
                                                 json=_mark_body(n))
                    errors += response.status_code != 201
                else:
                    response = await client.get(f"/learners/{learner}/profile")
                    errors += response.status_code != 200
                latencies.append(time.perf_counter() - t0)
                n += concurrency

        started = time.perf_counter()
        await asyncio.gather(*(worker(w) for w in range(concurrency)))
        elapsed = time.perf_counter() - started
    return latencies, errors, elapsed


def baselines(url: str, schema: str, learners: int, seconds: float) -> tuple[float, float]:
    from letopis.services.marks import MarkService
    from projections.runner import open_projection_store

    store = open_projection_store(url, schema)
    done, deadline = 0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        key = str(learner_id(random.randrange(learners)))
        profile = store.read("digital_profile", "profiles", key)
        assert profile is not None
        for subject in profile["subjects"]:
            store.read("digital_profile", "subject_marks", subject["gradebook_id"])
        done += 1
    reads = done / seconds
    store.close()
    recorder = open_store(url, schema, pool_size=1)
    marks = MarkService(Ledger(recorder, system_clock))
    actor = Actor("bench", Role.ADMINISTRATOR)
    done, deadline = 0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        context = CommandContext(actor=actor, command_id=f"bench/{uuid4()}",
                                 effective_on=date(2026, 10, 5))
        marks.record_mark(context, learner_id(random.randrange(learners)), subject="Математика",
                          academic_year=YEAR, mark_id=uuid4(), kind=MarkKind.CURRENT,
                          value=MarkValue(Scale.FIVE_POINT, "4"), lesson_on=date(2026, 10, 5))
        done += 1
    recorder.close()
    return reads, done / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description="HTTP API benchmark (PostgreSQL, uvicorn)")
    parser.add_argument("--url", default=os.environ.get("LETOPIS_TEST_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--schema", default="bench_api")
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--marks", type=int, default=4, help="current marks per learner")
    parser.add_argument("--rate", type=int, default=200, help="open-loop reads per second")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the region a previous run left in --schema")
    args = parser.parse_args()

    from api.auth import ApiRole, issue_token
    from letopis.settings import Settings
    from projections.registry import PROJECTIONS
    from projections.runner import build_engine

    if not args.reuse:
        with psycopg.connect(args.url, autocommit=True) as conn:
            for s in (args.schema, f"{args.schema}_proj"):
                conn.execute(f'DROP SCHEMA IF EXISTS "{s}" CASCADE'.encode())
    init_store(args.url, args.schema)
    recorder = open_store(args.url, args.schema)
    ledger = Ledger(recorder, system_clock)
    t0 = time.perf_counter()
    events = recorder.count_events() if args.reuse else generate(ledger, args.learners,
                                                                  args.marks)
    print(f"region: {args.learners} learners, {events} events, written in "
          f"{time.perf_counter() - t0:.0f} s{' (reused)' if args.reuse else ''}")
    t0 = time.perf_counter()
    engine, close = build_engine(ledger, args.url, args.schema)
    for projection in PROJECTIONS.values():
        engine.active_generation(projection)
        engine.catch_up(projection)
    close()
    recorder.close()
    print(f"projections caught up in {time.perf_counter() - t0:.0f} s")

    env = {**os.environ, "LETOPIS_DATABASE_URL": args.url, "LETOPIS_DATABASE_SCHEMA":
           args.schema}
    settings = Settings(database_url=args.url, database_schema=args.schema)
    token = issue_token(settings, subject="bench", role=ApiRole.REGIONAL_OPERATOR)
    headers = {"Authorization": f"Bearer {token}"}
    base = f"http://127.0.0.1:{args.port}"
    letopis = os.path.join(os.path.dirname(sys.executable), "letopis")
    server = subprocess.Popen([letopis, "serve", "--port",
                               str(args.port), "--log-level", "warning", "--no-access-log"],
                              env=env)
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/organisations?limit=1", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        rows = []
        lat, errors, elapsed = asyncio.run(open_loop(base, headers, args.learners, args.rate,
                                                     args.seconds))
        rows.append((f"profile reads, open loop {args.rate}/s", len(lat) / elapsed,
                     _pct(lat, 50), _pct(lat, 99), errors))
        lat, errors, elapsed = asyncio.run(closed_loop(base, headers, args.learners,
                                                       args.concurrency, args.seconds, False))
        rows.append((f"profile reads, max ({args.concurrency} clients)", len(lat) / elapsed,
                     _pct(lat, 50), _pct(lat, 99), errors))
        lat, errors, elapsed = asyncio.run(closed_loop(base, headers, args.learners,
                                                       args.concurrency, args.seconds, True))
        rows.append((f"mark writes, max ({args.concurrency} clients)", len(lat) / elapsed,
                     _pct(lat, 50), _pct(lat, 99), errors))
    finally:
        server.terminate()
        server.wait(timeout=30)
    read_base, write_base = baselines(args.url, args.schema, args.learners,
                                      min(args.seconds, 10))
    print(f"{'load':<36}{'ops/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}")
    for name, rate, p50, p99, errs in rows:
        print(f"{name:<36}{rate:>10,.0f}{p50:>10.1f}{p99:>10.1f}{errs:>8}")
    print(f"{'baseline: profile read in-process':<36}{read_base:>10,.0f}")
    print(f"{'baseline: record_mark in-process':<36}{write_base:>10,.0f}")
    print(f"HTTP max reads / in-process reads = {rows[1][1] / read_base:.2f}x; "
          f"HTTP max writes / in-process writes = {rows[2][1] / write_base:.2f}x")


if __name__ == "__main__":
    main()
