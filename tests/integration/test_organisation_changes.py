"""Organisation card edits through the ledger, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.envelope import Actor, Role
from domain.organisation_change_request import (
    FieldChange,
    FieldNotEditable,
    NotOperator,
    OrganisationChangeRequest,
    RequestDecided,
)
from letopis.ledger import CommandContext, Ledger
from letopis.services.organisation_changes import OrganisationChangeService
from letopis.services.organisations import OrganisationService
from tests.assertions import refused
from tests.integration.test_acceptance import details

SCHOOL, REQUEST, SECOND = UUID(int=1), UUID(int=551), UUID(int=552)
OPERATOR = Actor(user_id="operator-1", role=Role.ADMINISTRATOR)
SCHOOL_USER = Actor(user_id="school-1", role=Role.ADMINISTRATOR, organisation_id=SCHOOL)
RENAME = (FieldChange("short_name", "МОАУ Лицей № 1"),)
MOVE = (FieldChange("actual_address", "ул. Ленина, 3"),)


def ctx(command_id: str, actor: Actor) -> CommandContext:
    return CommandContext(actor=actor, command_id=command_id, effective_on=date(2026, 10, 1))


def test_edits_requests_and_decisions(ledger: Ledger) -> None:
    organisations = OrganisationService(ledger)
    organisations.register(ctx("org", OPERATOR), SCHOOL, details(1))
    changes = OrganisationChangeService(ledger)
    # Before the operator configures anything, nothing is editable directly.
    refused(ledger, FieldNotEditable, lambda c: changes.edit_card(ctx(c, SCHOOL_USER), SCHOOL,
                                                                   MOVE))
    refused(ledger, NotOperator, lambda c: changes.set_editable_fields(
        ctx(c, SCHOOL_USER), ("actual_address",)))
    changes.set_editable_fields(ctx("policy", OPERATOR), ("actual_address",))
    assert changes.editable_fields() == ("actual_address",)
    changes.edit_card(ctx("move", SCHOOL_USER), SCHOOL, MOVE)
    assert organisations.get(SCHOOL).details.actual_address == "ул. Ленина, 3"
    refused(ledger, FieldNotEditable, lambda c: changes.edit_card(ctx(c, SCHOOL_USER), SCHOOL,
                                                                   RENAME))

    changes.submit_request(ctx("request", SCHOOL_USER), REQUEST, SCHOOL, RENAME,
                           "переименование по приказу учредителя № 17")
    refused(ledger, NotOperator, lambda c: changes.approve(ctx(c, SCHOOL_USER), REQUEST))
    outcome = changes.approve(ctx("approve", OPERATOR), REQUEST)
    assert set(outcome.streams) == {str(REQUEST), str(SCHOOL)}  # decision and change, at once
    assert organisations.get(SCHOOL).details.short_name == "МОАУ Лицей № 1"
    refused(ledger, RequestDecided, lambda c: changes.reject(ctx(c, OPERATOR), REQUEST, "x"))

    changes.submit_request(ctx("request-2", SCHOOL_USER), SECOND, SCHOOL,
                           (FieldChange("short_name", "МОАУ Гимназия № 1"),), "ошибка")
    changes.reject(ctx("reject", OPERATOR), SECOND, "нет приказа учредителя")
    assert changes.request(SECOND).status.value == "rejected"
    assert organisations.get(SCHOOL).details.short_name == "МОАУ Лицей № 1"
    assert isinstance(changes.request(REQUEST), OrganisationChangeRequest)
