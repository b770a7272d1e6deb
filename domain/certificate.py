"""The personalised-funding certificate (сертификат ПФДО) and the money it holds.

A certificate holds its own accounts (see domain/funding_accounts.py): the nominal credited for
each year, the free balance, the reserve and spent amount of every contract, what expired, and
the parents' co-payments. Every rule that must hold atomically for the money of one child (a
reserve never exceeds the free balance, a contract-month is charged once) is checked here, in
one stream, so two concurrent commands on one certificate conflict on its version.
"""

# Event method parameters are the event's stored fields, used by the body or not.

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.certificate_funds import CertificateFunds
from domain.certificate_values import (
    CertificateClosed,
    CertificateKind,
    CertificateNotSuspended,
    CertificateStatus,
    CertificateSuspended,
    ChargeKind,
    ContractFunds,
    HasLiveContracts,
    MonthAmount,
    NotIdleLongEnough,
    ReleaseReason,
    WrongCertificateKind,
    YearAlreadyExpired,
    YearAlreadyFunded,
    YearNotFunded,
    YearNotOver,
    certificate_id,
    leg,
    validate_number,
)
from domain.emit import emit
from domain.envelope import Meta
from domain.errors import InvalidInput
from domain.funding_accounts import Account, AccountKind, Transfer, TransferKind
from domain.money import Kopecks, Unit, require_amount
from domain.sealed import SealedText, require_sealed

SUSPENSION_REASON = "Certificate.Suspended.reason"
CLOSURE_REASON = "Certificate.Closed.reason"

