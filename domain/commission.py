"""Commissions: GIA appeal commissions (конфликтная/апелляционная комиссия) and commissions for
the acceptance of organisations for the new school year (комиссия по приёмке).

A commission's composition changes over time; every change is an event, so who sat on it on
any day is derivable. Members are officials acting in that capacity: their names and positions
appear on public acts, and no learner data is stored here.
"""

# Event method parameters are the event's stored fields, used by the body or not.

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.envelope import Meta
from domain.errors import InvalidInput, NotFound, RuleViolated


class CommissionPurpose(Enum):
    GIA_APPEALS = "gia_appeals"  # апелляционная комиссия субъекта РФ
    SCHOOL_YEAR_ACCEPTANCE = "school_year_acceptance"  # приёмка к новому учебному году


@dataclass(frozen=True)
class CommissionMember:
    member_id: UUID
    full_name: str
    position: str

    def validated(self) -> CommissionMember:
        if not self.full_name.strip() or not self.position.strip():
            raise InvalidInput("a commission member needs a full name and a position")
        return self


class MemberNotOnCommission(RuleViolated):
    code = "member_not_on_commission"


class MemberAlreadyOnCommission(RuleViolated):
    code = "member_already_on_commission"


class WrongCommissionPurpose(RuleViolated):
    code = "wrong_commission_purpose"


class CommissionNotFound(NotFound):
    code = "commission_not_found"


class Commission(Aggregate):
    """A commission with its chair and members; the chair is always one of the members."""

    @staticmethod
    def create_id(commission_id: UUID, purpose: CommissionPurpose, name: str, area: str,
                  chair: CommissionMember, members: tuple[CommissionMember, ...], meta: Meta,
                  timestamp: datetime) -> UUID:
        return commission_id

    @classmethod
    def form(cls, *, commission_id: UUID, purpose: CommissionPurpose, name: str, area: str,
             chair: CommissionMember, members: tuple[CommissionMember, ...],
             meta: Meta) -> Commission:
        """Form a commission; `area` is the municipality (acceptance) or the region (appeals)."""
        if not name.strip() or not area.strip():
            raise InvalidInput("a commission needs a name and the area it serves")
        if meta.basis is None:
            raise InvalidInput("a commission is formed by an order: give the basis document")
        for member in (chair, *members):
            member.validated()
        ids = [m.member_id for m in members]
        if len(set(ids)) != len(ids):
            raise InvalidInput("a member is listed twice")
        if chair.member_id not in ids:
            members = (chair, *members)
        return cls(commission_id=commission_id, purpose=purpose, name=name, area=area,
                   chair=chair, members=members, meta=meta, timestamp=meta.recorded_at)

    @event("Formed")
    def __init__(self, commission_id: UUID, purpose: CommissionPurpose, name: str, area: str,
                 chair: CommissionMember, members: tuple[CommissionMember, ...], meta: Meta,
                 timestamp: datetime) -> None:
        self.purpose = purpose
        self.name = name
        self.area = area
        self.chair = chair
        self._members = {m.member_id: m for m in members}

    @property
    def members(self) -> tuple[CommissionMember, ...]:
        return tuple(self._members.values())

    def is_member(self, member_id: UUID) -> bool:
        return member_id in self._members

    def require_purpose(self, purpose: CommissionPurpose) -> None:
        if self.purpose is not purpose:
            raise WrongCommissionPurpose(
                f"commission {self.id} ({self.name}) is a {self.purpose.value} commission, "
                f"not a {purpose.value} one"
            )

    def require_members(self, member_ids: tuple[UUID, ...], what: str) -> None:
        """Guard: every id is a current member (e.g. the deciders of an appeal)."""
        if not member_ids:
            raise InvalidInput(f"{what} needs at least one commission member")
        strangers = [str(m) for m in member_ids if m not in self._members]
        if strangers:
            raise MemberNotOnCommission(
                f"{', '.join(strangers)} not on commission {self.id} ({self.name}); "
                f"only its members can take part in {what}"
            )

    def appoint(self, *, member: CommissionMember, meta: Meta) -> None:
        member.validated()
        if member.member_id in self._members:
            raise MemberAlreadyOnCommission(f"{member.full_name} is already on the commission")
        self._member_appointed(member=member, meta=meta, timestamp=meta.recorded_at)

    @event("MemberAppointed")
    def _member_appointed(self, member: CommissionMember, meta: Meta,
                          timestamp: datetime) -> None:
        self._members[member.member_id] = member

    def dismiss(self, *, member_id: UUID, meta: Meta) -> None:
        if member_id not in self._members:
            raise MemberNotOnCommission(f"{member_id} is not on commission {self.id}")
        if member_id == self.chair.member_id:
            raise RuleViolated("appoint another chair before dismissing the chair")
        self._member_dismissed(member_id=member_id, meta=meta, timestamp=meta.recorded_at)

    @event("MemberDismissed")
    def _member_dismissed(self, member_id: UUID, meta: Meta, timestamp: datetime) -> None:
        del self._members[member_id]

    def change_chair(self, *, member_id: UUID, meta: Meta) -> None:
        if member_id not in self._members:
            raise MemberNotOnCommission(f"the new chair {member_id} must be a member first")
        if member_id == self.chair.member_id:
            raise InvalidInput("this member already chairs the commission")
        self._chair_changed(member_id=member_id, meta=meta, timestamp=meta.recorded_at)

    @event("ChairChanged")
    def _chair_changed(self, member_id: UUID, meta: Meta, timestamp: datetime) -> None:
        self.chair = self._members[member_id]


VALUE_TYPES: tuple[type, ...] = (CommissionPurpose, CommissionMember)
