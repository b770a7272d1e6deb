"""Commands of exams and acceptance: appeals, acceptance protocols."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from api import commands, scopes
from api.access import Action, authorise, authorise_lazily
from api.deps import CommandDep, PrincipalDep, ServicesDep, VersionedDep
from api.gates import GatedRoute, gate
from api.routes.contingent import ERRORS
from api.schemas import CommandResult
from api.schemas_commands import DecideAppeal, FileAppeal, RecordProtocolEntry
from domain.acceptance_values import Deficiency, ProtocolEntry
from domain.exam_values import ExamScore

router = APIRouter(tags=["commands"], responses=ERRORS, route_class=GatedRoute)


@router.post("/appeals", status_code=201, summary="File an appeal on an exam")
@gate(Action.WRITE_APPEAL)
def file_appeal(body: FileAppeal, services: ServicesDep, caller: PrincipalDep,
                headers: CommandDep) -> CommandResult:
    authorise(caller, Action.WRITE_APPEAL)
    return commands.run(services, caller, headers, body, lambda c: services.exams.file_appeal(
        c, body.appeal_id, body.participant_id, body.exam_id, body.kind, body.statement))


@router.post("/appeals/{appeal_id}/decision", status_code=201, summary="Decide an appeal")
@gate(Action.WRITE_APPEAL)
def decide_appeal(appeal_id: UUID, body: DecideAppeal, services: ServicesDep,
                  caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    authorise(caller, Action.WRITE_APPEAL)
    score = None if body.revised_score is None else ExamScore(
        body.revised_score.primary, body.revised_score.test, body.revised_score.mark)
    return commands.run(services, caller, headers, body, lambda c: services.exams.decide_appeal(
        c, appeal_id, body.decision, body.commission_id, tuple(body.deciders),
        revised_score=score, reserve_exam_id=body.reserve_exam_id), versioned=appeal_id)


@router.post("/protocols/{protocol_id}/entries", status_code=201,
             summary="Record an organisation's result in an acceptance protocol")
@gate(Action.WRITE_PROTOCOL, lambda services, key: [scopes.protocol(services, key)],
      "protocol_id", "protocol")
def record_protocol_entry(protocol_id: UUID, body: RecordProtocolEntry, services: ServicesDep,
                          caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    authorise_lazily(caller, Action.WRITE_PROTOCOL,
                     lambda: [scopes.protocol(services, protocol_id)], f"protocol {protocol_id}")
    entry = ProtocolEntry(
        organisation_id=body.organisation_id, result=body.result,
        deficiencies=tuple(Deficiency(d.deficiency_id, d.category, d.description, d.remedy_by)
                           for d in body.deficiencies))
    return commands.run(services, caller, headers, body, lambda c: services.acceptance
                        .record_entry(c, protocol_id, entry), versioned=protocol_id)
