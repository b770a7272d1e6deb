"""Values, rules and errors of first-class admission (приём в первый класс)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from uuid import UUID

from domain.academic_year import academic_year_start
from domain.errors import InvalidInput, NotFound, RuleViolated


class ApplicantCategory(Enum):
    """Which window a child applies in."""

    CATCHMENT = "catchment"  # проживающие на закреплённой территории
    PRIORITY = "priority"  # внеочередное, первоочередное или преимущественное право
    OTHER = "other"  # не проживающие на закреплённой территории

    @property
    def first_window(self) -> bool:
        return self is not ApplicantCategory.OTHER


class RefusalReason(Enum):
    """Grounds for refusing admission (отказ в приёме)."""

    NO_FREE_PLACES = "no_free_places"  # отсутствие свободных мест
    AGE_LIMIT = "age_limit"  # возраст вне установленных пределов, нет разрешения учредителя
    INCOMPLETE_DOCUMENTS = "incomplete_documents"  # не представлены документы
    OTHER = "other"


@dataclass(frozen=True)
class AdmissionRules:
    """The windows, order deadlines and age limits a school's admission runs by; stored with
    the admission when it opens, so a region's different rule is data, not code."""

    first_window_opens: date  # 1 April: catchment and priority children
    first_window_closes: date  # 30 June
    second_window_opens: date  # 6 July: everyone else
    second_window_closes: date  # 5 September
    first_order_working_days: int = 3  # order within 3 working days after the first window
    second_order_working_days: int = 5  # order within 5 working days after the application
    min_age_months: int = 78  # 6.5 years on 1 September
    max_age_months: int = 96  # 8 years on 1 September

    def window(self, category: ApplicantCategory) -> tuple[date, date]:
        if category.first_window:
            return self.first_window_opens, self.first_window_closes
        return self.second_window_opens, self.second_window_closes

    def check(self) -> AdmissionRules:
        if not (self.first_window_opens <= self.first_window_closes
                < self.second_window_opens <= self.second_window_closes):
            raise InvalidInput("admission windows must be in order and not overlap")
        if min(self.first_order_working_days, self.second_order_working_days) < 1:
            raise InvalidInput("order deadlines are at least one working day")
        if not 0 < self.min_age_months <= self.max_age_months:
            raise InvalidInput("age limits must be positive and in order")
        return self


def default_rules(academic_year: str) -> AdmissionRules:
    """Federal rules (приказ Минпросвещения № 458): 1 April–30 June, 6 July–5 September."""
    year = academic_year_start(academic_year)
    return AdmissionRules(date(year, 4, 1), date(year, 6, 30), date(year, 7, 6),
                          date(year, 9, 5))


def age_in_months(birth_date: date, on: date) -> int:
    """Whole months of age on `on` (the service computes it; the birth date stays personal)."""
    months = (on.year - birth_date.year) * 12 + on.month - birth_date.month
    return months - (1 if on.day < birth_date.day else 0)


class AdmissionDecision(Enum):
    PENDING = "pending"
    ADMITTED = "admitted"  # зачислен приказом
    REFUSED = "refused"


@dataclass(frozen=True)
class SchoolApplication:
    """An application as the admission holds it (what `ApplicationReceived` recorded)."""

    application_id: UUID
    child_id: UUID
    category: ApplicantCategory
    age_in_months: int
    received_on: date
    order_due_by: date  # the last working day the admission order may be dated
    decision: AdmissionDecision = AdmissionDecision.PENDING


class OutsideApplicationWindow(RuleViolated):
    code = "outside_application_window"


class AgeOutOfRange(RuleViolated):
    code = "age_out_of_range"


class DuplicateApplication(RuleViolated):
    code = "duplicate_application"


class AdmissionApplicationNotFound(NotFound):
    code = "admission_application_not_found"


class ApplicationDecided(RuleViolated):
    code = "application_already_decided"


class NoFreePlaces(RuleViolated):
    code = "no_free_places"


class OrderBeforeWindowClosed(RuleViolated):
    code = "order_before_window_closed"


class ExceptionAlreadyGranted(RuleViolated):
    code = "age_exception_already_granted"