class Certificate(CertificateFunds, Aggregate):
    """A child's certificate: number, kind, status, and the accounts of its money."""

    @staticmethod
    def create_id(number: str, learner_id: UUID, kind: CertificateKind, municipality: str,
                  meta: Meta, timestamp: datetime) -> UUID:
        return certificate_id(number)

    @classmethod
    def issue(cls, *, number: str, learner_id: UUID, kind: CertificateKind, municipality: str,
              meta: Meta) -> Certificate:
        validate_number(number)
        if not municipality.strip():
            raise InvalidInput("municipality must not be empty")
        return cls(number=number, learner_id=learner_id, kind=kind, municipality=municipality,
                   meta=meta, timestamp=meta.recorded_at)

    @event("Issued")
    def __init__(self, number: str, learner_id: UUID, kind: CertificateKind, municipality: str,
                 meta: Meta, timestamp: datetime) -> None:
        self.number = number
        self.learner_id = learner_id
        self.kind = kind
        self.municipality = municipality
        self.status = CertificateStatus.ACTIVE
        self.kind_since: date = meta.effective_on
        self.last_request_on: date | None = None
        self.units: dict[int, Unit] = {}  # funded years and the unit of each year's nominal
        self.expired_years: set[int] = set()
        self.contracts: dict[UUID, ContractFunds] = {}
        self._init_funds()

    # Status and kind.

    def require_open(self) -> None:
        if self.status is CertificateStatus.CLOSED:
            raise CertificateClosed(f"certificate {self.number} is closed")

    def require_can_request(self) -> None:
        self.require_open()
        if self.status is CertificateStatus.SUSPENDED:
            raise CertificateSuspended(f"certificate {self.number} is suspended")

    def convert(self, *, kind: CertificateKind, reason: str, meta: Meta) -> None:
        """Accounting → funding (enrolment in a certified programme) or back."""
        self.require_open()
        if kind is self.kind:
            raise WrongCertificateKind(f"certificate {self.number} is already {kind.value}")
        if not reason.strip():
            raise InvalidInput("conversion reason must not be empty")
        self._kind_changed(kind=kind, reason=reason, meta=meta, timestamp=meta.recorded_at)

    def revert_if_idle(self, *, idle_days: int, meta: Meta) -> None:
        """Funding → accounting when no contract was requested for `idle_days` days."""
        if self.kind is not CertificateKind.FUNDING:
            raise WrongCertificateKind(f"certificate {self.number} is not a funding one")
        if any(self.balance(Account(AccountKind.RESERVE, str(c))) for c in self.contracts):
            raise HasLiveContracts(f"certificate {self.number} has contracts with reserves")
        since = max(self.kind_since, self.last_request_on or self.kind_since)
        if (meta.effective_on - since).days < idle_days:
            raise NotIdleLongEnough(
                f"certificate {self.number}: last activity on {since.isoformat()}, "
                f"fewer than {idle_days} days before {meta.effective_on.isoformat()}"
            )
        self._kind_changed(kind=CertificateKind.ACCOUNTING,
                           reason=f"no contract request for {idle_days} days", meta=meta,
                           timestamp=meta.recorded_at)

    @event("KindChanged")
    def _kind_changed(self, kind: CertificateKind, reason: str, meta: Meta,
                      timestamp: datetime) -> None:
        self.kind = kind
        self.kind_since = meta.effective_on

    def suspend(self, *, reason: SealedText, meta: Meta) -> None:
        """Suspend; the reason sealed under the holder's data key (by the application)."""
        self.require_can_request()
        require_sealed(reason, self.learner_id, SUSPENSION_REASON)
        self._suspended(reason=reason, meta=meta, timestamp=meta.recorded_at)

    class Suspended(Aggregate.Event):
        """Version 2 seals `reason`; version 1 stored plain text, read back as it was."""

        class_version = 2
        reason: SealedText | str
        meta: Meta

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            return None  # the v1 shape fits v2: `reason` may be a plain str

    @event(Suspended)
    def _suspended(self, reason: SealedText | str, meta: Meta, timestamp: datetime) -> None:
        self.status = CertificateStatus.SUSPENDED

    def resume(self, *, meta: Meta) -> None:
        if self.status is not CertificateStatus.SUSPENDED:
            raise CertificateNotSuspended(f"certificate {self.number} is not suspended")
        self._resumed(meta=meta, timestamp=meta.recorded_at)

    @event("Resumed")
    def _resumed(self, meta: Meta, timestamp: datetime) -> None:
        self.status = CertificateStatus.ACTIVE

    def close(self, *, reason: SealedText, operation_id: UUID, meta: Meta) -> None:
        """Close the certificate; what is free expires (it is never paid out). The reason is
        sealed under the holder's data key (by the application)."""
        self.require_open()
        require_sealed(reason, self.learner_id, CLOSURE_REASON)
        if self.total(AccountKind.RESERVE):
            raise HasLiveContracts(f"certificate {self.number} still has contract reserves")
        transfers = tuple(
            self._expiry(year, leg(operation_id, f"expiry/{year}"))
            for year in sorted(self.units) if self.free(year)
        )
        self.check(*transfers)
        self._closed(reason=reason, transfers=transfers, meta=meta, timestamp=meta.recorded_at)

    class Closed(Aggregate.Event):
        """Version 2 seals `reason`; version 1 stored plain text, read back as it was."""

        class_version = 2
        reason: SealedText | str
        transfers: tuple[Transfer, ...]
        meta: Meta

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            return None  # the v1 shape fits v2: `reason` may be a plain str

    @event(Closed)
    def _closed(self, reason: SealedText | str, transfers: tuple[Transfer, ...], meta: Meta,
                timestamp: datetime) -> None:
        self.post(*transfers)
        self.status = CertificateStatus.CLOSED

    # The year's nominal: an explicit opening entry, and an explicit expiry.

    def credit_nominal(self, *, year: int, amount: Kopecks, unit: Unit, transfer_id: UUID,
                       meta: Meta) -> None:
        """Credit the year's nominal: nominal:<year> → free:<year> (the opening entry)."""
        self.require_open()
        require_amount(amount, "nominal", positive=True)
        if year in self.units:
            raise YearAlreadyFunded(f"certificate {self.number} is already funded for {year}")
        transfer = Transfer(transfer_id, TransferKind.OPENING,
                            Account(AccountKind.NOMINAL, str(year)),
                            Account(AccountKind.FREE, str(year)), amount, f"nominal {year}")
        self.check(transfer)
        self._nominal_credited(year=year, unit=unit, transfer=transfer, meta=meta,
                               timestamp=meta.recorded_at)

    @event("NominalCredited")
    def _nominal_credited(self, year: int, unit: Unit, transfer: Transfer, meta: Meta,
                          timestamp: datetime) -> None:
        self.units[year] = unit
        self.post(transfer)

    def expire_year(self, *, year: int, transfer_id: UUID, meta: Meta) -> None:
        """Year end: the free balance of `year` expires (recorded even when it is zero)."""
        self._require_year(year)
        if year in self.expired_years:
            raise YearAlreadyExpired(f"{year} of certificate {self.number} already expired")
        if meta.effective_on < date(year + 1, 1, 1):
            raise YearNotOver(f"{year} is not over on {meta.effective_on.isoformat()}")
        transfer = self._expiry(year, transfer_id) if self.free(year) else None
        if transfer is not None:
            self.check(transfer)
        self._year_expired(year=year, transfer=transfer, meta=meta, timestamp=meta.recorded_at)

    @event("YearExpired")
    def _year_expired(self, year: int, transfer: Transfer | None, meta: Meta,
                      timestamp: datetime) -> None:
        self.expired_years.add(year)
        if transfer is not None:
            self.post(transfer)

    def _require_year(self, year: int) -> None:
        if year not in self.units:
            raise YearNotFunded(f"certificate {self.number} has no nominal for {year}")

    def _expiry(self, year: int, transfer_id: UUID) -> Transfer:
        return Transfer(transfer_id, TransferKind.EXPIRY, Account(AccountKind.FREE, str(year)),
                        Account(AccountKind.EXPIRED, str(year)), self.free(year),
                        f"unused {year}")


    # Contracts: reserve, release, charges, settlement, reversal.

    def reserve_for_contract(self, *, contract_id: UUID, months: tuple[date, ...], unit: Unit,
                             certificate_share: Kopecks, price_per_month: Kopecks,
                             operation_id: UUID, meta: Meta) -> Kopecks:
        """Move min(price, normative, free balance) per month into the contract's reserve."""
        self.require_can_request()
        if self.kind is not CertificateKind.FUNDING:
            raise WrongCertificateKind(f"certificate {self.number} is an accounting one")
        schedule, transfers = self.plan_reserve(
            contract_id=contract_id, months=months, unit=unit,
            certificate_share=certificate_share, price_per_month=price_per_month,
            operation_id=operation_id)
        self._reserved(contract_id=contract_id, schedule=schedule, transfers=tuple(transfers),
                       meta=meta, timestamp=meta.recorded_at)
        return transfers[0].amount

    @event("ContractReserved")
    def _reserved(self, contract_id: UUID, schedule: tuple[MonthAmount, ...],
                  transfers: tuple[Transfer, ...], meta: Meta, timestamp: datetime) -> None:
        self.contracts[contract_id] = ContractFunds(
            year=schedule[0].month.year, schedule={m.month: m.amount for m in schedule})
        self.last_request_on = meta.effective_on
        self.post(*transfers)

    def release_reserve(self, *, contract_id: UUID, reason: ReleaseReason,
                        last_month: date | None, operation_id: UUID, meta: Meta) -> None:
        """Refusal (everything) or termination (months after `last_month`) returns the reserve."""
        transfers = tuple(self.plan_release(contract_id=contract_id, last_month=last_month,
                                            operation_id=operation_id))
        self._released(contract_id=contract_id, reason=reason, last_month=last_month,
                       transfers=transfers, meta=meta, timestamp=meta.recorded_at)

    @event("ReserveReleased")
    def _released(self, contract_id: UUID, reason: ReleaseReason, last_month: date | None,
                  transfers: tuple[Transfer, ...], meta: Meta, timestamp: datetime) -> None:
        funds = self.contracts[contract_id]
        funds.schedule = {m: a for m, a in funds.schedule.items()
                          if last_month is not None and m <= last_month}
        self.post(*transfers)

    def charge(self, *, contract_id: UUID, month: date, kind: ChargeKind, share_bp: int,
               claim_id: UUID, operation_id: UUID, meta: Meta) -> tuple[Kopecks, Kopecks]:
        """Charge a claim line. Returns what the line claims for the month, and what it adds to
        the claim (a final line nets off the month's advance, so it may be negative)."""
        claimed, net, transfer = self.plan_charge(contract_id=contract_id, month=month,
                                                  kind=kind, share_bp=share_bp,
                                                  operation_id=operation_id)
        # One per contract of a claim run: emitted without the decorator's per-call work.
        emit(self, Certificate._charged, contract_id=contract_id, month=month, kind=kind,
             claim_id=claim_id, claimed=claimed, transfer=transfer, meta=meta,
             timestamp=meta.recorded_at)
        return claimed, net

    @event("MonthCharged")
    def _charged(self, contract_id: UUID, month: date, kind: ChargeKind, claim_id: UUID,
                 claimed: Kopecks, transfer: Transfer | None, meta: Meta,
                 timestamp: datetime) -> None:
        funds = self.contracts[contract_id]
        if kind is ChargeKind.ADVANCE:
            funds.advances[month] = (claim_id, claimed)
        else:
            funds.finals[month] = (claim_id, claimed, transfer.amount if transfer else 0)
        if transfer is not None:
            self.post(transfer)

    def settle_month(self, *, contract_id: UUID, month: date, claim_id: UUID,
                     operation_id: UUID, meta: Meta) -> None:
        """The final invoice was approved: the month's shortfall returns to the certificate."""
        transfers = tuple(self.plan_settlement(contract_id=contract_id, month=month,
                                               claim_id=claim_id, operation_id=operation_id))
        self._settled(contract_id=contract_id, month=month, claim_id=claim_id,
                      transfers=transfers, meta=meta, timestamp=meta.recorded_at)

    @event("MonthSettled")
    def _settled(self, contract_id: UUID, month: date, claim_id: UUID,
                 transfers: tuple[Transfer, ...], meta: Meta, timestamp: datetime) -> None:
        self.contracts[contract_id].settled.add(month)
        self.post(*transfers)

    def reverse_charge(self, *, contract_id: UUID, month: date, kind: ChargeKind,
                       claim_id: UUID, operation_id: UUID, meta: Meta) -> None:
        """The claim was rejected: its charge returns to the reserve."""
        transfer = self.plan_reversal(contract_id=contract_id, month=month, kind=kind,
                                      claim_id=claim_id, operation_id=operation_id)
        self._reversed(contract_id=contract_id, month=month, kind=kind, claim_id=claim_id,
                       transfer=transfer, meta=meta, timestamp=meta.recorded_at)

    @event("ChargeReversed")
    def _reversed(self, contract_id: UUID, month: date, kind: ChargeKind, claim_id: UUID,
                  transfer: Transfer | None, meta: Meta, timestamp: datetime) -> None:
        funds = self.contracts[contract_id]
        if kind is ChargeKind.ADVANCE:
            funds.advances.pop(month)
        else:
            funds.finals.pop(month)
        if transfer is not None:
            self.post(transfer)


VALUE_TYPES: tuple[type, ...] = ()
