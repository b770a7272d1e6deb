"""Random command sequences against a certificate and a claim: the money invariants hold.

Balance and reserves never negative; credited = spent + reserved + free + expired; accounts sum
to zero; no contract-month charged twice; payments never above what was approved; a refused
command changes nothing; replaying the events reproduces every balance exactly.
"""

from __future__ import annotations

import copy
from collections import Counter
from datetime import date
from typing import Any
from uuid import UUID, uuid5

from hypothesis import event
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from domain.certificate import Certificate
from domain.certificate_values import ChargeKind, ReleaseReason
from domain.claim import ClaimLine
from domain.envelope import Actor, Role
from domain.errors import DomainError
from domain.funding_accounts import AccountKind
from domain.money import Unit, months_between
from letopis import snapshots
from tests.factories import make_meta
from tests.funding_builders import PAYER, claim_for, issued

NS = UUID(int=4242)
CONTRACTS = [UUID(int=500 + n) for n in range(3)]
MONTHS = [date(2026, m, 1) for m in range(8, 13)]  # August lies outside every contract
contracts = st.sampled_from(CONTRACTS)
months = st.sampled_from(MONTHS)
kinds = st.sampled_from(ChargeKind)
shares = st.sampled_from([0, 2_500, 8_000, 10_000, 12_000])  # 120% is refused
amounts = st.integers(1, 900_000)


class CertificateMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.cert = issued()
        self.cert.credit_nominal(year=2026, amount=2_000_000, unit=Unit.ROUBLES,
                                 transfer_id=uuid5(NS, "opening"), meta=make_meta())
        self.events: list[Any] = list(self.cert.collect_events())
        self.claim = claim_for(ChargeKind.FINAL, date(2026, 9, 1))
        self.claim.submit(lines=(ClaimLine(CONTRACTS[0], self.cert.id, 500_000, 500_000),),
                          meta=make_meta(effective_on=date(2026, 10, 5)))
        self.claim.approve(meta=make_meta(effective_on=date(2026, 10, 5), actor=Actor(
            user_id="finance-1", role=Role.FINANCE, organisation_id=PAYER)))
        self.claim.collect_events()
        self.steps = 0
        self.snapshots: list[tuple[int, Any]] = []  # (events before it, stored snapshot)

    def attempt(self, name: str, command: Any, aggregate: Any = None) -> None:
        """Run a command; a refusal must leave the aggregate exactly as it was."""
        target = aggregate or self.cert
        before = copy.deepcopy(target)
        self.steps += 1
        try:
            command()
        except DomainError as exc:
            event(f"{name} refused: {exc.code}")
            assert not target.pending_events
            assert target == before
            return
        event(f"{name} done")
        if target is self.cert:
            self.events.extend(self.cert.collect_events())
            self.snapshots.append((len(self.events), snapshots.take(self.cert)))
        else:
            target.collect_events()

    def op(self, name: str) -> UUID:
        return uuid5(NS, f"{self.steps}/{name}")

    @rule(contract=contracts, first=months, length=st.integers(1, 4),
          share=st.sampled_from([100_000, 400_000, 700_000]))
    def request(self, contract: UUID, first: date, length: int, share: int) -> None:
        last = MONTHS[min(MONTHS.index(first) + length - 1, len(MONTHS) - 1)]
        self.attempt("reserve", lambda: self.cert.reserve_for_contract(
            contract_id=contract, months=months_between(first, last), unit=Unit.ROUBLES,
            certificate_share=share, price_per_month=share + 50_000,
            operation_id=self.op("reserve"), meta=make_meta()))

    @rule(contract=contracts, last=st.one_of(st.none(), months))
    def release(self, contract: UUID, last: date | None) -> None:
        reason = ReleaseReason.REFUSED if last is None else ReleaseReason.TERMINATED
        self.attempt("release", lambda: self.cert.release_reserve(
            contract_id=contract, reason=reason, last_month=last,
            operation_id=self.op("release"), meta=make_meta()))

    @rule(contract=contracts, month=months, kind=kinds, share=shares)
    def charge(self, contract: UUID, month: date, kind: ChargeKind, share: int) -> None:
        claim_id = uuid5(NS, f"claim/{self.steps}")
        self.attempt(f"{kind.value} charge", lambda: self.cert.charge(
            contract_id=contract, month=month, kind=kind, share_bp=share, claim_id=claim_id,
            operation_id=self.op("charge"), meta=make_meta()))

    def charged(self, kind: ChargeKind, pick: int) -> tuple[UUID, date, UUID]:
        """One of the live charges of `kind` (contract, month, claim), or a miss."""
        live = sorted((contract, month, entry[0])
                      for contract, funds in self.cert.contracts.items()
                      for month, entry in (funds.advances if kind is ChargeKind.ADVANCE
                                           else funds.finals).items())
        return live[pick % len(live)] if live else (CONTRACTS[0], MONTHS[1], NS)

    @rule(pick=st.integers(0, 20), wrong_month=st.booleans())
    def settle(self, pick: int, wrong_month: bool) -> None:
        contract, month, claim_id = self.charged(ChargeKind.FINAL, pick)
        month = MONTHS[0] if wrong_month else month
        self.attempt("settle", lambda: self.cert.settle_month(
            contract_id=contract, month=month, claim_id=claim_id,
            operation_id=self.op("settle"), meta=make_meta()))

    @rule(pick=st.integers(0, 20), kind=kinds, right_claim=st.booleans())
    def reverse(self, pick: int, kind: ChargeKind, right_claim: bool) -> None:
        contract, month, claim_id = self.charged(kind, pick)
        claim_id = claim_id if right_claim else NS
        self.attempt("reverse", lambda: self.cert.reverse_charge(
            contract_id=contract, month=month, kind=kind, claim_id=claim_id,
            operation_id=self.op("reverse"), meta=make_meta()))

    @precondition(lambda self: self.steps > 25)  # year end comes after most of the year
    @rule(next_year=st.booleans())
    def expire(self, next_year: bool) -> None:
        on = date(2027, 1, 1) if next_year else date(2026, 12, 31)
        self.attempt("expire", lambda: self.cert.expire_year(
            year=2026, transfer_id=self.op("expiry"), meta=make_meta(effective_on=on)))

    @rule(amount=st.one_of(amounts, st.just(0)), reuse=st.booleans())
    def pay(self, amount: int, reuse: bool) -> None:
        payment_id = uuid5(NS, "payment/0" if reuse else f"payment/{self.steps}")
        self.attempt("pay", lambda: self.claim.record_payment(payment_id=payment_id, amount=amount,
                                                       meta=make_meta()), self.claim)

    # Invariants.

    @invariant()
    def no_account_below_its_floor(self) -> None:
        for account, balance in self.cert.accounts.balances().items():
            assert balance <= 0 if account.kind.is_source else balance >= 0, account

    @invariant()
    def every_kopeck_is_accounted_for(self) -> None:
        c = self.cert
        credited = -c.total(AccountKind.NOMINAL)
        assert credited == 2_000_000
        assert credited == sum(c.total(k) for k in (AccountKind.SPENT, AccountKind.RESERVE,
                                                    AccountKind.FREE, AccountKind.EXPIRED))
        assert sum(c.accounts.balances().values()) == 0

    @invariant()
    def no_contract_month_charged_twice(self) -> None:
        live: Counter[tuple[UUID, date, ChargeKind]] = Counter()
        for e in self.events:
            name = type(e).__name__
            if name == "MonthCharged":
                live[(e.contract_id, e.month, e.kind)] += 1
            elif name == "ChargeReversed":
                live[(e.contract_id, e.month, e.kind)] -= 1
        assert all(n in (0, 1) for n in live.values())

    @invariant()
    def payments_never_exceed_approval(self) -> None:
        assert 0 <= self.claim.paid <= self.claim.approved == 500_000

    @invariant()
    def replay_reproduces_every_balance(self) -> None:
        replayed: Certificate | None = None
        for e in self.events:
            replayed = e.mutate(replayed)
        assert replayed is not None
        assert replayed.accounts == self.cert.accounts
        assert replayed.contracts == self.cert.contracts

    @invariant()
    def a_snapshot_and_the_events_after_it_reproduce_the_certificate(self) -> None:
        if not self.snapshots:
            return
        assert snapshots.restore(self.snapshots[-1][1]) == self.cert
        after, stored = self.snapshots[len(self.snapshots) // 2]
        rebuilt: Any = snapshots.restore(stored)
        for e in self.events[after:]:
            rebuilt = e.mutate(rebuilt)
        assert rebuilt == self.cert
        assert rebuilt.version == self.cert.version


TestCertificateMachine = CertificateMachine.TestCase
