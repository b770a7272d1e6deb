"""Request bodies of the staff, olympiad and organisation-card commands (wire formats)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import ConfigDict, Field

from api.schemas import CommandFields, Wire
from domain.olympiad_values import AppealOutcome, ResultStatus, StageLevel
from domain.staff_values import AttestationCategory, AttestationOutcome

_Text = Field(min_length=1, max_length=500)
_Year = Field(pattern=r"^[0-9]{4}/[0-9]{4}$", examples=["2026/2027"])
_Class = Field(min_length=1, max_length=10, examples=["5Б"])
_Score = Field(pattern=r"^[0-9]{1,4}(\.[0-9]{1,2})?$", examples=["37.5"],
               description="an exact decimal, at most two decimals")

# -- staff (docs/staff.md) ---------------------------------------------------------------------


class PositionIn(Wire):
    title: str = Field(min_length=1, max_length=200, examples=["учитель"])
    subjects: list[str] = Field(default_factory=list, max_length=30,
                                examples=[["Математика"]])


class HireEmployee(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "person_id": "1c7d2f4e-0a3b-4c5d-8e9f-112233445566", "full_name": "Иванова Анна Петровна",
        "position": {"title": "учитель", "subjects": ["Математика"]},
        "effective_on": "2026-08-25",
        "basis": {"kind": "order", "number": "12-лс", "dated": "2026-08-24"}}]})

    person_id: UUID
    full_name: str = Field(min_length=1, max_length=300)
    position: PositionIn


class ChangePosition(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"position": {"title": "заместитель директора"},
        "basis": {"kind": "order", "number": "15-лс", "dated": "2026-12-28"}}]})

    position: PositionIn


class EmployeeLeaves(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"reason": "по собственному желанию", "effective_on": "2026-12-30",
        "basis": {"kind": "order", "number": "15-лс", "dated": "2026-12-28"}}]})

    reason: str = _Text


class AssignClassTeacher(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "class_name": "5Б", "academic_year": "2026/2027",
        "person_id": "1c7d2f4e-0a3b-4c5d-8e9f-112233445566",
        "basis": {"kind": "order", "number": "15-о", "dated": "2026-08-30"}}]})

    class_name: str = _Class
    academic_year: str = _Year
    person_id: UUID


class ReplaceClassTeacher(AssignClassTeacher):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"class_name": "5Б", "academic_year": "2026/2027",
        "person_id": "1c7d2f4e-0a3b-4c5d-8e9f-112233445566",
        "reason": "отпуск по уходу за ребёнком",
        "basis": {"kind": "order", "number": "15-лс", "dated": "2026-12-28"}}]})

    reason: str = _Text


class UnassignClassTeacher(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"class_name": "5Б", "academic_year": "2026/2027", "reason": "класс расформирован",
        "basis": {"kind": "order", "number": "15-лс", "dated": "2026-12-28"}}]})

    class_name: str = _Class
    academic_year: str = _Year
    reason: str = _Text


class FileAttestation(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "application_id": "5a6b7c8d-1111-4222-8333-444455556666",
        "person_id": "1c7d2f4e-0a3b-4c5d-8e9f-112233445566", "category": "first"}]})

    application_id: UUID
    person_id: UUID
    category: AttestationCategory


class AssessAttestation(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"conclusion": "соответствует требованиям первой категории", "recommended": True}]})

    conclusion: str = Field(min_length=1, max_length=5000)
    recommended: bool


class DecideAttestation(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "outcome": "granted", "valid_from": "2027-01-20", "valid_until": "2032-01-19",
        "basis": {"kind": "order", "number": "77-а", "dated": "2027-01-20"}}]})

    outcome: AttestationOutcome
    valid_from: date | None = None
    valid_until: date | None = None


# -- olympiads (docs/olympiads.md) -------------------------------------------------------------


class AnnounceOlympiad(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "academic_year": "2026/2027", "subject": "Математика",
        "basis": {"kind": "order", "number": "5-о", "dated": "2026-09-01"}}]})

    academic_year: str = _Year
    subject: str = Field(min_length=1, max_length=100)


class StageIn(Wire):
    stage_id: UUID
    level: StageLevel
    area: str = Field(min_length=1, max_length=300)
    planned_on: date
    max_score: int = Field(ge=1, le=1000)


class PlanStage(CommandFields, StageIn):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "stage_id": "0d1e2f30-4151-4617-8819-2a2b2c2d2e2f", "level": "school",
        "area": "МОБУ СОШ № 1", "planned_on": "2026-10-05", "max_score": 50}]})


class HoldStage(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"held_on": "2026-10-05", "effective_on": "2026-10-06"}]})

    held_on: date


class ApplyToOlympiad(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"organisation_id": "3d5e1f9a-77a0-4d1b-9a0a-1b2c3d4e5f60", "grade": 9}]})

    organisation_id: UUID
    grade: int = Field(ge=1, le=11)


class RecordOlympiadResult(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "learner_id": "6f1c2b1e-1d9a-4c1e-8a77-2d2d9d1b0a11", "score": "37.5",
        "status": "winner"}]})

    learner_id: UUID
    score: str = _Score
    status: ResultStatus


class RequestOlympiadResults(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"stage_id": "0d1e2f30-4151-4617-8819-2a2b2c2d2e2f"}]})

    stage_id: UUID


class FileOlympiadAppeal(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"appeal_id": "5a6b7c8d-1111-4222-8333-444455556666",
        "stage_id": "0d1e2f30-4151-4617-8819-2a2b2c2d2e2f", "reason": "задача 3 решена верно"}]})

    appeal_id: UUID
    stage_id: UUID
    reason: str = Field(min_length=1, max_length=5000)


class DecideOlympiadAppeal(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"outcome": "score_changed", "score": "41", "status": "winner"}]})

    outcome: AppealOutcome
    score: str = _Score
    status: ResultStatus


class ImportedResultIn(Wire):
    learner_id: UUID
    grade: int = Field(ge=1, le=11)
    score: str = _Score
    status: ResultStatus


class ImportOlympiadResults(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"academic_year": "2024/2025", "subject": "Физика",
        "stage": {"stage_id": "0d1e2f30-4151-4617-8819-2a2b2c2d2e2f", "level": "municipal",
                  "area": "Оренбург", "planned_on": "2024-11-20", "max_score": 100},
        "held_on": "2024-11-20", "source": "протокол жюри от 2024-11-28",
        "results": [{"learner_id": "6f1c2b1e-1d9a-4c1e-8a77-2d2d9d1b0a11", "grade": 9,
                     "score": "78", "status": "winner"}],
        "basis": {"kind": "order", "number": "15-лс", "dated": "2026-12-28"}}]})

    academic_year: str = _Year
    subject: str = Field(min_length=1, max_length=100)
    stage: StageIn
    held_on: date
    results: list[ImportedResultIn] = Field(min_length=1, max_length=5000)
    source: str = _Text


# -- organisation card changes (docs/organisation_changes.md) ----------------------------------


class SetEditableFields(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "editable_fields": ["actual_address", "short_name"]}]})

    editable_fields: list[str] = Field(max_length=20)


class FieldChangeIn(Wire):
    field: str = Field(min_length=1, max_length=50, examples=["actual_address"])
    value: str = Field(max_length=500, examples=["г. Оренбург, ул. Советская, 3"])


class EditCard(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"changes": [{"field": "actual_address", "value": "г. Оренбург, ул. Советская, 3"}]}]})

    changes: list[FieldChangeIn] = Field(min_length=1, max_length=20)


class SubmitChangeRequest(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"request_id": "5a6b7c8d-1111-4222-8333-444455556666",
        "changes": [{"field": "short_name", "value": "МОБУ «Лицей № 1»"}],
        "reason": "переименование по постановлению учредителя"}]})

    request_id: UUID
    changes: list[FieldChangeIn] = Field(min_length=1, max_length=20)
    reason: str = _Text


class RejectChangeRequest(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"reason": "нет постановления учредителя"}]})

    reason: str = _Text
