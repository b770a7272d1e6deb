"""`financial_registry` in the stored engine on SQLite and PostgreSQL: live incremental catch-ups
over small pages equal the in-memory fold of the same stream, a rebuild, and `verify`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from uuid import UUID, uuid5

import pytest

from domain.certificate_values import CertificateKind, ChargeKind
from letopis.ledger import Ledger
from projections.base import Event
from projections.engine import Engine
from projections.financial_registry import FINANCIAL_REGISTRY, provider_month_key
from projections.memory import Tables, fold_events
from projections.runner import build_engine
from tests.funding_builders import PROVIDER
from tests.funding_world import MUNICIPALITY, NS, FundingWorld

NAME = FINANCIAL_REGISTRY.name
SEP, OCT = date(2026, 9, 1), date(2026, 10, 1)
NUMBERS = ("0000003001", "0000003002", "0000003003")


@pytest.fixture
def engine(ledger: Ledger, store_url: tuple[str, str]) -> Iterator[Engine]:
    url, schema = store_url
    built, close = build_engine(ledger, url, schema, page_size=7)
    yield built
    close()


def all_events(ledger: Ledger) -> list[Event]:
    return [ledger.mapper.to_domain_event(n)
            for n in ledger.recorder.select_notifications(None, 100_000)]


def stored(engine: Engine) -> Tables:
    return {table: dict(engine.store.scan(NAME, table)) for table in FINANCIAL_REGISTRY.tables}


def first_half(world: FundingWorld) -> list[UUID]:
    contracts = []
    for number in NUMBERS:
        learner = uuid5(NS, f"learner/{number}")
        world.learners.register(world.ctx(date(2026, 1, 1)), learner)
        world.certificates.issue(world.ctx(date(2026, 1, 1)), number=number,
                                 learner_id=learner, kind=CertificateKind.FUNDING,
                                 municipality=MUNICIPALITY, year=2026)
        contracts.append(world.contract(number, f"robotics/{number}"))
    world.claims.submit(world.ctx(date(2026, 9, 2)), world.request(
        ChargeKind.ADVANCE, SEP, [(c, 0) for c in contracts]))
    return contracts


def second_half(world: FundingWorld, contracts: list[UUID]) -> None:
    advance = world.claim_id(ChargeKind.ADVANCE, SEP)
    world.claims.approve(world.ctx(date(2026, 9, 3)), advance)
    world.claims.record_payment(world.ctx(date(2026, 9, 10)), payment_id=UUID(int=9101),
                                claim_id=advance, order=world.order("201", 500_000))
    world.certificates.terminate_contract(world.ctx(date(2026, 9, 20)), contracts[2], "moved")
    world.claims.submit(world.ctx(date(2026, 10, 5)), world.request(
        ChargeKind.FINAL, SEP, [(contracts[0], 10_000), (contracts[1], 8_000)]))
    world.claims.reject(world.ctx(date(2026, 10, 6)), world.claim_id(ChargeKind.FINAL, SEP),
                        "attendance sheet missing")
    world.claims.submit(world.ctx(date(2026, 10, 7)), world.request(
        ChargeKind.FINAL, SEP, [(contracts[0], 10_000), (contracts[1], 7_500),
                                (contracts[2], 10_000)]))
    world.claims.approve(world.ctx(date(2026, 10, 8)), world.claim_id(ChargeKind.FINAL, SEP))
    world.certificates.close(world.ctx(date(2026, 10, 9)), number=NUMBERS[2], reason="moved")


def test_stored_engine_equals_the_memory_fold_live_and_rebuilt(ledger: Ledger,
                                                               engine: Engine) -> None:
    world = FundingWorld(ledger).setup()
    contracts = first_half(world)
    assert engine.catch_up(FINANCIAL_REGISTRY) > 0
    assert stored(engine) == fold_events(FINANCIAL_REGISTRY, all_events(ledger))

    second_half(world, contracts)  # more events after the first catch-up: incremental
    engine.catch_up(FINANCIAL_REGISTRY)
    expected = fold_events(FINANCIAL_REGISTRY, all_events(ledger))
    live = stored(engine)
    assert live == expected
    assert {t: len(rows) for t, rows in live.items()} == {
        "groups": 1, "certificates": 3, "contracts": 3, "claims": 2, "payments": 1,
        "provider_months": 1, "municipality_months": 3}
    september = live["provider_months"][provider_month_key(str(PROVIDER), "2026-09")]
    assert september["advance"] == {"submitted": 0, "approved": 960_000, "paid": 500_000,
                                    "unpaid": 460_000, "rejected": 0}
    # 100%, 75% and 100% delivered, each net of its 80% advance
    assert september["final"]["approved"] == 80_000 - 20_000 + 80_000
    for number in NUMBERS:
        certificate = world.certificates.certificate(number)
        row = live["certificates"][str(certificate.id)]
        assert row["accounts"] == {str(a): b for a, b in certificate.accounts.balances().items()}

    engine.rebuild(FINANCIAL_REGISTRY)
    assert stored(engine) == expected
    assert engine.verify(FINANCIAL_REGISTRY).ok
    state = engine.store.state(NAME)
    assert state is not None
    assert (state.generation, state.state) == (2, "running")
    assert state.position == ledger.recorder.max_notification_id()
