"""Kindergarten allocation round at the scale of a large municipality.

    python -m bench.allocation --applications 20000 --kindergartens 120 --repeat 3

Setup (not timed): N confirmed queue entries (privileges in the usual proportions, queue dates
over two years, three preferences among K kindergartens, four age groups) and free places for
a quarter of them. Timed, best of `repeat`:

- `order`: the baseline, sorting the queue (`queue_order`);
- `allocate`: the whole allocation with its decisions (`allocate`);
- `record`: opening the round and recording the allocation on a SQLite store (one `Allocated`
  event holding the snapshot and the offers);
- `replay`: what an auditor runs: read the round back from the store and replay it, checking the
  offers are reproduced; its baseline `read` only reads the round back.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import UUID

from domain.envelope import Actor, Meta, Role
from domain.kindergarten_allocation import allocate, queue_order
from domain.kindergarten_round import AllocationRound
from domain.kindergarten_values import FreePlaces, PrivilegeCategory, QueueEntry
from letopis.clock import FixedClock
from letopis.ledger import Ledger
from letopis.store import init_store, open_store

PLACES_FROM = date(2026, 9, 1)
GROUPS = ("1-2", "2-3", "3-4", "4-5")
WEIGHTS = (2, 10, 8, 80)  # extraordinary, first priority, sibling, none (per cent)
T0 = datetime(2024, 9, 1, tzinfo=UTC)
ACTOR = Actor(user_id="bench", role=Role.COMMISSION)


def world(applications: int, kindergartens: int, seed: int = 1
          ) -> tuple[tuple[QueueEntry, ...], tuple[FreePlaces, ...]]:
    rng = random.Random(seed)
    orgs = [UUID(int=1_000_000 + k) for k in range(kindergartens)]
    queue = tuple(QueueEntry(
        UUID(int=n + 1), UUID(int=10_000_000 + n),
        rng.choices(list(PrivilegeCategory), WEIGHTS)[0],
        T0 + timedelta(seconds=rng.randrange(2 * 365 * 86400)), rng.choice(GROUPS),
        PLACES_FROM if rng.random() < 0.9 else PLACES_FROM + timedelta(days=365),
        tuple(rng.sample(orgs, 3))) for n in range(applications))
    per_group = max(1, applications // 4 // (kindergartens * len(GROUPS)))
    places = tuple(FreePlaces(org, group, per_group) for org in orgs for group in GROUPS)
    return queue, places


def best(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=20_000)
    parser.add_argument("--kindergartens", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    queue, places = world(args.applications, args.kindergartens)
    meta = Meta(recorded_at=T0, effective_on=date(2026, 6, 1), actor=ACTOR, command_id="b")

    order = best(args.repeat, lambda: queue_order(queue))
    allocation = allocate(queue, places, PLACES_FROM)
    full = best(args.repeat, lambda: allocate(queue, places, PLACES_FROM))
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        init_store(url)
        store = open_store(url, "letopis")
        try:
            rounds = iter(range(1_000))

            def record() -> None:
                held_on = date(2026, 1, 1) + timedelta(days=next(rounds))
                made = AllocationRound.open(municipality="Оренбург", held_on=held_on,
                                            places_from=PLACES_FROM, places=places, meta=meta)
                made.allocate(queue=queue, meta=meta)
                Ledger(store, FixedClock(T0)).save(made)

            recorded = best(args.repeat, record)
            round_id = AllocationRound.stream_id("Оренбург", date(2026, 1, 1))
            ledger = Ledger(store, FixedClock(T0))
            read = best(args.repeat, lambda: ledger.load(AllocationRound, round_id, "round"))

            def replay() -> None:
                found = ledger.load(AllocationRound, round_id, "round")
                assert found.replay().offers == found.allocated_offers

            replayed = best(args.repeat, replay)
            size = sum(len(e.state) for e in store.select_events(round_id))
        finally:
            store.close()
    print(f"applications {args.applications}, kindergartens {args.kindergartens}, "
          f"places {sum(p.places for p in places)}, offers {len(allocation.offers)}")
    print(f"order     {order * 1000:9.1f} ms  (baseline)")
    print(f"allocate  {full * 1000:9.1f} ms  {full / order:6.1f}x order")
    print(f"record    {recorded * 1000:9.1f} ms  (round stream {size / 1e6:.1f} MB)")
    print(f"read      {read * 1000:9.1f} ms  (baseline)")
    print(f"replay    {replayed * 1000:9.1f} ms  {replayed / read:6.2f}x read")


if __name__ == "__main__":
    main()
