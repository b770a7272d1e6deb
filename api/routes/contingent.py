"""Commands of the registry and the contingent: organisations, learners, marks."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from api import commands, scopes
from api.access import Action, Scope, authorise, authorise_lazily
from api.deps import CommandDep, PrincipalDep, ServicesDep, VersionedDep
from api.gates import GatedRoute, gate, learner_gate
from api.schemas import CommandResult, Problem
from api.schemas_commands import (
    CorrectMark,
    Enrol,
    Leave,
    RecordMark,
    RegisterLearner,
    RegisterOrganisation,
    TransferBetween,
    TransferWithin,
)
from api.schemas_registry import CancelEntry
from domain.gradebook_values import MarkValue, Period
from domain.learner_values import EducationDocument
from domain.organisation import OrganisationDetails

ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": Problem, "content": {"application/problem+json": {}}}
    for code in (400, 401, 403, 404, 409, 412, 422)
}
router = APIRouter(tags=["commands"], responses=ERRORS, route_class=GatedRoute)


@router.post("/organisations", status_code=201, summary="Register an organisation")
@gate(Action.REGISTER_ORGANISATION)
def register_organisation(body: RegisterOrganisation, services: ServicesDep,
                          caller: PrincipalDep, headers: CommandDep) -> CommandResult:
    authorise(caller, Action.REGISTER_ORGANISATION, [Scope(municipality=body.municipality)],
              f"municipality {body.municipality}")
    details = OrganisationDetails(
        full_name=body.full_name, short_name=body.short_name, kind=body.kind, inn=body.inn,
        ogrn=body.ogrn, municipality=body.municipality, legal_address=body.legal_address,
        actual_address=body.actual_address)
    return commands.run(services, caller, headers, body, lambda c: services.organisations
                        .register(c, body.organisation_id, details))


@router.post("/learners", status_code=201, summary="Register a learner (no personal data)")
@gate(Action.WRITE_LEARNER)
def register_learner(body: RegisterLearner, services: ServicesDep, caller: PrincipalDep,
                     headers: CommandDep) -> CommandResult:
    authorise(caller, Action.WRITE_LEARNER, [Scope(organisation_id=caller.organisation_id,
                                                   municipality=caller.municipality)])
    return commands.run(services, caller, headers, body,
                        lambda c: services.learners.register(c, body.learner_id))


@router.post("/learners/{learner_id}/enrolments", status_code=201, summary="Enrol a learner")
@gate(Action.WRITE_LEARNER)
def enrol(learner_id: UUID, body: Enrol, services: ServicesDep, caller: PrincipalDep,
          headers: VersionedDep) -> CommandResult:
    authorise_lazily(caller, Action.WRITE_LEARNER,
                     lambda: [scopes.organisation(services, body.organisation_id)],
                     f"organisation {body.organisation_id}")
    return commands.run(services, caller, headers, body, lambda c: services.learners.enrol(
        c, learner_id, enrolment_id=body.enrolment_id, organisation_id=body.organisation_id,
        level=body.level, class_or_group=body.class_or_group,
        academic_year=body.academic_year, form_of_study=body.form_of_study,
        expected_version=headers.expected_version), checks_version=True)


@router.post("/learners/{learner_id}/transfers-within", status_code=201,
             summary="Transfer a learner to another class of the same organisation")
@learner_gate(Action.WRITE_LEARNER)
def transfer_within(learner_id: UUID, body: TransferWithin, services: ServicesDep,
                    caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.learners
                        .transfer_within(c, learner_id, enrolment_id=body.enrolment_id,
                                         class_or_group=body.class_or_group,
                                         academic_year=body.academic_year,
                                         promotion=body.promotion,
                                         expected_version=headers.expected_version),
                        checks_version=True)


@router.post("/learners/{learner_id}/transfers-between", status_code=201,
             summary="Transfer a learner to another organisation")
@learner_gate(Action.WRITE_LEARNER)
def transfer_between(learner_id: UUID, body: TransferBetween, services: ServicesDep,
                     caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    expel_basis = commands.basis(body.expel_basis)
    assert expel_basis is not None
    return commands.run(services, caller, headers, body, lambda c: services.learners
                        .transfer_between(
                            c, learner_id, enrolment_id=body.enrolment_id,
                            destination_organisation_id=body.destination_organisation_id,
                            new_enrolment_id=body.new_enrolment_id, level=body.level,
                            class_or_group=body.class_or_group,
                            academic_year=body.academic_year, expel_basis=expel_basis,
                            expelled_on=body.expelled_on, form_of_study=body.form_of_study),
                        versioned=learner_id)


@router.post("/learners/{learner_id}/leavings", status_code=201, summary="A learner leaves")
@learner_gate(Action.WRITE_LEARNER)
def leave(learner_id: UUID, body: Leave, services: ServicesDep, caller: PrincipalDep,
          headers: VersionedDep) -> CommandResult:
    document = None if body.document is None else EducationDocument(
        body.document.kind, body.document.series, body.document.number,
        body.document.issued_on)
    return commands.run(services, caller, headers, body, lambda c: services.learners.leave(
        c, learner_id, enrolment_id=body.enrolment_id, reason=body.reason, document=document),
        versioned=learner_id)


@router.post("/learners/{learner_id}/cancellations", status_code=201,
             summary="Cancel the latest enrolment or transfer, entered in error")
@learner_gate(Action.WRITE_LEARNER)
def cancel_entry(learner_id: UUID, body: CancelEntry, services: ServicesDep,
                 caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.learners.cancel(
        c, learner_id, cancelled_version=body.cancelled_version, reason=body.reason),
        versioned=learner_id)


@router.post("/learners/{learner_id}/marks", status_code=201, summary="Record a mark")
@learner_gate(Action.WRITE_MARK)
def record_mark(learner_id: UUID, body: RecordMark, services: ServicesDep,
                caller: PrincipalDep, headers: CommandDep) -> CommandResult:
    period = None if body.period is None else Period(body.period.kind, body.period.number)
    return commands.run(services, caller, headers, body, lambda c: services.marks.record_mark(
        c, learner_id, subject=body.subject, academic_year=body.academic_year,
        mark_id=body.mark_id, kind=body.kind, value=MarkValue(body.scale, body.value),
        lesson_on=body.lesson_on, work_kind=body.work_kind, period=period))


@router.post("/learners/{learner_id}/mark-corrections", status_code=201,
             summary="Correct a recorded mark")
@learner_gate(Action.WRITE_MARK)
def correct_mark(learner_id: UUID, body: CorrectMark, services: ServicesDep,
                 caller: PrincipalDep, headers: CommandDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.marks.correct_mark(
        c, learner_id, subject=body.subject, academic_year=body.academic_year,
        mark_id=body.mark_id, corrects_mark_id=body.corrects_mark_id,
        value=MarkValue(body.scale, body.value), reason=body.reason))
