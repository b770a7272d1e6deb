"""Commands of organisation card changes (docs/organisation_changes.md): the operator's policy
of editable fields, an organisation's direct edits and change requests, the operator's
decisions."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from api import commands
from api.access import Action
from api.deps import CommandDep, PrincipalDep, ServicesDep, VersionedDep
from api.gates import GatedRoute, gate, organisation_gate
from api.routes.contingent import ERRORS
from api.schemas import CommandResult
from api.schemas_staff import (
    EditCard,
    FieldChangeIn,
    RejectChangeRequest,
    SetEditableFields,
    SubmitChangeRequest,
)
from domain.organisation_change_request import POLICY_ID, FieldChange

router = APIRouter(tags=["organisation cards"], responses=ERRORS, route_class=GatedRoute)


def _changes(changes: list[FieldChangeIn]) -> tuple[FieldChange, ...]:
    return tuple(FieldChange(c.field, c.value) for c in changes)


@router.post("/organisation-card-policy", status_code=201,
             summary="Set the card fields organisations may edit directly")
@gate(Action.MANAGE_CARDS)
def set_editable_fields(body: SetEditableFields, services: ServicesDep, caller: PrincipalDep,
                        headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services
                        .organisation_changes.set_editable_fields(
                            c, tuple(body.editable_fields)), versioned=POLICY_ID)


@router.post("/organisations/{organisation_id}/card-edits", status_code=201,
             summary="An organisation edits the fields of its card the policy allows")
@organisation_gate(Action.EDIT_OWN_CARD)
def edit_card(organisation_id: UUID, body: EditCard, services: ServicesDep,
              caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services
                        .organisation_changes.edit_card(c, organisation_id,
                                                        _changes(body.changes)),
                        versioned=organisation_id)


@router.post("/organisations/{organisation_id}/change-requests", status_code=201,
             summary="An organisation asks the operator to change fields of its card")
@organisation_gate(Action.EDIT_OWN_CARD)
def submit_change_request(organisation_id: UUID, body: SubmitChangeRequest,
                          services: ServicesDep, caller: PrincipalDep,
                          headers: CommandDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services
                        .organisation_changes.submit_request(
                            c, body.request_id, organisation_id, _changes(body.changes),
                            body.reason))


@router.post("/organisation-change-requests/{request_id}/approval", status_code=201,
             summary="Approve a change request: the card changes in the same command")
@gate(Action.MANAGE_CARDS)
def approve_change_request(request_id: UUID, services: ServicesDep, caller: PrincipalDep,
                           headers: VersionedDep, body: commands.EmptyCommand | None = None
                           ) -> CommandResult:
    return commands.run(services, caller, headers, body or commands.EmptyCommand(),
                        lambda c: services.organisation_changes.approve(c, request_id),
                        versioned=request_id)


@router.post("/organisation-change-requests/{request_id}/rejection", status_code=201,
             summary="Reject a change request, with the reason")
@gate(Action.MANAGE_CARDS)
def reject_change_request(request_id: UUID, body: RejectChangeRequest, services: ServicesDep,
                          caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services
                        .organisation_changes.reject(c, request_id, body.reason),
                        versioned=request_id)
