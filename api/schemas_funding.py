"""Request bodies of personalised funding's later commands: certificate groups, a certificate's
life, programmes, contracts after the request, claims in a batch."""

from __future__ import annotations

from uuid import UUID

from pydantic import ConfigDict, Field
from pydantic.config import JsonDict

from api.schemas import CommandFields
from api.schemas_commands import ClaimIn
from domain.certificate_values import CertificateKind
from domain.money import Unit

_Reason = Field(min_length=1, max_length=500)
_Year = Field(ge=2000, le=2100)
_Amount = Field(gt=0, le=10**12, description="kopecks (roubles) or hundredths of an hour")
_ORDER: JsonDict = {"kind": "order", "number": "98-п", "dated": "2026-01-15"}


class EstablishGroup(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "municipality": "Оренбург", "year": 2026, "nominal": 1_500_000, "unit": "roubles",
        "max_certificates": 5000, "max_nominal_sum": 7_500_000_000, "basis": _ORDER}]})

    municipality: str = Field(min_length=1, max_length=200)
    year: int = _Year
    nominal: int = _Amount
    unit: Unit = Unit.ROUBLES
    max_certificates: int = Field(gt=0, le=10_000_000)
    max_nominal_sum: int = _Amount


class CertificateYear(CommandFields):
    """A calendar year of a certificate's funding."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"year": 2027}]})

    year: int = _Year


class ConvertCertificate(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "kind": "funding", "reason": "заявление родителя от 2026-09-02"}]})

    kind: CertificateKind
    reason: str = _Reason


class RevertIdleCertificate(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{"idle_days": 90}]})

    idle_days: int = Field(ge=1, le=3660, description="days without a contract that make a "
                                                      "funding certificate idle")


class CertificateReason(CommandFields):
    """Suspending or closing a certificate, with the reason."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "reason": "заявление родителя от 2026-11-02", "basis": _ORDER}]})

    reason: str = _Reason


class CertifyProgramme(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "programme_id": "7d1e9a52-0f3c-4b8e-9d6a-2c4b5e6f7a80",
        "provider_id": "3d5e1f9a-77a0-4d1b-9a0a-1b2c3d4e5f60", "title": "Робототехника",
        "unit": "roubles", "price_per_month": 250_000, "normative_price": 200_000}]})

    programme_id: UUID
    provider_id: UUID
    title: str = Field(min_length=1, max_length=300)
    unit: Unit = Unit.ROUBLES
    price_per_month: int = _Amount
    normative_price: int = _Amount


class ContractReason(CommandFields):
    """Refusing or terminating a contract, with the reason."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "reason": "группа укомплектована", "effective_on": "2026-10-15"}]})

    reason: str = _Reason


class SubmitClaims(CommandFields):
    """Several claims in one transaction: all of them, or (on any refusal) none."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"claims": [{
        "kind": "advance", "payer_id": "9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d",
        "provider_id": "3d5e1f9a-77a0-4d1b-9a0a-1b2c3d4e5f60", "month": "2026-10-01",
        "contracts": [{"contract_id": "c0a1b2c3-d4e5-4f60-8718-293a4b5c6d7e",
                       "delivered_bp": 0}]}]}]})

    claims: list[ClaimIn] = Field(min_length=1, max_length=100)
