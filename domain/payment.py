"""A payment order (платёжное поручение) recorded against an approved claim."""

# Event method parameters are the event's stored fields, used by the body or not.

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.envelope import Meta
from domain.errors import InvalidInput, RuleViolated
from domain.identifiers import validate_inn
from domain.money import Kopecks, require_amount


@dataclass(frozen=True)
class PaymentParty:
    """Payer or payee as the payment order names them."""

    organisation_id: UUID
    name: str
    inn: str
    account_number: str  # расчётный счёт


@dataclass(frozen=True)
class PaymentOrder:
    number: str
    dated: date
    amount: Kopecks
    payer: PaymentParty
    payee: PaymentParty
    purpose: str = ""

    def validated(self) -> PaymentOrder:
        if not self.number.strip():
            raise InvalidInput("payment order number must not be empty")
        require_amount(self.amount, "payment amount", positive=True)
        for party in (self.payer, self.payee):
            validate_inn(party.inn)
            if not party.name.strip() or not party.account_number.strip():
                raise InvalidInput("payer and payee need a name and an account number")
        return self


class WrongPayee(RuleViolated):
    code = "wrong_payee"


class Payment(Aggregate):
    """One payment order against one claim; its id is the payment's transfer id."""

    @staticmethod
    def create_id(payment_id: UUID, claim_id: UUID, order: PaymentOrder, meta: Meta,
                  timestamp: datetime) -> UUID:
        return payment_id

    @classmethod
    def record(cls, *, payment_id: UUID, claim_id: UUID, order: PaymentOrder,
               meta: Meta) -> Payment:
        order.validated()
        return cls(payment_id=payment_id, claim_id=claim_id, order=order, meta=meta,
                   timestamp=meta.recorded_at)

    @event("Recorded")
    def __init__(self, payment_id: UUID, claim_id: UUID, order: PaymentOrder, meta: Meta,
                 timestamp: datetime) -> None:
        self.claim_id = claim_id
        self.order = order


VALUE_TYPES: tuple[type, ...] = (PaymentParty, PaymentOrder)
