"""Request bodies of the admission commands: kindergarten e-queue, first class, college
(docs/admissions.md). Wire formats; routes build the domain's values."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import ConfigDict, Field

from api.schemas import CommandFields, Wire
from domain.first_class_values import ApplicantCategory, RefusalReason
from domain.kindergarten_values import PrivilegeCategory

_Text = Field(min_length=1, max_length=500)
_Year = Field(pattern=r"^[0-9]{4}/[0-9]{4}$", examples=["2026/2027"])
_Group = Field(min_length=1, max_length=50)
_Mark = Field(pattern=r"^[0-9](\.[0-9]{1,2})?$", examples=["4.50"],
              description="the certificate's average mark, an exact decimal (3.00–5.00)")

# -- kindergarten e-queue ----------------------------------------------------------------------


class PrivilegeDocumentIn(Wire):
    kind: str = Field(min_length=1, max_length=100)
    number: str = Field(min_length=1, max_length=100)
    issued_on: date


class QueueTermsIn(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "municipality": "Оренбург", "preferences": ["3d5e1f9a-77a0-4d1b-9a0a-1b2c3d4e5f60"],
        "desired_start": "2027-09-01", "age_group": "3-4", "privilege": "none"}]})

    municipality: str = _Text
    preferences: list[UUID] = Field(min_length=1, max_length=10,
                                    description="kindergartens, most wanted first")
    desired_start: date
    age_group: str = Field(min_length=1, max_length=20, examples=["3-4"])
    privilege: PrivilegeCategory = PrivilegeCategory.NONE
    privilege_document: PrivilegeDocumentIn | None = None


class Reason(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"reason": "семья переезжает"}]})

    reason: str = _Text


class FreePlacesIn(Wire):
    organisation_id: UUID
    age_group: str = Field(min_length=1, max_length=20)
    places: int = Field(ge=1, le=10_000)


class OpenRound(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "municipality": "Оренбург", "held_on": "2027-06-01", "places_from": "2027-09-01",
        "places": [{"organisation_id": "3d5e1f9a-77a0-4d1b-9a0a-1b2c3d4e5f60",
                    "age_group": "3-4", "places": 20}]}]})

    municipality: str = _Text
    held_on: date
    places_from: date
    places: list[FreePlacesIn] = Field(min_length=1, max_length=1000)


class OfferPlace(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"child_id": "6f1c2b1e-1d9a-4c1e-8a77-2d2d9d1b0a11",
        "organisation_id": "3d5e1f9a-77a0-4d1b-9a0a-1b2c3d4e5f60",
        "reason": "место освободилось после отказа"}]})

    child_id: UUID
    organisation_id: UUID
    reason: str = _Text


class AnswerOffer(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"accepted": False, "reason": "далеко от дома"}]})

    accepted: bool
    reason: str = Field(default="", max_length=500)


class EnrolFromQueue(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"enrolment_id": "5a6b7c8d-1111-4222-8333-444455556666", "group": "Солнышко",
        "academic_year": "2027/2028", "effective_on": "2027-09-01",
        "basis": {"kind": "order", "number": "15-лс", "dated": "2026-12-28"}}]})

    enrolment_id: UUID
    group: str = _Group
    academic_year: str = _Year


# -- first class -------------------------------------------------------------------------------


class OpenFirstClass(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "academic_year": "2027/2028", "places": 50}]})

    academic_year: str = _Year
    places: int = Field(ge=1, le=10_000)


class ReceiveFirstClass(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "academic_year": "2027/2028", "application_id": "7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b",
        "child_id": "6f1c2b1e-1d9a-4c1e-8a77-2d2d9d1b0a11", "category": "catchment",
        "birth_date": "2020-11-03", "effective_on": "2027-04-01"}]})

    academic_year: str = _Year
    application_id: UUID
    child_id: UUID
    category: ApplicantCategory
    birth_date: date = Field(description="used for the age on 1 September; not stored")


class GrantAgeException(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"academic_year": "2027/2028", "child_id": "6f1c2b1e-1d9a-4c1e-8a77-2d2d9d1b0a11",
        "basis": {"kind": "order", "number": "15-лс", "dated": "2026-12-28"}}]})

    academic_year: str = _Year
    child_id: UUID


class RefuseFirstClass(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"academic_year": "2027/2028", "application_id": "5a6b7c8d-1111-4222-8333-444455556666",
        "reason": "incomplete_documents", "explanation": "нет справки о регистрации"}]})

    academic_year: str = _Year
    application_id: UUID
    reason: RefusalReason
    explanation: str = _Text


class OrderFirstClass(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"academic_year": "2027/2028", "application_ids": ["5a6b7c8d-1111-4222-8333-444455556666"],
        "class_name": "1А", "effective_on": "2027-07-02",
        "basis": {"kind": "order", "number": "15-лс", "dated": "2026-12-28"}}]})

    academic_year: str = _Year
    application_ids: list[UUID] = Field(min_length=1, max_length=1000)
    class_name: str = _Group


# -- college -----------------------------------------------------------------------------------


class ProgrammePlacesIn(Wire):
    code: str = Field(min_length=1, max_length=20, examples=["09.02.07"])
    name: str = _Text
    places: int = Field(ge=1, le=10_000)


class OpenCollege(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"academic_year": "2027/2028",
        "programmes": [{"code": "09.02.07", "name": "Информационные системы и программирование",
                        "places": 25}]}]})

    academic_year: str = _Year
    programmes: list[ProgrammePlacesIn] = Field(min_length=1, max_length=200)


class ChoiceIn(Wire):
    code: str = Field(min_length=1, max_length=20)
    priority: int = Field(ge=1, le=50)


class SubmitCollegeDraft(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "academic_year": "2027/2028", "application_id": "2b3c4d5e-6f70-4182-9a3b-4c5d6e7f8091",
        "applicant_id": "6f1c2b1e-1d9a-4c1e-8a77-2d2d9d1b0a11",
        "choices": [{"code": "09.02.07", "priority": 1}], "average_mark": "4.50"}]})

    academic_year: str = _Year
    application_id: UUID
    applicant_id: UUID
    choices: list[ChoiceIn] = Field(min_length=1, max_length=20)
    average_mark: str = _Mark


class ConfirmCollege(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"academic_year": "2027/2028", "originals": ["аттестат", "паспорт"],
        "average_mark": "4.50"}]})

    academic_year: str = _Year
    originals: list[str] = Field(min_length=1, max_length=20,
                                 examples=[["аттестат", "паспорт"]])
    average_mark: str = _Mark


class WithdrawCollege(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"academic_year": "2027/2028", "reason": "выбрал другой колледж"}]})

    academic_year: str = _Year
    reason: str = _Text


class PublishRating(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"academic_year": "2027/2028", "code": "09.02.07"}]})

    academic_year: str = _Year
    code: str = Field(min_length=1, max_length=20)


class OrderCollegeEnrolment(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"academic_year": "2027/2028", "code": "09.02.07",
        "application_ids": ["5a6b7c8d-1111-4222-8333-444455556666"], "group": "ИС-11",
        "basis": {"kind": "order", "number": "15-лс", "dated": "2026-12-28"}}]})

    academic_year: str = _Year
    code: str = Field(min_length=1, max_length=20)
    application_ids: list[UUID] = Field(min_length=1, max_length=1000)
    group: str = _Group
