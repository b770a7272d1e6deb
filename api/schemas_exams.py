"""Request bodies of ГИА (exams, participants, results, appeals), commissions and the
acceptance of organisations for the new school year (campaigns, plans, protocols, remedies)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import AwareDatetime, ConfigDict, Field
from pydantic.config import JsonDict

from api.schemas import CommandFields, Wire
from domain.acceptance_values import AcceptanceResult, DeficiencyCategory
from domain.appeal_values import AppealKind, Decision, NotAcceptedReason
from domain.commission import CommissionPurpose
from domain.exam_values import ExamKind

_Text = Field(min_length=1, max_length=500)
_Name = Field(min_length=1, max_length=300)
_Year = Field(pattern=r"^[0-9]{4}/[0-9]{4}$", examples=["2026/2027"])
_ORDER: JsonDict = {"kind": "order", "number": "01-21/318", "dated": "2026-03-01"}
_CHAIR: JsonDict = {"member_id": "5a1c7e22-3b4d-4e5f-8a6b-7c8d9e0f1a2b",
                    "full_name": "Иванова Анна Петровна", "position": "председатель"}


class ScheduleExam(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "exam_id": "e1a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f8", "kind": "ege", "subject": "Физика",
        "exam_on": "2026-04-10", "max_primary": 45, "basis": _ORDER}]})

    exam_id: UUID
    kind: ExamKind
    subject: str = Field(min_length=1, max_length=100)
    exam_on: date
    max_primary: int = Field(ge=1, le=1000)
    is_reserve: bool = False
    has_mark: bool | None = Field(default=None, description="default: ОГЭ and ГВЭ have a "
                                                            "mark, ЕГЭ a test score")


class PublishResultsDay(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{"results_day": "2026-04-30"}]})

    results_day: date


class RegisterParticipant(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "participant_id": "6f1c2b1e-1d9a-4c1e-8a77-2d2d9d1b0a11", "exam_point": "ППЭ № 5601"}]})

    participant_id: UUID = Field(description="the learner's (pseudonymous) id")
    exam_point: str = Field(min_length=1, max_length=100, description="пункт проведения "
                                                                      "экзамена")


class RecordResult(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{"primary": 30, "test": 62}]})

    primary: int = Field(ge=0, le=1000)
    test: int | None = Field(default=None, ge=0, le=100)
    mark: int | None = Field(default=None, ge=2, le=5)


class FileAppeal(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "appeal_id": "2a77eddf-00e4-4275-89ad-7b0a9449702f",
        "participant_id": "6f1c2b1e-1d9a-4c1e-8a77-2d2d9d1b0a11",
        "exam_id": "e1a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f8", "kind": "score_disagreement",
        "statement": "Не согласен с оценкой развёрнутого ответа на задание 26",
        "effective_on": "2026-04-30"}]})

    appeal_id: UUID
    participant_id: UUID
    exam_id: UUID
    kind: AppealKind
    statement: str = Field(min_length=1, max_length=5000)


class ScoreIn(Wire):
    primary: int = Field(ge=0, le=1000)
    test: int | None = Field(default=None, ge=0, le=100)
    mark: int | None = Field(default=None, ge=2, le=5)


class DecideAppeal(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "decision": "upheld", "commission_id": "cafd09c3-4816-4b42-aaa9-0dab00f0cdda",
        "deciders": ["5a1c7e22-3b4d-4e5f-8a6b-7c8d9e0f1a2b",
                     "5a1c7e22-3b4d-4e5f-8a6b-7c8d9e0f1a2c"],
        "revised_score": {"primary": 32, "test": 65}, "effective_on": "2026-05-08"}]})

    decision: Decision
    commission_id: UUID
    deciders: list[UUID] = Field(min_length=1, max_length=100)
    revised_score: ScoreIn | None = None
    reserve_exam_id: UUID | None = None


class NotAcceptAppeal(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "reason": "materials_content", "explanation": "апелляция по содержанию КИМ не "
        "рассматривается"}]})

    reason: NotAcceptedReason
    explanation: str = Field(min_length=1, max_length=2000)


class ScheduleHearing(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "starts_at": "2026-05-08T07:00:00Z", "place": None,
        "videoconference_link": "https://vks.example.ru/ak/301", "effective_on": "2026-05-06"}]})

    starts_at: AwareDatetime
    place: str | None = Field(default=None, max_length=500)
    videoconference_link: str | None = Field(default=None, max_length=500)


class MemberIn(Wire):
    member_id: UUID
    full_name: str = _Name
    position: str = _Name


class FormCommission(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "commission_id": "4c0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f",
        "purpose": "school_year_acceptance", "name": "Комиссия по приёмке г. Оренбурга",
        "area": "Оренбург", "chair": _CHAIR, "members": [], "basis": _ORDER}]})

    commission_id: UUID
    purpose: CommissionPurpose
    name: str = _Name
    area: str = Field(min_length=1, max_length=200, description="the municipality "
                      "(acceptance) or the region (appeals) the commission serves")
    chair: MemberIn
    members: list[MemberIn] = Field(default_factory=list, max_length=100)


class AppointMember(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "member": {"member_id": "5a1c7e22-3b4d-4e5f-8a6b-7c8d9e0f1a2c",
                   "full_name": "Петров Олег Игоревич", "position": "эксперт ПК"},
        "basis": _ORDER}]})

    member: MemberIn


class MemberRef(CommandFields):
    """A member of the commission, by id (dismissal, new chair)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "member_id": "5a1c7e22-3b4d-4e5f-8a6b-7c8d9e0f1a2c", "basis": _ORDER}]})

    member_id: UUID


