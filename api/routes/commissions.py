"""Commands of commissions: the region's ГИА appeal commission and the municipalities' school-
year acceptance commissions. A municipal authority acts on the commissions of its own area."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from api import commands, scopes
from api.access import Action, authorise
from api.deps import CommandDep, PrincipalDep, ServicesDep, VersionedDep
from api.gates import GatedRoute, gate
from api.routes.contingent import ERRORS
from api.schemas import CommandResult
from api.schemas_exams import AppointMember, FormCommission, MemberIn, MemberRef
from domain.commission import CommissionMember

router = APIRouter(tags=["commands"], responses=ERRORS, route_class=GatedRoute)


def _member(body: MemberIn) -> CommissionMember:
    return CommissionMember(body.member_id, body.full_name, body.position)


# The role, then the commission in the path must serve the caller's area; otherwise 404.
_commission_gate = gate(Action.WRITE_COMMISSION,
                        lambda services, key: [scopes.commission(services, key)],
                        "commission_id", "commission")


@router.post("/commissions", status_code=201, summary="Form a commission with its chair")
@gate(Action.WRITE_COMMISSION)
def form_commission(body: FormCommission, services: ServicesDep, caller: PrincipalDep,
                    headers: CommandDep) -> CommandResult:
    authorise(caller, Action.WRITE_COMMISSION, [scopes.commission_area(body.purpose, body.area)],
              f"area {body.area}")
    return commands.run(services, caller, headers, body, lambda c: services.commissions.form(
        c, body.commission_id, body.purpose, body.name, body.area, _member(body.chair),
        tuple(_member(m) for m in body.members)))


@router.post("/commissions/{commission_id}/members", status_code=201,
             summary="Appoint a member to a commission")
@_commission_gate
def appoint_member(commission_id: UUID, body: AppointMember, services: ServicesDep,
                   caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.commissions
                        .appoint(c, commission_id, _member(body.member)),
                        versioned=commission_id)


@router.post("/commissions/{commission_id}/dismissals", status_code=201,
             summary="Dismiss a member from a commission")
@_commission_gate
def dismiss_member(commission_id: UUID, body: MemberRef, services: ServicesDep,
                   caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.commissions
                        .dismiss(c, commission_id, body.member_id), versioned=commission_id)


@router.post("/commissions/{commission_id}/chair", status_code=201,
             summary="Make a member of the commission its chair")
@_commission_gate
def change_chair(commission_id: UUID, body: MemberRef, services: ServicesDep,
                 caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.commissions
                        .change_chair(c, commission_id, body.member_id),
                        versioned=commission_id)
