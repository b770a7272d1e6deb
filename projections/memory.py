"""Fold events into a projection entirely in memory: the reference the stored engine must equal,
and a fast way to test folds."""

from __future__ import annotations

from collections.abc import Iterable

from eventsourcing.utils import get_topic

from projections.base import Event, Projection, Row, keys_of
from projections.raw import RawEvent, view_of

Tables = dict[str, dict[str, Row]]


class MemoryRows:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def get(self, table: str, key: str) -> Row | None:
        return self.tables.get(table, {}).get(key)


def apply_event(projection: Projection, tables: Tables, event: Event) -> None:
    """Run every fold of `projection` over one event, updating `tables` in place."""
    rows = MemoryRows(tables)
    if not projection.reads(event.topic if type(event) is RawEvent else get_topic(type(event))):
        return
    if projection.raw:
        event = view_of(event)  # the folds read what the engine would give them once stored
    for fold in projection.folds:
        table = tables.setdefault(fold.table, {})
        for key in keys_of(fold.key(event, rows)):
            new = fold.apply(table.get(key), event)
            if new is None:
                table.pop(key, None)
            else:
                table[key] = new


def fold_events(projection: Projection, events: Iterable[Event]) -> Tables:
    tables: Tables = {t: {} for t in projection.tables}
    for event in events:
        apply_event(projection, tables, event)
    return tables
