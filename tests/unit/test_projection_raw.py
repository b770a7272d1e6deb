"""Raw events (projections/raw.py): a raw projection's folds read the stored JSON; events of an
older version are upcast through the mapper first, so they fold as their current version."""

from __future__ import annotations

from datetime import date
from typing import Any

import orjson
from eventsourcing.persistence import StoredEvent

from letopis.ledger import Ledger
from projections.financial_registry import FINANCIAL_REGISTRY
from projections.memory import Tables, fold_events
from projections.raw import RawReader, view_of
from tests.unit.test_projection_financial_registry import NUMBER, Funding, events_of, ledger

__all__ = ["ledger"]  # the fixture

CLOSED = "domain.certificate:Certificate.Closed"


def _closed_history(ledger: Ledger) -> list[StoredEvent]:
    funding = Funding(ledger).issue()
    certificates = funding.world.certificates
    certificates.suspend(funding.world.ctx(date(2026, 9, 3)), number=NUMBER, reason="check")
    certificates.resume(funding.world.ctx(date(2026, 9, 4)), number=NUMBER)
    certificates.close(funding.world.ctx(date(2026, 9, 5)), number=NUMBER, reason="moved away")
    return list(ledger.recorder.select_notifications(None, 100_000))


def _as_version_1(stored: StoredEvent) -> StoredEvent:
    """A `Certificate.Closed` as the version-1 code stored it: a plain-text reason, no
    `class_version` key."""
    state: dict[str, Any] = orjson.loads(stored.state)
    assert state.pop("class_version") == 2
    state["reason"] = "moved away"
    return StoredEvent(stored.originator_id, stored.originator_version, stored.topic,
                       orjson.dumps(state))


def _fold(reader: RawReader, stored: list[StoredEvent]) -> Tables:
    return fold_events(FINANCIAL_REGISTRY, [reader.read(event) for event in stored])


def test_an_old_version_is_upcast_and_folds_as_the_current_one(ledger: Ledger) -> None:
    stored = _closed_history(ledger)
    old = [_as_version_1(e) if e.topic == CLOSED else e for e in stored]
    assert sum(e.topic == CLOSED for e in stored) == 1

    reader = RawReader(ledger.mapper)
    current = _fold(reader, stored)
    assert reader.upcast == 0
    upcast = _fold(reader, old)
    assert reader.upcast == 1  # only the old Closed went through the mapper
    assert upcast == current
    assert current["certificates"][str(Funding(ledger).certificate().id)]["status"] == "closed"

    (closed,) = (reader.read(e) for e in old if e.topic == CLOSED)
    assert "class_version" not in closed.state
    assert closed.state["reason"] == "moved away"  # v1 plain text, read as v2 allows


def test_the_engine_view_equals_the_view_of_the_domain_event(ledger: Ledger) -> None:
    stored = _closed_history(ledger)
    reader = RawReader(ledger.mapper)
    for notification, event in zip(stored, events_of(ledger), strict=True):
        raw = reader.read(notification, notification.id)
        assert raw.position == notification.id
        mine = view_of(event)
        assert (mine.topic, mine.originator_id, mine.originator_version, mine.state) == (
            raw.topic, raw.originator_id, raw.originator_version, raw.state)
        assert raw.timestamp == event.timestamp.isoformat()
    assert view_of(raw) is raw  # already a view


def test_an_envelope_nested_deeper_is_parsed_whole(ledger: Ledger) -> None:
    """The shared-envelope shortcut applies only to a `meta` that is the event's last field."""
    (stored,) = (e for e in _closed_history(ledger) if e.topic == CLOSED)
    state: dict[str, Any] = orjson.loads(stored.state)
    nested = {"timestamp": state["timestamp"], "inner": {"x": 1, "meta": state["meta"]}}
    odd = StoredEvent(stored.originator_id, stored.originator_version,
                      "domain.certificate:Certificate.Resumed", orjson.dumps(nested))
    assert odd.state.endswith(b"}}}}")
    assert RawReader(ledger.mapper).read(odd).state == nested
