"""Commands of ГИА: exams, participants and results, appeals.

ГИА is run region-wide, so these are the regional operator's (api/access.py). A command on one
exam, participation or appeal takes If-Match on that stream's version.
"""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from api import commands
from api.access import Action
from api.deps import CommandDep, PrincipalDep, ServicesDep, VersionedDep
from api.gates import GatedRoute, gate
from api.routes.contingent import ERRORS
from api.schemas import CommandResult
from api.schemas_exams import (
    DecideAppeal,
    FileAppeal,
    NotAcceptAppeal,
    PublishResultsDay,
    RecordResult,
    RegisterParticipant,
    ScheduleExam,
    ScheduleHearing,
)
from domain.appeal_values import Hearing
from domain.exam import ExamParticipation
from domain.exam_values import ExamScore

router = APIRouter(tags=["commands"], responses=ERRORS, route_class=GatedRoute)


@router.post("/exams", status_code=201, summary="Schedule an exam (ОГЭ, ЕГЭ, ГВЭ)")
@gate(Action.WRITE_EXAM)
def schedule_exam(body: ScheduleExam, services: ServicesDep, caller: PrincipalDep,
                  headers: CommandDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.exams.schedule_exam(
        c, body.exam_id, body.kind, body.subject, body.exam_on, body.max_primary,
        is_reserve=body.is_reserve, has_mark=body.has_mark))


@router.post("/exams/{exam_id}/results-day", status_code=201,
             summary="Publish the day an exam's results are announced (appeal deadlines run "
                     "from it)")
@gate(Action.WRITE_EXAM)
def publish_results_day(exam_id: UUID, body: PublishResultsDay, services: ServicesDep,
                        caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.exams
                        .publish_results_day(c, exam_id, body.results_day), versioned=exam_id)


@router.post("/exams/{exam_id}/participants", status_code=201,
             summary="Register a learner on an exam at an exam point (ППЭ)")
@gate(Action.WRITE_EXAM)
def register_participant(exam_id: UUID, body: RegisterParticipant, services: ServicesDep,
                         caller: PrincipalDep, headers: CommandDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.exams
                        .register_participant(c, body.participant_id, exam_id, body.exam_point))


@router.post("/exams/{exam_id}/participants/{participant_id}/results", status_code=201,
             summary="Record a participant's result")
@gate(Action.WRITE_EXAM)
def record_result(exam_id: UUID, participant_id: UUID, body: RecordResult,
                  services: ServicesDep, caller: PrincipalDep,
                  headers: VersionedDep) -> CommandResult:
    score = ExamScore(body.primary, body.test, body.mark)
    return commands.run(services, caller, headers, body, lambda c: services.exams.record_result(
        c, participant_id, exam_id, score),
        versioned=ExamParticipation.stream_id(participant_id, exam_id))


@router.post("/appeals", status_code=201, summary="File an appeal on an exam")
@gate(Action.WRITE_APPEAL)
def file_appeal(body: FileAppeal, services: ServicesDep, caller: PrincipalDep,
                headers: CommandDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.exams.file_appeal(
        c, body.appeal_id, body.participant_id, body.exam_id, body.kind, body.statement))


@router.post("/appeals/{appeal_id}/non-acceptance", status_code=201,
             summary="The commission does not accept an appeal, on stated grounds")
@gate(Action.WRITE_APPEAL)
def not_accept_appeal(appeal_id: UUID, body: NotAcceptAppeal, services: ServicesDep,
                      caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.exams
                        .not_accept_appeal(c, appeal_id, body.reason, body.explanation),
                        versioned=appeal_id)


@router.post("/appeals/{appeal_id}/hearing", status_code=201,
             summary="Schedule an appeal's hearing (the participant is notified on "
                     "`effective_on`)")
@gate(Action.WRITE_APPEAL)
def schedule_hearing(appeal_id: UUID, body: ScheduleHearing, services: ServicesDep,
                     caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    hearing = Hearing(body.starts_at, body.place, body.videoconference_link)
    return commands.run(services, caller, headers, body, lambda c: services.exams
                        .schedule_hearing(c, appeal_id, hearing), versioned=appeal_id)


@router.post("/appeals/{appeal_id}/withdrawal", status_code=201,
             summary="The participant withdraws an appeal")
@gate(Action.WRITE_APPEAL)
def withdraw_appeal(appeal_id: UUID, services: ServicesDep, caller: PrincipalDep,
                    headers: VersionedDep, body: commands.EmptyCommand | None = None
                    ) -> CommandResult:
    return commands.run(services, caller, headers, body or commands.EmptyCommand(),
                        lambda c: services.exams.withdraw_appeal(c, appeal_id),
                        versioned=appeal_id)


@router.post("/appeals/{appeal_id}/decision", status_code=201, summary="Decide an appeal")
@gate(Action.WRITE_APPEAL)
def decide_appeal(appeal_id: UUID, body: DecideAppeal, services: ServicesDep,
                  caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    score = None if body.revised_score is None else ExamScore(
        body.revised_score.primary, body.revised_score.test, body.revised_score.mark)
    return commands.run(services, caller, headers, body, lambda c: services.exams.decide_appeal(
        c, appeal_id, body.decision, body.commission_id, tuple(body.deciders),
        revised_score=score, reserve_exam_id=body.reserve_exam_id), versioned=appeal_id)
