"""Organisation commands through the ledger, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from datetime import date
from uuid import UUID

import pytest

from domain.envelope import Actor, Role
from domain.identifiers import InvalidInn, InvalidOgrn
from domain.organisation import OrganisationClosed, OrganisationDetails, OrganisationKind
from letopis.ledger import CommandContext, CommandIdReused, Ledger
from letopis.services.organisations import OrganisationService

ORG = UUID(int=1)
DETAILS = OrganisationDetails(
    full_name="Муниципальное общеобразовательное бюджетное учреждение «Средняя школа № 1»",
    short_name="МОБУ СОШ № 1", kind=OrganisationKind.SCHOOL, inn="7707083893",
    ogrn="1027700132195", municipality="Оренбург", legal_address="ул. Ленина, 1",
    actual_address="ул. Ленина, 1",
)
CLERK = Actor(user_id="clerk-1", role=Role.REGISTRAR)


def ctx(command_id: str) -> CommandContext:
    return CommandContext(actor=CLERK, command_id=command_id, effective_on=date(2026, 9, 1))


def test_register_then_read_back(ledger: Ledger) -> None:
    service = OrganisationService(ledger)
    outcome = service.register(ctx("c1"), ORG, DETAILS)
    assert outcome.streams == {str(ORG): 1}
    assert len(outcome.positions) == 1
    assert service.get(ORG).details == DETAILS


def test_repeated_command_returns_first_outcome_and_writes_nothing(ledger: Ledger) -> None:
    service = OrganisationService(ledger)
    first = service.register(ctx("c1"), ORG, DETAILS)
    again = service.register(ctx("c1"), ORG, DETAILS)
    assert again == first
    assert ledger.store.count_events() == 1


def test_reused_command_id_for_other_command_is_refused(ledger: Ledger) -> None:
    service = OrganisationService(ledger)
    service.register(ctx("c1"), ORG, DETAILS)
    with pytest.raises(CommandIdReused):
        service.close(ctx("c1"), ORG, "liquidated")
    assert ledger.store.count_events() == 1


@pytest.mark.parametrize(
    ("change", "error"),
    [({"inn": "7707083894"}, InvalidInn), ({"ogrn": "1027700132196"}, InvalidOgrn)],
)
def test_invalid_identifiers_write_nothing(ledger: Ledger, change: dict[str, str],
                                           error: type[Exception]) -> None:
    with pytest.raises(error):
        OrganisationService(ledger).register(ctx("c1"), ORG, dataclasses.replace(DETAILS, **change))
    assert ledger.store.count_events() == 0
    assert ledger.store.command_outcome("c1") is None


def test_closed_organisation_refuses_changes(ledger: Ledger) -> None:
    service = OrganisationService(ledger)
    service.register(ctx("c1"), ORG, DETAILS)
    service.close(ctx("c2"), ORG, "liquidated")
    with pytest.raises(OrganisationClosed):
        service.change_details(ctx("c3"), ORG, dataclasses.replace(DETAILS, short_name="x"))
    assert ledger.store.count_events() == 2
