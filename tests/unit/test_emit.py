"""`emit`: an `@event` method's event triggered without the decorator's per-call work must be
the event, the stored bytes and the aggregate state the decorator gives."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

import pytest
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import Mapper

from domain.certificate import Certificate
from domain.certificate_values import ChargeKind, leg
from domain.emit import emit
from letopis.ledger import ledger_transcoder
from tests.factories import make_meta
from tests.funding_builders import CLAIM, CONTRACT, SEP, with_contract


def _charge_fields(certificate: Certificate) -> dict[str, Any]:
    meta = make_meta()
    claimed, _, transfer = certificate.plan_charge(
        contract_id=CONTRACT, month=SEP, kind=ChargeKind.ADVANCE, share_bp=8_000,
        operation_id=leg(CLAIM, f"1/{CONTRACT}/charge"))
    return {"contract_id": CONTRACT, "month": SEP, "kind": ChargeKind.ADVANCE,
            "claim_id": CLAIM, "claimed": claimed, "transfer": transfer, "meta": meta,
            "timestamp": meta.recorded_at}


def test_emit_makes_the_event_the_state_and_the_bytes_the_decorator_makes() -> None:
    base = with_contract()
    base.collect_events()
    fields = _charge_fields(base)
    by_decorator, by_emit = copy.deepcopy(base), copy.deepcopy(base)
    by_decorator._charged(**fields)
    emit(by_emit, Certificate._charged, **fields)
    assert by_emit.pending_events == by_decorator.pending_events
    assert [vars(e) for e in by_emit.pending_events] == \
        [vars(e) for e in by_decorator.pending_events]
    assert list(vars(by_emit.pending_events[0])) == list(vars(by_decorator.pending_events[0]))
    assert by_emit.__dict__ == by_decorator.__dict__
    mapper = Mapper(transcoder=ledger_transcoder())
    assert [mapper.to_stored_event(e) for e in by_emit.collect_events()] == \
        [mapper.to_stored_event(e) for e in by_decorator.collect_events()]


def test_an_emitted_event_replays_to_the_same_aggregate() -> None:
    certificate = with_contract()
    emit(certificate, Certificate._charged, **_charge_fields(certificate))
    replayed = None
    for stored in certificate.collect_events():
        replayed = stored.mutate(replayed)
    assert replayed is not None
    assert replayed.__dict__ == certificate.__dict__


def test_emit_refuses_missing_or_unknown_fields() -> None:
    certificate = with_contract()
    fields = _charge_fields(certificate)
    del fields["claimed"]
    version, pending = certificate.version, len(certificate.pending_events)
    with pytest.raises(TypeError, match="claimed"):
        emit(certificate, Certificate._charged, **fields)
    with pytest.raises(TypeError, match="colour"):
        emit(certificate, Certificate._charged, colour="red", **_charge_fields(certificate))
    assert (certificate.version, len(certificate.pending_events)) == (version, pending)


class _Body(Aggregate):
    @event("Started")
    def __init__(self) -> None:
        self.count = 0

    @event("Bumped")
    def bump(self, by: int, timestamp: datetime | None = None) -> None:
        self.count += by


def test_emit_refuses_a_method_that_is_not_an_event_method() -> None:
    with pytest.raises(TypeError, match="not a method decorated"):
        emit(_Body(), _Body.__init__, timestamp=None)


def test_emit_without_a_timestamp_creates_one_as_the_library_does() -> None:
    aggregate = _Body()
    emit(aggregate, _Body.bump, by=2, timestamp=None)
    assert aggregate.count == 2
    assert aggregate.version == 2
    assert aggregate.pending_events[-1].timestamp == aggregate.modified_on
