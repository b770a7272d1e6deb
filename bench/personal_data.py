"""Cost of personal data: registering with an encrypted record vs without, logged reads,
destruction. One process, PostgreSQL (key store in its own schema, connection per call) and
SQLite (key store in its own file).

    python -m bench.personal_data --learners 300

Baseline in the same run: registering the same number of learners with no personal data.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

from bench.schemas import DEFAULT_URL
from domain.envelope import Actor, Role
from letopis.clock import FixedClock
from letopis.ledger import CommandContext, Ledger
from letopis.privacy import MasterKey, PersonalDataService, open_keystore
from letopis.privacy.destruction import destroy
from letopis.services.learners import LearnerService
from letopis.store import init_store, open_store

ACTOR = Actor("bench", Role.SYSTEM)
RECORD = {"full_name": "Кузнецова Мария Петровна", "birth_date": "2015-03-14",
          "snils": "112-233-445 95", "address": "г. Оренбург, ул. Пушкинская, д. 7, кв. 12"}


def ctx(command_id: str) -> CommandContext:
    return CommandContext(actor=ACTOR, command_id=command_id, effective_on=date(2026, 9, 1))


@contextmanager
def store_at(kind: str, url: str) -> Iterator[tuple[str, str]]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as directory:
            path = f"sqlite:///{Path(directory) / 'bench.sqlite'}"
            init_store(path)
            yield path, "letopis"
        return
    import psycopg

    from bench.schemas import drop_store

    schema = f"bench_pd_{uuid.uuid4().hex[:8]}"
    init_store(url, schema)
    try:
        yield url, schema
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            drop_store(conn, schema)


def timed(count: int, step: Callable[[int], object]) -> float:
    """Milliseconds per call of `step(i)` for i in range(count)."""
    started = time.perf_counter()
    for i in range(count):
        step(i)
    return (time.perf_counter() - started) * 1000 / count


def run(kind: str, url: str, learners: int) -> None:
    with store_at(kind, url) as (store_url, schema):
        store = open_store(store_url, schema)
        ledger = Ledger(store, FixedClock(datetime(2026, 9, 1, tzinfo=UTC)))
        service = PersonalDataService(ledger, open_keystore(store_url, schema),
                                      MasterKey.generate(), ledger.clock)
        plain, with_pd = LearnerService(ledger), LearnerService(ledger, service)
        ids = [uuid.uuid4() for _ in range(2 * learners)]
        baseline = timed(learners, lambda i: plain.register(ctx(f"p{i}"), ids[i]))
        encrypted = timed(learners, lambda i: with_pd.register(
            ctx(f"e{i}"), ids[learners + i], RECORD))
        read = timed(learners, lambda i: service.read(ids[learners + i], "bench", "bench"))
        shred = timed(learners, lambda i: destroy(service, ctx(f"d{i}"), ids[learners + i],
                                                  "act № 1 of 2026-10-01"))
        store.close()
    print(f"{kind:<9} register without PD {baseline:7.2f} ms | with PD {encrypted:7.2f} ms "
          f"({encrypted / baseline:4.2f}x) | logged read {read:6.2f} ms | "
          f"destroy {shred:7.2f} ms  ({learners} learners each)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--stores", nargs="+", default=["sqlite", "postgres"])
    args = parser.parse_args()
    for kind in args.stores:
        run(kind, args.url, args.learners)


if __name__ == "__main__":
    main()
