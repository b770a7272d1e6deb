"""Live lag of a following projection under a steady write load on PostgreSQL.

    python -m bench.live_lag --rate 1000 --seconds 20

A writer process appends single-event commands (organisation registry cards) at a steady rate
and reports each event's position and commit time; a follower process runs
`letopis projections run --follow`'s loop for `organisation_registry`; this process samples the
projection's tracked position every 2 ms. Lag of an event = first time the projection's position
covers it − its commit time. Reports p50/p99/max.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import queue
import time
from datetime import UTC, date, datetime
from uuid import uuid4

import psycopg

from bench.schemas import DEFAULT_URL, drop_store


def _writer(url: str, schema: str, rate: int, seconds: float, out: mp.Queue[list[tuple[int, float]]]
            ) -> None:
    from domain.envelope import Actor, Meta, Role
    from domain.organisation import Organisation
    from letopis.clock import system_clock
    from letopis.ledger import Ledger
    from letopis.store import open_store
    from tests.integration.test_projection_engine import BASE

    store = open_store(url, schema, pool_size=1)
    ledger = Ledger(store, system_clock)
    actor = Actor("bench", Role.SYSTEM)
    committed: list[tuple[int, float]] = []
    interval, started = 1.0 / rate, time.perf_counter()
    n = 0
    while time.perf_counter() - started < seconds:
        due = started + n * interval
        pause = due - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        meta = Meta(recorded_at=datetime.now(tz=UTC), effective_on=date(2026, 9, 1),
                    actor=actor, command_id=f"lag/{n}")
        org = Organisation.register(organisation_id=uuid4(), details=BASE, meta=meta)
        recordings = ledger.save(org)
        committed.append((recordings[-1].notification.id, time.time()))
        n += 1
    store.close()
    out.put(committed)


def _follower(url: str, schema: str, stop_after: float) -> None:
    from letopis.clock import system_clock
    from letopis.ledger import Ledger
    from letopis.store import open_store
    from projections.organisation_registry import ORGANISATION_REGISTRY
    from projections.runner import build_engine

    store = open_store(url, schema, pool_size=1)
    engine, close = build_engine(Ledger(store, system_clock), url, schema)
    engine.active_generation(ORGANISATION_REGISTRY)
    deadline = time.monotonic() + stop_after
    engine.follow([ORGANISATION_REGISTRY], stop=lambda: time.monotonic() > deadline)
    close()
    store.close()


def _committed(out: mp.Queue[list[tuple[int, float]]],
               writer: mp.process.BaseProcess) -> list[tuple[int, float]] | None:
    """The writer's commit times, or None if it died without sending them (no endless wait)."""
    while True:
        try:
            return out.get(timeout=1)
        except queue.Empty:
            if not writer.is_alive():
                try:
                    return out.get(timeout=1)
                except queue.Empty:
                    return None


def main() -> None:
    parser = argparse.ArgumentParser(description="live projection lag under steady writes")
    parser.add_argument("--url", default=os.environ.get("LETOPIS_TEST_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--rate", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--schema", default="bench_lag")
    args = parser.parse_args()
    from letopis.store import init_store

    with psycopg.connect(args.url, autocommit=True) as conn:
        drop_store(conn, args.schema)
    init_store(args.url, args.schema)
    ctx = mp.get_context("spawn")
    out: mp.Queue[list[tuple[int, float]]] = ctx.Queue()
    follower = ctx.Process(target=_follower, args=(args.url, args.schema, args.seconds + 5))
    follower.start()
    time.sleep(2)  # the follower has created its tables and is idle
    writer = ctx.Process(target=_writer, args=(args.url, args.schema, args.rate, args.seconds,
                                               out))
    writer.start()
    seen: list[tuple[int, float]] = []  # (position, time first seen)
    with psycopg.connect(args.url, autocommit=True) as conn:
        sql = (f'SELECT position FROM "{args.schema}_proj".projection_state '
               "WHERE name = 'organisation_registry' AND active").encode()
        last = -1
        end = time.monotonic() + args.seconds + 4
        while time.monotonic() < end:
            row = conn.execute(sql).fetchone()
            position = int(row[0]) if row else 0
            if position > last:
                seen.append((position, time.time()))
                last = position
            time.sleep(0.002)
    committed = _committed(out, writer)
    writer.join()
    if committed is None:
        follower.terminate()
    follower.join()
    if committed is None:
        with psycopg.connect(args.url, autocommit=True) as conn:
            drop_store(conn, args.schema)
        raise SystemExit(f"live_lag: the writer process failed (exit code {writer.exitcode})")
    lags, i = [], 0
    for position, at in committed:
        while i < len(seen) and seen[i][0] < position:
            i += 1
        if i < len(seen):
            lags.append(max(0.0, seen[i][1] - at))
    lags.sort()
    achieved = len(committed) / args.seconds

    def pct(p: float) -> float:
        return lags[min(len(lags) - 1, int(p * len(lags)))] * 1000

    print(f"writes: {len(committed)} events at {achieved:,.0f} ev/s (target {args.rate}); "
          f"projected: {len(lags)}")
    print(f"lag ms: p50 {pct(0.50):.0f}  p99 {pct(0.99):.0f}  max {lags[-1] * 1000:.0f}")
    with psycopg.connect(args.url, autocommit=True) as conn:
        drop_store(conn, args.schema)


if __name__ == "__main__":
    main()
