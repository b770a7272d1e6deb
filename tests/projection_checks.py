"""Folding events into a projection in memory while checking the fold contract on every call:
`apply` never mutates its input, and every row it returns is plain JSON."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from typing import Any

from projections.base import Projection, keys_of
from projections.memory import MemoryRows, Tables, fold_events
from projections.raw import view_of


def strict_apply(projection: Projection, tables: Tables, event: Any) -> None:
    rows = MemoryRows(tables)
    if projection.raw:
        event = view_of(event)  # what the engine gives a raw projection's folds
    for fold in projection.folds:
        table = tables.setdefault(fold.table, {})
        for key in keys_of(fold.key(event, rows)):
            row = table.get(key)
            before = copy.deepcopy(row)
            new = fold.apply(row, event)
            assert row == before, f"{fold.table}[{key}]: apply mutated its input row"
            if new is None:
                table.pop(key, None)
            else:
                assert json.loads(json.dumps(new)) == new, f"{fold.table}[{key}] is not JSON"
                table[key] = new


def strict_fold(projection: Projection, events: Iterable[Any],
                tables: Tables | None = None) -> Tables:
    """Fold like `projections.memory.fold_events` (from `tables` if given), checking as it goes;
    a fold from scratch must also equal the reference engine's."""
    events = list(events)
    start = tables is None
    tables = tables if tables is not None else {t: {} for t in projection.tables}
    for event in events:
        strict_apply(projection, tables, event)
    if start:
        assert tables == fold_events(projection, events)
    return tables
