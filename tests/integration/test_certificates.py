"""Personalised funding through the services, on SQLite and PostgreSQL: a certificate's year,
and every bad input of the issue refused with a specific error and nothing written."""

from __future__ import annotations

import dataclasses
from datetime import date
from uuid import UUID, uuid5

import pytest

from domain.certificate import Certificate
from domain.certificate_group import GroupLimitReached
from domain.certificate_values import (
    CertificateKind,
    CertificateNumberTaken,
    ChargeKind,
    InvalidCertificateNumber,
    MonthAlreadyCharged,
    MonthOutsideContract,
    NoFreeBalance,
)
from domain.claim import (
    ClaimNotFound,
    ClaimStatus,
    ContractTwiceInClaim,
    LiveClaimExists,
    PaymentExceedsApproved,
)
from domain.contract import RetroactiveContract
from domain.errors import DomainError, InvalidInput, NotFound
from domain.funding_accounts import AccountKind
from domain.money import MoneyMustBeInteger, Unit
from domain.payment import WrongPayee
from domain.sealed import DESTROYED, SealedText
from letopis.ledger import Ledger
from letopis.privacy.destruction import destroy
from replay.as_of import read_stream
from tests.funding_builders import NOMINAL, SHARE
from tests.funding_world import NS, FundingWorld

SEP, OCT, NOV = date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)
OCT_5, NOV_5 = date(2026, 10, 5), date(2026, 11, 5)


@pytest.fixture
def world(ledger: Ledger) -> FundingWorld:
    return FundingWorld(ledger).setup()


def cert(world: FundingWorld, number: str) -> Certificate:
    return world.certificates.certificate(number)


def refused(world: FundingWorld, error: type[DomainError], command: object) -> None:
    """`command` (a zero-argument callable) raises `error` and writes nothing at all."""
    before = world.ledger.store.count_events()
    with pytest.raises(error):
        command()  # type: ignore[operator]
    assert world.ledger.store.count_events() == before


def test_a_certificate_through_september_and_october(world: FundingWorld) -> None:
    number = world.issue("0000000042")
    contract = world.contract(number, "robotics")
    c = cert(world, number)
    assert c.number == "0000000042"  # leading zeros kept
    assert c.free(2026) == NOMINAL - 4 * SHARE
    assert c.reserve(contract) == 4 * SHARE

    # September: advance from the 2nd working day, the final invoice in October.
    world.claims.submit(world.ctx(date(2026, 9, 2)),
                        world.request(ChargeKind.ADVANCE, SEP, [(contract, 0)]))
    advance = world.claim_id(ChargeKind.ADVANCE, SEP)
    world.claims.approve(world.ctx(date(2026, 9, 3)), advance)
    world.claims.record_payment(world.ctx(date(2026, 9, 4)), payment_id=UUID(int=1),
                                claim_id=advance, order=world.order("501", 320_000))
    world.claims.submit(world.ctx(OCT_5),
                        world.request(ChargeKind.FINAL, SEP, [(contract, 9_000)]))
    final = world.claim_id(ChargeKind.FINAL, SEP)
    assert world.claims.claim(final).amount == 360_000 - 320_000  # nets off the advance
    world.claims.approve(world.ctx(OCT_5), final)

    c = cert(world, number)
    assert c.total(AccountKind.SPENT) == 360_000  # 90% of 4 000.00 delivered
    assert c.free(2026) == NOMINAL - 4 * SHARE + 40_000  # the shortfall came back
    assert c.reserve(contract) == 3 * SHARE
    credited = -c.total(AccountKind.NOMINAL)
    assert credited == sum(c.total(k) for k in (AccountKind.SPENT, AccountKind.RESERVE,
                                                  AccountKind.FREE, AccountKind.EXPIRED))
    # Replaying the stream from the store reproduces every balance.
    events = list(world.ledger.repository.event_store.get(c.id))
    replayed: Certificate | None = None
    for stored in events:
        replayed = stored.mutate(replayed)
    assert replayed is not None
    assert replayed.accounts.balances() == c.accounts.balances()


def test_a_rejected_advance_frees_the_month_for_a_new_revision(world: FundingWorld) -> None:
    number = world.issue("0000000043")
    contract = world.contract(number, "chess")
    request = world.request(ChargeKind.ADVANCE, SEP, [(contract, 0)])
    world.claims.submit(world.ctx(date(2026, 9, 2)), request)
    claim_id = world.claim_id(ChargeKind.ADVANCE, SEP)
    world.claims.reject(world.ctx(date(2026, 9, 3)), claim_id, "wrong group")
    assert cert(world, number).reserve(contract) == 4 * SHARE
    world.claims.submit(world.ctx(date(2026, 9, 4)), request)
    claim = world.claims.claim(claim_id)
    assert (claim.revision, claim.status) == (2, ClaimStatus.SUBMITTED)
    assert cert(world, number).total(AccountKind.SPENT) == 320_000


