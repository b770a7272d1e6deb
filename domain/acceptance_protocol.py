"""A daily protocol of an acceptance commission (протокол работы комиссии за день).

One original protocol per commission per working day (its stream id is derived from both),
listing every organisation visited that day. Once signed it is immutable; a mistake is
corrected by an amending protocol that names the original and restates the day in full.
"""

# Event method parameters are the event's stored fields, used by the body or not.

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.acceptance import AcceptanceCampaign
from domain.acceptance_values import (
    AcceptanceResult,
    AlreadyInProtocol,
    Deficiency,
    DeficiencyCategory,
    NotAWorkingDay,
    ProtocolEntry,
    ProtocolNotSigned,
    ProtocolSigned,
    check_entry,
)
from domain.calendar import ProductionCalendar
from domain.commission import Commission, CommissionMember, CommissionPurpose
from domain.envelope import Meta
from domain.errors import InvalidInput, RuleViolated

PROTOCOL_NAMESPACE = UUID("2e8d6c1f-9b3a-5e47-a0d2-4c7f1e9b8a63")


class AcceptanceProtocol(Aggregate):
    """What one acceptance commission found on one working day."""

    @staticmethod
    def original_id(commission_id: UUID, held_on: date) -> UUID:
        """The id of the commission's original protocol of that day: one per day."""
        return uuid5(PROTOCOL_NAMESPACE, json.dumps([str(commission_id), held_on.isoformat()]))

    @staticmethod
    def create_id(protocol_id: UUID, campaign_id: UUID, commission_id: UUID, held_on: date,
                  amends: UUID | None, meta: Meta, timestamp: datetime) -> UUID:
        return protocol_id

    @classmethod
    def open(cls, *, protocol_id: UUID, campaign: AcceptanceCampaign, commission: Commission,
             held_on: date, calendar: ProductionCalendar, meta: Meta,
             amends: AcceptanceProtocol | None = None) -> AcceptanceProtocol:
        commission.require_purpose(CommissionPurpose.SCHOOL_YEAR_ACCEPTANCE)
        if commission.area != campaign.municipality:
            raise RuleViolated(f"commission {commission.id} does not serve "
                               f"{campaign.municipality}")
        if not calendar.is_working_day(held_on):
            raise NotAWorkingDay(f"{held_on.isoformat()} is not a working day: a commission "
                                 "records its protocols on working days")
        original = cls.original_id(commission.id, held_on)
        if amends is None and protocol_id != original:
            raise InvalidInput("an original protocol's id is derived from commission and day")
        if amends is not None:
            if protocol_id == original:
                raise InvalidInput("an amending protocol needs an id of its own")
            if not amends.signed:
                raise ProtocolNotSigned(f"protocol {amends.id} is not signed yet: correct it "
                                        "directly instead of amending it")
            if amends.commission_id != commission.id or amends.held_on != held_on:
                raise InvalidInput("an amending protocol restates the same commission and day")
        return cls(protocol_id=protocol_id, campaign_id=campaign.id, commission_id=commission.id,
                   held_on=held_on, amends=None if amends is None else amends.id, meta=meta,
                   timestamp=meta.recorded_at)

    @event("Opened")
    def __init__(self, protocol_id: UUID, campaign_id: UUID, commission_id: UUID, held_on: date,
                 amends: UUID | None, meta: Meta, timestamp: datetime) -> None:
        self.campaign_id = campaign_id
        self.commission_id = commission_id
        self.held_on = held_on
        self.amends = amends
        self.entries: dict[UUID, ProtocolEntry] = {}
        self.signed = False
        self.chair: CommissionMember | None = None
        self.members_present: tuple[CommissionMember, ...] = ()

    def _require_unsigned(self) -> None:
        if self.signed:
            raise ProtocolSigned(f"protocol {self.id} of {self.held_on.isoformat()} is signed "
                                 "and cannot change; record an amending protocol")

    def record_entry(self, *, entry: ProtocolEntry, campaign: AcceptanceCampaign,
                     meta: Meta) -> None:
        """Record the result for one organisation visited that day."""
        self._require_unsigned()
        campaign.entry(entry.organisation_id)
        if entry.organisation_id in self.entries:
            raise AlreadyInProtocol(f"organisation {entry.organisation_id} is already in "
                                    f"protocol {self.id}")
        check_entry(entry, self.held_on)
        self._entry_recorded(entry=entry, meta=meta, timestamp=meta.recorded_at)

    @event("EntryRecorded")
    def _entry_recorded(self, entry: ProtocolEntry, meta: Meta, timestamp: datetime) -> None:
        # Stored JSON gives tuples back as lists: keep the value object's own shape.
        self.entries[entry.organisation_id] = replace(entry,
                                                      deficiencies=tuple(entry.deficiencies))

    def sign(self, *, commission: Commission, chair_id: UUID,
             members_present: tuple[UUID, ...], meta: Meta) -> None:
        """The chair signs for the members present; the protocol is closed from now on."""
        self._require_unsigned()
        if commission.id != self.commission_id:
            raise InvalidInput(f"protocol {self.id} belongs to commission {self.commission_id}")
        if not self.entries:
            raise InvalidInput("a protocol lists at least one organisation visited")
        if chair_id != commission.chair.member_id:
            raise RuleViolated(f"the protocol is signed by the chair, "
                               f"{commission.chair.full_name}")
        present = tuple(dict.fromkeys((chair_id, *members_present)))
        commission.require_members(present, "signing a protocol")
        members = tuple(m for m in commission.members if m.member_id in present)
        self._signed(chair=commission.chair, members_present=members, meta=meta,
                     timestamp=meta.recorded_at)

    @event("Signed")
    def _signed(self, chair: CommissionMember, members_present: tuple[CommissionMember, ...],
                meta: Meta, timestamp: datetime) -> None:
        self.signed = True
        self.chair = chair
        self.members_present = tuple(members_present)


VALUE_TYPES: tuple[type, ...] = (
    AcceptanceResult, DeficiencyCategory, Deficiency, ProtocolEntry,
)
