"""A stream's history as an auditor reads it: every event with its full envelope.

Each entry names its event (event id, stream, version, type), who recorded it (user, role,
organisation), when (recorded at) and for when (effective on), on what basis (document kind,
number, date), the command, correlation and causation ids, the source system, the event's own
data, and for a correction what it corrected. Entries a later correction names say so
(`corrected_by`), as far as the corrections are in the history read.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any
from uuid import UUID

from domain.envelope import Actor, BasisDocument
from domain.gradebook_values import MarkValue
from domain.sealed import SealedText
from letopis.ledger import Ledger
from replay.as_of import StreamEvent, meta_of, read_stream, recorded_by
from replay.event_id import event_id

CANCELLATION = "Learner.EntryCancelled"
MARK_RECORDED = "Gradebook.MarkRecorded"
MARK_CORRECTION = "Gradebook.MarkCorrected"

# Fields of every event that the envelope already shows; the rest is the event's data.
_ENVELOPE = {"originator_id", "originator_version", "timestamp", "originator_topic", "meta"}


@dataclass(frozen=True)
class EventRef:
    """Another event of the same stream, by version, event id and type."""

    version: int
    event_id: UUID
    event_type: str


@dataclass(frozen=True)
class Correction:
    """What a correction corrected: the entry (version, event id, type) and, for a mark, which
    mark and the value it had just before this correction."""

    version: int
    event_id: UUID
    event_type: str
    mark_id: UUID | None = None
    previous_value: MarkValue | None = None


@dataclass(frozen=True)
class HistoryEntry:
    event_id: UUID
    stream_id: UUID
    version: int
    event_type: str  # e.g. "Learner.Enrolled"
    actor: Actor
    recorded_at: datetime
    effective_on: date
    basis: BasisDocument | None
    command_id: str
    correlation_id: UUID | None
    causation_id: UUID | None
    source_system: str
    data: dict[str, Any]  # the event's own fields, as plain JSON values
    corrects: Correction | None = None
    corrected_by: tuple[EventRef, ...] = ()  # the corrections that name this entry


def event_type(event: StreamEvent) -> str:
    """The event's type as the catalogue names it: "Learner.Enrolled"."""
    return type(event).__qualname__


def plain(value: Any) -> Any:
    """A JSON-ready copy of an event field: enums by value, dataclasses as dicts, ids as text;
    sealed free text as a placeholder naming its field and learner (its text is revealed only
    through `PersonalDataService.reveal`, logged)."""
    if isinstance(value, SealedText):
        return {"sealed": value.field, "learner_id": str(value.learner_id)}
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def _field(event: StreamEvent, name: str, kind: type[Any]) -> Any:
    value = vars(event).get(name)
    if not isinstance(value, kind):
        raise TypeError(f"{event_type(event)} has no {kind.__name__} field {name!r}")
    return value


def _corrections(events: Sequence[StreamEvent]) -> dict[int, Correction]:
    """Correction version → what it corrected, found by reading the events in order."""
    by_version = {e.originator_version: e for e in events}
    mark_versions: dict[UUID, int] = {}
    mark_values: dict[UUID, MarkValue] = {}
    found: dict[int, Correction] = {}
    for event in events:
        kind = event_type(event)
        stream_id = event.originator_id
        if kind == CANCELLATION:
            target = _field(event, "cancelled_version", int)
            found[event.originator_version] = Correction(
                version=target, event_id=event_id(stream_id, target),
                event_type=event_type(by_version[target]))
        elif kind == MARK_RECORDED:
            mark_id = _field(event, "mark_id", UUID)
            mark_versions[mark_id] = event.originator_version
            mark_values[mark_id] = _field(event, "value", MarkValue)
        elif kind == MARK_CORRECTION:
            mark_id = _field(event, "corrects_mark_id", UUID)
            target = mark_versions[mark_id]
            found[event.originator_version] = Correction(
                version=target, event_id=event_id(stream_id, target),
                event_type=event_type(by_version[target]), mark_id=mark_id,
                previous_value=mark_values[mark_id])
            mark_values[mark_id] = _field(event, "value", MarkValue)
    return found


def history_of(events: Sequence[StreamEvent]) -> list[HistoryEntry]:
    """The history these events tell, in version order (pure: no I/O)."""
    ordered = sorted(events, key=lambda e: e.originator_version)
    corrections = _corrections(ordered)
    corrected_by: dict[int, list[EventRef]] = {}
    for event in ordered:
        correction = corrections.get(event.originator_version)
        if correction is not None:
            corrected_by.setdefault(correction.version, []).append(EventRef(
                event.originator_version, event_id(event.originator_id, event.originator_version),
                event_type(event)))
    entries = []
    for event in ordered:
        meta = meta_of(event)
        version = event.originator_version
        entries.append(HistoryEntry(
            event_id=event_id(event.originator_id, version),
            stream_id=event.originator_id,
            version=version,
            event_type=event_type(event),
            actor=meta.actor,
            recorded_at=meta.recorded_at,
            effective_on=meta.effective_on,
            basis=meta.basis,
            command_id=meta.command_id,
            correlation_id=meta.correlation_id,
            causation_id=meta.causation_id,
            source_system=meta.source_system,
            data={k: plain(v) for k, v in vars(event).items() if k not in _ENVELOPE},
            corrects=corrections.get(version),
            corrected_by=tuple(corrected_by.get(version, ())),
        ))
    return entries


def history(ledger: Ledger, stream_id: UUID,
            as_of: datetime | None = None) -> list[HistoryEntry]:
    """The stream's complete history as recorded by `as_of` (everything when None).

    An unknown stream, or one with nothing recorded by `as_of`, has an empty history.
    """
    return history_of(recorded_by(read_stream(ledger, stream_id), as_of))
