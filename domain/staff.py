"""The staff registry of one organisation (педагогические кадры, Smolensk 493 item 5.4):
employees hired, moved to another position and leaving, each by an order; and the class
teacher (классный руководитель) of each class for each academic year.

One stream per organisation, so "one class teacher per class per year" and "only an employee
can be a class teacher" are checked against one consistent state.
"""

# Event method parameters are the event's stored fields, used by the body or not.

from __future__ import annotations

import json
from datetime import datetime
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.academic_year import academic_year_bounds, validate_academic_year
from domain.envelope import BasisDocument, Meta
from domain.errors import InvalidInput
from domain.organisation import Organisation
from domain.staff_values import (
    AlreadyEmployed,
    ClassKey,
    ClassTeacherTaken,
    Employment,
    HiringOrderRequired,
    NoClassTeacher,
    NotEmployed,
    Position,
    StillClassTeacher,
    require_class_name,
)

# Fixed for ever: every staff register stream id is derived from it.
STAFF_NAMESPACE = UUID("3d0b7c55-91e2-5f4a-b6c8-2a7e1f9d4b03")


def _order(meta: Meta, what: str) -> BasisDocument:
    if meta.basis is None:
        raise HiringOrderRequired(f"{what} is made by an order (приказ): give the basis")
    return meta.basis


def _reason(reason: str) -> None:
    if not reason.strip():
        raise InvalidInput("give the reason")


