"""The projection change log on SQLite and PostgreSQL: every row change once, in order, committed
with its page; a portal folding it holds the projections' tables, across rebuilds too."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from letopis.ledger import Ledger
from projections import storage_feed_postgres, storage_feed_sqlite
from projections.base import Event, Fold, Projection, Row, Rows
from projections.engine import Engine
from projections.feed import Change, ChangeFeed
from projections.organisation_registry import ORGANISATION_REGISTRY
from projections.runner import build_engine
from projections.storage import Changes, GenerationRetired
from projections.storage_postgres import PostgresProjectionStore
from tests.feed_checks import Portal, apply, assert_in_order, follow, projected
from tests.integration.test_projection_engine import write_history


def _by_org(event: Event, _rows: Rows) -> str:
    return str(event.originator_id)


def _open(row: Row | None, event: Event) -> Row | None:
    if type(event).__name__ == "Closed":
        return None  # deletes the row
    return {"version": event.originator_version}


def _count(row: Row | None, event: Event) -> Row | None:
    return {"events": (row or {"events": 0})["events"] + 1}


def _open_v2(row: Row | None, event: Event) -> Row | None:
    if type(event).__name__ in ("Closed", "DetailsChanged"):
        return None
    return {"version": event.originator_version, "v2": True}


def _last(row: Row | None, event: Event) -> Row | None:
    return {"last": type(event).__name__}


OPEN_ORGS = Projection("open_orgs", (Fold("open", _by_org, _open),
                                     Fold("counts", _by_org, _count)))
# A changed fold: `open` keeps fewer rows and new documents, `counts` is gone, `last` is new.
OPEN_ORGS_V2 = Projection("open_orgs", (Fold("open", _by_org, _open_v2),
                                        Fold("last", _by_org, _last)), version=2)


@pytest.fixture
def engine(ledger: Ledger, store_url: tuple[str, str]) -> Iterator[Engine]:
    url, schema = store_url
    built, close = build_engine(ledger, url, schema, page_size=3)
    yield built
    close()


@pytest.fixture
def feed(engine: Engine) -> ChangeFeed:
    return ChangeFeed(engine.store)


def test_every_row_change_is_logged_once_in_order(ledger: Ledger, engine: Engine,
                                                  feed: ChangeFeed,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    pages: list[tuple[str, Changes]] = []
    real_write = engine.store.write_page

    def recording_write(name: str, generation: int, changes: Changes, position: int) -> None:
        real_write(name, generation, changes, position)
        pages.append((name, {t: dict(rows) for t, rows in changes.items()}))

    monkeypatch.setattr(engine.store, "write_page", recording_write)
    write_history(ledger, 1, 7)
    engine.catch_up(OPEN_ORGS)
    engine.catch_up(ORGANISATION_REGISTRY)
    write_history(ledger, 8, 5)
    engine.catch_up(ORGANISATION_REGISTRY)
    engine.catch_up(OPEN_ORGS)
    expected: list[tuple[str, str, str, str, int, Row | None]] = []
    model: Portal = {}
    for name, changes in pages:
        for table, rows in changes.items():
            current = model.setdefault((name, table), {})
            for key, (row, position) in rows.items():
                if row is not None:
                    expected.append((name, table, key, "upsert", position, row))
            for key, (row, position) in rows.items():
                if row is None and key in current:  # a row never stored is not reported gone
                    expected.append((name, table, key, "delete", position, None))
            for key, (row, _) in rows.items():
                if row is None:
                    current.pop(key, None)
                else:
                    current[key] = row
    changes_read = follow(feed)
    assert_in_order(changes_read)
    assert [(c.projection, c.table, c.key, c.op, c.position, c.row)
            for c in changes_read] == expected
    assert any(c.op == "delete" for c in changes_read)
    assert feed.head() == changes_read[-1].sequence
    assert feed.read(feed.head(), 10) == []
    assert [c.projection for c in feed.read(0, 1000, ["open_orgs"])] == \
        [n for n, *_ in expected if n == "open_orgs"]
    assert apply({}, changes_read) == projected(engine.store, [OPEN_ORGS, ORGANISATION_REGISTRY])


def test_a_portal_holds_the_new_model_after_a_rebuild_with_changed_folds(
        ledger: Ledger, engine: Engine, feed: ChangeFeed,
        monkeypatch: pytest.MonkeyPatch) -> None:
    write_history(ledger, 1, 9)
    engine.catch_up(OPEN_ORGS)
    portal = apply({}, follow(feed))
    assert portal == projected(engine.store, [OPEN_ORGS])
    heads_while_building: list[int] = []
    real_activate = engine.store.activate

    def observing_activate(projection: Projection, generation: int) -> None:
        heads_while_building.append(feed.head())
        real_activate(projection, generation)

    monkeypatch.setattr(engine.store, "activate", observing_activate)
    before = feed.head()
    engine.rebuild(OPEN_ORGS_V2)
    assert heads_while_building == [before]  # building an inactive generation logs nothing
    swap = feed.read(before, 10_000)
    assert {(c.table, c.op) for c in swap} == {("open", "upsert"), ("open", "delete"),
                                               ("counts", "delete"), ("last", "upsert")}
    assert apply(portal, swap) == projected(engine.store, [OPEN_ORGS_V2])
    assert apply({}, follow(feed)) == projected(engine.store, [OPEN_ORGS_V2])
    # An unchanged rebuild swaps without a single entry.
    head = feed.head()
    engine.rebuild(OPEN_ORGS_V2)
    assert feed.head() == head


def test_verify_and_scratch_generations_never_log(ledger: Ledger, engine: Engine,
                                                  feed: ChangeFeed) -> None:
    write_history(ledger, 1, 4)
    engine.catch_up(OPEN_ORGS)
    head = feed.head()
    assert head > 0
    assert engine.verify(OPEN_ORGS).ok
    engine.store.ensure(OPEN_ORGS, 7, active=False)
    engine.catch_up(OPEN_ORGS, generation=7)
    engine.store.drop_generation(OPEN_ORGS, 7)
    assert feed.head() == head


def _die_after(target: Any, monkeypatch: pytest.MonkeyPatch, name: str, calls: int) -> None:
    """Make the `calls`-th call of target.name die after it ran (inside the page's transaction),
    as a process killed before its commit would."""
    real = getattr(target, name)
    seen = {"n": 0}

    def dying(*args: Any, **kwargs: Any) -> None:
        real(*args, **kwargs)
        seen["n"] += 1
        if seen["n"] == calls:
            raise KeyboardInterrupt("killed before the commit")

    monkeypatch.setattr(target, name, dying)


def test_a_page_that_dies_before_its_commit_leaves_neither_rows_nor_entries(
        ledger: Ledger, engine: Engine, feed: ChangeFeed,
        monkeypatch: pytest.MonkeyPatch) -> None:
    write_history(ledger, 1, 8)
    engine.active_generation(OPEN_ORGS)
    if isinstance(engine.store, PostgresProjectionStore):
        _die_after(storage_feed_postgres, monkeypatch, "upsert_logged", calls=5)
    else:
        _die_after(storage_feed_sqlite, monkeypatch, "log_upserts", calls=5)
    with pytest.raises(KeyboardInterrupt):
        engine.catch_up(OPEN_ORGS)
    state = engine.store.state("open_orgs")
    assert state is not None
    assert 0 < state.position < ledger.recorder.max_notification_id()
    assert apply({}, follow(feed)) == projected(engine.store, [OPEN_ORGS])
    assert max(c.position for c in follow(feed)) <= state.position
    monkeypatch.undo()
    engine.catch_up(OPEN_ORGS)
    assert apply({}, follow(feed)) == projected(engine.store, [OPEN_ORGS])


def test_writing_a_retired_generation_is_refused(ledger: Ledger, engine: Engine,
                                                 store_url: tuple[str, str]) -> None:
    write_history(ledger, 1, 3)
    engine.catch_up(OPEN_ORGS)
    url, schema = store_url
    other, close = build_engine(ledger, url, schema)
    try:
        other.rebuild(OPEN_ORGS)  # generation 1 is swapped out under `engine`
    finally:
        close()
    with pytest.raises(GenerationRetired):
        engine.store.write_page("open_orgs", 1, {"open": {"k": ({"forged": True}, 1)}}, 99)
    with pytest.raises(GenerationRetired):
        engine.store.load("open_orgs", 1, "open", ["k"])
    write_history(ledger, 4, 2)
    engine.catch_up(OPEN_ORGS)  # a live catch-up follows the active generation
    feed = ChangeFeed(engine.store)
    assert apply({}, follow(feed)) == projected(engine.store, [OPEN_ORGS])
    assert all(c.key != "k" for c in follow(feed))


def test_a_store_from_before_the_log_starts_it_with_its_rows(ledger: Ledger,
                                                            store_url: tuple[str, str]) -> None:
    url, schema = store_url
    write_history(ledger, 1, 6)
    engine, close = build_engine(ledger, url, schema)
    engine.catch_up(OPEN_ORGS)
    engine.catch_up(ORGANISATION_REGISTRY)
    expected = projected(engine.store, [OPEN_ORGS, ORGANISATION_REGISTRY])
    close()
    _drop_log(url, schema)
    reopened = ChangeFeed.open(url, schema)
    try:
        changes = follow(reopened)
        assert {c.op for c in changes} == {"upsert"}
        assert apply({}, changes) == expected
    finally:
        reopened.close()


def _drop_log(url: str, schema: str) -> None:
    if url.startswith("sqlite"):
        import sqlite3

        with sqlite3.connect(url[len("sqlite:///"):]) as conn:
            conn.execute("DROP TABLE proj_feed")
    else:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP TABLE "{schema}_proj".feed'.encode())


def test_wait_wakes_on_a_new_change_and_times_out_without_one(
        ledger: Ledger, store_url: tuple[str, str]) -> None:
    url, schema = store_url
    engine, close = build_engine(ledger, url, schema)
    feed = ChangeFeed.open(url, schema)
    try:
        engine.active_generation(OPEN_ORGS)
        assert feed.head() == 0
        assert feed.wait(0, timeout=0.1) is False
        woken: list[bool] = []
        waiter = threading.Thread(target=lambda: woken.append(feed.wait(0, timeout=60)))
        waiter.start()  # waiting before the change exists: LISTEN (PostgreSQL) or polling
        write_history(ledger, 1, 1)
        engine.catch_up(OPEN_ORGS)
        waiter.join(timeout=90)
        assert woken == [True]
        assert feed.wait(0, timeout=5) is True
        assert feed.read(0, 10, projections=[]) == []
        assert isinstance(feed.read(0, 10, projections=["open_orgs"])[0], Change)
        assert feed.read(0, 0) == []
    finally:
        feed.close()
        close()
