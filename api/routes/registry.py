"""Commands of an organisation's life in the registry after registration: details, licences,
accreditations, reorganisation, closure. Each is on the organisation's stream (If-Match)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from api import commands
from api.access import Action, Scope, require_in_scope
from api.deps import PrincipalDep, ServicesDep, VersionedDep
from api.gates import GatedRoute, organisation_gate
from api.routes.contingent import ERRORS
from api.schemas import CommandResult
from api.schemas_commands import OrganisationCard
from api.schemas_registry import (
    ChangeOrganisationDetails,
    CloseOrganisation,
    RecordAccreditation,
    RecordLicence,
    Reorganise,
)
from domain.organisation import Accreditation, Licence, OrganisationDetails

router = APIRouter(tags=["commands"], responses=ERRORS, route_class=GatedRoute)


def details_of(body: OrganisationCard) -> OrganisationDetails:
    return OrganisationDetails(
        full_name=body.full_name, short_name=body.short_name, kind=body.kind, inn=body.inn,
        ogrn=body.ogrn, municipality=body.municipality, legal_address=body.legal_address,
        actual_address=body.actual_address)


@router.post("/organisations/{organisation_id}/detail-changes", status_code=201,
             summary="Change an organisation's registry card")
@organisation_gate(Action.WRITE_ORGANISATION)
def change_details(organisation_id: UUID, body: ChangeOrganisationDetails,
                   services: ServicesDep, caller: PrincipalDep,
                   headers: VersionedDep) -> CommandResult:
    # Moving an organisation to another municipality needs that one to be the caller's too.
    require_in_scope(caller, Action.WRITE_ORGANISATION,
                     [Scope(municipality=body.municipality)], f"municipality {body.municipality}")
    return commands.run(services, caller, headers, body, lambda c: services.organisations
                        .change_details(c, organisation_id, details_of(body)),
                        versioned=organisation_id)


@router.post("/organisations/{organisation_id}/licences", status_code=201,
             summary="Record an organisation's educational licence")
@organisation_gate(Action.WRITE_ORGANISATION)
def record_licence(organisation_id: UUID, body: RecordLicence, services: ServicesDep,
                   caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    licence = Licence(number=body.number, issued_on=body.issued_on, issued_by=body.issued_by)
    return commands.run(services, caller, headers, body, lambda c: services.organisations
                        .record_licence(c, organisation_id, licence), versioned=organisation_id)


@router.post("/organisations/{organisation_id}/accreditations", status_code=201,
             summary="Record an organisation's state accreditation")
@organisation_gate(Action.WRITE_ORGANISATION)
def record_accreditation(organisation_id: UUID, body: RecordAccreditation,
                         services: ServicesDep, caller: PrincipalDep,
                         headers: VersionedDep) -> CommandResult:
    accreditation = Accreditation(number=body.number, issued_on=body.issued_on,
                                  valid_until=body.valid_until, levels=tuple(body.levels))
    return commands.run(services, caller, headers, body, lambda c: services.organisations
                        .record_accreditation(c, organisation_id, accreditation),
                        versioned=organisation_id)


@router.post("/organisations/{organisation_id}/reorganisation", status_code=201,
             summary="Record an organisation's reorganisation, naming its successors")
@organisation_gate(Action.WRITE_ORGANISATION)
def reorganise(organisation_id: UUID, body: Reorganise, services: ServicesDep,
               caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.organisations
                        .reorganise(c, organisation_id, body.form, tuple(body.successor_ids)),
                        versioned=organisation_id)


@router.post("/organisations/{organisation_id}/closure", status_code=201,
             summary="Close an organisation (no enrolments after it)")
@organisation_gate(Action.WRITE_ORGANISATION)
def close(organisation_id: UUID, body: CloseOrganisation, services: ServicesDep,
          caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.organisations
                        .close(c, organisation_id, body.reason), versioned=organisation_id)
