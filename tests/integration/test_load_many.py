"""Reading many streams at once (`select_streams`, `Ledger.load_many`), on SQLite and PostgreSQL.

Many aggregates read in one query must be the same aggregates the one-stream reader rebuilds,
and their versions must still guard the save.
"""

from __future__ import annotations

from uuid import UUID

import pytest

from domain.envelope import Meta
from domain.organisation import Organisation
from letopis.ledger import ConcurrencyConflict, Ledger
from letopis.services.organisations import OrganisationService
from letopis.store import LedgerRecorder
from tests.integration.test_organisations import DETAILS, ctx

IDS = [UUID(int=n) for n in range(1, 8)]
UNKNOWN = UUID(int=999)


def _region(ledger: Ledger) -> OrganisationService:
    service = OrganisationService(ledger)
    for n, org in enumerate(IDS):
        service.register(ctx(f"register/{n}"), org, DETAILS)
        if n % 2:
            service.close(ctx(f"close/{n}"), org, reason="reorganised")
    return service


def test_select_streams_returns_each_stream_in_version_order(
        ledger: Ledger, store: LedgerRecorder) -> None:
    _region(ledger)
    found = store.select_streams([*reversed(IDS), UNKNOWN, IDS[0]])
    assert set(found) == set(IDS)
    for org in IDS:
        assert found[org] == list(store.select_events(org))
        assert [e.originator_version for e in found[org]] == list(
            range(1, len(found[org]) + 1))
    assert store.select_streams([]) == {}


def test_load_many_equals_loading_one_by_one(ledger: Ledger) -> None:
    _region(ledger)
    many = ledger.load_many([*IDS, UNKNOWN])
    assert set(many) == set(IDS)
    for org in IDS:
        one = ledger.load(Organisation, org, "organisation")
        assert type(many[org]) is Organisation
        assert vars(many[org]) == vars(one)


def test_an_aggregate_loaded_in_bulk_still_detects_a_concurrent_change(ledger: Ledger) -> None:
    service = _region(ledger)
    stale = ledger.load_many([IDS[0]])[IDS[0]]
    assert isinstance(stale, Organisation)
    service.close(ctx("close/first"), IDS[0], reason="merged")
    with pytest.raises(ConcurrencyConflict):
        ledger.execute(ctx("close/stale"), "close", {"id": str(IDS[0])},
                       lambda meta: [_closed(stale, meta)])


def _closed(organisation: Organisation, meta: Meta) -> Organisation:
    organisation.close(reason="stale copy", meta=meta)
    return organisation
