"""Commands of personalised funding: certificates, contracts, claims, payments."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from api import commands, scopes
from api.access import Action, Scope, authorise, authorise_lazily
from api.deps import CommandDep, PrincipalDep, ServicesDep, VersionedDep
from api.gates import GatedRoute, gate
from api.routes.contingent import ERRORS
from api.schemas import CommandResult
from api.schemas_commands import (
    ClaimIn,
    IssueCertificate,
    RecordPayment,
    RejectClaim,
    RequestContract,
    SubmitClaim,
)
from api.schemas_commands import PartyIn as PartyBody
from domain.payment import PaymentOrder, PaymentParty
from letopis.services.funding_claims import ClaimRequest

router = APIRouter(tags=["commands"], responses=ERRORS, route_class=GatedRoute)


def claim_request(body: ClaimIn) -> ClaimRequest:
    return ClaimRequest(kind=body.kind, payer_id=body.payer_id, provider_id=body.provider_id,
                        month=body.month,
                        contracts=[(line.contract_id, line.delivered_bp)
                                   for line in body.contracts])


def _party(body: PartyBody) -> PaymentParty:
    return PaymentParty(body.organisation_id, body.name, body.inn, body.account_number)


@router.post("/certificates", status_code=201,
             summary="Issue a certificate of additional education")
@gate(Action.ISSUE_CERTIFICATE)
def issue_certificate(body: IssueCertificate, services: ServicesDep, caller: PrincipalDep,
                      headers: CommandDep) -> CommandResult:
    authorise(caller, Action.ISSUE_CERTIFICATE, [Scope(municipality=body.municipality)],
              f"municipality {body.municipality}")
    return commands.run(services, caller, headers, body, lambda c: services.certificates.issue(
        c, number=body.number, learner_id=body.learner_id, kind=body.kind,
        municipality=body.municipality, year=body.year))


@router.post("/contracts", status_code=201, summary="Request a contract on a certificate")
@gate(Action.REQUEST_CONTRACT)
def request_contract(body: RequestContract, services: ServicesDep, caller: PrincipalDep,
                     headers: CommandDep) -> CommandResult:
    authorise_lazily(caller, Action.REQUEST_CONTRACT,
                     lambda: [scopes.programme_provider(services, body.programme_id)],
                     f"programme {body.programme_id}")
    return commands.run(services, caller, headers, body, lambda c: services.certificates
                        .request_contract(c, contract_id=body.contract_id, number=body.number,
                                          programme_id=body.programme_id,
                                          group_name=body.group_name,
                                          first_month=body.first_month,
                                          last_month=body.last_month))


@router.post("/claims", status_code=201, summary="Submit a claim (advance) or an invoice (final)")
@gate(Action.SUBMIT_CLAIM)
def submit_claim(body: SubmitClaim, services: ServicesDep, caller: PrincipalDep,
                 headers: CommandDep) -> CommandResult:
    authorise(caller, Action.SUBMIT_CLAIM, [Scope(provider_id=body.provider_id)],
              f"provider {body.provider_id}")
    return commands.run(services, caller, headers, body,
                        lambda c: services.funding_claims.submit(c, claim_request(body)))


@router.post("/claims/{claim_id}/approval", status_code=201, summary="Approve a claim")
@gate(Action.DECIDE_CLAIM)
def approve_claim(claim_id: UUID, services: ServicesDep, caller: PrincipalDep,
                  headers: VersionedDep, body: commands.EmptyCommand | None = None
                  ) -> CommandResult:
    return commands.run(services, caller, headers, body or commands.EmptyCommand(),
                        lambda c: services.funding_claims.approve(c, claim_id),
                        versioned=claim_id)


@router.post("/claims/{claim_id}/rejection", status_code=201, summary="Reject a claim")
@gate(Action.DECIDE_CLAIM)
def reject_claim(claim_id: UUID, body: RejectClaim, services: ServicesDep,
                 caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body,
                        lambda c: services.funding_claims.reject(c, claim_id, body.reason),
                        versioned=claim_id)


@router.post("/payments", status_code=201, summary="Record a payment order against a claim")
@gate(Action.RECORD_PAYMENT)
def record_payment(body: RecordPayment, services: ServicesDep, caller: PrincipalDep,
                   headers: CommandDep) -> CommandResult:
    order = PaymentOrder(number=body.number, dated=body.dated, amount=body.amount,
                         payer=_party(body.payer), payee=_party(body.payee),
                         purpose=body.purpose)
    return commands.run(services, caller, headers, body, lambda c: services.funding_claims
                        .record_payment(c, payment_id=body.payment_id, claim_id=body.claim_id,
                                        order=order))
