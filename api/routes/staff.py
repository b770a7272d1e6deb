"""Commands of the staff register, class teachers and teacher attestation (docs/staff.md), and
reads of the `staff_registry` read model."""

from __future__ import annotations

from enum import Enum
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response

from api import commands, reads
from api.access import Action, Scope, authorise, require
from api.auth import ApiRole, Principal
from api.deps import PrincipalDep, RuntimeDep, ServicesDep, VersionedDep
from api.gates import GatedRoute, gate, organisation_gate
from api.routes.contingent import ERRORS
from api.routes.learners import MinPosition
from api.routes.registers import Cursor, Limit
from api.schemas import CommandResult, Document, Page
from api.schemas_staff import (
    AssessAttestation,
    AssignClassTeacher,
    ChangePosition,
    DecideAttestation,
    EmployeeLeaves,
    FileAttestation,
    HireEmployee,
    PositionIn,
    ReplaceClassTeacher,
    UnassignClassTeacher,
)
from domain.staff import StaffRegister
from domain.staff_values import Position

router = APIRouter(tags=["staff"], responses=ERRORS, route_class=GatedRoute)

_WHERE = "/organisations/{organisation_id}"


def _position(body: PositionIn) -> Position:
    return Position(body.title, tuple(body.subjects))


@router.post(_WHERE + "/staff", status_code=201, summary="Hire an employee (by an order)")
@organisation_gate(Action.WRITE_STAFF)
def hire(organisation_id: UUID, body: HireEmployee, services: ServicesDep, caller: PrincipalDep,
         headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.staff.hire(
        c, organisation_id, body.person_id, body.full_name, _position(body.position)),
        versioned=StaffRegister.stream_id(organisation_id))


@router.post(_WHERE + "/staff/{person_id}/position-changes", status_code=201,
             summary="Move an employee to another post (by an order)")
@organisation_gate(Action.WRITE_STAFF)
def change_position(organisation_id: UUID, person_id: UUID, body: ChangePosition,
                    services: ServicesDep, caller: PrincipalDep,
                    headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.staff
                        .change_position(c, organisation_id, person_id,
                                         _position(body.position)),
                        versioned=StaffRegister.stream_id(organisation_id))


@router.post(_WHERE + "/staff/{person_id}/leavings", status_code=201,
             summary="An employee leaves (by an order)")
@organisation_gate(Action.WRITE_STAFF)
def employee_leaves(organisation_id: UUID, person_id: UUID, body: EmployeeLeaves,
                    services: ServicesDep, caller: PrincipalDep,
                    headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.staff.leave(
        c, organisation_id, person_id, body.reason),
        versioned=StaffRegister.stream_id(organisation_id))


@router.post(_WHERE + "/class-teachers", status_code=201,
             summary="Appoint the class teacher of a class for an academic year")
@organisation_gate(Action.WRITE_STAFF)
def assign_class_teacher(organisation_id: UUID, body: AssignClassTeacher, services: ServicesDep,
                         caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.staff
                        .assign_class_teacher(c, organisation_id, body.class_name,
                                              body.academic_year, body.person_id),
                        versioned=StaffRegister.stream_id(organisation_id))


@router.post(_WHERE + "/class-teachers/replacements", status_code=201,
             summary="Replace the class teacher of a class")
@organisation_gate(Action.WRITE_STAFF)
def replace_class_teacher(organisation_id: UUID, body: ReplaceClassTeacher,
                          services: ServicesDep, caller: PrincipalDep,
                          headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.staff
                        .replace_class_teacher(c, organisation_id, body.class_name,
                                               body.academic_year, body.person_id,
                                               body.reason),
                        versioned=StaffRegister.stream_id(organisation_id))


@router.post(_WHERE + "/class-teachers/unassignments", status_code=201,
             summary="Leave a class without a class teacher")
@organisation_gate(Action.WRITE_STAFF)
def unassign_class_teacher(organisation_id: UUID, body: UnassignClassTeacher,
                           services: ServicesDep, caller: PrincipalDep,
                           headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.staff
                        .unassign_class_teacher(c, organisation_id, body.class_name,
                                                body.academic_year, body.reason),
                        versioned=StaffRegister.stream_id(organisation_id))


@router.post(_WHERE + "/attestations", status_code=201,
             summary="File a teacher's application for a qualification category")
@organisation_gate(Action.FILE_ATTESTATION)
def file_attestation(organisation_id: UUID, body: FileAttestation, services: ServicesDep,
                     caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.staff
                        .file_attestation(c, body.application_id, organisation_id,
                                          body.person_id, body.category),
                        versioned=body.application_id)


@router.post("/attestations/{application_id}/assessment", status_code=201,
             summary="Record the experts' assessment of an attestation application")
@gate(Action.DECIDE_ATTESTATION)
def assess_attestation(application_id: UUID, body: AssessAttestation, services: ServicesDep,
                       caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.staff
                        .assess_attestation(c, application_id, body.conclusion,
                                            body.recommended), versioned=application_id)


@router.post("/attestations/{application_id}/decision", status_code=201,
             summary="Decide an attestation application (by an order)")
@gate(Action.DECIDE_ATTESTATION)
def decide_attestation(application_id: UUID, body: DecideAttestation, services: ServicesDep,
                       caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.staff
                        .decide_attestation(c, application_id, body.outcome, body.valid_from,
                                            body.valid_until), versioned=application_id)


# -- reads -------------------------------------------------------------------------------------


class StaffTable(Enum):
    EMPLOYEES = "employees"
    CLASS_TEACHERS = "class_teachers"
    TEACHER_CLASSES = "teacher_classes"
    ATTESTATIONS = "attestations"


def _own(caller: Principal) -> str | None:
    """The organisation an organisation's staff reads are confined to (None: region-wide)."""
    return str(caller.organisation_id) if caller.role is ApiRole.ORGANISATION_STAFF else None


@router.get("/staff/{table}", response_model=Page, responses=reads.JSON_OK,
            summary="A table of the staff registry, page by page in key order")
def staff_page(table: StaffTable, request: Request, rt: RuntimeDep, caller: PrincipalDep,
               cursor: Cursor = None, limit: Limit = 100, min_position: MinPosition = None,
               organisation_id: Annotated[UUID | None, Query()] = None) -> Response:
    require(caller, Action.READ_STAFF)
    at = reads.position(rt, "staff_registry", min_position)
    own, asked = _own(caller), None if organisation_id is None else str(organisation_id)
    if own is not None and asked not in (None, own):  # asked outside the scope
        return reads.respond(request, {"items": [], "next_cursor": None, "position": at})
    where = {} if (own or asked) is None else {"organisation_id": str(own or asked)}
    return reads.page(request, rt, "staff_registry", table.value, cursor=cursor, limit=limit,
                      where=where, at=at)


@router.get("/staff/{table}/{key}", response_model=Document, responses=reads.JSON_OK,
            summary="One row of the staff registry (keys as in docs/staff.md)")
def staff_row(table: StaffTable, key: str, request: Request, rt: RuntimeDep,
              caller: PrincipalDep, min_position: MinPosition = None) -> Response:
    require(caller, Action.READ_STAFF)
    at = reads.position(rt, "staff_registry", min_position)
    row = rt.projections.read("staff_registry", table.value, key)
    if row is not None:
        organisation = UUID(str(row["organisation_id"]))
        authorise(caller, Action.READ_STAFF, [Scope(organisation_id=organisation)],
                  f"{table.value} {key}")
    return reads.document(request, row, at, f"{table.value} {key}")
