"""The certificate: number, kind, nominal as an opening entry, reserves, charges, expiry."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import pytest

from domain.certificate import CLOSURE_REASON, SUSPENSION_REASON, Certificate
from domain.certificate_values import (
    CertificateClosed,
    CertificateKind,
    CertificateSuspended,
    ChargeKind,
    ChargeNotFound,
    ContractAlreadyFunded,
    ContractNotFunded,
    HasLiveContracts,
    InvalidCertificateNumber,
    MonthAlreadyCharged,
    MonthAlreadySettled,
    MonthAmount,
    MonthOutsideContract,
    NoFreeBalance,
    NotIdleLongEnough,
    ReleaseReason,
    UnitMismatch,
    WrongCertificateKind,
    YearAlreadyExpired,
    YearAlreadyFunded,
    YearNotFunded,
    YearNotOver,
    certificate_id,
    leg,
)
from domain.errors import InvalidInput
from domain.funding_accounts import Account, AccountKind, TransferIdReused
from domain.money import MoneyMustBeInteger, Unit
from tests.factories import make_meta, sealed
from tests.funding_builders import (
    CLAIM,
    CONTRACT,
    DEC,
    LEARNER,
    NOMINAL,
    NOV,
    NUMBER,
    OCT,
    OTHER_CONTRACT,
    PRICE,
    SEP,
    SHARE,
    accounted,
    charge,
    credited,
    funded,
    issued,
    reserve,
    settle,
    with_contract,
)
from tests.gwt import given

C = Certificate
NEXT_YEAR = make_meta(effective_on=date(2027, 1, 1))


def ev(name: str) -> Any:
    return getattr(C, name)


def balanced(c: Certificate) -> bool:
    return credited(c) == accounted(c) and sum(c.accounts.balances().values()) == 0


# Issue.

def test_issue_keeps_the_number_as_a_string_and_derives_the_stream_id() -> None:
    outcome = given().when(lambda _: issued()).then(ev("Issued"))
    assert outcome.aggregate.number == "0012345678"
    assert outcome.aggregate.id == certificate_id("0012345678") != certificate_id("0000000001")


@pytest.mark.parametrize("number", ["12345678", "001234567X", "00123456789", 12345678,
                                    "１２３４５６７８９０"])  # full-width digits are not ASCII
def test_malformed_numbers_are_refused(number: object) -> None:
    given().when(lambda _: C.issue(number=number, learner_id=LEARNER,  # type: ignore[arg-type]
                                   kind=CertificateKind.FUNDING, municipality="Орск",
                                   meta=make_meta())).then_raises(InvalidCertificateNumber)


# The nominal: an explicit opening entry per year.

def test_the_nominal_is_credited_as_an_opening_entry() -> None:
    outcome = given(issued).when(lambda c: c.credit_nominal(
        year=2026, amount=NOMINAL, unit=Unit.ROUBLES, transfer_id=UUID(int=1),
        meta=make_meta())).then(ev("NominalCredited"), state=lambda c: c.free(2026) == NOMINAL)
    assert outcome.event().transfer.debit == Account(AccountKind.NOMINAL, "2026")
    assert balanced(outcome.aggregate)


def test_a_year_is_funded_once() -> None:
    given(funded).when(lambda c: c.credit_nominal(
        year=2026, amount=1, unit=Unit.ROUBLES, transfer_id=UUID(int=99),
        meta=make_meta())).then_raises(YearAlreadyFunded)


def test_a_float_nominal_is_refused() -> None:
    given(issued).when(lambda c: c.credit_nominal(
        year=2026, amount=30000.0, unit=Unit.ROUBLES, transfer_id=UUID(int=1),
        meta=make_meta())).then_raises(MoneyMustBeInteger)


# Reserves.

def test_a_contract_reserves_min_of_price_normative_and_balance() -> None:
    outcome = given(funded).when(lambda c: reserve(c, CONTRACT, SEP, DEC)).then(
        ev("ContractReserved"), state=lambda c: c.reserve(CONTRACT) == 4 * SHARE)
    assert outcome.aggregate.free(2026) == NOMINAL - 4 * SHARE
    copayment = outcome.event().transfers[1]
    assert copayment.amount == 4 * (PRICE - SHARE)  # parents pay the rest
    assert balanced(outcome.aggregate)


def test_a_short_balance_reserves_what_there_is_and_parents_pay_more() -> None:
    outcome = given(lambda: funded(nominal=500_000)).when(
        lambda c: reserve(c, CONTRACT, SEP, OCT)).then(ev("ContractReserved"))
    assert outcome.event().schedule == (MonthAmount(SEP, SHARE), MonthAmount(OCT, 100_000))
    assert outcome.aggregate.free(2026) == 0
    assert outcome.event().transfers[1].amount == 2 * PRICE - 500_000


def test_no_free_balance_no_reserve() -> None:
    def spent() -> Certificate:
        c = funded(nominal=SHARE)
        reserve(c, CONTRACT, SEP, SEP)
        return c
    given(spent).when(lambda c: reserve(c, OTHER_CONTRACT)).then_raises(NoFreeBalance)


def test_reserve_needs_a_funded_year_in_the_programme_unit() -> None:
    given(issued).when(lambda c: reserve(c, CONTRACT)).then_raises(YearNotFunded)
    given(funded).when(lambda c: c.reserve_for_contract(
        contract_id=CONTRACT, months=(SEP,), unit=Unit.HOURS, certificate_share=SHARE,
        price_per_month=PRICE, operation_id=CONTRACT, meta=make_meta())).then_raises(UnitMismatch)


def test_a_contract_is_reserved_once() -> None:
    given(with_contract).when(lambda c: reserve(c, CONTRACT)).then_raises(ContractAlreadyFunded)


def test_accounting_and_suspended_certificates_cannot_reserve() -> None:
    def accounting() -> Certificate:
        c = funded()
        c.convert(kind=CertificateKind.ACCOUNTING, reason="test", meta=make_meta())
        return c

    def suspended() -> Certificate:
        c = funded()
        c.suspend(reason=sealed(c.learner_id, SUSPENSION_REASON, "documents checked"),
                  meta=make_meta())
        return c
    given(accounting).when(lambda c: reserve(c, CONTRACT)).then_raises(WrongCertificateKind)
    given(suspended).when(lambda c: reserve(c, CONTRACT)).then_raises(CertificateSuspended)


def test_refusal_releases_the_whole_reserve() -> None:
    given(with_contract).when(lambda c: c.release_reserve(
        contract_id=CONTRACT, reason=ReleaseReason.REFUSED, last_month=None,
        operation_id=UUID(int=5), meta=make_meta())).then(
        ev("ReserveReleased"), state=lambda c: c.free(2026) == NOMINAL and c.reserve(CONTRACT) == 0)


def test_termination_releases_the_months_after_it() -> None:
    outcome = given(with_contract).when(lambda c: c.release_reserve(
        contract_id=CONTRACT, reason=ReleaseReason.TERMINATED, last_month=OCT,
        operation_id=UUID(int=5), meta=make_meta())).then(ev("ReserveReleased"))
    assert outcome.aggregate.reserve(CONTRACT) == 2 * SHARE
    given(outcome.aggregate).when(lambda c: charge(c, NOV, ChargeKind.ADVANCE)).then_raises(
        MonthOutsideContract)


def test_termination_cannot_drop_a_charged_month() -> None:
    def charged() -> Certificate:
        c = with_contract()
        charge(c, NOV, ChargeKind.ADVANCE)
        return c
    given(charged).when(lambda c: c.release_reserve(
        contract_id=CONTRACT, reason=ReleaseReason.TERMINATED, last_month=OCT,
        operation_id=UUID(int=5), meta=make_meta())).then_raises(MonthAlreadyCharged)


# Charges.

def test_an_advance_charges_its_share_of_the_month() -> None:
    outcome = given(with_contract).when(lambda c: charge(c, SEP, ChargeKind.ADVANCE)).then(
        ev("MonthCharged"))
    assert outcome.event().transfer.amount == 320_000
    assert outcome.aggregate.total(AccountKind.SPENT) == 320_000
    assert balanced(outcome.aggregate)


def test_a_contract_month_is_charged_once() -> None:
    def advanced() -> Certificate:
        c = with_contract()
        charge(c, SEP, ChargeKind.ADVANCE)
        return c
    given(advanced).when(lambda c: charge(c, SEP, ChargeKind.ADVANCE, claim_id=UUID(int=1))
                         ).then_raises(MonthAlreadyCharged)


def test_a_claim_for_a_month_outside_the_contract_is_refused() -> None:
    given(with_contract).when(lambda c: charge(c, date(2026, 8, 1), ChargeKind.FINAL)
                              ).then_raises(MonthOutsideContract)
    given(with_contract).when(lambda c: charge(c, SEP, ChargeKind.FINAL,
                                               contract_id=OTHER_CONTRACT)
                              ).then_raises(ContractNotFunded)


def test_final_invoice_nets_off_the_advance_and_settlement_returns_the_shortfall() -> None:
    c = with_contract()
    charge(c, SEP, ChargeKind.ADVANCE)  # 3 200.00
    claimed = charge(c, SEP, ChargeKind.FINAL, share_bp=9_000, claim_id=UUID(int=2))
    assert claimed == 360_000  # 90% delivered
    assert c.total(AccountKind.SPENT) == 360_000
    c.collect_events()
    given(c).when(lambda c: settle(c, SEP, claim_id=UUID(int=2))).then(
        ev("MonthSettled"), state=lambda c: c.free(2026) == NOMINAL - 4 * SHARE + 40_000)
    assert c.reserve(CONTRACT) == 3 * SHARE
    assert balanced(c)
    given(c).when(lambda c: settle(c, SEP, claim_id=UUID(int=2))).then_raises(MonthAlreadySettled)


def test_an_advance_above_what_was_delivered_is_recovered() -> None:
    c = with_contract()
    charge(c, SEP, ChargeKind.ADVANCE)  # 80%
    charge(c, SEP, ChargeKind.FINAL, share_bp=5_000, claim_id=UUID(int=2))  # 50% delivered
    settle(c, SEP, claim_id=UUID(int=2))
    assert c.total(AccountKind.SPENT) == 200_000
    assert c.free(2026) == NOMINAL - 4 * SHARE + 200_000
    assert balanced(c)


def test_a_rejected_charge_returns_to_the_reserve_and_the_month_can_be_claimed_again() -> None:
    c = with_contract()
    charge(c, SEP, ChargeKind.ADVANCE)
    c.collect_events()
    given(c).when(lambda c: c.reverse_charge(
        contract_id=CONTRACT, month=SEP, kind=ChargeKind.ADVANCE, claim_id=CLAIM,
        operation_id=UUID(int=8), meta=make_meta())).then(
        ev("ChargeReversed"), state=lambda c: c.reserve(CONTRACT) == 4 * SHARE)
    charge(c, SEP, ChargeKind.ADVANCE, revision=2)
    assert c.total(AccountKind.SPENT) == 320_000


def test_only_the_charging_claim_can_reverse_a_charge() -> None:
    def advanced() -> Certificate:
        c = with_contract()
        charge(c, SEP, ChargeKind.ADVANCE)
        return c
    given(advanced).when(lambda c: c.reverse_charge(
        contract_id=CONTRACT, month=SEP, kind=ChargeKind.ADVANCE, claim_id=UUID(int=404),
        operation_id=UUID(int=8), meta=make_meta())).then_raises(ChargeNotFound)


# Year end.

def test_unused_money_expires_at_year_end_as_an_explicit_event() -> None:
    outcome = given(with_contract).when(lambda c: c.expire_year(
        year=2026, transfer_id=UUID(int=9), meta=NEXT_YEAR)).then(ev("YearExpired"))
    c = outcome.aggregate
    assert c.free(2026) == 0
    assert c.total(AccountKind.EXPIRED) == NOMINAL - 4 * SHARE
    assert balanced(c)


def test_expiry_waits_for_the_year_to_end_and_happens_once() -> None:
    given(funded).when(lambda c: c.expire_year(year=2026, transfer_id=UUID(int=9),
                                               meta=make_meta())).then_raises(YearNotOver)
    c = funded()
    c.expire_year(year=2026, transfer_id=UUID(int=9), meta=NEXT_YEAR)
    given(c).when(lambda c: c.expire_year(year=2026, transfer_id=UUID(int=10),
                                          meta=NEXT_YEAR)).then_raises(YearAlreadyExpired)


def test_money_returning_after_expiry_expires_too() -> None:
    c = with_contract()
    charge(c, DEC, ChargeKind.FINAL, share_bp=5_000)
    c.expire_year(year=2026, transfer_id=UUID(int=9), meta=NEXT_YEAR)
    settle(c, DEC)  # December's undelivered half comes back in January
    assert c.free(2026) == 0
    assert c.total(AccountKind.EXPIRED) == NOMINAL - 4 * SHARE + SHARE // 2
    assert balanced(c)


# Kind, suspension, closure.

def test_funding_reverts_to_accounting_only_after_the_idle_days() -> None:
    given(funded).when(lambda c: c.revert_if_idle(
        idle_days=30, meta=make_meta(effective_on=date(2026, 9, 20)))).then_raises(
        NotIdleLongEnough)
    given(funded).when(lambda c: c.revert_if_idle(
        idle_days=30, meta=make_meta(effective_on=date(2026, 10, 1)))).then(
        ev("KindChanged"), state=lambda c: c.kind is CertificateKind.ACCOUNTING)
    given(with_contract).when(lambda c: c.revert_if_idle(
        idle_days=1, meta=make_meta(effective_on=date(2026, 12, 1)))).then_raises(
        HasLiveContracts)


def test_closure_expires_the_free_balance_and_needs_no_live_reserves() -> None:
    moved = sealed(LEARNER, CLOSURE_REASON, "moved away")
    given(with_contract).when(lambda c: c.close(reason=moved, operation_id=UUID(int=3),
                                                meta=make_meta())).then_raises(HasLiveContracts)
    outcome = given(funded).when(lambda c: c.close(
        reason=moved, operation_id=UUID(int=3), meta=make_meta())).then(ev("Closed"))
    assert outcome.aggregate.total(AccountKind.EXPIRED) == NOMINAL
    assert outcome.event().reason == moved
    given(outcome.aggregate).when(lambda c: c.suspend(
        reason=sealed(LEARNER, SUSPENSION_REASON), meta=make_meta())).then_raises(
        CertificateClosed)


def test_suspension_and_closure_reasons_must_be_sealed_for_the_holder() -> None:
    for bad in ("moved away", sealed(UUID(int=999), CLOSURE_REASON),
                sealed(LEARNER, SUSPENSION_REASON)):
        given(funded).when(lambda c, bad=bad: c.close(
            reason=bad, operation_id=UUID(int=3), meta=make_meta())).then_raises(InvalidInput)
    for bad in ("documents checked", sealed(UUID(int=999), SUSPENSION_REASON)):
        given(funded).when(lambda c, bad=bad: c.suspend(reason=bad, meta=make_meta())
                           ).then_raises(InvalidInput)


def test_a_transfer_id_is_never_applied_twice() -> None:
    reused = leg(certificate_id(NUMBER), "opening/2026")  # the id `funded` used for 2026
    given(funded).when(lambda c: c.credit_nominal(
        year=2027, amount=NOMINAL, unit=Unit.ROUBLES, transfer_id=reused,
        meta=make_meta())).then_raises(TransferIdReused)
    given(funded).when(lambda c: c.credit_nominal(
        year=2027, amount=NOMINAL, unit=Unit.ROUBLES, transfer_id=UUID(int=1),
        meta=make_meta())).then(ev("NominalCredited"), state=lambda c: c.free(2027) == NOMINAL)


def test_only_the_invoicing_claim_settles_a_month() -> None:
    def invoiced() -> Certificate:
        c = with_contract()
        charge(c, SEP, ChargeKind.FINAL, share_bp=9_000)
        return c
    given(invoiced).when(lambda c: settle(c, SEP, claim_id=UUID(int=404))).then_raises(
        ChargeNotFound)
