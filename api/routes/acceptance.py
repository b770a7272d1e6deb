"""Commands of the acceptance of organisations for the new school year (приёмка): the
municipality's campaign and plan-schedule, the commission's daily protocols, remedies.
A municipal authority acts on its own municipality's campaign only; another's is a 404."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from api import commands, scopes
from api.access import Action, Scope, authorise, authorise_lazily
from api.deps import CommandDep, PrincipalDep, ServicesDep, VersionedDep
from api.gates import GatedRoute, gate
from api.routes.contingent import ERRORS
from api.schemas import CommandResult
from api.schemas_exams import (
    ConfirmRemedies,
    OpenCampaign,
    OpenProtocol,
    PlanOrganisation,
    RecordProtocolEntry,
    Reschedule,
    SignProtocol,
)
from domain.acceptance_values import Deficiency, PlanEntry, ProtocolEntry, Remedy

router = APIRouter(tags=["commands"], responses=ERRORS, route_class=GatedRoute)


# The role, then the campaign or protocol in the path must be of the caller's municipality;
# otherwise 404.
_campaign_gate = gate(Action.WRITE_ACCEPTANCE,
                      lambda services, key: [scopes.campaign(services, key)], "campaign_id",
                      "campaign")
_protocol_gate = gate(Action.WRITE_PROTOCOL,
                      lambda services, key: [scopes.protocol(services, key)], "protocol_id",
                      "protocol")


@router.post("/acceptance-campaigns", status_code=201,
             summary="Open a municipality's acceptance campaign for an academic year (id "
                     "derived)")
@gate(Action.WRITE_ACCEPTANCE)
def open_campaign(body: OpenCampaign, services: ServicesDep, caller: PrincipalDep,
                  headers: CommandDep) -> CommandResult:
    authorise(caller, Action.WRITE_ACCEPTANCE, [Scope(municipality=body.municipality)],
              f"municipality {body.municipality}")
    return commands.run(services, caller, headers, body, lambda c: services.acceptance
                        .open_campaign(c, body.municipality, body.academic_year))


@router.post("/acceptance-campaigns/{campaign_id}/plan", status_code=201,
             summary="Put an organisation into the campaign's plan-schedule")
@_campaign_gate
def plan_organisation(campaign_id: UUID, body: PlanOrganisation, services: ServicesDep,
                      caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    entry = PlanEntry(organisation_id=body.organisation_id, planned_on=body.planned_on,
                      commission_id=body.commission_id, founder=body.founder, head=body.head)
    return commands.run(services, caller, headers, body, lambda c: services.acceptance
                        .plan_organisation(c, campaign_id, entry), versioned=campaign_id)


@router.post("/acceptance-campaigns/{campaign_id}/reschedulings", status_code=201,
             summary="Move an organisation's planned acceptance to another day")
@_campaign_gate
def reschedule(campaign_id: UUID, body: Reschedule, services: ServicesDep,
               caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.acceptance
                        .reschedule(c, campaign_id, body.organisation_id, body.planned_on,
                                    body.reason), versioned=campaign_id)


@router.post("/acceptance-campaigns/{campaign_id}/remedies", status_code=201,
             summary="Record a remedy protocol: deficiencies an organisation has remedied")
@_campaign_gate
def confirm_remedies(campaign_id: UUID, body: ConfirmRemedies, services: ServicesDep,
                     caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    remedies = tuple(Remedy(r.deficiency_id, r.remedied_on, r.evidence) for r in body.remedies)
    return commands.run(services, caller, headers, body, lambda c: services.acceptance
                        .confirm_remedies(c, campaign_id, body.remedy_protocol_id,
                                          body.organisation_id, remedies),
                        versioned=campaign_id)


@router.post("/protocols", status_code=201,
             summary="Open a commission's protocol of a day, or an amending protocol")
@gate(Action.WRITE_PROTOCOL)
def open_protocol(body: OpenProtocol, services: ServicesDep, caller: PrincipalDep,
                  headers: CommandDep) -> CommandResult:
    authorise_lazily(caller, Action.WRITE_PROTOCOL,
                     lambda: [scopes.campaign(services, body.campaign_id)],
                     f"campaign {body.campaign_id}")
    return commands.run(services, caller, headers, body, lambda c: services.acceptance
                        .open_protocol(c, body.campaign_id, body.commission_id, body.held_on,
                                       amends=body.amends, protocol_id=body.protocol_id))


@router.post("/protocols/{protocol_id}/entries", status_code=201,
             summary="Record an organisation's result in an acceptance protocol")
@_protocol_gate
def record_protocol_entry(protocol_id: UUID, body: RecordProtocolEntry, services: ServicesDep,
                          caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    entry = ProtocolEntry(
        organisation_id=body.organisation_id, result=body.result,
        deficiencies=tuple(Deficiency(d.deficiency_id, d.category, d.description, d.remedy_by)
                           for d in body.deficiencies))
    return commands.run(services, caller, headers, body, lambda c: services.acceptance
                        .record_entry(c, protocol_id, entry), versioned=protocol_id)


@router.post("/protocols/{protocol_id}/signature", status_code=201,
             summary="Sign a protocol and file it with its campaign, atomically")
@_protocol_gate
def sign_protocol(protocol_id: UUID, body: SignProtocol, services: ServicesDep,
                  caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.acceptance
                        .sign_protocol(c, protocol_id, body.chair_id,
                                       tuple(body.members_present)), versioned=protocol_id)
