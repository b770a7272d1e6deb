"""Builders for staff tests: a school's staff register with two teachers, and attestations."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.attestation import Attestation
from domain.envelope import Actor, BasisDocument, Meta, Role
from domain.staff import StaffRegister
from domain.staff_values import AttestationCategory, Position
from tests.acceptance_builders import ORG_A, school
from tests.factories import make_meta

YEAR, NEXT_YEAR = "2026/2027", "2027/2028"
IVANOVA, PETROV, SIDOROVA = UUID(int=301), UUID(int=302), UUID(int=303)
APPLICATION = UUID(int=351)
HR = Actor(user_id="hr-school-11", role=Role.ADMINISTRATOR, organisation_id=ORG_A)
HIRING_ORDER = BasisDocument(kind="order", number="45-лс", dated=date(2026, 8, 25))
MATHS_TEACHER = Position("учитель", ("Математика", "Информатика"))
HISTORY_TEACHER = Position("учитель", ("История",))


def meta(on: date = date(2026, 8, 25), basis: BasisDocument | None = HIRING_ORDER) -> Meta:
    return make_meta(effective_on=on, actor=HR, basis=basis)


def register() -> StaffRegister:
    """A register of ORG_A with Иванова (maths) and Петров (history); no class teachers."""
    org = school(ORG_A)
    opened = StaffRegister.open(organisation=org, meta=meta())
    opened.hire(organisation=org, person_id=IVANOVA, full_name="Иванова Мария Петровна",
                position=MATHS_TEACHER, meta=meta())
    opened.hire(organisation=org, person_id=PETROV, full_name="Петров Олег Ильич",
                position=HISTORY_TEACHER, meta=meta())
    return opened


def with_class_teacher() -> StaffRegister:
    """The register with Иванова class teacher of 5Б for 2026/2027."""
    staff = register()
    staff.assign_class_teacher(class_name="5Б", academic_year=YEAR, person_id=IVANOVA,
                               meta=meta())
    return staff


def application(category: AttestationCategory = AttestationCategory.FIRST) -> Attestation:
    return Attestation.file(application_id=APPLICATION, person_id=IVANOVA,
                            organisation_id=ORG_A, category=category, position="учитель",
                            meta=meta(date(2026, 10, 1), basis=None))


def assessed() -> Attestation:
    filed = application()
    filed.assess(conclusion="результаты соответствуют первой категории", recommended=True,
                 meta=meta(date(2026, 11, 10), basis=None))
    return filed
