"""Random funding histories, run through the real services (refused commands included), folded
into `financial_registry`: every row agrees with its aggregate, the sums agree with the rows they
sum, and folding in two chunks with a JSON round trip between equals folding at once."""

from __future__ import annotations

import json
import tempfile
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID, uuid5

from hypothesis import event as hypothesis_event
from hypothesis import given
from hypothesis import strategies as st

from domain.certificate_values import ChargeKind
from domain.errors import DomainError
from letopis.clock import FixedClock
from letopis.ledger import Ledger
from letopis.store import init_store, open_store
from projections.financial_registry import (
    BALANCES,
    FINANCIAL_REGISTRY,
    SUMS,
    municipality_month_key,
)
from projections.memory import fold_events
from tests.conftest import START
from tests.funding_world import MUNICIPALITY, NS
from tests.projection_checks import strict_fold
from tests.unit.test_projection_financial_registry import (
    NUMBER,
    OTHER,
    Funding,
    assert_matches_aggregates,
    events_of,
)

MONTHS = [date(2026, m, 1) for m in (9, 10, 11, 12)]
NAMES = ["a", "b", "c"]
kinds = st.sampled_from([ChargeKind.ADVANCE, ChargeKind.FINAL])
month_ix = st.integers(0, len(MONTHS) - 1)
command = st.one_of(
    st.tuples(st.just("contract"), st.sampled_from([NUMBER, OTHER]), st.sampled_from(NAMES),
              month_ix, st.booleans()),
    st.tuples(st.just("submit"), kinds, month_ix,
              st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(
                  [5_000, 8_000, 10_000])), min_size=1, max_size=3)),
    st.tuples(st.just("approve"), st.integers(0, 5)),
    st.tuples(st.just("reject"), st.integers(0, 5)),
    st.tuples(st.just("pay"), st.integers(0, 5), st.integers(1, 400_000)),
    st.tuples(st.just("terminate"), st.sampled_from(NAMES), month_ix),
    st.tuples(st.just("refuse"), st.sampled_from(NAMES)),
    st.tuples(st.just("expire"), st.sampled_from([NUMBER, OTHER])),
    st.tuples(st.just("close"), st.sampled_from([NUMBER, OTHER])),
)


def run(funding: Funding, step: int, cmd: tuple[Any, ...], claims: list[UUID]) -> None:
    """Run one command; `claims` lists the claims submitted so far (most recent last), which
    approvals, rejections and payments pick from (counting back from the last)."""
    world = funding.world

    def claim(pick: int) -> UUID:
        return claims[-1 - pick % len(claims)] if claims else UUID(int=0)

    contract_of = {name: uuid5(NS, f"contract/{name}") for name in NAMES}
    match cmd:
        case ("contract", number, name, first, activate):
            world.contract(number, name, first=MONTHS[first], activate=activate)
        case ("submit", kind, m, lines):
            on = MONTHS[m].replace(day=10) if kind is ChargeKind.ADVANCE \
                else date(2027, 1, 5) if m == 3 else MONTHS[m + 1].replace(day=5)
            contracts = {contract_of[name]: share for name, share in lines}
            world.claims.submit(world.ctx(on), world.request(kind, MONTHS[m],
                                                             list(contracts.items())))
            claims.append(world.claim_id(kind, MONTHS[m]))
        case ("approve", pick):
            world.claims.approve(world.ctx(), claim(pick))
        case ("reject", pick):
            world.claims.reject(world.ctx(), claim(pick), "no sheet")
        case ("pay", pick, amount):
            world.claims.record_payment(world.ctx(), payment_id=UUID(int=90_000 + step),
                                        claim_id=claim(pick), order=world.order(f"p{step}",
                                                                                amount))
        case ("terminate", name, m):
            world.certificates.terminate_contract(world.ctx(MONTHS[m].replace(day=15)),
                                                  contract_of[name], "moved")
        case ("refuse", name):
            world.certificates.refuse_contract(world.ctx(), contract_of[name], "no places")
        case ("expire", number):
            world.certificates.expire_year(world.ctx(date(2027, 1, 1)), number=number,
                                           year=2026)
        case ("close", number):
            world.certificates.close(world.ctx(), number=number, reason="moved")


@given(st.lists(command, max_size=25), st.integers(0, 1_000))
def test_random_funding_histories_fold_into_rows_the_aggregates_agree_with(
        commands: list[tuple[Any, ...]], cut: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'letopis.sqlite'}"
        init_store(url)
        recorder = open_store(url, "letopis")
        try:
            funding = Funding(Ledger(recorder, FixedClock(START))).issue().issue(OTHER)
            claims: list[UUID] = []
            run(funding, -1, ("contract", NUMBER, "a", 0, True), claims)  # claims can succeed
            run(funding, -2, ("contract", OTHER, "b", 1, True), claims)
            for step, cmd in enumerate(commands):
                try:
                    run(funding, step, cmd, claims)
                    hypothesis_event(f"{cmd[0]}: done")
                except DomainError:
                    hypothesis_event(f"{cmd[0]}: refused")  # writes nothing
            events = events_of(funding.ledger)
            tables = strict_fold(FINANCIAL_REGISTRY, events)
            assert_matches_aggregates(funding, tables)
        finally:
            recorder.close()

    # A restart from stored rows: the first chunk's tables read back from JSON.
    cut %= len(events) + 1
    first = json.loads(json.dumps(fold_events(FINANCIAL_REGISTRY, events[:cut])))
    assert strict_fold(FINANCIAL_REGISTRY, events[cut:], first) == tables

    for certificate in tables["certificates"].values():
        for total in certificate["totals"].values():
            assert total["credited"] == sum(total[b] for b in BALANCES[1:5])
    for row in tables["provider_months"].values():
        claims = [tables["claims"][c] for c in row["claims"]]
        assert row["total"]["approved"] == sum(c["approved"] for c in claims)
        assert row["total"]["paid"] == sum(c["paid"] for c in claims)
        assert set(row["total"]) == set(SUMS)
    charged = sum(c["accounts"].get(f"spent:{k}", 0) for c in tables["certificates"].values()
                  for k in c["contract_years"])
    booked = sum(y["charge"] - y["reversal"] - y["recovery"]
                 for key, row in tables["municipality_months"].items()
                 if key.startswith(municipality_month_key(MUNICIPALITY, ""))
                 for y in row["years"].values())
    assert charged == booked
