"""Request bodies of the command endpoints (wire formats; routes build domain values)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import ConfigDict, Field

from api.schemas import BasisIn, CommandFields, Wire
from domain.certificate_values import CertificateKind, ChargeKind
from domain.gradebook_values import MarkKind, PeriodKind, Scale
from domain.learner_values import EducationLevel, FormOfStudy, LeavingReason
from domain.organisation import OrganisationKind

_Text = Field(min_length=1, max_length=500)


class OrganisationCard(CommandFields):
    """The registry card: what registering sets and a change of details replaces."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "full_name": "Муниципальное бюджетное учреждение дополнительного образования "
                     "«Центр детского творчества»",
        "short_name": "МБУДО ЦДТ", "kind": "additional_education", "inn": "5610041780",
        "ogrn": "1025601027480", "municipality": "Оренбург",
        "legal_address": "г. Оренбург, ул. Пушкинская, 20",
        "actual_address": "г. Оренбург, ул. Пушкинская, 20"}]})

    full_name: str = _Text
    short_name: str = _Text
    kind: OrganisationKind
    inn: str = Field(pattern=r"^[0-9]{10}([0-9]{2})?$")
    ogrn: str = Field(pattern=r"^[0-9]{13}([0-9]{2})?$")
    municipality: str = _Text
    legal_address: str = _Text
    actual_address: str = _Text


class RegisterOrganisation(OrganisationCard):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "organisation_id": "3d5e1f9a-77a0-4d1b-9a0a-1b2c3d4e5f60",
        "full_name": "Муниципальное общеобразовательное бюджетное учреждение «СОШ № 1»",
        "short_name": "МОБУ СОШ № 1", "kind": "school", "inn": "7707083893",
        "ogrn": "1027700132195", "municipality": "Оренбург",
        "legal_address": "г. Оренбург, ул. Советская, 1",
        "actual_address": "г. Оренбург, ул. Советская, 1"}]})

    organisation_id: UUID


class RegisterLearner(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "learner_id": "6f1c2b1e-1d9a-4c1e-8a77-2d2d9d1b0a11"}]})

    learner_id: UUID


class Enrol(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "enrolment_id": "b3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
        "organisation_id": "3d5e1f9a-77a0-4d1b-9a0a-1b2c3d4e5f60", "level": "basic_general",
        "class_or_group": "5А", "academic_year": "2026/2027", "effective_on": "2026-09-01",
        "basis": {"kind": "order", "number": "15-к", "dated": "2026-08-30"}}]})

    enrolment_id: UUID
    organisation_id: UUID
    level: EducationLevel
    class_or_group: str = Field(min_length=1, max_length=50)
    academic_year: str = Field(pattern=r"^[0-9]{4}/[0-9]{4}$", examples=["2026/2027"])
    form_of_study: FormOfStudy = FormOfStudy.FULL_TIME


class TransferWithin(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "enrolment_id": "b3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "class_or_group": "5Б",
        "academic_year": "2026/2027",
        "basis": {"kind": "order", "number": "21-к", "dated": "2026-10-01"}}]})

    enrolment_id: UUID
    class_or_group: str = Field(min_length=1, max_length=50)
    academic_year: str = Field(pattern=r"^[0-9]{4}/[0-9]{4}$")
    promotion: bool = False


class TransferBetween(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "enrolment_id": "b3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
        "destination_organisation_id": "ba36ea14-8bdf-442b-b634-52ee01ab73f3",
        "new_enrolment_id": "924fc986-0ecc-47bc-86b7-adeca2634dbe", "level": "basic_general",
        "class_or_group": "5В", "academic_year": "2026/2027",
        "expel_basis": {"kind": "order", "number": "52-к", "dated": "2027-01-20"},
        "expelled_on": "2027-01-20", "effective_on": "2027-01-21",
        "basis": {"kind": "order", "number": "7-к", "dated": "2027-01-21"}}]})

    enrolment_id: UUID
    destination_organisation_id: UUID
    new_enrolment_id: UUID
    level: EducationLevel
    class_or_group: str = Field(min_length=1, max_length=50)
    academic_year: str = Field(pattern=r"^[0-9]{4}/[0-9]{4}$")
    expel_basis: BasisIn
    expelled_on: date
    form_of_study: FormOfStudy = FormOfStudy.FULL_TIME


class DocumentIn(Wire):
    kind: str = Field(min_length=1, max_length=100)
    series: str = Field(default="", max_length=50)
    number: str = Field(min_length=1, max_length=50)
    issued_on: date


class Leave(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "enrolment_id": "b3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
        "reason": "learner_or_parents_initiative",
        "basis": {"kind": "order", "number": "40-к", "dated": "2027-01-10"}}]})

    enrolment_id: UUID
    reason: LeavingReason
    document: DocumentIn | None = None


