"""First-class admission of one school for one academic year (приём в первый класс).

Applications are received in their category's window; the order deadline is computed on the
production calendar when the application arrives and stored with it. Age limits (6.5–8 years on
1 September by default) yield to an exception the founder grants (`AgeExceptionGranted`). The
admission order names the applications it admits and which of them it admits late; the
learners' enrolments are recorded in their own streams by the same command.
"""

# Event method parameters are the event's stored fields, used by the body or not.

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.academic_year import validate_academic_year
from domain.calendar import ProductionCalendar
from domain.envelope import Meta
from domain.errors import InvalidInput
from domain.first_class_values import (
    AdmissionApplicationNotFound,
    AdmissionDecision,
    AdmissionRules,
    AgeOutOfRange,
    ApplicantCategory,
    ApplicationDecided,
    DuplicateApplication,
    ExceptionAlreadyGranted,
    NoFreePlaces,
    OrderBeforeWindowClosed,
    OutsideApplicationWindow,
    RefusalReason,
    SchoolApplication,
)

# Fixed for ever: every admission stream id is derived from it.
ADMISSION_NAMESPACE = UUID("c1f0a7e2-5b3d-5c69-8a14-6e2d9b0f7a38")


def _require_basis(meta: Meta, what: str) -> None:
    if meta.basis is None:
        raise InvalidInput(f"{what} needs its document (meta.basis)")


