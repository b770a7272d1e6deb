"""Commands of commissions: the region's ГИА appeal commission and the municipalities' school-
year acceptance commissions. A municipal authority acts on the commissions of its own area."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from api import commands, scopes
from api.access import Action, authorise, authorise_lazily
from api.deps import CommandDep, PrincipalDep, ServicesDep, VersionedDep
from api.routes.contingent import ERRORS
from api.schemas import CommandResult
from api.schemas_exams import AppointMember, FormCommission, MemberIn, MemberRef
from domain.commission import CommissionMember
from letopis.bootstrap import Services

router = APIRouter(tags=["commands"], responses=ERRORS)


def _member(body: MemberIn) -> CommissionMember:
    return CommissionMember(body.member_id, body.full_name, body.position)


def _commission_allowed(services: Services, caller: PrincipalDep, commission_id: UUID) -> None:
    authorise_lazily(caller, Action.WRITE_COMMISSION,
                     lambda: [scopes.commission(services, commission_id)],
                     f"commission {commission_id}")


@router.post("/commissions", status_code=201, summary="Form a commission with its chair")
def form_commission(body: FormCommission, services: ServicesDep, caller: PrincipalDep,
                    headers: CommandDep) -> CommandResult:
    authorise(caller, Action.WRITE_COMMISSION, [scopes.commission_area(body.purpose, body.area)],
              f"area {body.area}")
    return commands.run(services, caller, headers, body, lambda c: services.commissions.form(
        c, body.commission_id, body.purpose, body.name, body.area, _member(body.chair),
        tuple(_member(m) for m in body.members)))


@router.post("/commissions/{commission_id}/members", status_code=201,
             summary="Appoint a member to a commission")
def appoint_member(commission_id: UUID, body: AppointMember, services: ServicesDep,
                   caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    _commission_allowed(services, caller, commission_id)
    return commands.run(services, caller, headers, body, lambda c: services.commissions
                        .appoint(c, commission_id, _member(body.member)),
                        versioned=commission_id)


@router.post("/commissions/{commission_id}/dismissals", status_code=201,
             summary="Dismiss a member from a commission")
def dismiss_member(commission_id: UUID, body: MemberRef, services: ServicesDep,
                   caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    _commission_allowed(services, caller, commission_id)
    return commands.run(services, caller, headers, body, lambda c: services.commissions
                        .dismiss(c, commission_id, body.member_id), versioned=commission_id)


@router.post("/commissions/{commission_id}/chair", status_code=201,
             summary="Make a member of the commission its chair")
def change_chair(commission_id: UUID, body: MemberRef, services: ServicesDep,
                 caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    _commission_allowed(services, caller, commission_id)
    return commands.run(services, caller, headers, body, lambda c: services.commissions
                        .change_chair(c, commission_id, body.member_id),
                        versioned=commission_id)
