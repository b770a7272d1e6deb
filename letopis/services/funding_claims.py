"""Commands of the monthly claim run: advance claims, final invoices, approval, payments.

A submission charges every contract's certificate and records the claim in one transaction;
approval and rejection settle or reverse those charges on the certificates in one transaction
too. Many claims can be run in one transaction with `submit_many` (the benchmark's batching).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.certificate import Certificate
from domain.certificate_values import CertificateNotFound, ChargeKind
from domain.claim import Claim, ClaimLine, ClaimNotFound, ClaimRules
from domain.contract import Contract, ContractNotFound
from domain.envelope import Meta
from domain.errors import NotFound, RuleViolated
from domain.money import monday_to_friday, require_share
from domain.organisation import Organisation
from domain.payment import Payment, PaymentOrder, WrongPayee
from letopis.ledger import CommandContext, Ledger
from letopis.store.base import CommandOutcome


class ContractOfAnotherProvider(RuleViolated):
    code = "contract_of_another_provider"


class PaymentIdInUse(RuleViolated):
    code = "payment_id_in_use"


@dataclass(frozen=True)
class ClaimRequest:
    """One claim of a run: for an advance, `delivered` pairs carry no meaning and may be 0."""

    kind: ChargeKind
    payer_id: UUID
    provider_id: UUID
    month: date
    contracts: Sequence[tuple[UUID, int]]  # (contract id, delivered share in basis points)


class _Loaded:
    """Aggregates loaded within one command, so a certificate shared by several contracts (or
    claims of a batch) is loaded once and its changes accumulate."""

    def __init__(self, ledger: Ledger, preloaded: Mapping[UUID, Aggregate] | None = None,
                 absent: frozenset[UUID] = frozenset()) -> None:
        self.ledger = ledger
        self.by_id: dict[UUID, Aggregate] = dict(preloaded or {})
        self.absent = absent  # ids read in bulk within this command and not in the ledger

    def exists(self, stream_id: UUID) -> bool:
        if stream_id in self.by_id:
            return True
        return stream_id not in self.absent and self.ledger.exists(stream_id)

    def organisation(self, organisation_id: UUID) -> Organisation:
        found = self.by_id.get(organisation_id)
        if found is None:
            if organisation_id in self.absent:
                raise NotFound(f"organisation {organisation_id} is not in the ledger")
            return self.ledger.load(Organisation, organisation_id, "organisation")
        if not isinstance(found, Organisation):
            raise NotFound(f"{organisation_id} is not a organisation")
        return found

    def get(self, cls: type[Aggregate], aggregate_id: UUID, what: str,
            error: type[NotFound]) -> Aggregate:
        found = self.by_id.get(aggregate_id)
        if found is None:
            try:
                found = self.by_id[aggregate_id] = self.ledger.load(cls, aggregate_id, what)
            except NotFound as exc:
                raise error(exc.message) from None
        if not isinstance(found, cls):  # read in bulk as another kind of aggregate
            raise error(f"{aggregate_id} is not a {what}")
        return found

    def certificate(self, certificate_id: UUID) -> Certificate:
        found = self.get(Certificate, certificate_id, "certificate", CertificateNotFound)
        assert isinstance(found, Certificate)
        return found

    def contract(self, contract_id: UUID) -> Contract:
        found = self.get(Contract, contract_id, "contract", ContractNotFound)
        assert isinstance(found, Contract)
        return found

    def claim(self, claim_id: UUID) -> Claim:
        found = self.get(Claim, claim_id, "claim", ClaimNotFound)
        assert isinstance(found, Claim)
        return found


class FundingClaimService:
    def __init__(self, ledger: Ledger, rules: ClaimRules | None = None,
                 is_working_day: Callable[[date], bool] = monday_to_friday) -> None:
        """`is_working_day`: the region's production calendar (e.g.
        `ProductionCalendar.is_working_day`) for the advance's working-day rule."""
        self.ledger = ledger
        self.rules = rules or ClaimRules()
        self.is_working_day = is_working_day

    def claim(self, claim_id: UUID) -> Claim:
        return _Loaded(self.ledger).claim(claim_id)

    def submit(self, context: CommandContext, request: ClaimRequest) -> CommandOutcome:
        """Submit one advance claim or final invoice; returns the outcome (claim id:
        `Claim.stream_id(kind, payer, provider, month)`)."""
        return self.submit_many(context, [request])

    def submit_many(self, context: CommandContext, requests: Sequence[ClaimRequest], *,
                    preloaded: Mapping[UUID, Aggregate] | None = None) -> CommandOutcome:
        """Submit several claims in one transaction: all of them, or (on any refusal) none.

        `preloaded` may hold contracts and certificates the caller read in bulk; their versions
        still guard the save, so a stale one makes the command fail with a conflict. The command
        changes those objects: read them afresh before a retry. Without it, the contracts and
        their certificates are read in bulk here (`Ledger.load_many`: snapshots, two queries)."""

        def action(meta: Meta) -> list[Aggregate]:
            loaded = self._preload(requests) if preloaded is None \
                else _Loaded(self.ledger, preloaded)
            for request in requests:
                self._submit(loaded, request, meta)
            return [a for a in loaded.by_id.values() if a.pending_events]

        payload = {"claims": [_payload(r) for r in requests]}
        return self.ledger.execute(context, "submit_claims", payload, action)

    def _preload(self, requests: Sequence[ClaimRequest]) -> _Loaded:
        """The requests' claims, payers and providers, contracts, and the contracts'
        certificates, read in bulk (two queries); an id read as another kind of aggregate is
        left out, to be refused by the one-by-one read as before. Ids not in the ledger are
        remembered as absent, so that a claim's first submission asks nothing more."""
        claims = {Claim.stream_id(r.kind, r.payer_id, r.provider_id, r.month): r
                  for r in requests}
        organisations = {o for r in requests for o in (r.payer_id, r.provider_id)}
        contract_ids = [c for r in requests for c, _ in r.contracts]
        first = self.ledger.load_many([*claims, *organisations, *contract_ids])
        expected: dict[UUID, type[Aggregate]] = {
            **dict.fromkeys(organisations, Organisation), **dict.fromkeys(claims, Claim)}
        kept = {i: a for i, a in first.items() if isinstance(a, expected.get(i, Contract))}
        certificates = self.ledger.load_many(
            [a.certificate_id for a in kept.values() if isinstance(a, Contract)])
        kept.update((i, a) for i, a in certificates.items() if isinstance(a, Certificate))
        absent = frozenset(i for i in (*claims, *organisations) if i not in first)
        return _Loaded(self.ledger, kept, absent)

    def _submit(self, loaded: _Loaded, request: ClaimRequest, meta: Meta) -> None:
        stream = Claim.stream_id(request.kind, request.payer_id, request.provider_id,
                                 request.month)
        if loaded.exists(stream):
            claim = loaded.claim(stream)
        else:
            for org in (request.payer_id, request.provider_id):
                loaded.organisation(org)
            claim = Claim.open(kind=request.kind, payer_id=request.payer_id,
                               provider_id=request.provider_id, month=request.month, meta=meta)
            loaded.by_id[stream] = claim
        revision = claim.require_can_submit(self.rules, [c for c, _ in request.contracts], meta,
                                            self.is_working_day)
        lines: list[ClaimLine] = []
        for contract_id, delivered_bp in request.contracts:
            contract = loaded.contract(contract_id)
            if contract.provider_id != request.provider_id:
                raise ContractOfAnotherProvider(
                    f"contract {contract_id} is with provider {contract.provider_id}, "
                    f"not {request.provider_id}")
            contract.require_active()
            share = self.rules.advance_share_bp if request.kind is ChargeKind.ADVANCE \
                else require_share(delivered_bp, "delivered share")
            certificate = loaded.certificate(contract.certificate_id)
            claimed, amount = certificate.charge(
                contract_id=contract_id, month=request.month, kind=request.kind,
                share_bp=share, claim_id=claim.id,
                operation_id=claim.operation_id(revision, contract_id, "charge"), meta=meta)
            lines.append(ClaimLine(contract_id, certificate.id, claimed, amount))
        claim.submit(lines=tuple(lines), meta=meta)

    def approve(self, context: CommandContext, claim_id: UUID) -> CommandOutcome:
        """Approve: the amount becomes payable; a final invoice settles each contract-month."""

        def action(meta: Meta) -> list[Aggregate]:
            loaded = _Loaded(self.ledger)
            claim = loaded.claim(claim_id)
            claim.approve(meta=meta)
            if claim.kind is ChargeKind.FINAL:
                for line in claim.lines:
                    loaded.certificate(line.certificate_id).settle_month(
                        contract_id=line.contract_id, month=claim.month, claim_id=claim.id,
                        operation_id=claim.operation_id(claim.revision, line.contract_id,
                                                        "settle"), meta=meta)
            return list(loaded.by_id.values())

        return self.ledger.execute(context, "approve_claim", {"claim_id": claim_id}, action)

    def reject(self, context: CommandContext, claim_id: UUID, reason: str) -> CommandOutcome:
        """Reject: each charge returns to its contract's reserve; the month may be claimed
        again by a new revision."""

        def action(meta: Meta) -> list[Aggregate]:
            loaded = _Loaded(self.ledger)
            claim = loaded.claim(claim_id)
            claim.reject(reason=reason, meta=meta)
            for line in claim.lines:
                loaded.certificate(line.certificate_id).reverse_charge(
                    contract_id=line.contract_id, month=claim.month, kind=claim.kind,
                    claim_id=claim.id,
                    operation_id=claim.operation_id(claim.revision, line.contract_id,
                                                    "reversal"), meta=meta)
            return list(loaded.by_id.values())

        payload = {"claim_id": claim_id, "reason": reason}
        return self.ledger.execute(context, "reject_claim", payload, action)

    def record_payment(self, context: CommandContext, *, payment_id: UUID, claim_id: UUID,
                       order: PaymentOrder) -> CommandOutcome:
        """A payment order against an approved claim; never above what is approved."""

        def action(meta: Meta) -> list[Aggregate]:
            order.validated()
            if self.ledger.exists(payment_id):
                raise PaymentIdInUse(f"payment id {payment_id} is already in use")
            claim = _Loaded(self.ledger).claim(claim_id)
            if order.payee.organisation_id != claim.provider_id \
                    or order.payer.organisation_id != claim.payer_id:
                raise WrongPayee(f"claim {claim_id} is payable by {claim.payer_id} to "
                                 f"{claim.provider_id}, not as the payment order says")
            payment = Payment.record(payment_id=payment_id, claim_id=claim_id, order=order,
                                     meta=meta)
            claim.record_payment(payment_id=payment_id, amount=order.amount, meta=meta)
            return [payment, claim]

        payload = {"payment_id": payment_id, "claim_id": claim_id, "order": order}
        return self.ledger.execute(context, "record_payment", payload, action)


def _payload(request: ClaimRequest) -> dict[str, object]:
    return {"kind": request.kind.value, "payer_id": request.payer_id,
            "provider_id": request.provider_id, "month": request.month,
            "contracts": list(request.contracts)}  # pairs: JSON arrays, as lists were
