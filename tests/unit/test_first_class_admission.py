"""First-class admission: windows, age limits and the founder's exception, refusals, orders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import UUID

from domain.calendar_ru import RUSSIA
from domain.envelope import BasisDocument
from domain.errors import InvalidInput
from domain.first_class_admission import FirstClassAdmission
from domain.first_class_values import (
    AdmissionDecision,
    AgeOutOfRange,
    ApplicantCategory,
    ApplicationDecided,
    DuplicateApplication,
    ExceptionAlreadyGranted,
    NoFreePlaces,
    OrderBeforeWindowClosed,
    OutsideApplicationWindow,
    RefusalReason,
    age_in_months,
    default_rules,
)
from tests.factories import make_meta
from tests.gwt import given

SCHOOL, YEAR = UUID(int=41), "2026/2027"
ORDER = BasisDocument("order", "52-у", date(2026, 7, 2))
FOUNDER = BasisDocument("founder_decision", "1104", date(2026, 4, 10))
Received = getattr(FirstClassAdmission, "ApplicationReceived")  # noqa: B009
Granted = getattr(FirstClassAdmission, "AgeExceptionGranted")  # noqa: B009
Refused = getattr(FirstClassAdmission, "Refused")  # noqa: B009
Ordered = getattr(FirstClassAdmission, "AdmissionOrdered")  # noqa: B009
CATCHMENT, OTHER = ApplicantCategory.CATCHMENT, ApplicantCategory.OTHER


def app(n: int) -> UUID:
    return UUID(int=4000 + n)


def kid(n: int) -> UUID:
    return UUID(int=5000 + n)


def admission(places: int = 2) -> FirstClassAdmission:
    return FirstClassAdmission.open(school_id=SCHOOL, academic_year=YEAR, places=places,
                                    rules=default_rules(YEAR), meta=make_meta())


def receive(n: int, on: date, category: ApplicantCategory = CATCHMENT, age: int = 84,
            child: int | None = None) -> Callable[[FirstClassAdmission], object]:
    return lambda a: a.receive(application_id=app(n), child_id=kid(child or n),
                               category=category, age_in_months=age, calendar=RUSSIA,
                               meta=make_meta(effective_on=on, basis=None))


def with_apps(*specs: tuple[int, date, ApplicantCategory], places: int = 2
              ) -> FirstClassAdmission:
    made = admission(places)
    for n, on, category in specs:
        receive(n, on, category)(made)
    return made


def test_age_is_counted_in_whole_months_on_1_september() -> None:
    assert age_in_months(date(2020, 3, 1), date(2026, 9, 1)) == 78  # 6.5 years exactly
    assert age_in_months(date(2020, 3, 2), date(2026, 9, 1)) == 77


def test_each_category_applies_in_its_own_window() -> None:
    outcome = given(admission()).when(receive(1, date(2026, 4, 1))).then(Received)
    # The order is due within 3 working days after 30 June: 1, 2, 3 July 2026.
    assert outcome.aggregate.application(app(1)).order_due_by == date(2026, 7, 3)
    given(admission()).when(receive(1, date(2026, 3, 31))).then_raises(OutsideApplicationWindow)
    given(admission()).when(receive(1, date(2026, 7, 1))).then_raises(OutsideApplicationWindow)
    given(admission()).when(receive(1, date(2026, 6, 30), OTHER)
                            ).then_raises(OutsideApplicationWindow, match="2026-07-06")
    other = given(admission()).when(receive(1, date(2026, 7, 6), OTHER)).then(Received)
    # Others: within 5 working days after the application (Monday 6 July → Monday 13 July).
    assert other.aggregate.application(app(1)).order_due_by == date(2026, 7, 13)
    given(admission()).when(receive(1, date(2026, 9, 6), OTHER)
                            ).then_raises(OutsideApplicationWindow)


def test_age_limits_yield_to_the_founders_exception() -> None:
    given(admission()).when(receive(1, date(2026, 4, 2), age=77)
                            ).then_raises(AgeOutOfRange, match="6 years 5 months")
    given(admission()).when(receive(1, date(2026, 4, 2), age=97)).then_raises(AgeOutOfRange)
    given(admission()).when(lambda a: a.grant_age_exception(
        child_id=kid(1), meta=make_meta(basis=None))).then_raises(InvalidInput)
    excepted = admission()
    given(excepted).when(lambda a: a.grant_age_exception(
        child_id=kid(1), meta=make_meta(basis=FOUNDER))).then(Granted)
    given(excepted).when(receive(1, date(2026, 4, 2), age=75)).then(Received)
    given(excepted).when(lambda a: a.grant_age_exception(
        child_id=kid(1), meta=make_meta(basis=FOUNDER))).then_raises(ExceptionAlreadyGranted)


def test_a_child_applies_once_per_school() -> None:
    on = date(2026, 4, 2)
    given(with_apps((1, on, CATCHMENT))).when(receive(2, on, child=1)
                                              ).then_raises(DuplicateApplication)
    given(with_apps((1, on, CATCHMENT))).when(receive(1, on, child=2)
                                              ).then_raises(DuplicateApplication)


def test_refusal_carries_its_reason_once() -> None:
    refuse = lambda a: a.refuse(application_id=app(1),  # noqa: E731
                                reason=RefusalReason.NO_FREE_PLACES,
                                explanation="все места заняты", meta=make_meta())
    outcome = given(with_apps((1, date(2026, 4, 2), CATCHMENT))).when(refuse).then(
        Refused, state=lambda a: a.application(app(1)).decision is AdmissionDecision.REFUSED)
    given(outcome.aggregate).when(refuse).then_raises(ApplicationDecided)


def order(*ns: int, on: date = date(2026, 7, 2), basis: BasisDocument | None = ORDER
          ) -> Callable[[FirstClassAdmission], object]:
    return lambda a: a.order_admission(application_ids=tuple(app(n) for n in ns),
                                       class_name="1А", meta=make_meta(effective_on=on,
                                                                       basis=basis))


def test_order_after_the_window_within_places_and_late_ones_flagged() -> None:
    two = ((1, date(2026, 4, 2), CATCHMENT), (2, date(2026, 5, 5), CATCHMENT))
    outcome = given(with_apps(*two)).when(order(1, 2)).then(Ordered)
    assert tuple(outcome.event().late) == ()
    late = given(with_apps(*two)).when(order(1, on=date(2026, 7, 6))).then(Ordered)
    assert tuple(late.event().late) == (app(1),)
    given(with_apps(*two)).when(order(1, on=date(2026, 6, 30))
                                ).then_raises(OrderBeforeWindowClosed)
    given(with_apps(*two)).when(order(1, basis=None)).then_raises(InvalidInput)
    given(with_apps(*two, places=1)).when(order(1, 2)).then_raises(NoFreePlaces)
    done = with_apps(*two)
    order(1)(done)
    given(done).when(order(1)).then_raises(ApplicationDecided)
