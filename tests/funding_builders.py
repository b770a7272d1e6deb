"""Builders for personalised-funding tests: a funded certificate, its contracts, claims."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.certificate import Certificate
from domain.certificate_values import CertificateKind, ChargeKind, certificate_id, leg
from domain.claim import Claim
from domain.funding_accounts import AccountKind
from domain.money import Unit, months_between
from tests.factories import make_meta

NUMBER = "0012345678"
LEARNER = UUID(int=7001)
PROVIDER = UUID(int=7002)
PAYER = UUID(int=7003)
CONTRACT = UUID(int=7100)
OTHER_CONTRACT = UUID(int=7101)
CLAIM = UUID(int=7200)
NOMINAL = 3_000_000  # 30 000.00 roubles
SHARE = 400_000  # min(price, normative): 4 000.00 roubles a month
PRICE = 500_000  # 5 000.00 roubles a month
SEP, OCT, NOV, DEC = (date(2026, m, 1) for m in (9, 10, 11, 12))


def issued(kind: CertificateKind = CertificateKind.FUNDING) -> Certificate:
    return Certificate.issue(number=NUMBER, learner_id=LEARNER, kind=kind, municipality="Орск",
                             meta=make_meta())


def funded(nominal: int = NOMINAL, year: int = 2026) -> Certificate:
    certificate = issued()
    certificate.credit_nominal(year=year, amount=nominal, unit=Unit.ROUBLES,
                               transfer_id=leg(certificate_id(NUMBER), f"opening/{year}"),
                               meta=make_meta())
    return certificate


def with_contract(nominal: int = NOMINAL, first: date = SEP, last: date = DEC,
                  contract_id: UUID = CONTRACT) -> Certificate:
    certificate = funded(nominal)
    reserve(certificate, contract_id, first, last)
    return certificate


def reserve(certificate: Certificate, contract_id: UUID, first: date = SEP,
            last: date = DEC) -> int:
    return certificate.reserve_for_contract(
        contract_id=contract_id, months=months_between(first, last), unit=Unit.ROUBLES,
        certificate_share=SHARE, price_per_month=PRICE, operation_id=contract_id,
        meta=make_meta())


def charge(certificate: Certificate, month: date, kind: ChargeKind, share_bp: int = 8_000,
           claim_id: UUID = CLAIM, contract_id: UUID = CONTRACT, revision: int = 1) -> int:
    """Charge a claim line; returns what it claims for the month."""
    claimed, _ = certificate.charge(
        contract_id=contract_id, month=month, kind=kind, share_bp=share_bp, claim_id=claim_id,
        operation_id=leg(claim_id, f"{revision}/{contract_id}/charge"), meta=make_meta())
    return claimed


def settle(certificate: Certificate, month: date, claim_id: UUID = CLAIM,
           contract_id: UUID = CONTRACT) -> None:
    certificate.settle_month(contract_id=contract_id, month=month, claim_id=claim_id,
                             operation_id=leg(claim_id, f"{contract_id}/settle"),
                             meta=make_meta())


def credited(certificate: Certificate) -> int:
    """The nominal credited so far (the nominal accounts are sources: their balance is minus)."""
    return -certificate.total(AccountKind.NOMINAL)


def accounted(certificate: Certificate) -> int:
    """spent + reserved + free + expired: must always equal what was credited."""
    return sum(certificate.total(kind) for kind in (
        AccountKind.SPENT, AccountKind.RESERVE, AccountKind.FREE, AccountKind.EXPIRED))


def claim_for(kind: ChargeKind, month: date) -> Claim:
    return Claim.open(kind=kind, payer_id=PAYER, provider_id=PROVIDER, month=month,
                      meta=make_meta())
