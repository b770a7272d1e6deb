"""The catalogue of aggregates, event types and value types the ledger stores.

`docs/events.md` is generated from here (`letopis docs events`) and a golden test keeps the two
in step: adding, renaming or re-versioning an event is a deliberate, documented act.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Iterator
from dataclasses import dataclass

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

from domain import envelope, organisation

AGGREGATES: tuple[type[Aggregate], ...] = (organisation.Organisation,)

VALUE_TYPES: tuple[type, ...] = (
    envelope.Role,
    envelope.Actor,
    envelope.BasisDocument,
    envelope.Meta,
    *organisation.VALUE_TYPES,
)


@dataclass(frozen=True)
class EventType:
    aggregate: str
    name: str
    topic: str
    version: int
    fields: tuple[tuple[str, str], ...]


_BASE_FIELDS = {"originator_id", "originator_version", "timestamp", "originator_topic", "meta"}


def event_types() -> Iterator[EventType]:
    """Every event class of every aggregate, with its stored fields and class version."""
    for aggregate in AGGREGATES:
        for name, member in sorted(vars(aggregate).items()):
            if not (inspect.isclass(member) and issubclass(member, Aggregate.Event)):
                continue
            if member is Aggregate.Event or name in ("Event", "Created"):
                continue
            hints = {f.name: f.type for f in dataclasses.fields(member)} if dataclasses.is_dataclass(member) else {}
            fields = tuple((k, str(v)) for k, v in hints.items() if k not in _BASE_FIELDS)
            yield EventType(
                aggregate=aggregate.__name__,
                name=name,
                topic=get_topic(member),
                version=int(getattr(member, "class_version", 1)),
                fields=fields,
            )
