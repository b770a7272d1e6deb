"""Monthly claims of a provider to a payer: advance claims and final invoices (счета).

One stream per kind × payer × provider × month, so "at most one live final invoice per
payer × provider × month" is a rule of one aggregate: a second submission while one is live is
refused, and two concurrent first submissions conflict on version 1. A rejected claim may be
submitted again as a new revision of the same stream.

The claim keeps its own accounts: on approval its amount moves claimed → payable; each payment
order moves payable → paid, so a payment above what was approved breaks the payable floor.
"""

# Event method parameters are the event's stored fields, used by the body or not.

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.certificate_values import ChargeKind
from domain.derived_ids import uuid5 as derived_uuid5
from domain.envelope import Meta
from domain.errors import InvalidInput, NotFound, RuleViolated
from domain.funding_accounts import Account, AccountKind, Accounts, Transfer, TransferKind
from domain.money import (
    Kopecks,
    format_amount,
    monday_to_friday,
    month_of,
    require_amount,
    require_month,
    working_day,
)

# Fixed for ever: every claim stream id is derived from it.
CLAIM_NAMESPACE = UUID("3c8b1e42-7f5a-5d09-b6e3-1a2b4c6d8e0f")


class ClaimStatus(Enum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True)
class ClaimRules:
    """Regional settings of the claim run."""

    advance_share_bp: int = 8_000  # 80% of the month's amount
    advance_from_working_day: int = 2  # not before the 2nd working day of the month


@dataclass(frozen=True)
class ClaimLine:
    """One contract in a claim: what the month comes to, and what this claim asks for it."""

    contract_id: UUID
    certificate_id: UUID
    claimed: Kopecks  # advance: the share of the month; final: the month as delivered
    amount: Kopecks  # what the line adds to the claim (a final line nets off the advance)


class ClaimNotFound(NotFound):
    code = "claim_not_found"


class LiveClaimExists(RuleViolated):
    """A second advance claim or final invoice for the same payer × provider × month."""

    code = "live_claim_exists"


class ContractTwiceInClaim(InvalidInput):
    code = "contract_twice_in_claim"


class EmptyClaim(InvalidInput):
    code = "empty_claim"


class ClaimTooEarly(RuleViolated):
    code = "claim_too_early"


class NegativeClaimTotal(RuleViolated):
    code = "negative_claim_total"


class WrongClaimStatus(RuleViolated):
    code = "wrong_claim_status"


class PaymentExceedsApproved(RuleViolated):
    code = "payment_exceeds_approved"


class NotTheAuthorisedOrganisation(RuleViolated):
    """Only the payer (the authorised organisation) approves or rejects its claims."""

    code = "not_the_authorised_organisation"


class PaymentAlreadyRecorded(RuleViolated):
    code = "payment_already_recorded"


