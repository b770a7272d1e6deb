"""The claim run split across worker processes (letopis/claim_run.py), on PostgreSQL.

Two workers charging the same certificates (September's and October's advances of the same
contracts) each write their claim; a command that loses the race on a certificate is run again
and nothing is charged twice. What they store is what the library's encoder writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any

import pytest
from eventsourcing.persistence import JSONTranscoder

from domain.certificate import Certificate
from domain.certificate_values import ChargeKind, certificate_id
from letopis.claim_run import ClaimRunFailed, run_claims, run_commands, split
from letopis.clock import FixedClock
from letopis.ledger import CommandContext, ConcurrencyConflict, Ledger
from letopis.services.funding_claims import ClaimRequest, FundingClaimService
from letopis.store import open_store
from tests.conftest import START
from tests.funding_world import FINANCE, FundingWorld
from tests.pg import fresh_schema

MONTHS = (date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1))


@pytest.fixture
def postgres() -> Iterator[tuple[str, str]]:
    with fresh_schema() as found:
        yield found


def _opener(url: str, schema: str) -> Callable[[], tuple[FundingClaimService,
                                                        Callable[[], None]]]:
    def open_service() -> tuple[FundingClaimService, Callable[[], None]]:
        store = open_store(url, schema, pool_size=2)
        return FundingClaimService(Ledger(store, FixedClock(START))), store.close

    return open_service


def test_workers_charging_the_same_certificates_charge_each_month_once(
        postgres: tuple[str, str]) -> None:
    url, schema = postgres
    store = open_store(url, schema)
    try:
        ledger = Ledger(store, FixedClock(START))
        world = FundingWorld(ledger).setup()
        numbers = [world.issue(f"{n:010d}") for n in range(1, 5)]
        contracts = [world.contract(number, f"c{number}") for number in numbers]
        commands = [(world.ctx(date(m.year, m.month, 5), name=f"advance/{m:%m}"),
                     [world.request(ChargeKind.ADVANCE, m, [(c, 0) for c in contracts])])
                    for m in MONTHS]
        before, counted = ledger.store.max_notification_id() or 0, ledger.store.count_events()
        reports = run_claims(_opener(url, schema), commands, workers=2)
        assert [r.commands for r in reports] == [2, 2]
        assert sum(r.events for r in reports) == len(MONTHS) * (len(contracts) + 2)
        for number in numbers:
            certificate = ledger.load(Certificate, certificate_id(number), "certificate")
            funds = next(iter(certificate.contracts.values()))
            assert sorted(funds.advances) == list(MONTHS)
        # Run again: every command id was seen, nothing more is written.
        again = run_claims(_opener(url, schema), commands, workers=2)
        assert sum(r.events for r in again) == sum(r.events for r in reports)
        assert ledger.store.count_events() == counted + sum(r.events for r in reports)
        library = JSONTranscoder()
        ledger.register_transcodings(library)
        for stored in ledger.store.select_notifications(before + 1, 1_000):
            assert library.encode(library.decode(stored.state)) == stored.state
    finally:
        store.close()


def test_a_worker_error_is_raised_by_the_run(postgres: tuple[str, str]) -> None:
    url, schema = postgres
    missing = CommandContext(actor=FINANCE,
                             command_id="advance/none", effective_on=date(2026, 9, 5))
    store = open_store(url, schema)
    try:
        world = FundingWorld(Ledger(store, FixedClock(START))).setup()
        request = world.request(ChargeKind.ADVANCE, MONTHS[0], [(certificate_id("0000000009"),
                                                                 0)])
    finally:
        store.close()
    with pytest.raises(ClaimRunFailed, match="ContractNotFound"):
        run_claims(_opener(url, schema), [(missing, [request]), (missing, [request])],
                   workers=2)


class _Flaky:
    """A service whose first submission loses a race (as a stale read would)."""

    def __init__(self) -> None:
        self.calls = 0

    def submit_many(self, context: CommandContext, requests: Sequence[ClaimRequest]) -> Any:
        self.calls += 1
        if self.calls == 1:
            raise ConcurrencyConflict("stale")
        return type("Outcome", (), {"positions": (1, 2)})()


def test_a_command_that_lost_a_race_is_run_again() -> None:
    service = _Flaky()
    context = CommandContext(actor=FINANCE,
                             command_id="x", effective_on=date(2026, 9, 5))
    report = run_commands(service, [(context, [])])  # type: ignore[arg-type]
    assert (report.commands, report.events, report.retries, service.calls) == (1, 2, 1, 2)


def test_split_keeps_order_and_sizes() -> None:
    assert split(list(range(5)), 2) == [[0, 1, 2], [3, 4]]  # type: ignore[arg-type]
    assert split(list(range(1)), 4) == [[0]]  # type: ignore[arg-type]