class FirstClassAdmission(Aggregate):
    """Applications, exceptions, refusals and admission orders of one school and year."""

    @staticmethod
    def stream_id(school_id: UUID, academic_year: str) -> UUID:
        return uuid5(ADMISSION_NAMESPACE, json.dumps([str(school_id), academic_year]))

    @staticmethod
    def create_id(school_id: UUID, academic_year: str, places: int, rules: AdmissionRules,
                  meta: Meta, timestamp: datetime) -> UUID:
        return FirstClassAdmission.stream_id(school_id, academic_year)

    @classmethod
    def open(cls, *, school_id: UUID, academic_year: str, places: int, rules: AdmissionRules,
             meta: Meta) -> FirstClassAdmission:
        validate_academic_year(academic_year)
        rules.check()
        if places < 1:
            raise InvalidInput("a school admits at least one first-grader")
        return cls(school_id=school_id, academic_year=academic_year, places=places,
                   rules=rules, meta=meta, timestamp=meta.recorded_at)

    @event("Opened")
    def __init__(self, school_id: UUID, academic_year: str, places: int, rules: AdmissionRules,
                 meta: Meta, timestamp: datetime) -> None:
        self.school_id = school_id
        self.academic_year = academic_year
        self.places = places
        self.rules = rules
        self.applications: dict[UUID, SchoolApplication] = {}
        self.exceptions: set[UUID] = set()  # children the founder allowed outside age limits

    def application(self, application_id: UUID) -> SchoolApplication:
        try:
            return self.applications[application_id]
        except KeyError:
            raise AdmissionApplicationNotFound(
                f"application {application_id} is not with school {self.school_id}") from None

    @property
    def admitted(self) -> int:
        return sum(1 for a in self.applications.values()
                   if a.decision is AdmissionDecision.ADMITTED)

    def overdue(self, today: date) -> tuple[SchoolApplication, ...]:
        """Applications still undecided after their order deadline."""
        return tuple(a for a in self.applications.values()
                     if a.decision is AdmissionDecision.PENDING and a.order_due_by < today)

    # Commands.

    def receive(self, *, application_id: UUID, child_id: UUID, category: ApplicantCategory,
                age_in_months: int, calendar: ProductionCalendar, meta: Meta) -> None:
        """Receive an application on `meta.effective_on`, in its category's window."""
        received_on = meta.effective_on
        opens, closes = self.rules.window(category)
        if not opens <= received_on <= closes:
            raise OutsideApplicationWindow(
                f"{category.value} applications are received {opens.isoformat()}–"
                f"{closes.isoformat()}, not on {received_on.isoformat()}")
        if application_id in self.applications:
            raise DuplicateApplication(f"application {application_id} is already received")
        if any(a.child_id == child_id and a.decision is not AdmissionDecision.REFUSED
               for a in self.applications.values()):
            raise DuplicateApplication(f"child {child_id} already applied to this school")
        limits = (self.rules.min_age_months, self.rules.max_age_months)
        if not limits[0] <= age_in_months <= limits[1] and child_id not in self.exceptions:
            raise AgeOutOfRange(
                f"the child is {age_in_months // 12} years {age_in_months % 12} months on "
                f"1 September, outside {limits[0]}–{limits[1]} months; the founder may grant "
                "an exception")
        if category.first_window:
            due = calendar.add_working_days(closes, self.rules.first_order_working_days)
        else:
            due = calendar.add_working_days(received_on, self.rules.second_order_working_days)
        self._received(application=SchoolApplication(application_id, child_id, category,
                                                     age_in_months, received_on, due),
                       meta=meta, timestamp=meta.recorded_at)

    def grant_age_exception(self, *, child_id: UUID, meta: Meta) -> None:
        """The founder's permission to admit a child outside the age limits."""
        _require_basis(meta, "an age exception (the founder's decision)")
        if child_id in self.exceptions:
            raise ExceptionAlreadyGranted(f"child {child_id} already has an exception")
        self._exception_granted(child_id=child_id, meta=meta, timestamp=meta.recorded_at)

    def refuse(self, *, application_id: UUID, reason: RefusalReason, explanation: str,
               meta: Meta) -> None:
        found = self.application(application_id)
        if found.decision is not AdmissionDecision.PENDING:
            raise ApplicationDecided(f"application {application_id} is {found.decision.value}")
        if not explanation.strip():
            raise InvalidInput("a refusal explains itself")
        self._refused(application_id=application_id, reason=reason, explanation=explanation,
                      meta=meta, timestamp=meta.recorded_at)

    def order_admission(self, *, application_ids: tuple[UUID, ...], class_name: str,
                        meta: Meta) -> tuple[UUID, ...]:
        """The admission order (приказ о зачислении); returns the applications admitted late."""
        _require_basis(meta, "an admission order")
        if not application_ids or len(set(application_ids)) != len(application_ids):
            raise InvalidInput("an order admits at least one application, each once")
        if not class_name.strip():
            raise InvalidInput("an order names the class")
        ordered_on = meta.effective_on
        for application_id in application_ids:
            found = self.application(application_id)
            if found.decision is not AdmissionDecision.PENDING:
                raise ApplicationDecided(f"application {application_id} is "
                                         f"{found.decision.value}")
            if found.category.first_window and ordered_on <= self.rules.first_window_closes:
                raise OrderBeforeWindowClosed(
                    f"catchment and priority children are admitted after the window closes "
                    f"on {self.rules.first_window_closes.isoformat()}")
            if ordered_on < found.received_on:
                raise InvalidInput("an order cannot precede the application")
        if self.admitted + len(application_ids) > self.places:
            raise NoFreePlaces(f"{self.admitted} of {self.places} places are taken; "
                               f"{len(application_ids)} more do not fit")
        late = tuple(i for i in application_ids
                     if self.applications[i].order_due_by < ordered_on)
        self._admission_ordered(application_ids=application_ids, class_name=class_name,
                                late=late, meta=meta, timestamp=meta.recorded_at)
        return late

    # Events: bodies only apply state.

    @event("ApplicationReceived")
    def _received(self, application: SchoolApplication, meta: Meta,
                  timestamp: datetime) -> None:
        self.applications[application.application_id] = application

    @event("AgeExceptionGranted")
    def _exception_granted(self, child_id: UUID, meta: Meta, timestamp: datetime) -> None:
        self.exceptions.add(child_id)

    @event("Refused")
    def _refused(self, application_id: UUID, reason: RefusalReason, explanation: str,
                 meta: Meta, timestamp: datetime) -> None:
        self.applications[application_id] = dataclasses.replace(
            self.applications[application_id], decision=AdmissionDecision.REFUSED)

    @event("AdmissionOrdered")
    def _admission_ordered(self, application_ids: tuple[UUID, ...], class_name: str,
                           late: tuple[UUID, ...], meta: Meta, timestamp: datetime) -> None:
        for application_id in application_ids:
            self.applications[application_id] = dataclasses.replace(
                self.applications[application_id], decision=AdmissionDecision.ADMITTED)


VALUE_TYPES: tuple[type, ...] = (ApplicantCategory, RefusalReason, AdmissionDecision,
                                 AdmissionRules, SchoolApplication)
