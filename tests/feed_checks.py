"""What a portal does with the change feed, and the state it must end with."""

from __future__ import annotations

from collections.abc import Iterable

from projections.base import Projection, Row
from projections.feed import Change, ChangeFeed
from projections.storage import ProjectionStore

Portal = dict[tuple[str, str], dict[str, Row]]  # (projection, table) -> key -> row


def follow(feed: ChangeFeed, after: int = 0, limit: int = 7) -> list[Change]:
    """Every change after `after`, read in pages as a portal does."""
    changes: list[Change] = []
    while page := feed.read(after, limit):
        changes.extend(page)
        after = page[-1].sequence
    return changes


def apply(portal: Portal, changes: Iterable[Change]) -> Portal:
    for change in changes:
        table = portal.setdefault((change.projection, change.table), {})
        if change.op == "upsert":
            assert change.row is not None
            table[change.key] = change.row
        else:
            assert change.op == "delete"
            assert change.row is None
            table.pop(change.key, None)
    return {k: v for k, v in portal.items() if v}


def projected(store: ProjectionStore, projections: Iterable[Projection]) -> Portal:
    """Every row of every table of the projections' active generations."""
    tables: Portal = {}
    for projection in projections:
        for table in projection.tables:
            rows = dict(store.scan(projection.name, table))
            if rows:
                tables[(projection.name, table)] = rows
    return tables


def assert_in_order(changes: list[Change]) -> None:
    sequences = [c.sequence for c in changes]
    assert sequences == sorted(set(sequences)), "sequences repeat or go backwards"