class OpenCampaign(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "municipality": "Оренбург", "academic_year": "2026/2027",
        "basis": {"kind": "order", "number": "412", "dated": "2026-05-20"}}]})

    municipality: str = Field(min_length=1, max_length=200)
    academic_year: str = _Year


class PlanOrganisation(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "organisation_id": "3d5e1f9a-77a0-4d1b-9a0a-1b2c3d4e5f60", "planned_on": "2026-08-10",
        "commission_id": "4c0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f",
        "founder": "Администрация г. Оренбурга", "head": "директор Сидорова М. В."}]})

    organisation_id: UUID
    planned_on: date
    commission_id: UUID
    founder: str = _Name
    head: str = _Name


class Reschedule(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "organisation_id": "3d5e1f9a-77a0-4d1b-9a0a-1b2c3d4e5f60", "planned_on": "2026-08-11",
        "reason": "ремонт кровли не завершён"}]})

    organisation_id: UUID
    planned_on: date
    reason: str = _Text


class DeficiencyIn(Wire):
    deficiency_id: UUID
    category: DeficiencyCategory
    description: str = _Text
    remedy_by: date


class RecordProtocolEntry(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "organisation_id": "3d5e1f9a-77a0-4d1b-9a0a-1b2c3d4e5f60",
        "result": "accepted_with_remarks",
        "deficiencies": [{"deficiency_id": "0e1f2a3b-4c5d-4e6f-8a7b-8c9d0e1f2a3b",
                          "category": "fire_safety",
                          "description": "не перезаряжены огнетушители в спортзале",
                          "remedy_by": "2026-08-25"}]}]})

    organisation_id: UUID
    result: AcceptanceResult
    deficiencies: list[DeficiencyIn] = Field(default_factory=list, max_length=100)


class RemedyIn(Wire):
    deficiency_id: UUID
    remedied_on: date
    evidence: str = _Text


class ConfirmRemedies(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "remedy_protocol_id": "8b9c0d1e-2f3a-4b4c-9d5e-6f7a8b9c0d1e",
        "organisation_id": "3d5e1f9a-77a0-4d1b-9a0a-1b2c3d4e5f60",
        "remedies": [{"deficiency_id": "0e1f2a3b-4c5d-4e6f-8a7b-8c9d0e1f2a3b",
                      "remedied_on": "2026-08-15",
                      "evidence": "акт ОНДиПР № 17 от 2026-08-15"}]}]})

    remedy_protocol_id: UUID
    organisation_id: UUID
    remedies: list[RemedyIn] = Field(min_length=1, max_length=100)


class OpenProtocol(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "campaign_id": "2a3b4c5d-6e7f-5a8b-9c0d-1e2f3a4b5c6d",
        "commission_id": "4c0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f", "held_on": "2026-08-10"}]})

    campaign_id: UUID
    commission_id: UUID
    held_on: date
    amends: UUID | None = Field(default=None, description="the protocol this one amends")
    protocol_id: UUID | None = Field(default=None, description="required for an amending "
                                     "protocol; an original's id is derived (commission, day)")


class SignProtocol(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "chair_id": "5a1c7e22-3b4d-4e5f-8a6b-7c8d9e0f1a2b",
        "members_present": ["5a1c7e22-3b4d-4e5f-8a6b-7c8d9e0f1a2c"]}]})

    chair_id: UUID
    members_present: list[UUID] = Field(default_factory=list, max_length=100)
