"""Where projections live: tables of JSON documents, a state row per projection generation,
reader views that a rebuild swaps atomically, and the change log portals follow (feed).

Physical table: `<projection>__<table>__g<generation>` (key, doc, position).
Reader view:    `<projection>__<table>` → the active generation. Portals read views only.
PostgreSQL keeps them in the schema `<store schema>_proj`; SQLite in the store file, prefixed
`proj_`.
Change log:     `feed` (PostgreSQL) / `proj_feed` (SQLite), one entry per row change of an active
                generation, written with the page (see projections/feed.py).
"""

from __future__ import annotations

import re
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from projections.base import Projection, Row

if TYPE_CHECKING:
    from projections.feed import Change

_FIELD = re.compile(r"[a-z][a-z0-9_]{0,62}")

PROJECTION_LOCK_KEY = 0x4C455052  # "LEPR": serialises projection DDL across processes
# "LEPF": held from a logging page's first write to its commit, so feed sequences are taken
# in commit order (a reader paging by sequence never skips a later commit with a lower one).
FEED_LOCK_KEY = 0x4C455046

Changes = dict[str, dict[str, tuple[Row | None, int]]]  # table -> key -> (row or delete, position)


class GenerationRetired(Exception):
    """The generation being written was swapped out by a rebuild in the meantime."""

    def __init__(self, name: str, generation: int) -> None:
        super().__init__(f"projection {name} generation {generation} is no longer stored")
        self.name = name
        self.generation = generation


@dataclass(frozen=True)
class ProjectionState:
    name: str
    generation: int
    active: bool
    position: int
    state: str  # running | failed | building
    error: str | None
    updated_at: str


@dataclass(frozen=True)
class Related:
    """A row with the rows of another table it names, and the read model's position."""

    position: int
    row: Row | None
    related: dict[str, Row]


class ProjectionStore(ABC):
    """The storage operations the engine needs; one implementation per database."""

    # True if `write_page` may run in another thread while the engine loads rows (it then has a
    # connection of its own): the engine commits a page while it folds the next one.
    concurrent_writes: bool = False

    @abstractmethod
    def ensure(self, projection: Projection, generation: int, *, active: bool) -> None: ...

    @abstractmethod
    def states(self) -> list[ProjectionState]: ...

    @abstractmethod
    def load(self, name: str, generation: int, table: str, keys: Iterable[str]) -> dict[str, Row]:
        ...

    @abstractmethod
    def write_page(self, name: str, generation: int, changes: Changes, position: int) -> None:
        """Upserts, deletions, the tracking position and (active generation) their change-log
        entries, in one transaction. Raises GenerationRetired if the generation is gone."""

    @abstractmethod
    def mark_failed(self, name: str, generation: int, position: int, error: str) -> None: ...

    @abstractmethod
    def activate(self, projection: Projection, generation: int) -> None:
        """Point the reader views at `generation` and retire the previous one, atomically; log
        the difference between the previous active generation and this one."""

    def make_durable(self, projection: Projection, generation: int) -> None:
        """Before a swap: a generation built aside without durability (PostgreSQL's UNLOGGED
        tables) becomes durable, outside the swap's transaction. Nothing to do elsewhere."""
        del projection, generation  # every table is durable already

    @abstractmethod
    def drop_generation(self, projection: Projection, generation: int) -> None:
        """Remove an inactive generation's tables and state (a scratch build)."""

    @abstractmethod
    def read(self, name: str, table: str, key: str) -> Row | None: ...

    @abstractmethod
    def scan(self, name: str, table: str, generation: int | None = None
             ) -> list[tuple[str, Row]]:
        """All rows of a table, by key: the live view, or a given generation's table."""

    @abstractmethod
    def page(self, name: str, table: str, *, after: str | None, limit: int,
             where: dict[str, str] | None = None) -> list[tuple[str, Row]]:
        """Rows of a live table in key order, with keys greater than `after` (a keyed cursor,
        never an offset), whose top-level text fields equal `where`'s values."""

    @abstractmethod
    def read_changes(self, after: int, limit: int, projections: list[str] | None
                     ) -> list[Change]:
        """Change-log entries with sequence > `after`, in sequence order."""

    @abstractmethod
    def feed_head(self) -> int:
        """The highest committed change-log sequence, 0 if none."""

    @abstractmethod
    def close(self) -> None: ...

    def state(self, name: str, generation: int | None = None) -> ProjectionState | None:
        for s in self.states():
            if s.name == name and (s.active if generation is None else s.generation == generation):
                return s
        return None

    def read_related(self, name: str, table: str, key: str, *, related_table: str,
                     items: str, item_key: str) -> Related:
        """The row `key` of `table`, the rows of `related_table` whose keys are the `item_key`
        fields of the row's list `items`, and the active generation's position. Stores that
        can answer this in one statement (one snapshot, one round trip) override it."""
        state = self.state(name)
        row = self.read(name, table, key)
        related: dict[str, Row] = {}
        for item in (row or {}).get(items, []):
            found = self.read(name, related_table, item[item_key])
            if found is not None:
                related[item[item_key]] = found
        return Related(state.position if state else 0, row, related)

    def wait_for(self, name: str, position: int, timeout: float) -> bool:
        """Read-your-writes: wait until the active projection has reached `position`."""
        deadline = time.monotonic() + timeout
        while True:
            current = self.state(name)
            if current is not None and current.position >= position:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)


def check_fields(where: dict[str, str] | None) -> dict[str, str]:
    """Filter field names become JSON paths in SQL: keep them to a safe alphabet."""
    for field in where or {}:
        if not _FIELD.fullmatch(field):
            raise ValueError(f"field {field!r} must match {_FIELD.pattern}")
    return dict(where or {})


def physical(name: str, table: str, generation: int) -> str:
    return f"{name}__{table}__g{generation}"


def view(name: str, table: str) -> str:
    return f"{name}__{table}"


def state_from_row(row: Sequence[Any]) -> ProjectionState:
    return ProjectionState(row[0], int(row[1]), bool(row[2]), int(row[3]), row[4], row[5],
                           str(row[6]))
