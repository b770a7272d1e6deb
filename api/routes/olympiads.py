"""Commands of the all-Russian school olympiad (docs/olympiads.md): the education authority
runs it; a learner (their parent, their organisation) applies, asks for results, appeals."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from api import commands
from api.access import Action
from api.deps import PrincipalDep, ServicesDep, VersionedDep
from api.gates import GatedRoute, gate, learner_gate
from api.routes.contingent import ERRORS
from api.schemas import CommandResult
from api.schemas_staff import (
    AnnounceOlympiad,
    ApplyToOlympiad,
    DecideOlympiadAppeal,
    FileOlympiadAppeal,
    HoldStage,
    ImportOlympiadResults,
    PlanStage,
    RecordOlympiadResult,
    RequestOlympiadResults,
    StageIn,
)
from domain.olympiad import Olympiad
from domain.olympiad_values import ImportedResult, Stage

router = APIRouter(tags=["olympiads"], responses=ERRORS, route_class=GatedRoute)

_ONE = "/olympiads/{olympiad_id}"
_PARTICIPANT = _ONE + "/participants/{learner_id}"


def _stage(body: StageIn) -> Stage:
    return Stage(body.stage_id, body.level, body.area, body.planned_on, body.max_score)


@router.post("/olympiads", status_code=201,
             summary="Announce the olympiad in a subject for an academic year (id derived)")
@gate(Action.RUN_OLYMPIAD)
def announce(body: AnnounceOlympiad, services: ServicesDep, caller: PrincipalDep,
             headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.olympiads.announce(
        c, body.academic_year, body.subject),
        versioned=Olympiad.stream_id(body.academic_year, body.subject))


@router.post(_ONE + "/stages", status_code=201, summary="Plan a stage")
@gate(Action.RUN_OLYMPIAD)
def plan_stage(olympiad_id: UUID, body: PlanStage, services: ServicesDep, caller: PrincipalDep,
               headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.olympiads
                        .plan_stage(c, olympiad_id, _stage(body)), versioned=olympiad_id)


@router.post(_ONE + "/stages/{stage_id}/holding", status_code=201,
             summary="Record that a stage was held")
@gate(Action.RUN_OLYMPIAD)
def hold_stage(olympiad_id: UUID, stage_id: UUID, body: HoldStage, services: ServicesDep,
               caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.olympiads
                        .hold_stage(c, olympiad_id, stage_id, body.held_on),
                        versioned=olympiad_id)


@router.post(_ONE + "/stages/{stage_id}/results", status_code=201,
             summary="Record a participant's result at a held stage")
@gate(Action.RUN_OLYMPIAD)
def record_result(olympiad_id: UUID, stage_id: UUID, body: RecordOlympiadResult,
                  services: ServicesDep, caller: PrincipalDep,
                  headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.olympiads
                        .record_result(c, olympiad_id, stage_id, body.learner_id, body.score,
                                       body.status), versioned=olympiad_id)


@router.post(_ONE + "/appeals/{appeal_id}/decision", status_code=201,
             summary="The jury's decision on an appeal of a result")
@gate(Action.RUN_OLYMPIAD)
def decide_appeal(olympiad_id: UUID, appeal_id: UUID, body: DecideOlympiadAppeal,
                  services: ServicesDep, caller: PrincipalDep,
                  headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.olympiads
                        .decide_appeal(c, olympiad_id, appeal_id, body.outcome, body.score,
                                       body.status), versioned=olympiad_id)


@router.post("/olympiad-imports", status_code=201,
             summary="Import a past year's stage and its results (announces if needed)")
@gate(Action.RUN_OLYMPIAD)
def import_results(body: ImportOlympiadResults, services: ServicesDep, caller: PrincipalDep,
                   headers: VersionedDep) -> CommandResult:
    rows = tuple(ImportedResult(r.learner_id, r.grade, r.score, r.status) for r in body.results)
    return commands.run(services, caller, headers, body, lambda c: services.olympiads
                        .import_results(c, body.academic_year, body.subject,
                                        _stage(body.stage), body.held_on, rows, body.source),
                        versioned=Olympiad.stream_id(body.academic_year, body.subject))


@router.post(_PARTICIPANT, status_code=201, summary="A learner applies to the olympiad")
@learner_gate(Action.ENTER_OLYMPIAD)
def apply(olympiad_id: UUID, learner_id: UUID, body: ApplyToOlympiad, services: ServicesDep,
          caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.olympiads.apply(
        c, olympiad_id, learner_id, body.organisation_id, body.grade), versioned=olympiad_id)


@router.post(_PARTICIPANT + "/results-requests", status_code=201,
             summary="A participant asks to see their result at a stage")
@learner_gate(Action.ENTER_OLYMPIAD)
def request_results(olympiad_id: UUID, learner_id: UUID, body: RequestOlympiadResults,
                    services: ServicesDep, caller: PrincipalDep,
                    headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.olympiads
                        .request_results(c, olympiad_id, body.stage_id, learner_id),
                        versioned=olympiad_id)


@router.post(_PARTICIPANT + "/appeals", status_code=201,
             summary="A participant appeals their result at a stage")
@learner_gate(Action.ENTER_OLYMPIAD)
def file_appeal(olympiad_id: UUID, learner_id: UUID, body: FileOlympiadAppeal,
                services: ServicesDep, caller: PrincipalDep,
                headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.olympiads
                        .file_appeal(c, olympiad_id, body.appeal_id, body.stage_id,
                                     learner_id, body.reason), versioned=olympiad_id)
