"""What the change log costs a catch-up, on PostgreSQL, measured against itself in one run:

    python -m bench.feed --events 50000 --rounds 3

Over one generated region (bench.projections' generator), each projection is caught up from
position 0 into a fresh **inactive** generation (writes rows and position only: no log) and into a
fresh **active** one (rows, position and one log entry per row), alternating, `--rounds` times.
Reported: events/s of each, best of the rounds, and their ratio; the seconds spent in
`write_page` (rows + position [+ log] + commit, the only part the log changes; best round) and
their ratio; and the log entries one catch-up writes.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import time
from typing import Any

import psycopg

from bench.projections import DEFAULT_URL, generate
from bench.schemas import drop_store
from letopis.clock import system_clock
from letopis.ledger import Ledger
from letopis.store import init_store, open_store
from projections.feed import ChangeFeed
from projections.registry import PROJECTIONS
from projections.runner import build_engine


def main() -> None:
    parser = argparse.ArgumentParser(description="change-log overhead of projection catch-up")
    parser.add_argument("--url", default=os.environ.get("LETOPIS_TEST_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--schema", default="bench_feed")
    parser.add_argument("--projections", nargs="*",
                        default=["organisation_registry", "learner_history", "digital_profile"])
    args = parser.parse_args()
    with psycopg.connect(args.url, autocommit=True) as conn:
        drop_store(conn, args.schema)
    init_store(args.url, args.schema)
    store = open_store(args.url, args.schema)
    ledger = Ledger(store, system_clock)
    written = generate(ledger, args.events)
    engine, close = build_engine(ledger, args.url, args.schema)
    feed = ChangeFeed(engine.store)
    real_write = engine.store.write_page
    in_writes = [0.0]

    def timed_write(*args: Any) -> None:
        started = time.perf_counter()
        real_write(*args)
        in_writes[0] += time.perf_counter() - started

    engine.store.write_page = timed_write  # type: ignore[method-assign]
    print(f"{written} events (PostgreSQL at {args.url}), best of {args.rounds} rounds")
    print(f"{'projection':<24}{'no log ev/s':>12}{'log ev/s':>10}{'ratio':>7}"
          f"{'write s, no log':>17}{'with log':>10}{'ratio':>7}{'entries':>9}")
    for name in args.projections:
        best = {"inactive": 0.0, "active": 0.0}
        writes = {"inactive": float("inf"), "active": float("inf")}
        entries = 0
        for round_ in range(args.rounds):
            for mode in ("inactive", "active"):
                projection = dataclasses.replace(PROJECTIONS[name],
                                                 name=f"{name[:20]}_{mode[0]}{round_}")
                if mode == "active":
                    engine.active_generation(projection)  # a new active projection: logs
                else:
                    engine.store.ensure(projection, 1, active=False)
                head = feed.head()
                in_writes[0] = 0.0
                started = time.perf_counter()
                processed = engine.catch_up(projection, None if mode == "active" else 1)
                best[mode] = max(best[mode], processed / (time.perf_counter() - started))
                writes[mode] = min(writes[mode], in_writes[0])
                if mode == "active":
                    entries = feed.head() - head
        print(f"{name:<24}{best['inactive']:>12,.0f}{best['active']:>10,.0f}"
              f"{best['active'] / best['inactive']:>7.2f}{writes['inactive']:>17.2f}"
              f"{writes['active']:>10.2f}{writes['active'] / writes['inactive']:>7.2f}"
              f"{entries:>9,}")
    close()
    store.close()
    with psycopg.connect(args.url, autocommit=True) as conn:
        drop_store(conn, args.schema)


if __name__ == "__main__":
    main()
