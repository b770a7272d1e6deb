"""Commands of organisation card edits: the operator's policy, direct edits, change requests."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.envelope import Meta
from domain.errors import InvalidInput
from domain.organisation import Organisation
from domain.organisation_change_request import (
    POLICY_ID,
    CardEditPolicy,
    FieldChange,
    OrganisationChangeRequest,
    changed_details,
    check_direct_edit,
)
from letopis.ledger import CommandContext, Ledger
from letopis.store.base import CommandOutcome


def _changes_payload(changes: tuple[FieldChange, ...]) -> list[list[str]]:
    return [[c.field, c.value] for c in changes]


class OrganisationChangeService:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def editable_fields(self) -> tuple[str, ...]:
        """The fields organisation users may edit directly (none until the operator says)."""
        if not self.ledger.exists(POLICY_ID):
            return ()
        return self.ledger.load(CardEditPolicy, POLICY_ID, "card edit policy").editable_fields

    def request(self, request_id: UUID) -> OrganisationChangeRequest:
        return self.ledger.load(OrganisationChangeRequest, request_id, "change request")

    def _organisation(self, organisation_id: UUID) -> Organisation:
        return self.ledger.load(Organisation, organisation_id, "organisation")

    def set_editable_fields(self, context: CommandContext,
                            editable_fields: tuple[str, ...]) -> CommandOutcome:
        def action(meta: Meta) -> list[CardEditPolicy]:
            if not self.ledger.exists(POLICY_ID):
                return [CardEditPolicy.configure(editable_fields=editable_fields, meta=meta)]
            policy = self.ledger.load(CardEditPolicy, POLICY_ID, "card edit policy")
            policy.change(editable_fields=editable_fields, meta=meta)
            return [policy]

        return self.ledger.execute(context, "set_editable_card_fields",
                                   {"fields": list(editable_fields)}, action)

    def edit_card(self, context: CommandContext, organisation_id: UUID,
                  changes: tuple[FieldChange, ...]) -> CommandOutcome:
        """An organisation user's direct edit of fields the policy allows."""
        def action(meta: Meta) -> list[Organisation]:
            check_direct_edit(self.editable_fields(), organisation_id, changes, meta.actor)
            organisation = self._organisation(organisation_id)
            organisation.change_details(
                details=changed_details(organisation.details, changes), meta=meta)
            return [organisation]

        return self.ledger.execute(
            context, "edit_organisation_card",
            {"organisation_id": organisation_id, "changes": _changes_payload(changes)}, action,
        )

    def submit_request(self, context: CommandContext, request_id: UUID, organisation_id: UUID,
                       changes: tuple[FieldChange, ...], reason: str) -> CommandOutcome:
        def action(meta: Meta) -> list[OrganisationChangeRequest]:
            if self.ledger.exists(request_id):
                raise InvalidInput(f"change request {request_id} exists")
            return [OrganisationChangeRequest.submit(
                request_id=request_id, organisation=self._organisation(organisation_id),
                changes=changes, reason=reason, meta=meta)]

        return self.ledger.execute(
            context, "submit_organisation_change_request",
            {"request_id": request_id, "organisation_id": organisation_id,
             "changes": _changes_payload(changes), "reason": reason}, action,
        )

    def approve(self, context: CommandContext, request_id: UUID) -> CommandOutcome:
        """Approve and change the card, atomically: both the decision and the change stand."""
        def action(meta: Meta) -> list[Aggregate]:
            request = self.request(request_id)
            organisation = self._organisation(request.organisation_id)
            details = request.approve(organisation=organisation, meta=meta)
            organisation.change_details(details=details, meta=meta)
            return [request, organisation]

        return self.ledger.execute(context, "approve_organisation_change_request",
                                   {"request_id": request_id}, action)

    def reject(self, context: CommandContext, request_id: UUID, reason: str) -> CommandOutcome:
        def action(meta: Meta) -> list[OrganisationChangeRequest]:
            request = self.request(request_id)
            request.reject(reason=reason, meta=meta)
            return [request]

        return self.ledger.execute(context, "reject_organisation_change_request",
                                   {"request_id": request_id, "reason": reason}, action)
