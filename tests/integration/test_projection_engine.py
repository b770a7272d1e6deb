"""The projection engine on SQLite and PostgreSQL: live == rebuild, exactly once after a crash,
loud failures, atomic rebuild swap, read-your-writes."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from uuid import UUID

import pytest

from domain.envelope import Actor, Role
from domain.organisation import OrganisationDetails, OrganisationKind
from letopis.ledger import CommandContext, Ledger
from letopis.services.organisations import OrganisationService
from projections.base import Event, Fold, Projection, Row, Rows
from projections.engine import Engine, ProjectionFailed
from projections.memory import fold_events
from projections.organisation_registry import ORGANISATION_REGISTRY
from projections.runner import build_engine

CLERK = Actor(user_id="clerk", role=Role.REGISTRAR)
BASE = OrganisationDetails(
    full_name="Школа", short_name="Школа", kind=OrganisationKind.SCHOOL, inn="7707083893",
    ogrn="1027700132195", municipality="Оренбург", legal_address="ул. 1", actual_address="ул. 1",
)


def ctx(command_id: str) -> CommandContext:
    return CommandContext(actor=CLERK, command_id=command_id, effective_on=date(2026, 9, 1))


@pytest.fixture
def engine(ledger: Ledger, store_url: tuple[str, str]) -> Iterator[Engine]:
    url, schema = store_url
    built, close = build_engine(ledger, url, schema, page_size=3)
    yield built
    close()


def write_history(ledger: Ledger, first: int, count: int) -> None:
    service = OrganisationService(ledger)
    for i in range(first, first + count):
        org = UUID(int=i)
        service.register(ctx(f"r{i}"), org, dataclasses.replace(BASE, short_name=f"Школа {i}"))
        if i % 2 == 0:
            service.change_details(ctx(f"c{i}"), org,
                                   dataclasses.replace(BASE, short_name=f"СОШ {i}"))
        if i % 3 == 0:
            service.close(ctx(f"x{i}"), org, "liquidated")


def all_events(ledger: Ledger) -> list[Event]:
    return [ledger.mapper.to_domain_event(n)
            for n in ledger.recorder.select_notifications(None, 100_000)]


def test_live_incremental_equals_rebuild_equals_memory(ledger: Ledger, engine: Engine) -> None:
    write_history(ledger, 1, 5)
    assert engine.catch_up(ORGANISATION_REGISTRY) > 0
    write_history(ledger, 6, 4)  # more events after the first catch-up: incremental
    engine.catch_up(ORGANISATION_REGISTRY)
    live = dict(engine.store.scan("organisation_registry", "organisations"))
    expected = fold_events(ORGANISATION_REGISTRY, all_events(ledger))["organisations"]
    assert live == expected
    assert live[str(UUID(int=6))]["closed_on"] == "2026-09-01"
    engine.rebuild(ORGANISATION_REGISTRY)
    assert dict(engine.store.scan("organisation_registry", "organisations")) == expected
    state = engine.store.state("organisation_registry")
    assert state is not None
    assert state.generation == 2
    assert state.state == "running"
    assert state.position == ledger.recorder.max_notification_id()


def test_rebuild_reads_rows_back_once_more_rows_than_it_carries(
        ledger: Ledger, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    # From position 0 a catch-up knows a row it does not carry does not exist, as long as it
    # carries every row; past the carry limit it must ask the store again.
    monkeypatch.setattr("projections.paging.CARRY_LIMIT", 2)
    service = OrganisationService(ledger)
    for i in range(1, 7):  # two pages of three registrations
        service.register(ctx(f"r{i}"), UUID(int=i), BASE)
    service.change_details(ctx("c1"), UUID(int=1), dataclasses.replace(BASE, short_name="СОШ"))
    engine.rebuild(ORGANISATION_REGISTRY)  # the third page changes a row no longer carried
    expected = fold_events(ORGANISATION_REGISTRY, all_events(ledger))["organisations"]
    assert expected[str(UUID(int=1))]["short_name"] == "СОШ"
    assert dict(engine.store.scan("organisation_registry", "organisations")) == expected


def test_crash_between_pages_resumes_exactly_once(ledger: Ledger, engine: Engine,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    write_history(ledger, 1, 6)
    engine.active_generation(ORGANISATION_REGISTRY)
    real_write = engine.store.write_page
    calls = {"n": 0}

    def crashing_write(*args: object, **kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt("killed during commit")
        real_write(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine.store, "write_page", crashing_write)
    with pytest.raises(KeyboardInterrupt):
        engine.catch_up(ORGANISATION_REGISTRY)
    state = engine.store.state("organisation_registry")
    assert state is not None
    assert 0 < state.position < ledger.recorder.max_notification_id()
    monkeypatch.setattr(engine.store, "write_page", real_write)
    engine.catch_up(ORGANISATION_REGISTRY)
    expected = fold_events(ORGANISATION_REGISTRY, all_events(ledger))["organisations"]
    assert dict(engine.store.scan("organisation_registry", "organisations")) == expected


def _explode(row: Row | None, event: Event) -> Row | None:
    if type(event).__name__ == "Closed":
        raise ValueError("cannot fold a closure")
    return {"n": (row or {"n": 0})["n"] + 1}


def _by_stream(event: Event, _rows: Rows) -> str:
    return str(event.originator_id)


FRAGILE = Projection(name="fragile", folds=(Fold("counts", _by_stream, _explode),))


def test_failing_projection_stops_loudly_and_others_go_on(ledger: Ledger, engine: Engine) -> None:
    write_history(ledger, 1, 3)  # org 3 is closed: its Closed event breaks FRAGILE
    closed_at = next(n.id for n in ledger.recorder.select_notifications(None, 100)
                     if n.topic.endswith("Closed"))
    engine.active_generation(FRAGILE)
    engine.active_generation(ORGANISATION_REGISTRY)
    with pytest.raises(ProjectionFailed, match=f"at position {closed_at}"):
        engine.catch_up(FRAGILE)
    rounds = iter([False, True])
    engine.follow([FRAGILE, ORGANISATION_REGISTRY], stop=lambda: next(rounds), idle_wait=0)
    fragile = engine.store.state("fragile")
    assert fragile is not None
    assert fragile.state == "failed"
    assert fragile.error is not None
    assert f"at position {closed_at}" in fragile.error
    assert fragile.position < closed_at  # nothing at or after the bad event was written
    registry = engine.store.state("organisation_registry")
    assert registry is not None
    assert registry.position == ledger.recorder.max_notification_id()


def test_readers_see_the_old_model_until_the_swap(ledger: Ledger, engine: Engine,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    write_history(ledger, 1, 4)
    engine.catch_up(ORGANISATION_REGISTRY)
    before = dict(engine.store.scan("organisation_registry", "organisations"))
    seen_during_build: list[dict[str, Row]] = []
    real_activate = engine.store.activate

    def observing_activate(projection: Projection, generation: int) -> None:
        seen_during_build.append(dict(engine.store.scan("organisation_registry",
                                                        "organisations")))
        real_activate(projection, generation)

    monkeypatch.setattr(engine.store, "activate", observing_activate)
    engine.rebuild(ORGANISATION_REGISTRY)
    assert seen_during_build == [before]  # the live model served, complete, while building
    assert dict(engine.store.scan("organisation_registry", "organisations")) == before


def test_read_your_writes(ledger: Ledger, engine: Engine) -> None:
    write_history(ledger, 1, 1)
    outcome = OrganisationService(ledger).close(ctx("late"), UUID(int=1), "merged")
    position = outcome.positions[-1]
    engine.active_generation(ORGANISATION_REGISTRY)
    assert engine.store.wait_for("organisation_registry", position, timeout=0.05) is False
    engine.catch_up(ORGANISATION_REGISTRY)
    assert engine.store.wait_for("organisation_registry", position, timeout=0.05) is True
    row = engine.store.read("organisation_registry", "organisations", str(UUID(int=1)))
    assert row is not None
    assert row["closure_reason"] == "merged"


def test_verify_finds_a_row_altered_behind_the_engine(ledger: Ledger, engine: Engine) -> None:
    write_history(ledger, 1, 4)
    engine.catch_up(ORGANISATION_REGISTRY)
    report = engine.verify(ORGANISATION_REGISTRY)
    assert report.ok
    assert report.position == ledger.recorder.max_notification_id()
    key = str(UUID(int=2))
    row = engine.store.read("organisation_registry", "organisations", key)
    assert row is not None
    state = engine.store.state("organisation_registry")
    assert state is not None
    engine.store.write_page("organisation_registry", state.generation,
                            {"organisations": {key: ({**row, "short_name": "forged"}, 1)}},
                            state.position)
    report = engine.verify(ORGANISATION_REGISTRY)
    assert not report.ok
    assert report.differing_keys == [f"organisations:{key}"]
    assert [s.generation for s in engine.store.states()] == [state.generation]  # scratch gone
