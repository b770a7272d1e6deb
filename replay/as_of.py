"""The record as it stood: a stream's events recorded by a moment, and their fold.

"As of T" means what a reader could have seen at T: the events recorded at or before T
(`meta.recorded_at <= T`). A stream is append-only and each version is written after the one
before it, so that is a prefix of the stream; it is taken as the longest prefix recorded by T,
so a clock that once went backwards can never produce a record with a hole in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate, CanMutateAggregate

from domain.envelope import Meta
from domain.errors import InvalidInput, NotFound
from letopis.ledger import Ledger

A = TypeVar("A", bound=Aggregate)

# An event of a stream: what `Ledger.events.get` yields and `Aggregate.collect_events` returns.
StreamEvent = CanMutateAggregate[UUID]

_AS_OF_EXAMPLE = "e.g. 2026-10-10T23:59:59Z"


def parse_as_of(text: str) -> datetime:
    """An ISO 8601 date and time; without an offset it is taken as UTC. Returns aware UTC.

    A bare date is refused: "as of 10 October" could mean its first or its last moment, and an
    audit answer must not depend on a guess.
    """
    try:
        date.fromisoformat(text)
    except ValueError:
        pass
    else:
        raise ValueError(f"--as-of {text!r} is a date without a time; give the moment, "
                         f"{_AS_OF_EXAMPLE} for the end of that day")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--as-of {text!r} is not an ISO 8601 date and time, "
                         f"{_AS_OF_EXAMPLE}") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def parse_effective_on(text: str) -> date:
    """A business date written YYYY-MM-DD."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--effective-on {text!r} is not a date, e.g. 2026-09-01") from None


def meta_of(event: StreamEvent) -> Meta:
    """The envelope every Letopis event carries."""
    meta = vars(event).get("meta")
    if not isinstance(meta, Meta):
        raise TypeError(f"{type(event).__qualname__} carries no envelope (meta)")
    return meta


def read_stream(ledger: Ledger, stream_id: UUID,
                version: int | None = None) -> list[StreamEvent]:
    """Every event of the stream in version order, up to `version` if given."""
    if version is not None and version < 1:
        raise InvalidInput(f"stream versions start at 1, not {version}")
    events: list[StreamEvent] = []
    for stored in ledger.events.get(stream_id, lte=version):
        if not isinstance(stored, CanMutateAggregate):
            raise TypeError(f"{type(stored).__qualname__} is not an aggregate event")
        events.append(stored)
    return events


def recorded_by(events: Sequence[StreamEvent],
                as_of: datetime | None) -> list[StreamEvent]:
    """The events a reader at `as_of` could have seen: the prefix recorded at or before it."""
    if as_of is None:
        return list(events)
    if as_of.tzinfo is None or as_of.utcoffset() is None:
        raise ValueError("as_of must be an aware datetime")
    known: list[StreamEvent] = []
    for event in events:
        if meta_of(event).recorded_at > as_of:
            break
        known.append(event)
    return known


def fold(events: Sequence[StreamEvent]) -> Aggregate | None:
    """The aggregate these events build, oldest first; None for no events."""
    aggregate: Aggregate | None = None
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


def fold_as(cls: type[A], events: Sequence[StreamEvent], what: str) -> A:
    """Fold `events` and check they build a `cls`; raises NotFound otherwise."""
    aggregate = fold(events)
    if aggregate is None:
        raise NotFound(f"no events of {what} to fold")
    if not isinstance(aggregate, cls):
        raise NotFound(f"{aggregate.id} is not {_a(what)}, it is "
                       f"{_a(type(aggregate).__name__.lower())}")
    return aggregate


def _a(noun: str) -> str:
    return f"an {noun}" if noun[:1] in ("a", "e", "i", "o", "u") else f"a {noun}"


def state_as_of(ledger: Ledger, cls: type[A], stream_id: UUID, as_of: datetime | None = None,
                version: int | None = None) -> A:
    """The aggregate as the record stood at `as_of` and/or at `version` (both: the earlier).

    Raises NotFound when the stream is unknown, is not a `cls`, had nothing recorded by
    `as_of`, or has no `version`.
    """
    what = cls.__name__.lower()
    events = read_stream(ledger, stream_id, version)
    if not events:
        raise NotFound(f"{what} {stream_id} is not in the ledger")
    if version is not None and events[-1].originator_version < version:
        raise NotFound(f"{what} {stream_id} has {events[-1].originator_version} versions, "
                       f"not {version}")
    known = recorded_by(events, as_of)
    if not known:
        assert as_of is not None
        raise NotFound(f"nothing of {what} {stream_id} had been recorded by "
                       f"{as_of.isoformat()}")
    return fold_as(cls, known, what)
