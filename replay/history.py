"""A stream's history as an auditor reads it: every event with its full envelope."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from enum import Enum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.envelope import Meta
from letopis.ledger import Ledger

_HIDDEN = {"originator_id", "originator_version", "timestamp", "originator_topic", "meta"}


@dataclass(frozen=True)
class HistoryEntry:
    version: int
    event: str
    recorded_at: str
    effective_on: str
    actor: str
    basis: str | None
    command_id: str
    payload: dict[str, Any]


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def stream_history(ledger: Ledger, stream_id: UUID) -> list[HistoryEntry]:
    entries = []
    for event in ledger.events.get(stream_id):
        assert isinstance(event, Aggregate.Event)
        meta = getattr(event, "meta", None)
        assert isinstance(meta, Meta)
        basis = meta.basis
        entries.append(HistoryEntry(
            version=event.originator_version,
            event=type(event).__qualname__,
            recorded_at=meta.recorded_at.isoformat(),
            effective_on=meta.effective_on.isoformat(),
            actor=f"{meta.actor.user_id} ({meta.actor.role.value})",
            basis=f"{basis.kind} № {basis.number} of {basis.dated.isoformat()}" if basis else None,
            command_id=meta.command_id,
            payload={k: _plain(v) for k, v in vars(event).items() if k not in _HIDDEN},
        ))
    return entries


def render_text(entries: list[HistoryEntry]) -> str:
    lines = []
    for e in entries:
        basis = f"  basis: {e.basis}" if e.basis else ""
        lines.append(f"v{e.version:<3} {e.event:<34} effective {e.effective_on}  "
                     f"recorded {e.recorded_at}  by {e.actor}{basis}")
        if e.payload:
            lines.append("      " + json.dumps(e.payload, ensure_ascii=False, sort_keys=True))
    return "\n".join(lines)


def render_json(entries: list[HistoryEntry]) -> str:
    return json.dumps([dataclasses.asdict(e) for e in entries], ensure_ascii=False, indent=2)
