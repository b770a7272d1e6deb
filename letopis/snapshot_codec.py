"""What every snapshot codec shares (letopis/snapshots.py): the aggregate's base attributes,
compact JSON, and the check that a codec knows every attribute it is given."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent

from letopis.fast_transcoder import _cached
from letopis.stored_json import loads as _loads_stored

_BASE = ("_id", "_version", "_created_on", "_modified_on", "_pending_events")
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_new = object.__new__
_set = object.__setattr__
_date = _cached(date.fromisoformat)
_datetime = _cached(datetime.fromisoformat)  # immutable; a command's streams share them


class SnapshotOutOfDate(Exception):
    """An aggregate has attributes its snapshot codec does not know: update the codec."""


def _require_fields(aggregate: Aggregate, fields: frozenset[str]) -> None:
    if aggregate.pending_events:
        raise ValueError(f"{aggregate.id} has pending events: save before taking a snapshot")
    unknown = set(vars(aggregate)) - fields
    if unknown:
        raise SnapshotOutOfDate(
            f"{type(aggregate).__name__} has {sorted(unknown)} that its snapshot codec does "
            "not write; update letopis/snapshots.py and its topic version")


def _base(aggregate: Aggregate, state: list[Any]) -> bytes:
    return _dumps([aggregate.created_on.isoformat(), aggregate.modified_on.isoformat(),
                   state]).encode()


def _shell(cls: type[Aggregate], stored: StoredEvent) -> tuple[Any, list[Any]]:
    created_on, modified_on, state = _loads_stored(stored.state)  # orjson: one C parse
    aggregate: Any = _new(cls)
    aggregate.__dict__.update(_id=stored.originator_id, _version=stored.originator_version,
                              _created_on=_datetime(created_on),
                              _modified_on=_datetime(modified_on),
                              _pending_events=[])
    return aggregate, state
