"""Commands of first-class and college admission (docs/admissions.md): a parent (or the
applicant) files for their own child; the school or college, its municipality, or the operator
run the admission. And reads of the `college_ratings` read model."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response

from api import commands, reads, scopes
from api.access import Action, Scope, authorise, authorise_lazily, require
from api.auth import ApiRole
from api.deps import PrincipalDep, RuntimeDep, ServicesDep, VersionedDep
from api.gates import Endpoint, GatedRoute, gate, organisation_gate
from api.routes.contingent import ERRORS
from api.routes.learners import MinPosition
from api.routes.registers import Cursor, Limit
from api.schemas import CommandResult, Document, Page
from api.schemas_admissions import (
    ConfirmCollege,
    GrantAgeException,
    OpenCollege,
    OpenFirstClass,
    OrderCollegeEnrolment,
    OrderFirstClass,
    PublishRating,
    ReceiveFirstClass,
    RefuseFirstClass,
    SubmitCollegeDraft,
    WithdrawCollege,
)
from domain.college_admission import CollegeAdmission
from domain.college_values import ProgrammeChoice, ProgrammePlaces
from domain.errors import NotFound
from domain.first_class_admission import FirstClassAdmission
from letopis.bootstrap import Services
from projections.college_ratings import rating_list

router = APIRouter(tags=["admissions"], responses=ERRORS, route_class=GatedRoute)

_SCHOOL = "/schools/{school_id}"
_COLLEGE = "/colleges/{college_id}"


def _school_gate(action: Action) -> Callable[[Endpoint], Endpoint]:
    return organisation_gate(action, "school_id")


def _college_gate(action: Action) -> Callable[[Endpoint], Endpoint]:
    return organisation_gate(action, "college_id")


def _with_applicant(services: Services, organisation_id: UUID,
                    applicant_id: UUID | None) -> list[Scope]:
    """The organisation's scope, and the applicant's own (a parent's or learner's token)."""
    own = [] if applicant_id is None else [Scope(learner_id=applicant_id)]
    return [scopes.organisation(services, organisation_id), *own]


# -- first class -------------------------------------------------------------------------------


def _first(school_id: UUID, academic_year: str) -> UUID:
    return FirstClassAdmission.stream_id(school_id, academic_year)


@router.post(_SCHOOL + "/first-class-admissions", status_code=201,
             summary="Open a school's first-class admission for a year, with its places")
@_school_gate(Action.ADMIT_FIRST_CLASS)
def open_first_class(school_id: UUID, body: OpenFirstClass, services: ServicesDep,
                     caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.first_class.open(
        c, school_id, body.academic_year, body.places),
        versioned=_first(school_id, body.academic_year))


@router.post(_SCHOOL + "/first-class-applications", status_code=201,
             summary="Receive an application to the first class (on `effective_on`)")
@gate(Action.APPLY_FIRST_CLASS)
def receive_first_class(school_id: UUID, body: ReceiveFirstClass, services: ServicesDep,
                        caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    # The child is named only in the body: a parent's own child is checked here.
    authorise_lazily(caller, Action.APPLY_FIRST_CLASS,
                     lambda: _with_applicant(services, school_id, body.child_id),
                     f"school {school_id}")
    return commands.run(services, caller, headers, body, lambda c: services.first_class
                        .receive(c, school_id, body.academic_year,
                                 application_id=body.application_id, child_id=body.child_id,
                                 category=body.category, birth_date=body.birth_date),
                        versioned=_first(school_id, body.academic_year))


@router.post(_SCHOOL + "/first-class-age-exceptions", status_code=201,
             summary="The founder allows a child outside the age limits")
@_school_gate(Action.GRANT_AGE_EXCEPTION)
def grant_age_exception(school_id: UUID, body: GrantAgeException, services: ServicesDep,
                        caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.first_class
                        .grant_age_exception(c, school_id, body.academic_year, body.child_id),
                        versioned=_first(school_id, body.academic_year))


@router.post(_SCHOOL + "/first-class-refusals", status_code=201,
             summary="Refuse a first-class application, with the reason")
@_school_gate(Action.ADMIT_FIRST_CLASS)
def refuse_first_class(school_id: UUID, body: RefuseFirstClass, services: ServicesDep,
                       caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.first_class.refuse(
        c, school_id, body.academic_year, body.application_id, body.reason, body.explanation),
        versioned=_first(school_id, body.academic_year))


@router.post(_SCHOOL + "/first-class-orders", status_code=201,
             summary="The admission order: admits and enrols the children in a class")
@_school_gate(Action.ADMIT_FIRST_CLASS)
def order_first_class(school_id: UUID, body: OrderFirstClass, services: ServicesDep,
                      caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.first_class
                        .order_admission(c, school_id, body.academic_year,
                                         tuple(body.application_ids), body.class_name),
                        versioned=_first(school_id, body.academic_year))


# -- college -----------------------------------------------------------------------------------


def _college(college_id: UUID, academic_year: str) -> UUID:
    return CollegeAdmission.stream_id(college_id, academic_year)


@router.post(_COLLEGE + "/admissions", status_code=201,
             summary="Open a college's admission for a year: programmes and places")
@_college_gate(Action.ADMIT_COLLEGE)
def open_college(college_id: UUID, body: OpenCollege, services: ServicesDep,
                 caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    programmes = tuple(ProgrammePlaces(p.code, p.name, p.places) for p in body.programmes)
    return commands.run(services, caller, headers, body, lambda c: services.college_admission
                        .open(c, college_id, body.academic_year, programmes),
                        versioned=_college(college_id, body.academic_year))


@router.post(_COLLEGE + "/applications", status_code=201,
             summary="Submit an application from the personal account (status «Проект»)")
@gate(Action.APPLY_COLLEGE)
def submit_college_draft(college_id: UUID, body: SubmitCollegeDraft, services: ServicesDep,
                         caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    authorise_lazily(caller, Action.APPLY_COLLEGE,
                     lambda: _with_applicant(services, college_id, body.applicant_id),
                     f"college {college_id}")
    choices = tuple(ProgrammeChoice(c.code, c.priority) for c in body.choices)
    return commands.run(services, caller, headers, body, lambda c: services.college_admission
                        .submit_draft(c, college_id, body.academic_year,
                                      application_id=body.application_id,
                                      applicant_id=body.applicant_id, choices=choices,
                                      average_mark=Decimal(body.average_mark)),
                        versioned=_college(college_id, body.academic_year))


@router.post(_COLLEGE + "/applications/{application_id}/confirmation", status_code=201,
             summary="Confirm an application: the applicant brought the originals")
@_college_gate(Action.ADMIT_COLLEGE)
def confirm_college(college_id: UUID, application_id: UUID, body: ConfirmCollege,
                    services: ServicesDep, caller: PrincipalDep,
                    headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.college_admission
                        .confirm(c, college_id, body.academic_year, application_id,
                                 tuple(body.originals), Decimal(body.average_mark)),
                        versioned=_college(college_id, body.academic_year))


def _applicant(services: Services, college_id: UUID, academic_year: str,
               application_id: UUID) -> UUID | None:
    try:
        found = services.college_admission.admission(college_id, academic_year).applications
    except NotFound:
        return None
    return found[application_id].applicant_id if application_id in found else None


@router.post(_COLLEGE + "/applications/{application_id}/withdrawal", status_code=201,
             summary="The applicant takes the documents back")
@gate(Action.APPLY_COLLEGE)
def withdraw_college(college_id: UUID, application_id: UUID, body: WithdrawCollege,
                     services: ServicesDep, caller: PrincipalDep,
                     headers: VersionedDep) -> CommandResult:
    authorise_lazily(caller, Action.APPLY_COLLEGE, lambda: _with_applicant(
        services, college_id, _applicant(services, college_id, body.academic_year,
                                         application_id)), f"application {application_id}")
    return commands.run(services, caller, headers, body, lambda c: services.college_admission
                        .withdraw(c, college_id, body.academic_year, application_id,
                                  body.reason),
                        versioned=_college(college_id, body.academic_year))


@router.post(_COLLEGE + "/ratings", status_code=201,
             summary="Publish a programme's rating list as it stands")
@_college_gate(Action.ADMIT_COLLEGE)
def publish_rating(college_id: UUID, body: PublishRating, services: ServicesDep,
                   caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.college_admission
                        .publish_rating(c, college_id, body.academic_year, body.code),
                        versioned=_college(college_id, body.academic_year))


@router.post(_COLLEGE + "/enrolment-orders", status_code=201,
             summary="The enrolment order: enrols applicants of a published rating list")
@_college_gate(Action.ADMIT_COLLEGE)
def order_college_enrolment(college_id: UUID, body: OrderCollegeEnrolment,
                            services: ServicesDep, caller: PrincipalDep,
                            headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.college_admission
                        .order_enrolment(c, college_id, body.academic_year, body.code,
                                         tuple(body.application_ids), body.group),
                        versioned=_college(college_id, body.academic_year))


# -- reads -------------------------------------------------------------------------------------


@router.get("/college-admissions", response_model=Page, responses=reads.JSON_OK,
            summary="College admissions (programmes, applications, published lists)")
def college_admissions(request: Request, rt: RuntimeDep, caller: PrincipalDep,
                       cursor: Cursor = None, limit: Limit = 100,
                       min_position: MinPosition = None,
                       college_id: Annotated[UUID | None, Query()] = None,
                       academic_year: Annotated[str | None, Query(
                           pattern=r"^[0-9]{4}/[0-9]{4}$")] = None) -> Response:
    require(caller, Action.READ_COLLEGE_RATINGS)
    at = reads.position(rt, "college_ratings", min_position)
    where = {k: str(v) for k, v in (("college_id", college_id),
                                    ("academic_year", academic_year)) if v is not None}
    if caller.role is ApiRole.ORGANISATION_STAFF:
        own = str(caller.organisation_id)
        if where.setdefault("college_id", own) != own:  # asked outside the scope
            return reads.respond(request, {"items": [], "next_cursor": None, "position": at})
    return reads.page(request, rt, "college_ratings", "college_admissions", cursor=cursor,
                      limit=limit, where=where, at=at)


@router.get("/college-admissions/{admission_id}", response_model=Document,
            responses=reads.JSON_OK,
            summary="One college admission, with each programme's current rating list")
def college_admission(admission_id: UUID, request: Request, rt: RuntimeDep,
                      caller: PrincipalDep, min_position: MinPosition = None) -> Response:
    require(caller, Action.READ_COLLEGE_RATINGS)
    at = reads.position(rt, "college_ratings", min_position)
    row = rt.projections.read("college_ratings", "college_admissions", str(admission_id))
    if row is not None:
        authorise(caller, Action.READ_COLLEGE_RATINGS,
                  [Scope(organisation_id=UUID(str(row["college_id"])))],
                  f"college admission {admission_id}")
        row = {**row, "ratings": {code: rating_list(row, code) for code in row["programmes"]}}
    return reads.document(request, row, at, f"college admission {admission_id}")
