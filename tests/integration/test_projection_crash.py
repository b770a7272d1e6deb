"""Kill -9 the projection process at random points of a catch-up, and of a rebuild built aside,
over 100,000 events on PostgreSQL, restart it each time, and end identical to a clean rebuild,
with a change feed that folds to exactly the projection's rows."""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import signal
import time
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import psycopg

from domain.envelope import Actor, Meta, Role
from domain.organisation import Organisation, OrganisationDetails, OrganisationKind
from letopis.clock import system_clock
from letopis.ledger import Ledger
from letopis.store import open_store
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


def _wait_for_progress(url: str, schema: str, proc: Any) -> None:
    """Until the process has committed a page (or ended): a kill before that tests nothing."""
    with psycopg.connect(url, autocommit=True) as conn:
        while proc.is_alive():
            table = conn.execute("SELECT to_regclass(%s)",
                                 (f'"{schema}_proj".projection_state',)).fetchone()
            if table is not None and table[0] is not None:
                row = conn.execute(f'SELECT max(position) FROM "{schema}_proj".projection_state'
                                   .encode()).fetchone()
                if row is not None and row[0]:
                    return
            time.sleep(0.05)


def test_sigkill_during_catch_up_resumes_identically() -> None:
    rng = random.Random(20261123)
    with fresh_schema() as (url, schema):
        store = open_store(url, schema)
        ledger = Ledger(store, system_clock)
        _load_events(ledger)
        head = ledger.recorder.max_notification_id()
        assert head == EVENTS
        ctx = mp.get_context("spawn")
        kills = 0
        for _ in range(4):
            proc = ctx.Process(target=_catch_up, args=(url, schema))
            proc.start()
            _wait_for_progress(url, schema, proc)  # spawning takes seconds on a loaded machine
            time.sleep(rng.uniform(0.0, 1.0))  # part of the catch-up
            if proc.is_alive():
                assert proc.pid is not None
                os.kill(proc.pid, signal.SIGKILL)
                kills += 1
            proc.join()
        engine, close = build_engine(ledger, url, schema)
        try:
            state = engine.store.state("organisation_registry")
            assert kills >= 1
            assert state is not None
            engine.catch_up(ORGANISATION_REGISTRY)  # the last restart finishes the job
            report = engine.verify(ORGANISATION_REGISTRY)
            assert report.position == head
            assert report.ok, report.differing_keys[:5]
            assert len(engine.store.scan("organisation_registry", "organisations")) == EVENTS // 4
            changes = follow(ChangeFeed(engine.store), limit=10_000)
            assert_in_order(changes)
            assert apply({}, changes) == projected(engine.store, [ORGANISATION_REGISTRY])
        finally:
            close()
            store.close()


def _rebuild(url: str, schema: str) -> None:
    store = open_store(url, schema, pool_size=1)
    engine, _close = build_engine(Ledger(store, system_clock), url, schema, page_size=500)
    engine.rebuild(ORGANISATION_REGISTRY)


def _wait_for_aside_progress(url: str, schema: str, proc: Any) -> None:
    """Until the rebuild has committed a page of the generation it builds aside (or ended)."""
    with psycopg.connect(url, autocommit=True) as conn:
        while proc.is_alive():
            row = conn.execute(f'SELECT max(position) FROM "{schema}_proj".projection_state '
                               "WHERE NOT active".encode()).fetchone()
            if row is not None and row[0]:
                return
            time.sleep(0.05)


def test_sigkill_during_a_rebuild_aside_resumes_identically() -> None:
    # The generation a rebuild writes is UNLOGGED until made durable before the swap: a killed
    # rebuild resumes it (the server kept running), and the one that finishes swaps it in whole.
    rng = random.Random(20261126)
    with fresh_schema() as (url, schema):
        store = open_store(url, schema)
        ledger = Ledger(store, system_clock)
        _load_events(ledger)
        engine, close = build_engine(ledger, url, schema)
        try:
            engine.catch_up(ORGANISATION_REGISTRY)  # the live generation portals read
            before = projected(engine.store, [ORGANISATION_REGISTRY])
            ctx = mp.get_context("spawn")
            kills = 0
            for _ in range(3):
                proc = ctx.Process(target=_rebuild, args=(url, schema))
                proc.start()
                _wait_for_aside_progress(url, schema, proc)
                time.sleep(rng.uniform(0.0, 1.0))
                if proc.is_alive():
                    assert proc.pid is not None
                    os.kill(proc.pid, signal.SIGKILL)
                    kills += 1
                proc.join()
                # readers kept the live model throughout
                assert projected(engine.store, [ORGANISATION_REGISTRY]) == before
            assert kills >= 1
            engine.rebuild(ORGANISATION_REGISTRY)
            state = engine.store.state("organisation_registry")
            assert state is not None
            assert state.generation >= 2
            report = engine.verify(ORGANISATION_REGISTRY)
            assert report.position == EVENTS
            assert report.ok, report.differing_keys[:5]
            assert projected(engine.store, [ORGANISATION_REGISTRY]) == before  # same events
            changes = follow(ChangeFeed(engine.store), limit=10_000)
            assert_in_order(changes)
            assert apply({}, changes) == projected(engine.store, [ORGANISATION_REGISTRY])
        finally:
            close()
            store.close()
