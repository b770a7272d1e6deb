"""Property: for any sequence of domain commands, catch-ups and rebuilds (some with changed
folds), a portal that reads the change feed as it goes holds exactly every projection's tables,
and so does one that reads it all from 0 at the end — on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from letopis.bootstrap import build_services
from letopis.clock import FixedClock
from letopis.settings import Settings
from projections.base import Event, Fold, Projection, Row
from projections.feed import ChangeFeed
from projections.registry import PROJECTIONS
from projections.runner import build_engine
from tests.conftest import START
from tests.feed_checks import Portal, apply, assert_in_order, follow, projected
from tests.properties.test_projection_rebuild import Runner, a_store, command

REGION = [("register_org", 1), ("register_org", 2), ("register_org", 3),
          *[("register_learner", n) for n in range(1, 5)],
          *[("enrol", n, 1 + n % 3, n + 3) for n in range(1, 5)]]


def _tagged(fold: Fold) -> Fold:
    """The same fold, but every row it writes carries a new field: a rebuild changes them all."""
    def apply_tagged(row: Row | None, event: Event) -> Row | None:
        untagged = None if row is None else {k: v for k, v in row.items() if k != "rebuilt"}
        new = fold.apply(untagged, event)
        return None if new is None else {**new, "rebuilt": True}

    return Fold(fold.table, fold.key, apply_tagged)


def changed(projection: Projection, how: str) -> Projection:
    if how == "fewer_tables" and len(projection.folds) > 1:
        folds = projection.folds[:-1]  # the last table is gone: every row of it is deleted
    elif how == "same":
        folds = projection.folds
    else:
        folds = tuple(_tagged(f) for f in projection.folds)
    return dataclasses.replace(projection, folds=folds, version=projection.version + 1)


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
@settings(max_examples=8)
@given(commands=st.lists(st.one_of(command, st.just(("rebuild",))), min_size=10, max_size=50),
       page_size=st.integers(1, 7),
       rebuilds=st.lists(st.sampled_from(["same", "tagged", "fewer_tables"]), min_size=3,
                         max_size=3))
def test_a_portal_folding_the_feed_holds_every_projection(
        kind: str, commands: list[tuple[object, ...]], page_size: int,
        rebuilds: list[str]) -> None:
    with a_store(kind) as (url, schema):
        services = build_services(Settings(database_url=url, database_schema=schema),
                                  FixedClock(START))
        engine, close = build_engine(services.ledger, url, schema, page_size=page_size)
        feed = ChangeFeed(engine.store)
        try:
            runner = Runner(services)
            for op in REGION:
                runner.run(op)
            active = dict(PROJECTIONS)
            portal: Portal = {}
            after = 0

            def catch_up() -> None:
                nonlocal portal, after
                for projection in active.values():
                    engine.catch_up(projection)
                changes = follow(feed, after)
                portal = apply(portal, changes)
                after = changes[-1].sequence if changes else after

            for op in [*commands, ("rebuild",)]:
                if op[0] == "catch_up":
                    catch_up()
                elif op[0] == "rebuild":
                    how = rebuilds[len(rebuilds) - 1]
                    rebuilds = [how, *rebuilds[:-1]]  # take turns
                    for name, projection in active.items():
                        active[name] = changed(projection, how)
                        engine.rebuild(active[name])
                    catch_up()
                else:
                    runner.run(op)
            catch_up()
            expected = projected(engine.store, active.values())
            assert portal == expected
            everything = follow(feed)
            assert_in_order(everything)
            assert apply({}, everything) == expected
        finally:
            close()
            services.close()
