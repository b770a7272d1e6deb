"""Values and errors of the personalised-funding certificate (сертификат ПФДО)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from uuid import UUID, uuid5

from domain.derived_ids import uuid5 as derived_uuid5
from domain.errors import InvalidInput, NotFound, RuleViolated
from domain.money import Kopecks

# Fixed for ever: every certificate stream id is derived from it and the certificate number.
CERTIFICATE_NAMESPACE = UUID("9a3e7c15-2b4d-5f60-8e17-4c5d6a7b8c90")
NUMBER_LENGTH = 10


class CertificateKind(Enum):
    FUNDING = "funding"  # сертификат финансирования: may pay for programmes
    ACCOUNTING = "accounting"  # сертификат учёта: records participation only


class CertificateStatus(Enum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CLOSED = "closed"


class ReleaseReason(Enum):
    REFUSED = "refused"  # the contract was refused: the whole reserve returns
    TERMINATED = "terminated"  # months after the termination month return


class ChargeKind(Enum):
    ADVANCE = "advance"  # заявка на авансирование
    FINAL = "final"  # счёт: the month as delivered

    __hash__ = object.__hash__  # singletons compared by identity (Enum's hash is Python code)


@dataclass(frozen=True)
class MonthAmount:
    """What a certificate pays for one month of a contract."""

    month: date
    amount: Kopecks


def validate_number(number: object) -> str:
    """A certificate number: exactly ten ASCII digits, kept as a string (leading zeros count)."""
    if not isinstance(number, str) or len(number) != NUMBER_LENGTH \
            or not (number.isascii() and number.isdigit()):
        raise InvalidCertificateNumber(
            f"certificate number {number!r} must be a string of exactly {NUMBER_LENGTH} digits"
        )
    return number


def certificate_id(number: str) -> UUID:
    """The certificate's stream id: one number, one stream, so a number is issued only once."""
    return uuid5(CERTIFICATE_NAMESPACE, validate_number(number))


def leg(operation_id: UUID, name: str) -> UUID:
    """Transfer id of one leg of an operation: the caller's id names the operation, and each of
    its transfers gets a stable id derived from it, so a retried operation repeats the same ids."""
    return derived_uuid5(operation_id, name)


@dataclass
class ContractFunds:
    """The certificate's view of one contract: its monthly schedule and what is charged."""

    year: int
    schedule: dict[date, Kopecks]
    advances: dict[date, tuple[UUID, Kopecks]] = field(default_factory=dict)  # claim, amount
    finals: dict[date, tuple[UUID, Kopecks, Kopecks]] = field(default_factory=dict)  # claim,
    # actual amount of the month, amount charged on submission
    settled: set[date] = field(default_factory=set)

    def charged_in(self, month: date) -> bool:
        return month in self.advances or month in self.finals


# Errors. Each has a stable code the API and CLI report unchanged.


class InvalidCertificateNumber(InvalidInput):
    code = "invalid_certificate_number"


class CertificateNumberTaken(RuleViolated):
    code = "certificate_number_taken"


class CertificateNotFound(NotFound):
    code = "certificate_not_found"


class CertificateClosed(RuleViolated):
    code = "certificate_closed"


class CertificateSuspended(RuleViolated):
    code = "certificate_suspended"


class CertificateNotSuspended(RuleViolated):
    code = "certificate_not_suspended"


class WrongCertificateKind(RuleViolated):
    code = "wrong_certificate_kind"


class NotIdleLongEnough(RuleViolated):
    code = "not_idle_long_enough"


class HasLiveContracts(RuleViolated):
    code = "has_live_contracts"


class YearAlreadyFunded(RuleViolated):
    code = "year_already_funded"


class YearNotFunded(RuleViolated):
    code = "year_not_funded"


class YearNotOver(RuleViolated):
    code = "year_not_over"


class YearAlreadyExpired(RuleViolated):
    code = "year_already_expired"


class NoFreeBalance(RuleViolated):
    code = "no_free_balance"


class UnitMismatch(RuleViolated):
    code = "unit_mismatch"


class ContractAlreadyFunded(RuleViolated):
    code = "contract_already_funded"


class ContractNotFunded(NotFound):
    code = "contract_not_funded"


class MonthOutsideContract(RuleViolated):
    code = "month_outside_contract"


class MonthAlreadyCharged(RuleViolated):
    code = "month_already_charged"


class ChargeNotFound(NotFound):
    code = "charge_not_found"


class MonthAlreadySettled(RuleViolated):
    code = "month_already_settled"


VALUE_TYPES: tuple[type, ...] = (CertificateKind, CertificateStatus, ReleaseReason, ChargeKind,
                                 MonthAmount)
