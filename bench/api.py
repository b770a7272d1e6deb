"""The HTTP API under load on PostgreSQL: uvicorn (`letopis serve --workers N`) and a lean
keep-alive load generator on loopback, with in-process baselines measured in the same run.

    python -m bench.api --learners 100000 --rate 200 --seconds 20 [--workers 2] [--reuse]

  profile reads, open loop  GET /learners/{id}/profile due at --rate req/s for --seconds (after
                            3 s of warm-up): achieved rate, p50/p99 from the due time, errors
  profile reads, max        the same, closed loop with --concurrency clients: reads/s, p99
  mark writes, max          POST /learners/{id}/marks, closed loop: writes/s, p99
  baselines                 the same read (`read_related`) and the same command
                            (MarkService.record_mark) in-process, one thread: ops/s, p50/p99

The region (learners enrolled in 50 schools, one gradebook with --marks current marks each) is
built by the aggregates and written with the bulk COPY path of `letopis import`; then only the
read models in --projections catch up. The server does not follow; one `letopis projections run
--follow` process keeps those read models current while the benchmark writes.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Coroutine
from datetime import UTC, date, datetime
from typing import Any, cast
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

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


def _mark_body(n: int) -> bytes:
    return json.dumps({"subject": "Математика", "academic_year": YEAR, "mark_id": str(uuid4()),
                       "kind": "current", "value": str(2 + n % 4), "lesson_on": "2026-10-05",
                       "effective_on": "2026-10-05"}).encode()


def _pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] * 1000 if len(values) > 1 else 0.0


class Http:
    """A lean HTTP/1.1 keep-alive client (the load generator shares the 2 cores with the
    server): raw asyncio streams, idle connections reused, Content-Length bodies only. A
    connection idle longer than the server keeps it (uvicorn: 5 s) is not reused."""

    IDLE_LIMIT = 4.0

    def __init__(self, host: str, port: int, token: str) -> None:
        self.host, self.port = host, port
        self.auth = f"Authorization: Bearer {token}\r\n".encode()
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = []
        self.opened = 0
        self.statuses: Counter[int | str] = Counter()
        self.problems: Counter[str] = Counter()

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        now = time.monotonic()
        while self.idle:
            reader, writer, since = self.idle.pop()
            if now - since < self.IDLE_LIMIT:
                return reader, writer
            writer.close()
        self.opened += 1
        return await asyncio.open_connection(self.host, self.port)

    async def request(self, method: str, path: str, body: bytes = b"") -> int:
        reader, writer = await self._connection()
        head = (f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n").encode() + self.auth
        if body:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n".encode()
        writer.write(head + b"\r\n" + body)
        response = await reader.readuntil(b"\r\n\r\n")
        status = int(response[9:12])
        length = 0
        for line in response.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        body = await reader.readexactly(length)
        self.idle.append((reader, writer, time.monotonic()))
        if status >= 400:  # which problem: its stable code
            self.problems[f"{status} {json.loads(body).get('code')}"] += 1
        return status

    def close(self) -> None:
        for _, writer, _ in self.idle:
            writer.close()


def _profile_path(learners: int) -> str:
    return f"/learners/{learner_id(random.randrange(learners))}/profile"


async def open_loop(http: Http, learners: int, rate: int, seconds: float,
                    warm_up: float = 3.0) -> tuple[list[float], int, float]:
    """Requests due at a steady rate whether or not earlier ones finished (no coordinated
    omission); latency counts from the due time, so a late start counts against the server.
    The first `warm_up` seconds at the same rate (connections, pools) are not counted."""
    latencies: list[float] = []
    errors = 0

    async def one(due: float, measured: bool) -> None:
        nonlocal errors
        outcome: int | str
        try:
            outcome = await http.request("GET", _profile_path(learners))
        except (OSError, asyncio.IncompleteReadError) as error:
            outcome = type(error).__name__
        if measured:
            latencies.append(time.perf_counter() - due)
            errors += outcome != 200
            http.statuses[outcome] += 1

    begun = time.perf_counter()
    skipped = int(rate * warm_up)
    tasks = []
    for i in range(skipped + int(rate * seconds)):
        due = begun + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(due, i >= skipped)))
    await asyncio.gather(*tasks)
    return latencies, errors, time.perf_counter() - begun - warm_up


async def closed_loop(http: Http, learners: int, concurrency: int, seconds: float,
                      write: bool) -> tuple[list[float], int, float]:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def worker(w: int) -> None:
        nonlocal errors
        n = w
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            outcome: int | str
            try:
                if write:
                    outcome = await http.request(
                        "POST", f"/learners/{learner_id(random.randrange(learners))}/marks",
                        _mark_body(n))
                else:
                    outcome = await http.request("GET", _profile_path(learners))
            except (OSError, asyncio.IncompleteReadError) as error:
                outcome = type(error).__name__
            errors += outcome != (201 if write else 200)
            http.statuses[outcome] += 1
            latencies.append(time.perf_counter() - t0)
            n += concurrency

    started = time.perf_counter()
    await asyncio.gather(*(worker(w) for w in range(concurrency)))
    return latencies, errors, time.perf_counter() - started


def _run(coroutine_factory: Callable[[Http], Coroutine[Any, Any, Measured]], port: int,
         token: str) -> Measured:
    async def main() -> Measured:
        http = Http("127.0.0.1", port, token)
        try:
            return await coroutine_factory(http)
        finally:
            http.close()
            print(f"  statuses {dict(http.statuses)}, problems {dict(http.problems)}, "
                  f"{http.opened} connections", flush=True)

    try:
        import uvloop
    except ImportError:  # not on Windows
        return asyncio.run(main())
    return uvloop.run(main())


Measured = tuple[list[float], int, float]


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
            for s in (args.schema, f"{args.schema}_proj"):
                conn.execute(f'DROP SCHEMA IF EXISTS "{s}" CASCADE'.encode())
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
    rows = []
    try:
        _wait_for_server(args.port, token, args.learners)
        print(f"load before the reads: {_load()}", flush=True)
        lat, errors, elapsed = _run(lambda h: open_loop(h, args.learners, args.rate,
                                                        args.seconds), args.port, token)
        rows.append((f"profile reads, open loop at {args.rate}/s", len(lat) / elapsed,
                     _pct(lat, 50), _pct(lat, 99), errors, _load()))
        lat, errors, elapsed = _run(lambda h: closed_loop(h, args.learners, args.concurrency,
                                                          args.seconds, False), args.port, token)
        rows.append((f"profile reads, max ({args.concurrency} clients)", len(lat) / elapsed,
                     _pct(lat, 50), _pct(lat, 99), errors, _load()))
        lat, errors, elapsed = _run(lambda h: closed_loop(h, args.learners, args.concurrency,
                                                          args.seconds, True), args.port, token)
        rows.append((f"mark writes, max ({args.concurrency} clients)", len(lat) / elapsed,
                     _pct(lat, 50), _pct(lat, 99), errors, _load()))
    finally:
        server.send_signal(signal.SIGINT)  # uvicorn's graceful shutdown
        follower.terminate()  # its pages are transactions: stopping it anywhere loses nothing
        for process in (server, follower):
            process.wait(timeout=30)
    seconds = min(args.seconds, 10)
    for name, latencies in zip(("baseline: profile read in-process", "baseline: record_mark "
                                "in-process"), baselines(args.url, args.schema, args.learners,
                                                         seconds), strict=True):
        rows.append((name, len(latencies) / seconds, _pct(latencies, 50), _pct(latencies, 99),
                     0, _load()))
    print(f"{'load':<36}{'ops/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}  load average")
    for name, rate, p50, p99, errs, load in rows:
        print(f"{name:<36}{rate:>10,.0f}{p50:>10.1f}{p99:>10.1f}{errs:>8}  {load}")
    print(f"HTTP max reads / in-process reads = {rows[1][1] / rows[3][1]:.2f}x; "
          f"HTTP max writes / in-process writes = {rows[2][1] / rows[4][1]:.2f}x; "
          f"open-loop read p99 / in-process read p99 = {rows[0][3] / rows[3][3]:.1f}x")


def _wait_for_server(port: int, token: str, learners: int) -> None:
    async def ready() -> bool:
        http = Http("127.0.0.1", port, token)
        try:
            return await http.request("GET", _profile_path(learners)) == 200
        except OSError:
            return False
        finally:
            http.close()

    for _ in range(600):
        if asyncio.run(ready()):
            return
        time.sleep(0.1)
    raise SystemExit("the server did not answer within 60 s")


if __name__ == "__main__":
    main()