def test_termination_and_year_end(world: FundingWorld) -> None:
    number = world.issue("0000000044")
    contract = world.contract(number, "dance")
    world.certificates.terminate_contract(world.ctx(date(2026, 10, 20)), contract, "moved")
    assert cert(world, number).reserve(contract) == 2 * SHARE  # Sep and Oct stay reserved
    world.certificates.expire_year(world.ctx(date(2027, 1, 1)), number=number, year=2026)
    c = cert(world, number)
    assert c.free(2026) == 0
    assert c.total(AccountKind.EXPIRED) == NOMINAL - 2 * SHARE


def test_bad_input_is_refused_and_nothing_is_written(world: FundingWorld) -> None:
    number = world.issue("0000000045")
    contract = world.contract(number, "art")
    other = world.contract(number, "music")
    cs, claims = world.certificates, world.claims

    refused(world, InvalidCertificateNumber, lambda: cs.issue(
        world.ctx(), number="42", learner_id=UUID(int=1), kind=CertificateKind.FUNDING,
        municipality="Орск", year=2026))
    refused(world, CertificateNumberTaken, lambda: cs.issue(
        world.ctx(), number="0000000045", learner_id=uuid5(NS, "learner/0000000045"),
        kind=CertificateKind.FUNDING, municipality="Орск", year=2026))
    refused(world, MoneyMustBeInteger, lambda: cs.establish_group(
        world.ctx(), municipality="Бузулук", year=2026, nominal=1500.0,  # type: ignore[arg-type]
        unit=Unit.ROUBLES, max_certificates=1, max_nominal_sum=1))
    refused(world, RetroactiveContract, lambda: cs.request_contract(
        world.ctx(date(2026, 10, 2)), contract_id=UUID(int=5), number=number,
        programme_id=UUID(int=7300), group_name="Г", first_month=SEP, last_month=NOV))
    refused(world, MonthOutsideContract, lambda: claims.submit(
        world.ctx(date(2027, 1, 10)), world.request(ChargeKind.FINAL, date(2026, 8, 1),
                                                    [(contract, 10_000)])))
    refused(world, ContractTwiceInClaim, lambda: claims.submit(
        world.ctx(OCT_5), world.request(ChargeKind.FINAL, SEP,
                                        [(contract, 10_000), (contract, 10_000)])))
    claims.submit(world.ctx(OCT_5), world.request(ChargeKind.FINAL, SEP, [(contract, 10_000)]))
    refused(world, LiveClaimExists, lambda: claims.submit(
        world.ctx(OCT_5), world.request(ChargeKind.FINAL, SEP, [(other, 10_000)])))
    final = world.claim_id(ChargeKind.FINAL, SEP)
    claims.approve(world.ctx(OCT_5), final)
    refused(world, PaymentExceedsApproved, lambda: claims.record_payment(
        world.ctx(OCT_5), payment_id=UUID(int=2), claim_id=final,
        order=world.order("7", SHARE + 1)))
    refused(world, ClaimNotFound, lambda: claims.record_payment(
        world.ctx(OCT_5), payment_id=UUID(int=3), claim_id=UUID(int=404),
        order=world.order("8", 1)))
    refused(world, MoneyMustBeInteger, lambda: claims.record_payment(
        world.ctx(OCT_5), payment_id=UUID(int=4), claim_id=final,
        order=world.order("9", 100.5)))  # type: ignore[arg-type]
    claims.record_payment(world.ctx(OCT_5), payment_id=UUID(int=2), claim_id=final,
                          order=world.order("7", SHARE))
    # October's final invoice charges each contract-month once; a second one is refused.
    claims.submit(world.ctx(NOV_5), world.request(ChargeKind.FINAL, OCT, [(contract, 10_000)]))
    refused(world, MonthAlreadyCharged, lambda: claims.submit(
        world.ctx(NOV_5), world.request(ChargeKind.ADVANCE, OCT, [(contract, 0)])))

