"""A contract (договор) between a certificate holder and a provider for a certified programme.

The contract holds its parties, period, prices and status; the money it reserves lives in the
certificate's accounts (domain/certificate.py), so the reserve is taken atomically with the
certificate's balance check.
"""

# Event method parameters are the event's stored fields, used by the body or not.

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.envelope import Meta
from domain.errors import InvalidInput, NotFound, RuleViolated
from domain.money import Kopecks, month_of, months_between, require_amount, require_month


class ContractStatus(Enum):
    REQUESTED = "requested"
    CONFIRMED = "confirmed"  # awaiting signature
    ACTIVE = "active"
    REFUSED = "refused"
    TERMINATED = "terminated"


class ContractNotFound(NotFound):
    code = "contract_not_found"


class RetroactiveContract(RuleViolated):
    code = "retroactive_contract"


class InvalidContractPeriod(InvalidInput):
    code = "invalid_contract_period"


class WrongContractStatus(RuleViolated):
    code = "wrong_contract_status"


class Contract(Aggregate):
    """Parties, period, prices and status of one contract."""

    @staticmethod
    def create_id(contract_id: UUID, certificate_id: UUID, programme_id: UUID,
                  provider_id: UUID, group_name: str, first_month: date, last_month: date,
                  price_per_month: Kopecks, certificate_share: Kopecks, meta: Meta,
                  timestamp: datetime) -> UUID:
        return contract_id

    @classmethod
    def request(cls, *, contract_id: UUID, certificate_id: UUID, programme_id: UUID,
                provider_id: UUID, group_name: str, first_month: date, last_month: date,
                price_per_month: Kopecks, certificate_share: Kopecks,
                meta: Meta) -> Contract:
        """A contract request; it may not start before the month it is made in."""
        require_month(first_month, "first month")
        require_month(last_month, "last month")
        require_amount(price_per_month, "price per month", positive=True)
        require_amount(certificate_share, "certificate share", positive=True)
        if not group_name.strip():
            raise InvalidInput("group name must not be empty")
        if last_month < first_month or last_month.year != first_month.year:
            raise InvalidContractPeriod(
                f"a contract runs from {first_month:%Y-%m} to a later month of the same "
                f"calendar year (the nominal's year), not to {last_month:%Y-%m}"
            )
        if first_month < month_of(meta.effective_on):
            raise RetroactiveContract(
                f"a contract requested on {meta.effective_on.isoformat()} cannot start in "
                f"{first_month:%Y-%m}: contracts are never concluded retroactively"
            )
        return cls(contract_id=contract_id, certificate_id=certificate_id,
                   programme_id=programme_id, provider_id=provider_id, group_name=group_name,
                   first_month=first_month, last_month=last_month,
                   price_per_month=price_per_month, certificate_share=certificate_share,
                   meta=meta, timestamp=meta.recorded_at)

    @event("Requested")
    def __init__(self, contract_id: UUID, certificate_id: UUID, programme_id: UUID,
                 provider_id: UUID, group_name: str, first_month: date, last_month: date,
                 price_per_month: Kopecks, certificate_share: Kopecks, meta: Meta,
                 timestamp: datetime) -> None:
        self.certificate_id = certificate_id
        self.programme_id = programme_id
        self.provider_id = provider_id
        self.group_name = group_name
        self.first_month = first_month
        self.last_month = last_month
        self.price_per_month = price_per_month
        self.certificate_share = certificate_share
        self.status = ContractStatus.REQUESTED

    @property
    def months(self) -> tuple[date, ...]:
        return months_between(self.first_month, self.last_month)

    def _require(self, *statuses: ContractStatus) -> None:
        if self.status not in statuses:
            allowed = " or ".join(s.value for s in statuses)
            raise WrongContractStatus(f"contract {self.id} is {self.status.value}, not {allowed}")

    def require_active(self) -> None:
        self._require(ContractStatus.ACTIVE, ContractStatus.TERMINATED)

    def confirm(self, *, meta: Meta) -> None:
        """The provider confirmed the request; the contract awaits signature."""
        self._require(ContractStatus.REQUESTED)
        self._confirmed(meta=meta, timestamp=meta.recorded_at)

    @event("Confirmed")
    def _confirmed(self, meta: Meta, timestamp: datetime) -> None:
        self.status = ContractStatus.CONFIRMED

    def activate(self, *, meta: Meta) -> None:
        """Signed by both sides: the contract is in force."""
        self._require(ContractStatus.CONFIRMED)
        self._activated(meta=meta, timestamp=meta.recorded_at)

    @event("Activated")
    def _activated(self, meta: Meta, timestamp: datetime) -> None:
        self.status = ContractStatus.ACTIVE

    def refuse(self, *, reason: str, meta: Meta) -> None:
        self._require(ContractStatus.REQUESTED, ContractStatus.CONFIRMED)
        if not reason.strip():
            raise InvalidInput("refusal reason must not be empty")
        self._refused(reason=reason, meta=meta, timestamp=meta.recorded_at)

    @event("Refused")
    def _refused(self, reason: str, meta: Meta, timestamp: datetime) -> None:
        self.status = ContractStatus.REFUSED

    def terminate(self, *, reason: str, meta: Meta) -> date:
        """Terminate at the end of the month of `meta.effective_on`; returns the new last
        month (the month before the first one when it ends before it started)."""
        self._require(ContractStatus.ACTIVE)
        if not reason.strip():
            raise InvalidInput("termination reason must not be empty")
        last_month = min(self.last_month, month_of(meta.effective_on))
        self._terminated(reason=reason, last_month=last_month, meta=meta,
                         timestamp=meta.recorded_at)
        return last_month

    @event("Terminated")
    def _terminated(self, reason: str, last_month: date, meta: Meta,
                    timestamp: datetime) -> None:
        self.status = ContractStatus.TERMINATED
        self.last_month = last_month

    def covers(self, month: date) -> bool:
        return self.first_month <= month <= self.last_month


VALUE_TYPES: tuple[type, ...] = (ContractStatus,)
