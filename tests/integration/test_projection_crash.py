"""Kill -9 the projection process at random points of a catch-up, and of a rebuild built aside,
over 100,000 events on PostgreSQL, restart it each time, and end identical to a clean rebuild,
with a change feed that folds to exactly the projection's rows."""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import signal
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import psycopg
import pytest

from domain.envelope import Actor, Meta, Role
from domain.organisation import Organisation, OrganisationDetails, OrganisationKind
from letopis.clock import system_clock
from letopis.ledger import Ledger
from letopis.store import open_store
from projections.engine import Engine
from projections.feed import ChangeFeed
from projections.organisation_registry import ORGANISATION_REGISTRY
from projections.runner import build_engine
from tests.feed_checks import apply, assert_in_order, follow, projected
from tests.pg import fresh_schema

EVENTS = 100_000
DETAILS = OrganisationDetails(
    full_name="Школа", short_name="Школа", kind=OrganisationKind.SCHOOL, inn="7707083893",
    ogrn="1027700132195", municipality="Оренбург", legal_address="ул. 1", actual_address="ул. 1",
)


def _load_events(ledger: Ledger) -> None:
    """100,000 organisation events, written in batches straight through the recorder."""
    at = datetime(2026, 1, 1, tzinfo=UTC)
    actor = Actor("loader", Role.SYSTEM)
    batch = []
    for i in range(EVENTS // 4):
        meta = Meta(recorded_at=at, effective_on=date(2026, 1, 1), actor=actor,
                    command_id=f"load/{i}")
        org = Organisation.register(organisation_id=UUID(int=i + 1), details=DETAILS, meta=meta)
        for n in range(3):
            org.record_licence(licence=_licence(n), meta=meta)
        batch.extend(ledger.mapper.to_stored_event(e) for e in org.collect_events())
        if len(batch) >= 2000:
            ledger.recorder.insert_events(batch)
            batch = []
    if batch:
        ledger.recorder.insert_events(batch)


def _licence(n: int) -> object:
    from domain.organisation import Licence

    return Licence(number=f"L-{n}", issued_on=date(2020, 1, 1 + n), issued_by="Минобр")


def _catch_up(url: str, schema: str) -> None:
    store = open_store(url, schema, pool_size=1)
    engine, _close = build_engine(Ledger(store, system_clock), url, schema, page_size=500)
    engine.active_generation(ORGANISATION_REGISTRY)
    engine.catch_up(ORGANISATION_REGISTRY)


def _wait_for_progress(url: str, schema: str, proc: Any, where: str) -> None:
    """Until the process has committed a page of a generation `where` names (or ended): a kill
    before that tests nothing."""
    with psycopg.connect(url, autocommit=True) as conn:
        while proc.is_alive():
            table = conn.execute("SELECT to_regclass(%s)",
                                 (f'"{schema}_proj".projection_state',)).fetchone()
            if table is not None and table[0] is not None:
                row = conn.execute(f'SELECT max(position) FROM "{schema}_proj".projection_state '
                                   f"WHERE {where}".encode()).fetchone()
                if row is not None and row[0]:
                    return
            time.sleep(0.05)


def _kill_at_random(target: Callable[[str, str], None], url: str, schema: str, rng: random.Random,
                    rounds: int, where: str, after_each: Callable[[], None] = lambda: None
                    ) -> int:
    """Run `target` in a new process `rounds` times, each killed with SIGKILL at a random
    moment after its first committed page (spawning takes seconds on a loaded machine);
    returns how many were killed (one may finish first)."""
    ctx = mp.get_context("spawn")
    kills = 0
    for _ in range(rounds):
        proc = ctx.Process(target=target, args=(url, schema))
        proc.start()
        _wait_for_progress(url, schema, proc, where)
        time.sleep(rng.uniform(0.0, 1.0))
        if proc.is_alive():
            assert proc.pid is not None
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        proc.join()
        after_each()
    return kills


def _assert_identical_to_a_rebuild(engine: Engine) -> None:
    """`verify` finds every row as a clean rebuild up to the head does, and the change feed,
    in order, folds to exactly those rows."""
    report = engine.verify(ORGANISATION_REGISTRY)
    assert report.position == EVENTS
    assert report.ok, report.differing_keys[:5]
    changes = follow(ChangeFeed(engine.store), limit=10_000)
    assert_in_order(changes)
    assert apply({}, changes) == projected(engine.store, [ORGANISATION_REGISTRY])


@pytest.fixture
def loaded() -> Iterator[tuple[str, str, Ledger]]:
    """A fresh schema holding the 100,000 events: its URL, its name, a ledger over it."""
    with fresh_schema() as (url, schema):
        store = open_store(url, schema)
        try:
            ledger = Ledger(store, system_clock)
            _load_events(ledger)
            assert ledger.recorder.max_notification_id() == EVENTS
            yield url, schema, ledger
        finally:
            store.close()


def test_sigkill_during_catch_up_resumes_identically(loaded: tuple[str, str, Ledger]) -> None:
    url, schema, ledger = loaded
    kills = _kill_at_random(_catch_up, url, schema, random.Random(20261123), 4, "true")
    engine, close = build_engine(ledger, url, schema)
    try:
        state = engine.store.state("organisation_registry")
        assert kills >= 1
        assert state is not None
        engine.catch_up(ORGANISATION_REGISTRY)  # the last restart finishes the job
        _assert_identical_to_a_rebuild(engine)
        assert len(engine.store.scan("organisation_registry", "organisations")) == EVENTS // 4
    finally:
        close()


def _rebuild(url: str, schema: str) -> None:
    store = open_store(url, schema, pool_size=1)
    engine, _close = build_engine(Ledger(store, system_clock), url, schema, page_size=500)
    engine.rebuild(ORGANISATION_REGISTRY)


def test_sigkill_during_a_rebuild_aside_resumes_identically(
        loaded: tuple[str, str, Ledger]) -> None:
    # The generation a rebuild writes is UNLOGGED until made durable before the swap: a killed
    # rebuild resumes it (the server kept running), and the one that finishes swaps it in whole.
    url, schema, ledger = loaded
    engine, close = build_engine(ledger, url, schema)
    try:
        engine.catch_up(ORGANISATION_REGISTRY)  # the live generation portals read
        before = projected(engine.store, [ORGANISATION_REGISTRY])

        def live_model_unchanged() -> None:  # readers kept it throughout
            assert projected(engine.store, [ORGANISATION_REGISTRY]) == before

        kills = _kill_at_random(_rebuild, url, schema, random.Random(20261126), 3, "NOT active",
                                live_model_unchanged)
        assert kills >= 1
        engine.rebuild(ORGANISATION_REGISTRY)
        state = engine.store.state("organisation_registry")
        assert state is not None
        assert state.generation >= 2
        _assert_identical_to_a_rebuild(engine)
        assert projected(engine.store, [ORGANISATION_REGISTRY]) == before  # same events
    finally:
        close()
