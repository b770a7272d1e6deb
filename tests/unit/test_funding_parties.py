"""Certificate groups, programmes, contracts and payment orders."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.certificate_group import AlreadyInGroup, CertificateGroup, GroupLimitReached
from domain.contract import (
    Contract,
    ContractStatus,
    InvalidContractPeriod,
    RetroactiveContract,
    WrongContractStatus,
)
from domain.errors import InvalidInput
from domain.identifiers import InvalidInn
from domain.money import MoneyMustBeInteger, Unit
from domain.payment import Payment, PaymentOrder, PaymentParty
from domain.programme import Programme, ProgrammeWithdrawn
from tests.factories import make_meta
from tests.funding_builders import CONTRACT, DEC, OCT, PAYER, PRICE, PROVIDER, SEP, SHARE
from tests.gwt import given

G1, G2, G3 = UUID(int=1), UUID(int=2), UUID(int=3)


def group(max_certificates: int = 2, max_nominal_sum: int = 10_000) -> CertificateGroup:
    return CertificateGroup.establish(municipality="Орск", year=2026, nominal=5_000,
                                      unit=Unit.ROUBLES, max_certificates=max_certificates,
                                      max_nominal_sum=max_nominal_sum, meta=make_meta())


def test_a_group_admits_certificates_within_its_limits() -> None:
    g = group()
    g.admit(certificate_id=G1, meta=make_meta())
    given(g).when(lambda g: g.admit(certificate_id=G1, meta=make_meta())).then_raises(
        AlreadyInGroup)
    given(g).when(lambda g: g.admit(certificate_id=G2, meta=make_meta())).then(
        CertificateGroup.CertificateAdmitted, state=lambda g: g.nominal_sum == 10_000)
    given(g).when(lambda g: g.admit(certificate_id=G3, meta=make_meta())).then_raises(
        GroupLimitReached, match="all 2 certificates")


def test_the_sum_of_nominals_is_limited() -> None:
    g = group(max_certificates=10, max_nominal_sum=7_000)
    g.admit(certificate_id=G1, meta=make_meta())
    given(g).when(lambda g: g.admit(certificate_id=G2, meta=make_meta())).then_raises(
        GroupLimitReached, match="maximum sum")


def test_a_group_nominal_is_integer_money() -> None:
    given().when(lambda _: CertificateGroup.establish(
        municipality="Орск", year=2026, nominal=5000.5, unit=Unit.ROUBLES,  # type: ignore[arg-type]
        max_certificates=1, max_nominal_sum=1, meta=make_meta())).then_raises(MoneyMustBeInteger)


def programme() -> Programme:
    return Programme.certify(programme_id=UUID(int=50), provider_id=PROVIDER, title="Робототехника",
                             unit=Unit.ROUBLES, price_per_month=PRICE,
                             normative_price=SHARE, meta=make_meta())


def test_a_programme_pays_min_of_price_and_normative() -> None:
    p = programme()
    assert p.certificate_share == SHARE
    p.withdraw(reason="no teacher", meta=make_meta())
    given(p).when(lambda p: p.change_prices(price_per_month=1, normative_price=1,
                                            meta=make_meta())).then_raises(ProgrammeWithdrawn)


def request(**overrides: Any) -> Contract:
    args: dict[str, Any] = dict(contract_id=CONTRACT, certificate_id=G1, programme_id=UUID(int=50),
                                provider_id=PROVIDER, group_name="Группа 1", first_month=SEP,
                                last_month=DEC, price_per_month=PRICE, certificate_share=SHARE,
                                meta=make_meta(effective_on=date(2026, 9, 10)))
    args.update(overrides)
    return Contract.request(**args)


def test_contract_lifecycle() -> None:
    c = request()
    c.confirm(meta=make_meta())
    c.activate(meta=make_meta())
    last = given(c).when(lambda c: c.terminate(
        reason="family moved", meta=make_meta(effective_on=date(2026, 10, 15)))).then(
        Contract.Terminated, state=lambda c: c.status is ContractStatus.TERMINATED)
    assert last.aggregate.last_month == OCT  # effective at the end of the month


def test_contracts_are_never_retroactive() -> None:
    given().when(lambda _: request(meta=make_meta(effective_on=date(2026, 10, 1)))).then_raises(
        RetroactiveContract)


def test_a_contract_stays_within_one_year() -> None:
    given().when(lambda _: request(last_month=date(2027, 1, 1))).then_raises(
        InvalidContractPeriod)
    given().when(lambda _: request(first_month=OCT, last_month=SEP)).then_raises(
        InvalidContractPeriod)


def test_statuses_move_in_order() -> None:
    given(request).when(lambda c: c.activate(meta=make_meta())).then_raises(WrongContractStatus)
    given(request).when(lambda c: c.terminate(reason="x", meta=make_meta())).then_raises(
        WrongContractStatus)
    given(request).when(lambda c: c.refuse(reason="no places", meta=make_meta())).then(
        Contract.Refused)


PAYER_PARTY = PaymentParty(PAYER, "МКУ ЦБ Орска", "5610000018", "40102810545370000045")
PAYEE_PARTY = PaymentParty(PROVIDER, "ДДТ Орска", "5610000018", "40601810200003000001")


def test_a_payment_order_is_validated() -> None:
    order = PaymentOrder("123", date(2026, 10, 5), 100, PAYER_PARTY, PAYEE_PARTY)
    given().when(lambda _: Payment.record(payment_id=UUID(int=1), claim_id=UUID(int=2),
                                          order=order, meta=make_meta())).then(
        Payment.Recorded)
    bad = PaymentOrder("", date(2026, 10, 5), 100, PAYER_PARTY, PAYEE_PARTY)
    given().when(lambda _: Payment.record(payment_id=UUID(int=1), claim_id=UUID(int=2),
                                          order=bad, meta=make_meta())).then_raises(InvalidInput)
    wrong_inn = PaymentOrder("1", date(2026, 10, 5), 100,
                             PaymentParty(PAYER, "x", "5610000011", "1"), PAYEE_PARTY)
    given().when(lambda _: Payment.record(payment_id=UUID(int=1), claim_id=UUID(int=2),
                                          order=wrong_inn, meta=make_meta())).then_raises(
        InvalidInn)
