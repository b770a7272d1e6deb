"""An acceptance campaign (приёмка к новому учебному году): one municipality, one academic year.

The campaign holds the plan-schedule (the planned acceptance date of each organisation, and
every change with its reason), the register of signed daily protocols (their content lives in
`AcceptanceProtocol` streams) and the remedy protocols confirming that deficiencies were fixed.
"""

# Event method parameters are the event's stored fields, used by the body or not.

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.academic_year import academic_year_bounds, validate_academic_year
from domain.acceptance_values import (
    AlreadyInPlan,
    AlreadyRemedied,
    Deficiency,
    DeficiencyNotFound,
    NotAWorkingDay,
    NotInPlan,
    PlanEntry,
    Remedy,
)
from domain.calendar import ProductionCalendar
from domain.commission import Commission, CommissionPurpose
from domain.envelope import BasisDocument, Meta
from domain.errors import InvalidInput, RuleViolated
from domain.organisation import Organisation

# Fixed for ever: every campaign stream id is derived from it.
CAMPAIGN_NAMESPACE = UUID("9c4f2e61-3a7b-5d0c-8e25-7f1b6a4d3c92")


class AcceptanceCampaign(Aggregate):
    """Plan-schedule, protocol register and remedies of one municipality for one year."""

    @staticmethod
    def stream_id(municipality: str, academic_year: str) -> UUID:
        return uuid5(CAMPAIGN_NAMESPACE, json.dumps([municipality, academic_year]))

    @staticmethod
    def create_id(municipality: str, academic_year: str, basis_order: BasisDocument, meta: Meta,
                  timestamp: datetime) -> UUID:
        return AcceptanceCampaign.stream_id(municipality, academic_year)

    @classmethod
    def open(cls, *, municipality: str, academic_year: str, meta: Meta) -> AcceptanceCampaign:
        """Open the campaign by the order on acceptance (the act of readiness cites it)."""
        if not municipality.strip() or municipality != municipality.strip():
            raise InvalidInput(f"municipality {municipality!r} must be non-empty, unpadded")
        validate_academic_year(academic_year)
        if meta.basis is None:
            raise InvalidInput("an acceptance campaign is opened by an order: give the basis")
        return cls(municipality=municipality, academic_year=academic_year,
                   basis_order=meta.basis, meta=meta, timestamp=meta.recorded_at)

    @event("Opened")
    def __init__(self, municipality: str, academic_year: str, basis_order: BasisDocument,
                 meta: Meta, timestamp: datetime) -> None:
        self.municipality = municipality
        self.academic_year = academic_year
        self.basis_order = basis_order
        self.plan: dict[UUID, PlanEntry] = {}
        self.protocol_ids: list[UUID] = []
        self.remedies: dict[UUID, Remedy] = {}

    def entry(self, organisation_id: UUID) -> PlanEntry:
        try:
            return self.plan[organisation_id]
        except KeyError:
            raise NotInPlan(
                f"organisation {organisation_id} is not in the {self.academic_year} acceptance "
                f"plan of {self.municipality}"
            ) from None

    def _check_date(self, planned_on: date, calendar: ProductionCalendar) -> None:
        school_year_starts, _ = academic_year_bounds(self.academic_year)
        if planned_on >= school_year_starts:
            raise InvalidInput(f"acceptance for {self.academic_year} must be planned before "
                               f"{school_year_starts.isoformat()}")
        if not calendar.is_working_day(planned_on):
            raise NotAWorkingDay(f"{planned_on.isoformat()} is not a working day")

    def plan_organisation(self, *, entry: PlanEntry, organisation: Organisation,
                          commission: Commission, calendar: ProductionCalendar,
                          meta: Meta) -> None:
        """Put an open organisation of this municipality in the plan-schedule."""
        if organisation.id != entry.organisation_id:
            raise InvalidInput("the plan entry names another organisation")
        organisation.require_accepting_enrolments()  # a closed organisation is not accepted
        if organisation.details.municipality != self.municipality:
            raise RuleViolated(f"organisation {organisation.id} is in "
                               f"{organisation.details.municipality}, not {self.municipality}")
        if entry.organisation_id in self.plan:
            raise AlreadyInPlan(f"organisation {entry.organisation_id} is already planned "
                                f"for {self.plan[entry.organisation_id].planned_on.isoformat()}")
        if not entry.founder.strip() or not entry.head.strip():
            raise InvalidInput("a plan entry names the founder and the head of the organisation")
        self._require_commission(commission, entry.commission_id)
        self._check_date(entry.planned_on, calendar)
        self._organisation_planned(entry=entry, meta=meta, timestamp=meta.recorded_at)

    def _require_commission(self, commission: Commission, commission_id: UUID) -> None:
        commission.require_purpose(CommissionPurpose.SCHOOL_YEAR_ACCEPTANCE)
        if commission.id != commission_id or commission.area != self.municipality:
            raise RuleViolated(f"commission {commission.id} does not serve {self.municipality}")

    @event("OrganisationPlanned")
    def _organisation_planned(self, entry: PlanEntry, meta: Meta, timestamp: datetime) -> None:
        self.plan[entry.organisation_id] = entry

    def reschedule(self, *, organisation_id: UUID, planned_on: date, reason: str,
                   calendar: ProductionCalendar, meta: Meta) -> None:
        """Move an organisation's planned date; the reason is part of the fact."""
        current = self.entry(organisation_id)
        if not reason.strip():
            raise InvalidInput("a change to the plan needs a reason")
        if planned_on == current.planned_on:
            raise InvalidInput(f"the organisation is already planned for {planned_on}")
        self._check_date(planned_on, calendar)
        self._planned_date_changed(organisation_id=organisation_id, planned_on=planned_on,
                                   reason=reason, meta=meta, timestamp=meta.recorded_at)

    @event("PlannedDateChanged")
    def _planned_date_changed(self, organisation_id: UUID, planned_on: date, reason: str,
                              meta: Meta, timestamp: datetime) -> None:
        old = self.plan[organisation_id]
        self.plan[organisation_id] = PlanEntry(organisation_id, planned_on, old.commission_id,
                                               old.founder, old.head)

    def file_protocol(self, *, protocol_id: UUID, commission_id: UUID, held_on: date,
                      amends: UUID | None, meta: Meta) -> None:
        """Register a signed daily protocol with the campaign (reports find it here)."""
        if protocol_id in self.protocol_ids:
            raise RuleViolated(f"protocol {protocol_id} is already filed")
        self._protocol_filed(protocol_id=protocol_id, commission_id=commission_id,
                             held_on=held_on, amends=amends, meta=meta,
                             timestamp=meta.recorded_at)

    @event("ProtocolFiled")
    def _protocol_filed(self, protocol_id: UUID, commission_id: UUID, held_on: date,
                        amends: UUID | None, meta: Meta, timestamp: datetime) -> None:
        self.protocol_ids.append(protocol_id)

    def confirm_remedies(self, *, remedy_protocol_id: UUID, organisation_id: UUID,
                         remedies: tuple[Remedy, ...], found: Mapping[UUID, Deficiency],
                         meta: Meta) -> None:
        """Record a remedy protocol; `found` are the organisation's deficiencies on record."""
        self.entry(organisation_id)
        if not remedies:
            raise InvalidInput("a remedy protocol lists at least one remedied deficiency")
        ids = [r.deficiency_id for r in remedies]
        if len(set(ids)) != len(ids):
            raise InvalidInput("a deficiency is listed twice")
        for remedy in remedies:
            if remedy.deficiency_id not in found:
                raise DeficiencyNotFound(
                    f"organisation {organisation_id} has no deficiency {remedy.deficiency_id} "
                    "in a signed protocol"
                )
            if remedy.deficiency_id in self.remedies:
                done = self.remedies[remedy.deficiency_id].remedied_on.isoformat()
                raise AlreadyRemedied(f"deficiency {remedy.deficiency_id} was remedied on {done}")
            if not remedy.evidence.strip():
                raise InvalidInput("a remedy needs its evidence (document, photo, act)")
        self._remedies_confirmed(remedy_protocol_id=remedy_protocol_id,
                                 organisation_id=organisation_id, remedies=remedies, meta=meta,
                                 timestamp=meta.recorded_at)

    @event("RemediesConfirmed")
    def _remedies_confirmed(self, remedy_protocol_id: UUID, organisation_id: UUID,
                            remedies: tuple[Remedy, ...], meta: Meta,
                            timestamp: datetime) -> None:
        for remedy in remedies:
            self.remedies[remedy.deficiency_id] = remedy


VALUE_TYPES: tuple[type, ...] = (PlanEntry, Remedy)
