"""Request bodies of the registry's later commands (an organisation's life after registration)
and of cancelling a learner's entry."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import ConfigDict, Field
from pydantic.config import JsonDict

from api.schemas import CommandFields
from api.schemas_commands import OrganisationCard

_Text = Field(min_length=1, max_length=500)
_NUMBER = Field(min_length=1, max_length=100)
_ORDER: JsonDict = {"kind": "order", "number": "112-о", "dated": "2026-10-01"}


class ChangeOrganisationDetails(OrganisationCard):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "full_name": "Муниципальное общеобразовательное автономное учреждение «СОШ № 1»",
        "short_name": "МОАУ СОШ № 1", "kind": "school", "inn": "7707083893",
        "ogrn": "1027700132195", "municipality": "Оренбург",
        "legal_address": "г. Оренбург, ул. Советская, 1",
        "actual_address": "г. Оренбург, ул. Советская, 3", "basis": _ORDER}]})


class RecordLicence(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "number": "Л035-01234-56/00123456", "issued_on": "2016-03-14",
        "issued_by": "Министерство образования Оренбургской области"}]})

    number: str = _NUMBER
    issued_on: date
    issued_by: str = _Text


class RecordAccreditation(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "number": "А007-01234-56/00123456", "issued_on": "2019-05-20", "valid_until": None,
        "levels": ["primary_general", "basic_general", "secondary_general"]}]})

    number: str = _NUMBER
    issued_on: date
    valid_until: date | None = None
    levels: list[str] = Field(min_length=1, max_length=20)


class Reorganise(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "form": "merger", "successor_ids": ["3d5e1f9a-77a0-4d1b-9a0a-1b2c3d4e5f61"],
        "basis": _ORDER}]})

    form: str = Field(min_length=1, max_length=100, description="e.g. merger, accession, "
                                                                "division, transformation")
    successor_ids: list[UUID] = Field(min_length=1, max_length=20)


class CloseOrganisation(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "reason": "ликвидация по постановлению администрации", "basis": _ORDER}]})

    reason: str = _Text


class CancelEntry(CommandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "cancelled_version": 2, "reason": "зачислен ошибочно: приказ 15-к отменён",
        "basis": _ORDER}]})

    cancelled_version: int = Field(ge=1, le=1_000_000, description="the learner stream's "
                                   "version of the enrolment or transfer entered in error")
    reason: str = _Text
