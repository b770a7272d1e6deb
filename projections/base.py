"""What a read model is: named tables of JSON documents, maintained by pure folds.

A projection is a small set of `Fold`s. Each fold owns one table; for an event it names the row
the event touches (`key`) and computes the row's next value from its current one (`apply`, a
pure function `(row | None, event) -> row | None`; None deletes the row). A key function may read
other rows of the same projection through `Rows` (e.g. a mark's class average needs the
learner's current class); `apply` may not.

The engine (projections/engine.py) reads the global stream in pages, runs the folds over a whole
page in memory, and writes the page's upserts, deletions and the tracking position in one
transaction.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from eventsourcing.domain import DomainEventProtocol

from projections.raw import RawEvent

_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]{0,30}")

Row = dict[str, Any]  # a JSON-serialisable document
Event = DomainEventProtocol[Any]
# What the engine folds: a domain event, or the raw view of a stored one (`Projection.raw`).
AnyEvent = Event | RawEvent
E = TypeVar("E", Event, RawEvent)


class Rows(Protocol):
    """The projection's rows as they stand at the current event (earlier events of the page
    included); reads fall through to the store."""

    def get(self, table: str, key: str) -> Row | None: ...


@dataclass(frozen=True)
class Fold(Generic[E]):
    table: str
    key: Callable[[E, Rows], str | Sequence[str] | None]
    apply: Callable[[Row | None, E], Row | None]
    # The event classes `key` can name a row for (their topics, for a raw projection); None:
    # any. The engine does not call the key function of other classes (it returns None for
    # them); the in-memory reference (projections/memory.py) calls every key function, so the
    # property tests catch a class left out.
    types: frozenset[type[Any]] | frozenset[str] | None = None


@dataclass(frozen=True)
class Projection:
    """A named read model: its folds, in the order they run for each event."""

    name: str
    folds: tuple[Fold[Any], ...]
    version: int = 1  # bump when a fold changes meaning: `letopis projections rebuild` then
    description: str = ""
    # Stored-topic prefixes of the events the folds read (e.g. "domain.learner:Learner.").
    # Other events are passed over without being decoded; the position still advances.
    # Empty means every event. Keep historical (renamed) topics here too.
    topics: tuple[str, ...] = ()
    # The folds read `RawEvent`s (projections/raw.py: the parsed stored JSON) instead of domain
    # events, and name their event classes by topic in `Fold.types`.
    raw: bool = False
    _by_type: dict[type[Any] | str, tuple[Fold[Any], ...]] = field(default_factory=dict, init=False,
                                                       repr=False, compare=False)

    def folds_for(self, event_type: type[Any] | str) -> tuple[Fold[Any], ...]:
        """The folds whose key function may name a row for an event of this class (of this
        topic, for a raw projection), in order."""
        folds = self._by_type.get(event_type)
        if folds is None:
            folds = self._by_type[event_type] = tuple(
                f for f in self.folds
                if f.types is None or event_type in f.types)
        return folds

    def folds_of(self, event: AnyEvent) -> tuple[Fold[Any], ...]:
        """`folds_for` the event's class, or its topic for a raw event."""
        return self.folds_for(event.topic if type(event) is RawEvent else type(event))

    def reads(self, topic: str) -> bool:
        return not self.topics or topic.startswith(self.topics)

    def __post_init__(self) -> None:
        # Names become SQL identifiers: keep them to a safe alphabet.
        for name in (self.name, *(f.table for f in self.folds)):
            if not _IDENTIFIER.fullmatch(name):
                raise ValueError(f"name {name!r} must match {_IDENTIFIER.pattern}")

    @property
    def tables(self) -> tuple[str, ...]:
        seen: list[str] = []
        for fold in self.folds:
            if fold.table not in seen:
                seen.append(fold.table)
        return tuple(seen)


def keys_of(key: str | Sequence[str] | None) -> tuple[str, ...]:
    if key is None:
        return ()
    if isinstance(key, str):
        return (key,)
    return tuple(key)
