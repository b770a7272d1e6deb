"""Stored marks without the aggregate: text templates cut from events the real mapper encoded.

At real scale a region is ~99% `Gradebook.MarkRecorded`; running each through the mark
service costs ~0.5 ms. `MarkTemplates` encodes one sample event (and its command's payload
fingerprint text) with the ledger's own mapper, with sentinel values in the fields that
vary, and cuts it into a format string. Filling it gives byte for byte what the command path
stores: tests/integration/test_demo_files.py compares a generated file with the store the
command path writes for the same plan.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, date, datetime
from uuid import UUID

from domain.envelope import Actor, Meta, Role
from domain.gradebook import Gradebook
from domain.gradebook_values import MarkKind, MarkValue, Period, PeriodKind, Scale
from letopis.ledger import Ledger

MARK_TOPIC = "domain.gradebook:Gradebook.MarkRecorded"
QUARTER = Period(PeriodKind.QUARTER, 1)
_TS = datetime(1999, 1, 2, 3, 4, 5, tzinfo=UTC)
_LESSON = date(1998, 3, 4)
_EFFECTIVE = date(1997, 5, 6)
_MARK = UUID("11111111-2222-3333-4444-555555555555")
_LEARNER = UUID("66666666-7777-8888-9999-aaaaaaaaaaaa")
_SLOTS = {  # slot -> its sentinel as it appears in the encoded text
    "ts": _TS.isoformat(), "mark_hex": _MARK.hex, "mark": str(_MARK),
    "lesson": _LESSON.isoformat(), "effective": _EFFECTIVE.isoformat(),
    "learner": str(_LEARNER), "value": "VALUE_SENTINEL", "user": "USER_SENTINEL",
    "command_id": "COMMAND_SENTINEL", "subject": "SUBJECT_SENTINEL", "year": "YEAR_SENTINEL",
    "source": "SOURCE_SENTINEL",
}


def _cut(text: str) -> str:
    """`text` as a format string: braces escaped, each sentinel replaced by its slot."""
    by_sentinel = {sentinel: slot for slot, sentinel in _SLOTS.items()}
    pattern = re.compile("|".join(re.escape(s) for s in sorted(by_sentinel, key=len,
                                                               reverse=True)))
    out, at = [], 0
    for found in pattern.finditer(text):
        out.append(text[at:found.start()].replace("{", "{{").replace("}", "}}"))
        out.append("{" + by_sentinel[found.group()] + "}")
        at = found.end()
    out.append(text[at:].replace("{", "{{").replace("}", "}}"))
    return "".join(out)


def state_text(value: str) -> str:
    """A string as the stored state's JSON writes it (no ASCII escaping)."""
    return json.dumps(value, ensure_ascii=False)[1:-1]


def payload_text(value: str) -> str:
    """A string as the command fingerprint's JSON writes it (ASCII escaping)."""
    return json.dumps(value)[1:-1]


class MarkTemplates:
    """Format strings for the state and the fingerprint payload of a current or period mark."""

    def __init__(self, ledger: Ledger) -> None:
        self.state: dict[MarkKind, str] = {}
        self.payload: dict[MarkKind, str] = {}
        for kind in (MarkKind.CURRENT, MarkKind.PERIOD):
            current = kind is MarkKind.CURRENT
            value = MarkValue(Scale.FIVE_POINT, _SLOTS["value"])
            meta = Meta(recorded_at=_TS, effective_on=_EFFECTIVE,
                        actor=Actor(user_id=_SLOTS["user"], role=Role.TEACHER),
                        command_id=_SLOTS["command_id"], basis=None, correlation_id=None,
                        causation_id=None, source_system=_SLOTS["source"])
            fields = {"mark_id": _MARK, "kind": kind, "value": value,
                      "lesson_on": _LESSON if current else None,
                      "work_kind": "lesson" if current else None,
                      "period": None if current else QUARTER}
            event = Gradebook.MarkRecorded(  # type: ignore[attr-defined]
                originator_id=_LEARNER, originator_version=2, timestamp=_TS, meta=meta,
                **fields)
            stored = ledger.mapper.to_stored_event(event)
            assert stored.topic == MARK_TOPIC, stored.topic
            self.state[kind] = _cut(stored.state.decode())
            payload = {**fields, "learner_id": _LEARNER, "subject": _SLOTS["subject"],
                       "academic_year": _SLOTS["year"], "kind": kind.value}
            # As Ledger._fingerprint writes it (letopis/ledger.py).
            self.payload[kind] = _cut(json.dumps({"command": "record_mark",
                                                  "payload": payload},
                                                 sort_keys=True, default=str))


def fingerprint(payload: str) -> str:
    return hashlib.sha256(payload.encode()).hexdigest()


def mark_result(stream: str, version: int, payload: str) -> str:
    """The command result the ledger stores for a `record_mark` (letopis/ledger.py)."""
    return ('{"data": {"command": "record_mark", "fingerprint": "' + fingerprint(payload)
            + '"}, "streams": {"' + stream + '": ' + str(version) + "}}")