class Claim(Aggregate):
    """An advance claim or final invoice of one provider to one payer for one month."""

    @staticmethod
    def stream_id(kind: ChargeKind, payer_id: UUID, provider_id: UUID, month: date) -> UUID:
        name = json.dumps([kind.value, str(payer_id), str(provider_id), month.isoformat()])
        return uuid5(CLAIM_NAMESPACE, name)

    @staticmethod
    def create_id(kind: ChargeKind, payer_id: UUID, provider_id: UUID, month: date, meta: Meta,
                  timestamp: datetime) -> UUID:
        return Claim.stream_id(kind, payer_id, provider_id, month)

    @classmethod
    def open(cls, *, kind: ChargeKind, payer_id: UUID, provider_id: UUID, month: date,
             meta: Meta) -> Claim:
        require_month(month)
        return cls(kind=kind, payer_id=payer_id, provider_id=provider_id, month=month,
                   meta=meta, timestamp=meta.recorded_at)

    @event("Opened")
    def __init__(self, kind: ChargeKind, payer_id: UUID, provider_id: UUID, month: date,
                 meta: Meta, timestamp: datetime) -> None:
        self.kind = kind
        self.payer_id = payer_id
        self.provider_id = provider_id
        self.month = month
        self.status: ClaimStatus | None = None
        self.revision = 0
        self.lines: tuple[ClaimLine, ...] = ()
        self.amount: Kopecks = 0
        self.accounts = Accounts()

    @property
    def approved(self) -> Kopecks:
        return self.accounts.balance(Account(AccountKind.PAYABLE, str(self.id))) + self.paid

    @property
    def paid(self) -> Kopecks:
        return self.accounts.balance(Account(AccountKind.PAID, str(self.id)))

    def operation_id(self, revision: int, contract_id: UUID, step: str) -> UUID:
        """Id of one line's operation in one revision: its transfers' ids derive from it."""
        return derived_uuid5(self.id, f"{revision}/{contract_id}/{step}")

    def require_can_submit(self, rules: ClaimRules, contract_ids: Sequence[UUID], meta: Meta,
                           is_working_day: Callable[[date], bool] = monday_to_friday) -> int:
        """Guards checked before any certificate is charged; returns the new revision.
        `is_working_day` is the region's production calendar (Monday to Friday without one)."""
        _check_contracts(contract_ids)
        if self.status in (ClaimStatus.SUBMITTED, ClaimStatus.APPROVED):
            raise LiveClaimExists(
                f"a {self.kind.value} claim of provider {self.provider_id} to payer "
                f"{self.payer_id} for {self.month:%Y-%m} is already {self.status.value}"
            )
        today = meta.effective_on
        if self.kind is ChargeKind.FINAL and self.month >= month_of(today):
            raise ClaimTooEarly(f"a final invoice for {self.month:%Y-%m} waits for the month "
                                f"to end (it is {today.isoformat()})")
        if self.kind is ChargeKind.ADVANCE:
            first = working_day(self.month, rules.advance_from_working_day, is_working_day)
            if today < first:
                raise ClaimTooEarly(f"an advance claim for {self.month:%Y-%m} is accepted from "
                                    f"{first.isoformat()}, not on {today.isoformat()}")
        return self.revision + 1

    def submit(self, *, lines: tuple[ClaimLine, ...], meta: Meta) -> None:
        """Submit the lines charged to the certificates (the service charges them first)."""
        _check_contracts([line.contract_id for line in lines])
        amount = sum(line.amount for line in lines)
        if amount < 0:
            raise NegativeClaimTotal(f"the claim comes to {format_amount(amount)}: the "
                                     "advances exceed what was delivered")
        self._submitted(revision=self.revision + 1, lines=lines, amount=amount, meta=meta,
                        timestamp=meta.recorded_at)

    @event("Submitted")
    def _submitted(self, revision: int, lines: tuple[ClaimLine, ...], amount: Kopecks,
                   meta: Meta, timestamp: datetime) -> None:
        self.revision = revision
        self.lines = tuple(lines)
        self.amount = amount
        self.status = ClaimStatus.SUBMITTED

    def approve(self, *, meta: Meta) -> None:
        """The authorised organisation approved the claim: its amount becomes payable."""
        self._require(ClaimStatus.SUBMITTED)
        self._require_payer(meta)
        transfer = None
        if self.amount:
            transfer = Transfer(uuid5(self.id, f"{self.revision}/approval"),
                                TransferKind.APPROVAL, Account(AccountKind.CLAIMED, str(self.id)),
                                Account(AccountKind.PAYABLE, str(self.id)), self.amount,
                                f"revision {self.revision} approved")
            self.accounts.check(transfer)
        self._approved(transfer=transfer, meta=meta, timestamp=meta.recorded_at)

    @event("Approved")
    def _approved(self, transfer: Transfer | None, meta: Meta, timestamp: datetime) -> None:
        self.status = ClaimStatus.APPROVED
        if transfer is not None:
            self.accounts.post(transfer)

    def reject(self, *, reason: str, meta: Meta) -> None:
        self._require(ClaimStatus.SUBMITTED)
        self._require_payer(meta)
        if not reason.strip():
            raise InvalidInput("rejection reason must not be empty")
        self._rejected(reason=reason, meta=meta, timestamp=meta.recorded_at)

    @event("Rejected")
    def _rejected(self, reason: str, meta: Meta, timestamp: datetime) -> None:
        self.status = ClaimStatus.REJECTED

    def record_payment(self, *, payment_id: UUID, amount: Kopecks, meta: Meta) -> None:
        """A payment order against the approved claim; it never exceeds what is unpaid."""
        require_amount(amount, "payment amount", positive=True)
        if self.status is not ClaimStatus.APPROVED:
            raise WrongClaimStatus(f"claim {self.id} is not approved: nothing is payable")
        if self.accounts.transfer(payment_id) is not None:
            raise PaymentAlreadyRecorded(f"payment {payment_id} is already recorded")
        unpaid = self.accounts.balance(Account(AccountKind.PAYABLE, str(self.id)))
        if amount > unpaid:
            raise PaymentExceedsApproved(
                f"payment of {format_amount(amount)} exceeds what is approved and unpaid on "
                f"claim {self.id} ({format_amount(unpaid)})"
            )
        transfer = Transfer(payment_id, TransferKind.PAYMENT,
                            Account(AccountKind.PAYABLE, str(self.id)),
                            Account(AccountKind.PAID, str(self.id)), amount, "payment order")
        self.accounts.check(transfer)
        self._paid(transfer=transfer, meta=meta, timestamp=meta.recorded_at)

    @event("PaymentRecorded")
    def _paid(self, transfer: Transfer, meta: Meta, timestamp: datetime) -> None:
        self.accounts.post(transfer)

    def _require_payer(self, meta: Meta) -> None:
        if meta.actor.organisation_id != self.payer_id:
            raise NotTheAuthorisedOrganisation(
                f"claim {self.id} is decided by its payer {self.payer_id}, not by "
                f"{meta.actor.user_id} of {meta.actor.organisation_id}"
            )

    def _require(self, status: ClaimStatus) -> None:
        if self.status is not status:
            shown = self.status.value if self.status else "not submitted"
            raise WrongClaimStatus(f"claim {self.id} is {shown}, not {status.value}")


def _check_contracts(contract_ids: Sequence[UUID]) -> None:
    if not contract_ids:
        raise EmptyClaim("a claim needs at least one contract")
    seen: set[UUID] = set()
    for contract_id in contract_ids:
        if contract_id in seen:
            raise ContractTwiceInClaim(f"contract {contract_id} appears twice in a claim")
        seen.add(contract_id)


VALUE_TYPES: tuple[type, ...] = (ClaimStatus, ClaimLine)