class PeriodIn(Wire):
    kind: PeriodKind
    number: int = Field(ge=1, le=4)


class RecordMark(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "subject": "Математика", "academic_year": "2026/2027",
        "mark_id": "9c0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f",
        "kind": "current", "scale": "five_point", "value": "5", "lesson_on": "2026-09-14"}]})

    subject: str = Field(min_length=1, max_length=100)
    academic_year: str = Field(pattern=r"^[0-9]{4}/[0-9]{4}$")
    mark_id: UUID
    kind: MarkKind
    scale: Scale = Scale.FIVE_POINT
    value: str = Field(min_length=1, max_length=20)
    lesson_on: date | None = None
    work_kind: str | None = Field(default=None, max_length=100)
    period: PeriodIn | None = None


class CorrectMark(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "subject": "Математика", "academic_year": "2026/2027",
        "mark_id": "8f9627f2-3da4-4a71-89a7-bfbd4b7eb88b",
        "corrects_mark_id": "9c0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f", "scale": "five_point",
        "value": "4", "reason": "ошибка при внесении: в журнале на бумаге «4»"}]})

    subject: str = Field(min_length=1, max_length=100)
    academic_year: str = Field(pattern=r"^[0-9]{4}/[0-9]{4}$")
    mark_id: UUID
    corrects_mark_id: UUID
    scale: Scale = Scale.FIVE_POINT
    value: str = Field(min_length=1, max_length=20)
    reason: str = _Text


class IssueCertificate(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "number": "5600000001", "learner_id": "6f1c2b1e-1d9a-4c1e-8a77-2d2d9d1b0a11",
        "kind": "funding",
        "municipality": "Оренбург", "year": 2026}]})

    number: str = Field(min_length=1, max_length=20)
    learner_id: UUID
    kind: CertificateKind
    municipality: str = _Text
    year: int = Field(ge=2000, le=2100)


class RequestContract(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "contract_id": "c0a1b2c3-d4e5-4f60-8718-293a4b5c6d7e", "number": "5600000001",
        "programme_id": "7d1e9a52-0f3c-4b8e-9d6a-2c4b5e6f7a80",
        "group_name": "Робототехника, группа 2", "first_month": "2026-10-01",
        "last_month": "2027-05-01"}]})

    contract_id: UUID
    number: str = Field(min_length=1, max_length=20, description="the certificate's number")
    programme_id: UUID
    group_name: str = Field(min_length=1, max_length=100)
    first_month: date
    last_month: date


class ClaimLineIn(Wire):
    contract_id: UUID
    delivered_bp: int = Field(ge=0, le=10_000, description="delivered share, basis points")


class ClaimIn(Wire):
    """One claim: an advance (заявка на авансирование) or a final invoice (счёт)."""

    kind: ChargeKind
    payer_id: UUID
    provider_id: UUID
    month: date = Field(description="first day of the month claimed")
    contracts: list[ClaimLineIn] = Field(min_length=1, max_length=1000)


class SubmitClaim(CommandFields, ClaimIn):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "kind": "final", "payer_id": "9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d",
        "provider_id": "3d5e1f9a-77a0-4d1b-9a0a-1b2c3d4e5f60", "month": "2026-10-01",
        "contracts": [{"contract_id": "c0a1b2c3-d4e5-4f60-8718-293a4b5c6d7e",
                       "delivered_bp": 7500}]}]})


class RejectClaim(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "reason": "доля оказанных услуг не подтверждена табелем посещаемости"}]})

    reason: str = _Text


class PartyIn(Wire):
    organisation_id: UUID
    name: str = _Text
    inn: str = Field(pattern=r"^[0-9]{10}([0-9]{2})?$")
    account_number: str = Field(min_length=1, max_length=34)


class RecordPayment(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "payment_id": "544d0b26-f8df-4454-8f4d-bb45a54f6ba9",
        "claim_id": "a20f4f3b-12dd-4327-9d07-fbb0564bf7fe", "number": "1187",
        "dated": "2026-11-10", "amount": 150_000,
        "payer": {"organisation_id": "9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d",
                  "name": "Управление образования администрации г. Оренбурга",
                  "inn": "5610032538", "account_number": "03231643537010005300"},
        "payee": {"organisation_id": "3d5e1f9a-77a0-4d1b-9a0a-1b2c3d4e5f60",
                  "name": "МОБУ СОШ № 1", "inn": "7707083893",
                  "account_number": "03234643537010005300"},
        "purpose": "оплата по счёту за октябрь 2026 г., сертификат № 5600000001"}]})

    payment_id: UUID
    claim_id: UUID
    number: str = Field(min_length=1, max_length=50)
    dated: date
    amount: int = Field(gt=0, description="kopecks")
    payer: PartyIn
    payee: PartyIn
    purpose: str = Field(default="", max_length=500)
