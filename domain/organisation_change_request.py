"""Changes to an organisation's registry card by its own users (Smolensk 493 item 5.5).

The operator of the regional system decides which card fields an organisation's users may
correct directly (`CardEditPolicy`, one stream for the region). A direct edit of any other field
is refused; such a change is requested instead (`OrganisationChangeRequest`), and the operator
approves it, which changes the card through `Organisation.change_details` in the same command,
or rejects it with a reason. The request and the decision are both events.

Who is who: an organisation user acts with `actor.organisation_id` equal to the organisation;
the operator is an administrator (or the system) acting for no organisation.
"""

# Event method parameters are the event's stored fields, used by the body or not.

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.envelope import Actor, Meta, Role
from domain.errors import InvalidInput, RuleViolated
from domain.organisation import Organisation, OrganisationDetails, OrganisationKind

CARD_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(OrganisationDetails))
# Fixed for ever: the region's one policy stream.
POLICY_ID = UUID("7b2e9f04-6c1d-5a38-8e47-d5f0a9c3b612")


@dataclass(frozen=True)
class FieldChange:
    """One card field and its requested new value (an enum field gives the enum's value)."""

    field: str
    value: str


class RequestStatus(Enum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class UnknownCardField(InvalidInput):
    code = "unknown_card_field"


class FieldNotEditable(RuleViolated):
    code = "card_field_not_editable"


class NotOperator(RuleViolated):
    code = "not_operator"


class NotOwnOrganisation(RuleViolated):
    code = "not_own_organisation"


class RequestDecided(RuleViolated):
    code = "change_request_decided"


def is_operator(actor: Actor) -> bool:
    return actor.organisation_id is None and actor.role in (Role.ADMINISTRATOR, Role.SYSTEM)


def require_operator(actor: Actor, what: str) -> None:
    if not is_operator(actor):
        raise NotOperator(f"{what} is the operator's: an administrator acting for no "
                          "organisation")


def require_own(actor: Actor, organisation_id: UUID) -> None:
    if actor.organisation_id != organisation_id:
        raise NotOwnOrganisation(f"user {actor.user_id} does not act for organisation "
                                 f"{organisation_id}")


def check_fields(fields: tuple[str, ...]) -> None:
    unknown = sorted(set(fields) - set(CARD_FIELDS))
    if unknown:
        raise UnknownCardField(f"{', '.join(unknown)}: not a card field "
                               f"({', '.join(CARD_FIELDS)})")
    if len(set(fields)) != len(fields):
        raise InvalidInput("a field is listed twice")


def changed_details(details: OrganisationDetails,
                    changes: tuple[FieldChange, ...]) -> OrganisationDetails:
    """The card with `changes` applied, validated, and different from `details`."""
    if not changes:
        raise InvalidInput("a change names at least one field")
    check_fields(tuple(c.field for c in changes))
    values: dict[str, object] = {}
    for change in changes:
        if change.field == "kind":
            try:
                values["kind"] = OrganisationKind(change.value)
            except ValueError:
                raise InvalidInput(f"{change.value!r} is not an organisation kind") from None
        else:
            values[change.field] = change.value
    new = dataclasses.replace(details, **values).validated()  # type: ignore[arg-type]
    if new == details:
        raise InvalidInput("the card already has these values")
    return new


class CardEditPolicy(Aggregate):
    """Which card fields an organisation's users may edit directly (configured by the operator)."""

    @staticmethod
    def create_id(editable_fields: tuple[str, ...], meta: Meta, timestamp: datetime) -> UUID:
        return POLICY_ID

    @classmethod
    def configure(cls, *, editable_fields: tuple[str, ...], meta: Meta) -> CardEditPolicy:
        require_operator(meta.actor, "the card edit policy")
        check_fields(editable_fields)
        return cls(editable_fields=editable_fields, meta=meta, timestamp=meta.recorded_at)

    @event("Configured")
    def __init__(self, editable_fields: tuple[str, ...], meta: Meta,
                 timestamp: datetime) -> None:
        self.editable_fields = tuple(editable_fields)

    def change(self, *, editable_fields: tuple[str, ...], meta: Meta) -> None:
        require_operator(meta.actor, "the card edit policy")
        check_fields(editable_fields)
        if set(editable_fields) == set(self.editable_fields):
            raise InvalidInput("these fields are editable already")
        self._fields_changed(editable_fields=editable_fields, meta=meta,
                             timestamp=meta.recorded_at)

    @event("EditableFieldsChanged")
    def _fields_changed(self, editable_fields: tuple[str, ...], meta: Meta,
                        timestamp: datetime) -> None:
        self.editable_fields = tuple(editable_fields)


def check_direct_edit(editable_fields: tuple[str, ...], organisation_id: UUID,
                      changes: tuple[FieldChange, ...], actor: Actor) -> None:
    """Guard for an organisation user's direct edit: own organisation, editable fields only."""
    require_own(actor, organisation_id)
    check_fields(tuple(c.field for c in changes))
    refused = sorted({c.field for c in changes} - set(editable_fields))
    if refused:
        raise FieldNotEditable(f"{', '.join(refused)} cannot be edited directly: submit a "
                               "change request to the operator")


class OrganisationChangeRequest(Aggregate):
    """A request to change card fields the organisation's users may not edit themselves."""

    @staticmethod
    def create_id(request_id: UUID, organisation_id: UUID, changes: tuple[FieldChange, ...],
                  reason: str, meta: Meta, timestamp: datetime) -> UUID:
        return request_id

    @classmethod
    def submit(cls, *, request_id: UUID, organisation: Organisation,
               changes: tuple[FieldChange, ...], reason: str,
               meta: Meta) -> OrganisationChangeRequest:
        require_own(meta.actor, organisation.id)
        organisation.require_accepting_enrolments()  # a closed organisation's card is final
        if not reason.strip():
            raise InvalidInput("a change request gives its reason")
        changed_details(organisation.details, changes)
        return cls(request_id=request_id, organisation_id=organisation.id, changes=changes,
                   reason=reason, meta=meta, timestamp=meta.recorded_at)

    @event("Submitted")
    def __init__(self, request_id: UUID, organisation_id: UUID,
                 changes: tuple[FieldChange, ...], reason: str, meta: Meta,
                 timestamp: datetime) -> None:
        self.organisation_id = organisation_id
        self.changes = tuple(changes)
        self.status = RequestStatus.PENDING

    def _require_pending(self, meta: Meta, what: str) -> None:
        require_operator(meta.actor, what)
        if self.status is not RequestStatus.PENDING:
            raise RequestDecided(f"change request {self.id} is {self.status.value}")

    def approve(self, *, organisation: Organisation, meta: Meta) -> OrganisationDetails:
        """Approve; returns the new card, which the caller records on the organisation with
        `change_details` in the same command."""
        self._require_pending(meta, "approving a change request")
        if organisation.id != self.organisation_id:
            raise InvalidInput("the request is about another organisation")
        organisation.require_accepting_enrolments()
        new = changed_details(organisation.details, self.changes)
        self._approved(organisation_id=self.organisation_id, meta=meta,
                       timestamp=meta.recorded_at)
        return new

    @event("Approved")
    def _approved(self, organisation_id: UUID, meta: Meta, timestamp: datetime) -> None:
        self.status = RequestStatus.APPROVED

    def reject(self, *, reason: str, meta: Meta) -> None:
        self._require_pending(meta, "rejecting a change request")
        if not reason.strip():
            raise InvalidInput("a rejection gives its reason")
        self._rejected(reason=reason, meta=meta, timestamp=meta.recorded_at)

    @event("Rejected")
    def _rejected(self, reason: str, meta: Meta, timestamp: datetime) -> None:
        self.status = RequestStatus.REJECTED


VALUE_TYPES: tuple[type, ...] = (FieldChange,)
