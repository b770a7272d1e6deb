"""Values and errors of the acceptance of organisations for the new school year (приёмка)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from uuid import UUID

from domain.errors import InvalidInput, NotFound, RuleViolated


class AcceptanceResult(Enum):
    ACCEPTED = "accepted"  # принята
    ACCEPTED_WITH_REMARKS = "accepted_with_remarks"  # принята с замечаниями
    NOT_ACCEPTED = "not_accepted"  # не принята


class DeficiencyCategory(Enum):
    FIRE_SAFETY = "fire_safety"  # пожарная безопасность
    ANTI_TERROR = "anti_terror"  # антитеррористическая защищённость
    SANITARY = "sanitary"  # санитарно-эпидемиологические требования
    BUILDING = "building"  # состояние зданий и помещений
    UTILITIES = "utilities"  # инженерные сети, отопление, водоснабжение
    EQUIPMENT = "equipment"  # учебное оборудование
    CATERING = "catering"  # организация питания
    ACCESSIBILITY = "accessibility"  # доступная среда
    DOCUMENTATION = "documentation"  # документация
    OTHER = "other"


@dataclass(frozen=True)
class Deficiency:
    """A deficiency found on a visit, with the date it must be remedied by."""

    deficiency_id: UUID
    category: DeficiencyCategory
    description: str
    remedy_by: date


@dataclass(frozen=True)
class ProtocolEntry:
    """One organisation visited on the protocol's day and the commission's result for it."""

    organisation_id: UUID
    result: AcceptanceResult
    deficiencies: tuple[Deficiency, ...] = ()


@dataclass(frozen=True)
class PlanEntry:
    """An organisation in the plan-schedule, with what its act of readiness will name."""

    organisation_id: UUID
    planned_on: date
    commission_id: UUID
    founder: str  # учредитель
    head: str  # руководитель: position and name, as on the act


@dataclass(frozen=True)
class Remedy:
    """Confirmation that a deficiency was remedied (устранено), with the evidence."""

    deficiency_id: UUID
    remedied_on: date
    evidence: str


class NotAWorkingDay(RuleViolated):
    code = "not_a_working_day"


class NotInPlan(NotFound):
    code = "organisation_not_in_plan"


class AlreadyInPlan(RuleViolated):
    code = "organisation_already_in_plan"


class ProtocolSigned(RuleViolated):
    code = "protocol_signed"


class ProtocolNotSigned(RuleViolated):
    code = "protocol_not_signed"


class ProtocolExists(RuleViolated):
    code = "protocol_exists"


class AlreadyInProtocol(RuleViolated):
    code = "organisation_already_in_protocol"


class DeficiencyNotFound(NotFound):
    code = "deficiency_not_found"


class AlreadyRemedied(RuleViolated):
    code = "deficiency_already_remedied"


class InvalidEntry(InvalidInput):
    code = "invalid_protocol_entry"


def check_entry(entry: ProtocolEntry, held_on: date) -> None:
    """Guard: the result agrees with the deficiencies, and each deficiency is complete."""
    if entry.result is AcceptanceResult.ACCEPTED and entry.deficiencies:
        raise InvalidEntry("an organisation accepted without remarks has no deficiencies; "
                           "use 'accepted with remarks'")
    if entry.result is not AcceptanceResult.ACCEPTED and not entry.deficiencies:
        raise InvalidEntry(f"result {entry.result.value} needs at least one deficiency")
    ids = [d.deficiency_id for d in entry.deficiencies]
    if len(set(ids)) != len(ids):
        raise InvalidEntry("a deficiency is listed twice")
    for deficiency in entry.deficiencies:
        if not deficiency.description.strip():
            raise InvalidEntry("a deficiency needs a description")
        if deficiency.remedy_by <= held_on:
            raise InvalidEntry(
                f"remedy deadline {deficiency.remedy_by.isoformat()} must be after the visit "
                f"on {held_on.isoformat()}"
            )

