"""A generation built aside on PostgreSQL (a rebuild, verify's scratch copy) is UNLOGGED until
it is made durable (LOGGED) before the swap; one written before the server last started (a
crash empties unlogged tables) is built again from position 0, never resumed over missing
rows."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from uuid import UUID

import psycopg
import pytest

from domain.envelope import Actor, Role
from domain.organisation import OrganisationDetails, OrganisationKind
from letopis.clock import system_clock
from letopis.ledger import CommandContext, Ledger
from letopis.services.organisations import OrganisationService
from letopis.store import open_store
from projections.base import Projection
from projections.engine import Engine
from projections.memory import fold_events
from projections.organisation_registry import ORGANISATION_REGISTRY
from projections.runner import build_engine
from projections.storage import physical
from tests.pg import fresh_schema

CLERK = Actor(user_id="clerk", role=Role.REGISTRAR)
BASE = OrganisationDetails(
    full_name="Школа", short_name="Школа", kind=OrganisationKind.SCHOOL, inn="7707083893",
    ogrn="1027700132195", municipality="Оренбург", legal_address="ул. 1", actual_address="ул. 1",
)
NAME = ORGANISATION_REGISTRY.name


@pytest.fixture
def pg() -> Iterator[tuple[str, str, Ledger, Engine]]:
    with fresh_schema() as (url, schema):
        store = open_store(url, schema)
        ledger = Ledger(store, system_clock)
        service = OrganisationService(ledger)
        for i in range(1, 11):
            ctx = CommandContext(actor=CLERK, command_id=f"r{i}", effective_on=date(2026, 9, 1))
            service.register(ctx, UUID(int=i), dataclasses.replace(BASE, short_name=f"Ш {i}"))
        engine, close = build_engine(ledger, url, schema, page_size=3)
        try:
            yield url, schema, ledger, engine
        finally:
            close()
            store.close()


def persistence(url: str, schema: str, generation: int) -> str:
    table = f'"{schema}_proj"."{physical(NAME, "organisations", generation)}"'
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT relpersistence FROM pg_class WHERE oid = to_regclass(%s)",
                           (table,)).fetchone()
    assert row is not None
    return str(row[0])


def expected(ledger: Ledger) -> dict[str, object]:
    events = [ledger.mapper.to_domain_event(n)
              for n in ledger.recorder.select_notifications(None, 1000)]
    rows: dict[str, object] = fold_events(ORGANISATION_REGISTRY, events)["organisations"]
    return rows


def test_a_rebuild_is_unlogged_until_made_durable_before_the_swap(
        pg: tuple[str, str, Ledger, Engine], monkeypatch: pytest.MonkeyPatch) -> None:
    url, schema, ledger, engine = pg
    engine.catch_up(ORGANISATION_REGISTRY)  # the first build is live: logged from the start
    assert persistence(url, schema, 1) == "p"
    seen: list[tuple[str, str]] = []
    real_durable, real_activate = engine.store.make_durable, engine.store.activate

    def observing_durable(projection: Projection, generation: int) -> None:
        seen.append(("make_durable", persistence(url, schema, generation)))
        real_durable(projection, generation)

    def observing_activate(projection: Projection, generation: int) -> None:
        seen.append(("activate", persistence(url, schema, generation)))
        real_activate(projection, generation)

    monkeypatch.setattr(engine.store, "make_durable", observing_durable)
    monkeypatch.setattr(engine.store, "activate", observing_activate)
    engine.rebuild(ORGANISATION_REGISTRY)
    # written aside without WAL, rewritten LOGGED outside the swap's transaction
    assert seen == [("make_durable", "u"), ("activate", "p")]
    assert persistence(url, schema, 2) == "p"
    assert dict(engine.store.scan(NAME, "organisations")) == expected(ledger)


def test_a_swap_makes_a_generation_still_unlogged_logged(
        pg: tuple[str, str, Ledger, Engine]) -> None:
    url, schema, ledger, engine = pg
    engine.catch_up(ORGANISATION_REGISTRY)
    engine.store.ensure(ORGANISATION_REGISTRY, 2, active=False)
    engine.catch_up(ORGANISATION_REGISTRY, 2)
    engine.store.activate(ORGANISATION_REGISTRY, 2)  # without `make_durable` first
    assert persistence(url, schema, 2) == "p"
    assert dict(engine.store.scan(NAME, "organisations")) == expected(ledger)


def _interrupted_build(engine: Engine) -> int:
    """A rebuild that stopped after two pages; returns the generation it was building."""
    engine.catch_up(ORGANISATION_REGISTRY)
    engine.store.ensure(ORGANISATION_REGISTRY, 2, active=False)
    engine.catch_up(ORGANISATION_REGISTRY, 2, max_pages=2)
    state = engine.store.state(NAME, 2)
    assert state is not None
    assert state.position == 6
    return 2


def test_an_aside_build_resumes_where_it_stopped_while_the_server_ran(
        pg: tuple[str, str, Ledger, Engine]) -> None:
    _url, _schema, ledger, engine = pg
    generation = _interrupted_build(engine)
    engine.store.ensure(ORGANISATION_REGISTRY, generation, active=False)
    state = engine.store.state(NAME, generation)
    assert state is not None
    assert state.position == 6  # resumed, not restarted
    engine.rebuild(ORGANISATION_REGISTRY)
    assert dict(engine.store.scan(NAME, "organisations")) == expected(ledger)


def test_an_aside_build_written_before_a_server_restart_starts_again_from_zero(
        pg: tuple[str, str, Ledger, Engine]) -> None:
    url, schema, ledger, engine = pg
    generation = _interrupted_build(engine)
    # What crash recovery leaves: the unlogged rows gone, the (logged) position still there,
    # last written before the server started.
    table = f'"{schema}_proj"."{physical(NAME, "organisations", generation)}"'
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"TRUNCATE {table}".encode())
        conn.execute(f'UPDATE "{schema}_proj".projection_state SET updated_at = '
                     "pg_postmaster_start_time() - interval '1 second' "
                     "WHERE name = %s AND generation = %s".encode(), (NAME, generation))
    engine.store.ensure(ORGANISATION_REGISTRY, generation, active=False)
    state = engine.store.state(NAME, generation)
    assert state is not None
    assert state.position == 0
    assert state.state == "building"
    engine.rebuild(ORGANISATION_REGISTRY)
    rows = dict(engine.store.scan(NAME, "organisations"))
    assert rows == expected(ledger)
    assert len(rows) == 10  # the six rows of the first two pages included