class StaffRegister(Aggregate):
    """Employees and class teachers of one organisation."""

    @staticmethod
    def stream_id(organisation_id: UUID) -> UUID:
        return uuid5(STAFF_NAMESPACE, json.dumps([str(organisation_id)]))

    @staticmethod
    def create_id(organisation_id: UUID, meta: Meta, timestamp: datetime) -> UUID:
        return StaffRegister.stream_id(organisation_id)

    @classmethod
    def open(cls, *, organisation: Organisation, meta: Meta) -> StaffRegister:
        """Open the register of an open organisation (done with its first hiring)."""
        organisation.require_accepting_enrolments()
        return cls(organisation_id=organisation.id, meta=meta, timestamp=meta.recorded_at)

    @event("Opened")
    def __init__(self, organisation_id: UUID, meta: Meta, timestamp: datetime) -> None:
        self.organisation_id = organisation_id
        self.employees: dict[UUID, Employment] = {}
        self.class_teachers: dict[ClassKey, UUID] = {}

    # -- queries -------------------------------------------------------------------------------

    def is_employed(self, person_id: UUID) -> bool:
        return person_id in self.employees

    def employee(self, person_id: UUID) -> Employment:
        try:
            return self.employees[person_id]
        except KeyError:
            raise NotEmployed(f"{person_id} is not employed at organisation "
                              f"{self.organisation_id}") from None

    def class_teacher_of(self, class_name: str, academic_year: str) -> UUID | None:
        """The class teacher of `class_name` in `academic_year`, or None."""
        return self.class_teachers.get(ClassKey(class_name, academic_year))

    def classes_of(self, person_id: UUID, academic_year: str) -> list[str]:
        """The classes `person_id` is class teacher of in `academic_year`, sorted."""
        return sorted(k.class_name for k, p in self.class_teachers.items()
                      if p == person_id and k.academic_year == academic_year)

    # -- employment ----------------------------------------------------------------------------

    def hire(self, *, organisation: Organisation, person_id: UUID, full_name: str,
             position: Position, meta: Meta) -> None:
        """Record a hiring by the order in `meta.basis`, effective `meta.effective_on`."""
        order = _order(meta, "a hiring")
        if organisation.id != self.organisation_id:
            raise InvalidInput("the organisation is not this register's")
        organisation.require_accepting_enrolments()
        if not full_name.strip() or full_name != full_name.strip():
            raise InvalidInput("an employee needs a non-empty, unpadded full name")
        position.validated()
        if person_id in self.employees:
            raise AlreadyEmployed(f"{full_name} is already employed here as "
                                  f"{self.employees[person_id].position.title}")
        self._employee_hired(organisation_id=self.organisation_id,
                             person_id=person_id, full_name=full_name, position=position,
                             hiring_order=order, meta=meta, timestamp=meta.recorded_at)

    @event("EmployeeHired")
    def _employee_hired(self, organisation_id: UUID,
                        person_id: UUID, full_name: str, position: Position,
                        hiring_order: BasisDocument, meta: Meta, timestamp: datetime) -> None:
        self.employees[person_id] = Employment(person_id, full_name, position,
                                               meta.effective_on, hiring_order)

    def change_position(self, *, person_id: UUID, position: Position, meta: Meta) -> None:
        """Move an employee to another post or change the subjects they teach."""
        order = _order(meta, "a change of position")
        current = self.employee(person_id)
        position.validated()
        if position == current.position:
            raise InvalidInput(f"{current.full_name} already holds this position")
        self._position_changed(organisation_id=self.organisation_id,
                               person_id=person_id, position=position, order=order, meta=meta,
                               timestamp=meta.recorded_at)

    @event("PositionChanged")
    def _position_changed(self, organisation_id: UUID,
                          person_id: UUID, position: Position, order: BasisDocument,
                          meta: Meta, timestamp: datetime) -> None:
        old = self.employees[person_id]
        self.employees[person_id] = Employment(person_id, old.full_name, position, old.hired_on,
                                               old.hiring_order)

    def leave(self, *, person_id: UUID, reason: str, meta: Meta) -> None:
        """Record a leaving (увольнение) by the order in `meta.basis`.

        A class teacher of the current or a later academic year is replaced or unassigned
        first: a class is never left without its teacher by accident.
        """
        order = _order(meta, "a leaving")
        employee = self.employee(person_id)
        _reason(reason)
        held = sorted(f"{k.class_name} ({k.academic_year})"
                      for k, p in self.class_teachers.items()
                      if p == person_id and academic_year_bounds(k.academic_year)[1]
                      >= meta.effective_on)
        if held:
            raise StillClassTeacher(f"{employee.full_name} is class teacher of "
                                    f"{', '.join(held)}: replace or unassign first")
        self._employee_left(organisation_id=self.organisation_id,
                            person_id=person_id, leaving_order=order, reason=reason, meta=meta,
                            timestamp=meta.recorded_at)

    @event("EmployeeLeft")
    def _employee_left(self, organisation_id: UUID,
                       person_id: UUID, leaving_order: BasisDocument, reason: str,
                       meta: Meta, timestamp: datetime) -> None:
        del self.employees[person_id]

    # -- class teachers ------------------------------------------------------------------------

    def _key(self, class_name: str, academic_year: str) -> ClassKey:
        return ClassKey(require_class_name(class_name), validate_academic_year(academic_year))

    def assign_class_teacher(self, *, class_name: str, academic_year: str, person_id: UUID,
                             meta: Meta) -> None:
        """Appoint the class teacher of a class for a year; the class must have none."""
        _order(meta, "a class teacher appointment")
        key = self._key(class_name, academic_year)
        self.employee(person_id)
        current = self.class_teachers.get(key)
        if current is not None:
            raise ClassTeacherTaken(
                f"{class_name} has a class teacher for {academic_year} "
                f"({self.employees[current].full_name if current in self.employees else current})"
                ": replace them instead")
        self._class_teacher_assigned(organisation_id=self.organisation_id,
                                     class_name=class_name, academic_year=academic_year,
                                     person_id=person_id, meta=meta,
                                     timestamp=meta.recorded_at)

    @event("ClassTeacherAssigned")
    def _class_teacher_assigned(self, organisation_id: UUID,
                                class_name: str, academic_year: str, person_id: UUID,
                                meta: Meta, timestamp: datetime) -> None:
        self.class_teachers[ClassKey(class_name, academic_year)] = person_id

    def replace_class_teacher(self, *, class_name: str, academic_year: str, person_id: UUID,
                              reason: str, meta: Meta) -> None:
        """Hand a class over to another employee."""
        _order(meta, "a class teacher appointment")
        key = self._key(class_name, academic_year)
        _reason(reason)
        current = self.class_teachers.get(key)
        if current is None:
            raise NoClassTeacher(f"{class_name} has no class teacher for {academic_year}: "
                                 "assign one")
        self.employee(person_id)
        if current == person_id:
            raise InvalidInput(f"{person_id} is already the class teacher of {class_name}")
        self._class_teacher_replaced(organisation_id=self.organisation_id,
                                     class_name=class_name, academic_year=academic_year,
                                     previous_person_id=current, person_id=person_id,
                                     reason=reason, meta=meta, timestamp=meta.recorded_at)

    @event("ClassTeacherReplaced")
    def _class_teacher_replaced(self, organisation_id: UUID, class_name: str, academic_year: str,
                                previous_person_id: UUID, person_id: UUID, reason: str,
                                meta: Meta, timestamp: datetime) -> None:
        self.class_teachers[ClassKey(class_name, academic_year)] = person_id

    def unassign_class_teacher(self, *, class_name: str, academic_year: str, reason: str,
                               meta: Meta) -> None:
        key = self._key(class_name, academic_year)
        _reason(reason)
        current = self.class_teachers.get(key)
        if current is None:
            raise NoClassTeacher(f"{class_name} has no class teacher for {academic_year}")
        self._class_teacher_unassigned(organisation_id=self.organisation_id,
                                       class_name=class_name, academic_year=academic_year,
                                       person_id=current, reason=reason, meta=meta,
                                       timestamp=meta.recorded_at)

    @event("ClassTeacherUnassigned")
    def _class_teacher_unassigned(self, organisation_id: UUID,
                                  class_name: str, academic_year: str, person_id: UUID,
                                  reason: str, meta: Meta, timestamp: datetime) -> None:
        del self.class_teachers[ClassKey(class_name, academic_year)]


VALUE_TYPES: tuple[type, ...] = (Position,)
