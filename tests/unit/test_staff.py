"""Staff registry and class teachers: given/when/then for every rule and bad input."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import UUID

from domain.academic_year import InvalidAcademicYear
from domain.envelope import Meta
from domain.errors import InvalidInput
from domain.organisation import OrganisationClosed
from domain.staff import StaffRegister
from domain.staff_values import (
    AlreadyEmployed,
    ClassTeacherTaken,
    HiringOrderRequired,
    InvalidClassName,
    NoClassTeacher,
    NotEmployed,
    Position,
    StillClassTeacher,
)
from tests.acceptance_builders import ORG_A, ORG_B, school
from tests.gwt import given
from tests.staff_builders import (
    HISTORY_TEACHER,
    IVANOVA,
    NEXT_YEAR,
    PETROV,
    SIDOROVA,
    YEAR,
    meta,
    register,
    with_class_teacher,
)

Opened = getattr(StaffRegister, "Opened")  # noqa: B009
Hired = getattr(StaffRegister, "EmployeeHired")  # noqa: B009
PositionChanged = getattr(StaffRegister, "PositionChanged")  # noqa: B009
Left = getattr(StaffRegister, "EmployeeLeft")  # noqa: B009
Assigned = getattr(StaffRegister, "ClassTeacherAssigned")  # noqa: B009
Replaced = getattr(StaffRegister, "ClassTeacherReplaced")  # noqa: B009
Unassigned = getattr(StaffRegister, "ClassTeacherUnassigned")  # noqa: B009


def hire(person: UUID = SIDOROVA, position: Position = HISTORY_TEACHER,
         name: str = "Сидорова Анна Львовна",
         with_meta: Meta | None = None) -> Callable[[StaffRegister], None]:
    return lambda r: r.hire(organisation=school(ORG_A), person_id=person, full_name=name,
                            position=position, meta=with_meta or meta())


# -- register and hiring -----------------------------------------------------------------------

def test_register_is_one_stream_per_open_organisation() -> None:
    outcome = given().when(lambda _: StaffRegister.open(organisation=school(ORG_A),
                                                        meta=meta())).then(Opened)
    assert outcome.aggregate.id == StaffRegister.stream_id(ORG_A) != StaffRegister.stream_id(
        ORG_B)
    closed = school(ORG_A)
    closed.close(reason="ликвидация", meta=meta())
    given().when(lambda _: StaffRegister.open(organisation=closed, meta=meta())).then_raises(
        OrganisationClosed)


def test_hiring_is_made_by_an_order_with_position_and_subjects() -> None:
    outcome = given(register()).when(hire()).then(
        Hired, state=lambda r: r.employee(SIDOROVA).position == HISTORY_TEACHER)
    assert outcome.event().hiring_order.number == "45-лс"
    assert outcome.aggregate.employee(SIDOROVA).hired_on == date(2026, 8, 25)
    given(register()).when(hire(with_meta=meta(basis=None))).then_raises(HiringOrderRequired)
    given(register()).when(hire(IVANOVA)).then_raises(AlreadyEmployed)
    given(register()).when(hire(name=" ")).then_raises(InvalidInput, match="full name")
    given(register()).when(hire(position=Position(""))).then_raises(InvalidInput)
    given(register()).when(hire(position=Position("учитель", ("История", "История")))
                           ).then_raises(InvalidInput, match="twice")
    given(register()).when(lambda r: r.hire(
        organisation=school(ORG_B), person_id=SIDOROVA, full_name="Сидорова Анна Львовна",
        position=HISTORY_TEACHER, meta=meta())).then_raises(InvalidInput, match="register")


def test_position_changes_by_an_order_and_must_change_something() -> None:
    deputy = Position("заместитель директора по УВР", ("Математика",))
    given(register()).when(lambda r: r.change_position(
        person_id=IVANOVA, position=deputy, meta=meta())).then(
        PositionChanged, state=lambda r: r.employee(IVANOVA).position == deputy)
    given(register()).when(lambda r: r.change_position(
        person_id=PETROV, position=HISTORY_TEACHER, meta=meta())).then_raises(InvalidInput)
    given(register()).when(lambda r: r.change_position(
        person_id=SIDOROVA, position=deputy, meta=meta())).then_raises(NotEmployed)
    given(register()).when(lambda r: r.change_position(
        person_id=IVANOVA, position=deputy, meta=meta(basis=None))).then_raises(
        HiringOrderRequired)


def test_leaving_by_an_order_with_a_reason() -> None:
    outcome = given(register()).when(lambda r: r.leave(
        person_id=PETROV, reason="по собственному желанию", meta=meta(date(2027, 1, 15)),
    )).then(Left, state=lambda r: not r.is_employed(PETROV))
    assert outcome.event().leaving_order.number == "45-лс"
    given(register()).when(lambda r: r.leave(person_id=SIDOROVA, reason="x", meta=meta())
                           ).then_raises(NotEmployed)
    given(register()).when(lambda r: r.leave(person_id=PETROV, reason=" ", meta=meta())
                           ).then_raises(InvalidInput)
    given(register()).when(lambda r: r.leave(person_id=PETROV, reason="x",
                                             meta=meta(basis=None))).then_raises(
        HiringOrderRequired)


def test_a_class_teacher_is_replaced_or_unassigned_before_leaving() -> None:
    given(with_class_teacher()).when(lambda r: r.leave(
        person_id=IVANOVA, reason="перевод", meta=meta(date(2027, 1, 15)),
    )).then_raises(StillClassTeacher, match="5Б")
    # After the class's academic year is over, the assignment no longer holds her.
    given(with_class_teacher()).when(lambda r: r.leave(
        person_id=IVANOVA, reason="перевод", meta=meta(date(2027, 9, 1)))).then(Left)


# -- class teachers ----------------------------------------------------------------------------

def test_one_class_teacher_per_class_and_year() -> None:
    given(register()).when(lambda r: r.assign_class_teacher(
        class_name="5Б", academic_year=YEAR, person_id=IVANOVA, meta=meta(),
    )).then(Assigned, state=lambda r: r.class_teacher_of("5Б", YEAR) == IVANOVA)
    given(with_class_teacher()).when(lambda r: r.assign_class_teacher(
        class_name="5Б", academic_year=YEAR, person_id=PETROV, meta=meta(),
    )).then_raises(ClassTeacherTaken, match="replace")
    # The same class in another year is another assignment.
    given(with_class_teacher()).when(lambda r: r.assign_class_teacher(
        class_name="5Б", academic_year=NEXT_YEAR, person_id=PETROV, meta=meta())).then(Assigned)


def test_a_class_teacher_is_an_employee_of_the_organisation() -> None:
    given(register()).when(lambda r: r.assign_class_teacher(
        class_name="5Б", academic_year=YEAR, person_id=SIDOROVA, meta=meta(),
    )).then_raises(NotEmployed)
    given(with_class_teacher()).when(lambda r: r.replace_class_teacher(
        class_name="5Б", academic_year=YEAR, person_id=SIDOROVA, reason="x", meta=meta(),
    )).then_raises(NotEmployed)


def test_assignment_input_is_checked() -> None:
    for class_name in ("", "5-Б", "13А", "5b", " 5Б"):
        given(register()).when(lambda r, c=class_name: r.assign_class_teacher(
            class_name=c, academic_year=YEAR, person_id=IVANOVA, meta=meta(),
        )).then_raises(InvalidClassName)
    given(register()).when(lambda r: r.assign_class_teacher(
        class_name="5Б", academic_year="2026", person_id=IVANOVA, meta=meta(),
    )).then_raises(InvalidAcademicYear)
    given(register()).when(lambda r: r.assign_class_teacher(
        class_name="5Б", academic_year=YEAR, person_id=IVANOVA, meta=meta(basis=None),
    )).then_raises(HiringOrderRequired)


def test_replace_hands_the_class_over() -> None:
    outcome = given(with_class_teacher()).when(lambda r: r.replace_class_teacher(
        class_name="5Б", academic_year=YEAR, person_id=PETROV, reason="декретный отпуск",
        meta=meta(),
    )).then(Replaced, state=lambda r: (r.classes_of(PETROV, YEAR), r.classes_of(IVANOVA, YEAR))
            == (["5Б"], []))
    assert outcome.event().previous_person_id == IVANOVA
    given(register()).when(lambda r: r.replace_class_teacher(
        class_name="5Б", academic_year=YEAR, person_id=PETROV, reason="x", meta=meta(),
    )).then_raises(NoClassTeacher)
    given(with_class_teacher()).when(lambda r: r.replace_class_teacher(
        class_name="5Б", academic_year=YEAR, person_id=IVANOVA, reason="x", meta=meta(),
    )).then_raises(InvalidInput, match="already")
    given(with_class_teacher()).when(lambda r: r.replace_class_teacher(
        class_name="5Б", academic_year=YEAR, person_id=PETROV, reason="", meta=meta(),
    )).then_raises(InvalidInput, match="reason")


def test_unassign_leaves_the_class_without_a_teacher() -> None:
    outcome = given(with_class_teacher()).when(lambda r: r.unassign_class_teacher(
        class_name="5Б", academic_year=YEAR, reason="класс расформирован", meta=meta(),
    )).then(Unassigned, state=lambda r: r.class_teacher_of("5Б", YEAR) is None)
    assert outcome.event().person_id == IVANOVA
    given(register()).when(lambda r: r.unassign_class_teacher(
        class_name="5Б", academic_year=YEAR, reason="x", meta=meta())).then_raises(NoClassTeacher)


def test_classes_of_a_teacher_in_a_year() -> None:
    staff = with_class_teacher()
    staff.assign_class_teacher(class_name="10А", academic_year=YEAR, person_id=IVANOVA,
                               meta=meta())
    staff.assign_class_teacher(class_name="6В", academic_year=NEXT_YEAR, person_id=IVANOVA,
                               meta=meta())
    assert staff.classes_of(IVANOVA, YEAR) == ["10А", "5Б"]
    assert staff.classes_of(IVANOVA, NEXT_YEAR) == ["6В"]
    assert staff.classes_of(PETROV, YEAR) == []
    assert staff.class_teacher_of("7А", YEAR) is None
