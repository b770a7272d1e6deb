"""Claims: one live claim per kind × payer × provider × month; payments never above approval."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.calendar_ru import RUSSIA
from domain.certificate_values import ChargeKind
from domain.claim import (
    Claim,
    ClaimLine,
    ClaimRules,
    ClaimStatus,
    ClaimTooEarly,
    ContractTwiceInClaim,
    EmptyClaim,
    LiveClaimExists,
    NegativeClaimTotal,
    NotTheAuthorisedOrganisation,
    PaymentAlreadyRecorded,
    PaymentExceedsApproved,
    WrongClaimStatus,
)
from domain.envelope import Actor, Role
from domain.money import MoneyMustBeInteger
from tests.factories import make_meta
from tests.funding_builders import CONTRACT, OCT, OTHER_CONTRACT, PAYER, PROVIDER, SEP, claim_for
from tests.gwt import given

CERT = UUID(int=9)
LINE = ClaimLine(CONTRACT, CERT, 360_000, 40_000)
PAYER_FINANCE = Actor(user_id="finance-1", role=Role.FINANCE, organisation_id=PAYER)
OCTOBER_5 = make_meta(effective_on=date(2026, 10, 5), actor=PAYER_FINANCE)
RULES = ClaimRules()


def submitted(kind: ChargeKind = ChargeKind.FINAL) -> Claim:
    claim = claim_for(kind, SEP)
    claim.submit(lines=(LINE,), meta=OCTOBER_5)
    return claim


def approved() -> Claim:
    claim = submitted()
    claim.approve(meta=OCTOBER_5)
    return claim


def test_claim_stream_is_one_per_kind_payer_provider_month() -> None:
    assert claim_for(ChargeKind.FINAL, SEP).id == Claim.stream_id(ChargeKind.FINAL, PAYER,
                                                                  PROVIDER, SEP)
    assert Claim.stream_id(ChargeKind.FINAL, PAYER, PROVIDER, SEP) != Claim.stream_id(
        ChargeKind.ADVANCE, PAYER, PROVIDER, SEP)


def test_a_second_live_final_invoice_is_refused() -> None:
    given(submitted).when(lambda c: c.require_can_submit(RULES, [OTHER_CONTRACT], OCTOBER_5)
                          ).then_raises(LiveClaimExists)
    given(approved).when(lambda c: c.require_can_submit(RULES, [OTHER_CONTRACT], OCTOBER_5)
                         ).then_raises(LiveClaimExists)


def test_a_rejected_claim_may_be_submitted_again_as_a_new_revision() -> None:
    claim = submitted()
    claim.reject(reason="wrong attendance", meta=OCTOBER_5)
    assert claim.require_can_submit(RULES, [CONTRACT], OCTOBER_5) == 2
    given(claim).when(lambda c: c.submit(lines=(LINE,), meta=OCTOBER_5)).then(
        Claim.Submitted, state=lambda c: c.revision == 2)


def test_a_contract_appears_once_and_a_claim_is_not_empty() -> None:
    given(lambda: claim_for(ChargeKind.FINAL, SEP)).when(
        lambda c: c.submit(lines=(LINE, LINE), meta=OCTOBER_5)).then_raises(ContractTwiceInClaim)
    given(lambda: claim_for(ChargeKind.FINAL, SEP)).when(
        lambda c: c.require_can_submit(RULES, [], OCTOBER_5)).then_raises(EmptyClaim)


def test_final_invoices_wait_for_the_month_to_end_and_advances_for_the_working_day() -> None:
    given(lambda: claim_for(ChargeKind.FINAL, OCT)).when(
        lambda c: c.require_can_submit(RULES, [CONTRACT], OCTOBER_5)).then_raises(ClaimTooEarly)
    given(lambda: claim_for(ChargeKind.ADVANCE, SEP)).when(
        lambda c: c.require_can_submit(RULES, [CONTRACT], make_meta(
            effective_on=date(2026, 9, 1)))).then_raises(ClaimTooEarly, match="2026-09-02")
    assert claim_for(ChargeKind.ADVANCE, SEP).require_can_submit(
        RULES, [CONTRACT], make_meta(effective_on=date(2026, 9, 2))) == 1


def test_a_claim_total_cannot_be_negative() -> None:
    given(lambda: claim_for(ChargeKind.FINAL, SEP)).when(lambda c: c.submit(
        lines=(ClaimLine(CONTRACT, CERT, 100, -5),), meta=OCTOBER_5)).then_raises(
        NegativeClaimTotal)


def test_approval_makes_the_amount_payable() -> None:
    given(submitted).when(lambda c: c.approve(meta=OCTOBER_5)).then(
        Claim.Approved,
        state=lambda c: c.status is ClaimStatus.APPROVED and c.approved == 40_000)


def test_payments_never_exceed_what_was_approved() -> None:
    claim = approved()
    claim.record_payment(payment_id=UUID(int=1), amount=30_000, meta=OCTOBER_5)
    given(claim).when(lambda c: c.record_payment(payment_id=UUID(int=2), amount=10_001,
                                                 meta=OCTOBER_5)).then_raises(
        PaymentExceedsApproved)
    given(claim).when(lambda c: c.record_payment(payment_id=UUID(int=1), amount=1,
                                                 meta=OCTOBER_5)).then_raises(
        PaymentAlreadyRecorded)
    given(claim).when(lambda c: c.record_payment(payment_id=UUID(int=3), amount=10.0,  # type: ignore[arg-type]
                                                 meta=OCTOBER_5)).then_raises(MoneyMustBeInteger)
    given(claim).when(lambda c: c.record_payment(payment_id=UUID(int=2), amount=10_000,
                                                 meta=OCTOBER_5)).then(
        Claim.PaymentRecorded, state=lambda c: c.paid == c.approved == 40_000)


def test_only_approved_claims_are_paid() -> None:
    given(submitted).when(lambda c: c.record_payment(payment_id=UUID(int=1), amount=1,
                                                     meta=OCTOBER_5)).then_raises(
        WrongClaimStatus)


def test_only_the_authorised_organisation_decides_a_claim() -> None:
    provider_clerk = make_meta(effective_on=date(2026, 10, 5), actor=Actor(
        user_id="clerk", role=Role.FINANCE, organisation_id=PROVIDER))
    given(submitted).when(lambda c: c.approve(meta=provider_clerk)).then_raises(
        NotTheAuthorisedOrganisation)
    given(submitted).when(lambda c: c.reject(reason="x", meta=make_meta())).then_raises(
        NotTheAuthorisedOrganisation)


def test_the_advance_working_day_follows_a_production_calendar() -> None:
    january = date(2026, 1, 1)
    claim = claim_for(ChargeKind.ADVANCE, january)
    on_5_january = make_meta(effective_on=date(2026, 1, 5))
    # Monday to Friday alone would accept 5 January; the holidays run until 11 January.
    assert claim.require_can_submit(RULES, [CONTRACT], on_5_january) == 1
    given(claim).when(lambda c: c.require_can_submit(
        RULES, [CONTRACT], on_5_january, RUSSIA.is_working_day)).then_raises(
        ClaimTooEarly, match="2026-01-13")
