"""Commands of programmes, of contracts after their request, and of claims in a batch.

A provider acts on its own contracts and claims only; someone else's contract is a 404.
"""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from api import commands, scopes
from api.access import Action, Scope, authorise
from api.deps import CommandDep, PrincipalDep, ServicesDep, VersionedDep
from api.gates import GatedRoute, gate
from api.routes.contingent import ERRORS
from api.routes.funding import claim_request
from api.schemas import CommandResult
from api.schemas_funding import CertifyProgramme, ContractReason, SubmitClaims

router = APIRouter(tags=["commands"], responses=ERRORS, route_class=GatedRoute)


# The role, then the contract in the path must be the caller's (its provider's); otherwise 404.
_contract_gate = gate(Action.WRITE_CONTRACT,
                      lambda services, key: [scopes.contract_provider(services, key)],
                      "contract_id", "contract")


@router.post("/programmes", status_code=201,
             summary="Certify a provider's programme for personalised funding")
@gate(Action.CERTIFY_PROGRAMME)
def certify_programme(body: CertifyProgramme, services: ServicesDep, caller: PrincipalDep,
                      headers: CommandDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.certificates
                        .certify_programme(c, programme_id=body.programme_id,
                                           provider_id=body.provider_id, title=body.title,
                                           unit=body.unit,
                                           price_per_month=body.price_per_month,
                                           normative_price=body.normative_price))


@router.post("/contracts/{contract_id}/confirmation", status_code=201,
             summary="The provider confirms a requested contract (it awaits signature)")
@_contract_gate
def confirm_contract(contract_id: UUID, services: ServicesDep, caller: PrincipalDep,
                     headers: VersionedDep, body: commands.EmptyCommand | None = None
                     ) -> CommandResult:
    return commands.run(services, caller, headers, body or commands.EmptyCommand(),
                        lambda c: services.certificates.confirm_contract(c, contract_id),
                        versioned=contract_id)


@router.post("/contracts/{contract_id}/activation", status_code=201,
             summary="A confirmed contract is signed by both sides and comes into force")
@_contract_gate
def activate_contract(contract_id: UUID, services: ServicesDep, caller: PrincipalDep,
                      headers: VersionedDep, body: commands.EmptyCommand | None = None
                      ) -> CommandResult:
    return commands.run(services, caller, headers, body or commands.EmptyCommand(),
                        lambda c: services.certificates.activate_contract(c, contract_id),
                        versioned=contract_id)


@router.post("/contracts/{contract_id}/refusal", status_code=201,
             summary="Refuse a contract not yet in force; its reserve returns to the certificate")
@_contract_gate
def refuse_contract(contract_id: UUID, body: ContractReason, services: ServicesDep,
                    caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.certificates
                        .refuse_contract(c, contract_id, body.reason), versioned=contract_id)


@router.post("/contracts/{contract_id}/termination", status_code=201,
             summary="Terminate a contract at the end of the month of `effective_on`")
@_contract_gate
def terminate_contract(contract_id: UUID, body: ContractReason, services: ServicesDep,
                       caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.certificates
                        .terminate_contract(c, contract_id, body.reason),
                        versioned=contract_id)


@router.post("/claim-batches", status_code=201,
             summary="Submit several claims in one transaction: all of them or none")
@gate(Action.SUBMIT_CLAIM)
def submit_claims(body: SubmitClaims, services: ServicesDep, caller: PrincipalDep,
                  headers: CommandDep) -> CommandResult:
    # Every claim of the batch must be the caller's: one that is not refuses the whole batch.
    for claim in body.claims:
        authorise(caller, Action.SUBMIT_CLAIM, [Scope(provider_id=claim.provider_id)],
                  f"provider {claim.provider_id}")
    requests = [claim_request(claim) for claim in body.claims]
    return commands.run(services, caller, headers, body,
                        lambda c: services.funding_claims.submit_many(c, requests))
