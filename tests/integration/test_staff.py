"""Staff registry, class teachers and attestation through the ledger, on SQLite and PostgreSQL.

Every refusal is checked against the store: its own domain error, nothing written.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from domain.envelope import Actor, BasisDocument, Role
from domain.organisation import OrganisationClosed
from domain.staff_values import (
    AttestationCategory,
    AttestationNotFound,
    AttestationOutcome,
    ClassTeacherTaken,
    HiringOrderRequired,
    NotEmployed,
    Position,
)
from letopis.ledger import CommandContext, Ledger
from letopis.services.organisations import OrganisationService
from letopis.services.staff import StaffService
from tests.assertions import refused
from tests.integration.test_acceptance import details

SCHOOL, OTHER = UUID(int=1), UUID(int=2)
IVANOVA, PETROV = UUID(int=301), UUID(int=302)
YEAR = "2026/2027"
HR = Actor(user_id="hr-1", role=Role.ADMINISTRATOR, organisation_id=SCHOOL)
ORDER = BasisDocument(kind="order", number="45-лс", dated=date(2026, 8, 25))
TEACHER = Position("учитель", ("Математика",))


def ctx(command_id: str, on: date = date(2026, 8, 25), *,
        basis: BasisDocument | None = ORDER) -> CommandContext:
    return CommandContext(actor=HR, command_id=command_id, effective_on=on, basis=basis)


@pytest.fixture
def staff(ledger: Ledger) -> StaffService:
    organisations = OrganisationService(ledger)
    organisations.register(ctx("org-1"), SCHOOL, details(1))
    organisations.register(ctx("org-2"), OTHER, details(2))
    service = StaffService(ledger)
    service.hire(ctx("hire-ivanova"), SCHOOL, IVANOVA, "Иванова Мария Петровна", TEACHER)
    service.hire(ctx("hire-petrov"), SCHOOL, PETROV, "Петров Олег Ильич", TEACHER)
    return service


def test_class_teacher_queries_follow_the_stream(ledger: Ledger, staff: StaffService) -> None:
    assert staff.classes_of(IVANOVA, SCHOOL, YEAR) == []
    staff.assign_class_teacher(ctx("assign-5b"), SCHOOL, "5Б", YEAR, IVANOVA)
    staff.assign_class_teacher(ctx("assign-7a"), SCHOOL, "7А", YEAR, IVANOVA)
    assert staff.classes_of(IVANOVA, SCHOOL, YEAR) == ["5Б", "7А"]
    assert staff.classes_of(IVANOVA, OTHER, YEAR) == []  # no register there at all
    assert staff.classes_of(IVANOVA, SCHOOL, "2027/2028") == []
    staff.replace_class_teacher(ctx("replace-7a"), SCHOOL, "7А", YEAR, PETROV, "болезнь")
    assert staff.class_teacher_of(SCHOOL, "7А", YEAR) == PETROV
    assert staff.classes_of(IVANOVA, SCHOOL, YEAR) == ["5Б"]
    staff.unassign_class_teacher(ctx("unassign-5b"), SCHOOL, "5Б", YEAR, "класс объединён")
    assert staff.classes_of(IVANOVA, SCHOOL, YEAR) == []
    # A repeated command id returns the first outcome and writes nothing.
    count = ledger.store.count_events()
    staff.unassign_class_teacher(ctx("unassign-5b"), SCHOOL, "5Б", YEAR, "класс объединён")
    assert ledger.store.count_events() == count


def test_staff_refusals_write_nothing(ledger: Ledger, staff: StaffService) -> None:
    staff.assign_class_teacher(ctx("assign"), SCHOOL, "5Б", YEAR, IVANOVA)
    stranger = UUID(int=399)
    refused(ledger, NotEmployed, lambda c: staff.assign_class_teacher(
        ctx(c), SCHOOL, "6А", YEAR, stranger))
    refused(ledger, NotEmployed, lambda c: staff.assign_class_teacher(
        ctx(c), OTHER, "6А", YEAR, IVANOVA))  # employed at SCHOOL, not at OTHER
    refused(ledger, ClassTeacherTaken, lambda c: staff.assign_class_teacher(
        ctx(c), SCHOOL, "5Б", YEAR, PETROV))
    refused(ledger, HiringOrderRequired, lambda c: staff.hire(
        ctx(c, basis=None), OTHER, stranger, "Сидорова Анна Львовна", TEACHER))
    OrganisationService(ledger).close(ctx("close-other"), OTHER, "ликвидация")
    refused(ledger, OrganisationClosed, lambda c: staff.hire(
        ctx(c), OTHER, stranger, "Сидорова Анна Львовна", TEACHER))


def test_attestation_from_application_to_decision(ledger: Ledger, staff: StaffService) -> None:
    application = UUID(int=351)
    refused(ledger, AttestationNotFound, lambda c: staff.decide_attestation(
        ctx(c), application, AttestationOutcome.GRANTED, date(2026, 12, 1), date(2031, 12, 1)))
    refused(ledger, NotEmployed, lambda c: staff.file_attestation(
        ctx(c), application, OTHER, IVANOVA, AttestationCategory.FIRST))
    staff.file_attestation(ctx("file", date(2026, 10, 1), basis=None), application, SCHOOL,
                           IVANOVA, AttestationCategory.FIRST)
    staff.assess_attestation(ctx("assess", date(2026, 11, 10), basis=None), application,
                             "соответствует первой категории", True)
    staff.decide_attestation(ctx("decide", date(2026, 12, 1)), application,
                             AttestationOutcome.GRANTED, date(2026, 12, 1), date(2031, 12, 1))
    decided = staff.attestation(application)
    assert (decided.outcome, decided.valid_until) == (AttestationOutcome.GRANTED,
                                                       date(2031, 12, 1))
    assert decided.position == "учитель"
