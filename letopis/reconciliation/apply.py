"""`--apply`: record confirmed matches as payments, idempotently.

A line's payment id is derived from the payment order itself (number, date, payer INN), and
so is the command id: a second run finds the payment in the ledger and records nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID, uuid5

from domain.envelope import Actor
from domain.errors import DomainError
from domain.payment import PaymentOrder, PaymentParty
from letopis.ledger import CommandContext
from letopis.reconciliation.service import ConfirmedPayment
from letopis.services.funding_claims import FundingClaimService

# Fixed for ever: payment ids of reconciled statement lines derive from it.
STATEMENT_PAYMENT_NAMESPACE = UUID("6f1d9a3e-2b7c-5e48-9a0d-c4e2f1b3a5d7")
NO_ACCOUNT = "not stated in the statement"


@dataclass(frozen=True)
class Applied:
    recorded: int
    already_present: int
    refused: tuple[tuple[int, str], ...]  # (line number, reason)


def payment_id(line: ConfirmedPayment) -> UUID:
    """The payment order's identity: number, date and payer INN."""
    return uuid5(STATEMENT_PAYMENT_NAMESPACE,
                 f"{line.number}|{line.dated.isoformat()}|{line.payer_inn}")


def apply_confirmed(claims: FundingClaimService, lines: tuple[ConfirmedPayment, ...],
                    actor: Actor) -> Applied:
    """Record each confirmed line not yet in the ledger (one command per payment order)."""
    recorded = present = 0
    refused: list[tuple[int, str]] = []
    for line in lines:
        identity = payment_id(line)
        if line.recorded or claims.ledger.exists(identity):
            present += 1
            continue
        order = PaymentOrder(
            number=line.number, dated=line.dated, amount=line.amount,
            payer=PaymentParty(UUID(line.payer_id), line.payer_name, line.claim_payer_inn,
                               NO_ACCOUNT),
            payee=PaymentParty(UUID(line.provider_id), line.provider_name, line.provider_inn,
                               line.payee_account or NO_ACCOUNT),
            purpose=line.purpose)
        context = CommandContext(actor=actor, command_id=f"reconcile/{identity}",
                                 effective_on=line.dated)
        try:
            claims.record_payment(context, payment_id=identity, claim_id=UUID(line.claim_id),
                                  order=order)
        except DomainError as error:
            refused.append((line.line_no, f"{error.code}: {error.message}"))
            continue
        recorded += 1
    return Applied(recorded, present, tuple(refused))