def test_a_claim_names_organisations_in_the_ledger(world: FundingWorld) -> None:
    """The claim, its payer and provider are read in bulk with the contracts: an unknown
    organisation, or a stream that is not one, is still refused and nothing is written."""
    number = world.issue("0000000046")
    contract = world.contract(number, "art")
    request = world.request(ChargeKind.ADVANCE, OCT, [(contract, 0)])
    for provider in (UUID(int=404), contract):
        refused(world, NotFound, lambda provider=provider: world.claims.submit(
            world.ctx(OCT_5), dataclasses.replace(request, provider_id=provider)))
    refused(world, NotFound, lambda: world.claims.submit(
        world.ctx(OCT_5), dataclasses.replace(request, payer_id=UUID(int=405))))
    world.claims.submit(world.ctx(OCT_5), request)
    assert world.claims.claim(world.claim_id(ChargeKind.ADVANCE, OCT)).revision == 1


def test_charges_beyond_the_balance_are_refused(ledger: Ledger) -> None:
    world = FundingWorld(ledger).setup(nominal=SHARE)
    number = world.issue("0000000046")
    world.contract(number, "one month", last=date(2026, 9, 1))
    refused(world, NoFreeBalance, lambda: world.contract(number, "another"))


def test_group_limits(ledger: Ledger) -> None:
    world = FundingWorld(ledger).setup(max_certificates=1)
    world.issue("0000000047")
    world.learners.register(world.ctx(), uuid5(NS, "learner/0000000048"))
    refused(world, GroupLimitReached, lambda: world.issue_only("0000000048"))


def test_enrolment_converts_an_accounting_certificate_and_refusal_returns_the_reserve(
        world: FundingWorld) -> None:
    learner = uuid5(NS, "learner/0000000049")
    world.learners.register(world.ctx(), learner)
    world.certificates.issue(world.ctx(), number="0000000049", learner_id=learner,
                             kind=CertificateKind.ACCOUNTING, municipality="Орск", year=2026)
    contract = world.contract("0000000049", "theatre", activate=False)
    c = cert(world, "0000000049")
    assert c.kind is CertificateKind.FUNDING
    assert c.reserve(contract) == 4 * SHARE
    world.certificates.refuse_contract(world.ctx(), contract, "no places left")
    c = cert(world, "0000000049")
    assert c.reserve(contract) == 0
    assert c.free(2026) == NOMINAL


def test_a_repeated_claim_command_writes_nothing(world: FundingWorld) -> None:
    number = world.issue("0000000050")
    contract = world.contract(number, "karate")
    context = world.ctx(date(2026, 9, 2))
    request = world.request(ChargeKind.ADVANCE, SEP, [(contract, 0)])
    first = world.claims.submit(context, request)
    written = world.ledger.store.count_events()
    assert world.claims.submit(context, request) == first
    assert world.ledger.store.count_events() == written


def test_a_payment_to_another_payee_is_refused(world: FundingWorld) -> None:
    number = world.issue("0000000051")
    contract = world.contract(number, "football")
    world.claims.submit(world.ctx(date(2026, 9, 2)),
                        world.request(ChargeKind.ADVANCE, SEP, [(contract, 0)]))
    claim_id = world.claim_id(ChargeKind.ADVANCE, SEP)
    world.claims.approve(world.ctx(date(2026, 9, 3)), claim_id)
    order = world.order("1", 1_000)
    wrong = dataclasses.replace(order, payee=dataclasses.replace(order.payee,
                                                                 organisation_id=UUID(int=1)))
    refused(world, WrongPayee, lambda: world.claims.record_payment(
        world.ctx(), payment_id=UUID(int=10), claim_id=claim_id, order=wrong))


def test_suspension_and_closure_reasons_are_sealed_for_the_holder(world: FundingWorld) -> None:
    number = world.issue("0000000077")
    holder = cert(world, number).learner_id
    world.certificates.suspend(world.ctx(date(2026, 9, 3)), number=number,
                               reason="Кузнецова М. П.: документы на проверке")
    world.certificates.resume(world.ctx(date(2026, 9, 4)), number=number)
    world.certificates.close(world.ctx(date(2026, 9, 5)), number=number,
                             reason="Кузнецова М. П. переехала")
    suspended, closed = [e.reason for e in read_stream(world.ledger, cert(world, number).id)
                         if type(e).__name__ in ("Suspended", "Closed")]
    assert isinstance(suspended, SealedText)
    assert isinstance(closed, SealedText)
    assert (suspended.learner_id, closed.learner_id) == (holder, holder)
    reveal = world.personal_data.reveal
    assert reveal(closed, "finance-1", "audit") == "Кузнецова М. П. переехала"
    destroy(world.personal_data, world.ctx(date(2026, 10, 1)), holder, "act № 12 of 2026-10-01")
    assert reveal(suspended, "finance-1", "audit") == DESTROYED
    other = world.issue("0000000078")
    refused(world, InvalidInput, lambda: world.certificates.suspend(
        world.ctx(), number=other, reason="  "))
