"""Gradebook: every command, every refusal, and the final-mark rule."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import pytest

from domain.academic_year import InvalidAcademicYear
from domain.errors import InvalidInput
from domain.gradebook import CORRECTION_REASON, Gradebook
from domain.gradebook_values import (
    CorrectionChangesNothing,
    DuplicateMarkId,
    FinalMarkNotComputable,
    InvalidPeriod,
    LessonDateRequired,
    MarkAlreadyRecorded,
    MarkKind,
    MarkNotFound,
    MarkOutOfScale,
    MarkValue,
    OutsideAcademicYear,
    Period,
    PeriodKind,
    PeriodNotApplicable,
    PeriodRequired,
    Scale,
    final_mark,
)
from tests.factories import TEACHER, make_meta, sealed
from tests.gwt import given

LEARNER = UUID(int=100)
MATHS, YEAR = "Математика", "2026/2027"
FIRST, SECOND, THIRD = UUID(int=5001), UUID(int=5002), UUID(int=5003)
LESSON_ON = date(2026, 9, 15)
Q1, Q2 = Period(PeriodKind.QUARTER, 1), Period(PeriodKind.QUARTER, 2)


def five(value: str) -> MarkValue:
    return MarkValue(Scale.FIVE_POINT, value)


def opened() -> Gradebook:
    return Gradebook.open(learner_id=LEARNER, subject=MATHS, academic_year=YEAR,
                          meta=make_meta(actor=TEACHER, basis=None))


def mark_args(**overrides: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "mark_id": FIRST, "kind": MarkKind.CURRENT, "value": five("4"), "lesson_on": LESSON_ON,
        "work_kind": "самостоятельная работа", "period": None,
        "meta": make_meta(actor=TEACHER, basis=None),
    }
    return args | overrides


def correction_args(**overrides: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "mark_id": SECOND, "corrects_mark_id": FIRST, "value": five("5"),
        "reason": sealed(LEARNER, CORRECTION_REASON, "mark entered for the wrong learner"),
        "meta": make_meta(actor=TEACHER),
    }
    return args | overrides


def with_mark() -> Gradebook:
    """A current mark FIRST = 4 on 15 September."""
    gradebook = opened()
    gradebook.record_mark(**mark_args())
    return gradebook


def with_q1_and_annual() -> Gradebook:
    gradebook = opened()
    gradebook.record_mark(**mark_args(kind=MarkKind.PERIOD, lesson_on=None, period=Q1))
    gradebook.record_mark(**mark_args(mark_id=SECOND, kind=MarkKind.ANNUAL, lesson_on=None))
    return gradebook


def corrected() -> Gradebook:
    """FIRST = 4, corrected by SECOND to 5."""
    gradebook = with_mark()
    gradebook.correct_mark(**correction_args())
    return gradebook


# open


def test_open_derives_the_stream_id_from_learner_subject_and_year() -> None:
    outcome = given().when(lambda _: opened()).then(Gradebook.Opened)
    gradebook = outcome.aggregate
    assert gradebook.id == Gradebook.stream_id(LEARNER, MATHS, YEAR)
    assert (gradebook.learner_id, gradebook.subject, gradebook.academic_year) == (
        LEARNER, MATHS, YEAR)
    assert gradebook.marks == ()


def test_stream_ids_are_stable_and_distinct() -> None:
    # Golden value: changing the namespace or the name encoding would orphan every gradebook.
    assert Gradebook.stream_id(LEARNER, MATHS, YEAR) == UUID(
        "168414b0-7dbd-5e92-b1be-200fbaeaf4d5")
    others = {Gradebook.stream_id(UUID(int=101), MATHS, YEAR),
              Gradebook.stream_id(LEARNER, "Физика", YEAR),
              Gradebook.stream_id(LEARNER, MATHS, "2027/2028")}
    assert Gradebook.stream_id(LEARNER, MATHS, YEAR) not in others
    assert len(others) == 3


@pytest.mark.parametrize(("subject", "year", "error"), [
    ("", YEAR, InvalidInput),
    (" Математика", YEAR, InvalidInput),
    (MATHS, "2026/2026", InvalidAcademicYear),
])
def test_open_refusals(subject: str, year: str, error: type[Exception]) -> None:
    given().when(lambda _: Gradebook.open(learner_id=LEARNER, subject=subject,
                                          academic_year=year, meta=make_meta())).then_raises(error)


# record a mark


def test_record_a_current_mark() -> None:
    outcome = given(opened).when(lambda g: g.record_mark(**mark_args())).then(
        Gradebook.MarkRecorded)
    mark = outcome.aggregate.mark(FIRST)
    assert (mark.kind, mark.value, mark.original_value, mark.lesson_on, mark.work_kind,
            mark.corrections) == (MarkKind.CURRENT, five("4"), five("4"), LESSON_ON,
                                  "самостоятельная работа", ())


@pytest.mark.parametrize("overrides", [
    {"kind": MarkKind.PERIOD, "lesson_on": None, "period": Period(PeriodKind.QUARTER, 4)},
    {"kind": MarkKind.PERIOD, "lesson_on": None, "period": Period(PeriodKind.TRIMESTER, 3)},
    {"kind": MarkKind.PERIOD, "lesson_on": None, "period": Period(PeriodKind.HALF_YEAR, 2)},
    {"kind": MarkKind.ANNUAL, "lesson_on": None, "work_kind": None},
    {"kind": MarkKind.EXAM, "lesson_on": date(2027, 6, 5)},
    {"kind": MarkKind.FINAL, "lesson_on": None, "value": MarkValue(Scale.PASS_FAIL, "pass")},
    {"value": MarkValue(Scale.PASS_FAIL, "fail")},
    {"kind": MarkKind.PERIOD, "lesson_on": None, "period": Q1,
     "value": MarkValue(Scale.NOT_ASSESSED, "н/а")},
])
def test_record_marks_of_every_kind_and_scale(overrides: dict[str, Any]) -> None:
    args = mark_args(**overrides)
    outcome = given(opened).when(lambda g: g.record_mark(**args)).then(Gradebook.MarkRecorded)
    mark = outcome.aggregate.mark(FIRST)
    assert (mark.kind, mark.value, mark.period) == (args["kind"], args["value"], args["period"])


def test_more_exam_and_current_marks_and_other_periods_are_fine() -> None:
    def record_more(gradebook: Gradebook) -> None:
        gradebook.record_mark(**mark_args(mark_id=THIRD, kind=MarkKind.PERIOD, lesson_on=None,
                                          period=Q2))
        gradebook.record_mark(**mark_args(mark_id=UUID(int=6001), kind=MarkKind.EXAM))
        gradebook.record_mark(**mark_args(mark_id=UUID(int=6002), kind=MarkKind.EXAM))
        gradebook.record_mark(**mark_args(mark_id=UUID(int=6003)))

    given(with_q1_and_annual).when(record_more).then(
        *[Gradebook.MarkRecorded] * 4, state=lambda g: len(g.marks) == 6)


@pytest.mark.parametrize("value", [five("6"), five("1"), five("5+"), five("pass"),
                                   MarkValue(Scale.PASS_FAIL, "5"),
                                   MarkValue(Scale.PASS_FAIL, "зачёт"),
                                   MarkValue(Scale.NOT_ASSESSED, "")])
def test_a_mark_outside_its_scale_is_refused(value: MarkValue) -> None:
    args = mark_args(value=value)
    error = given(opened).when(lambda g: g.record_mark(**args)).then_raises(MarkOutOfScale)
    assert value.scale.value in error.message


@pytest.mark.parametrize(("overrides", "error"), [
    ({"lesson_on": None}, LessonDateRequired),
    ({"kind": MarkKind.PERIOD, "lesson_on": None}, PeriodRequired),
    ({"kind": MarkKind.PERIOD, "period": Period(PeriodKind.QUARTER, 5)}, InvalidPeriod),
    ({"kind": MarkKind.PERIOD, "period": Period(PeriodKind.QUARTER, 0)}, InvalidPeriod),
    ({"kind": MarkKind.PERIOD, "period": Period(PeriodKind.TRIMESTER, 4)}, InvalidPeriod),
    ({"kind": MarkKind.PERIOD, "period": Period(PeriodKind.HALF_YEAR, 3)}, InvalidPeriod),
    ({"period": Q1}, PeriodNotApplicable),
    ({"kind": MarkKind.ANNUAL, "period": Q1}, PeriodNotApplicable),
    ({"work_kind": " "}, InvalidInput),
    ({"lesson_on": date(2026, 8, 31)}, OutsideAcademicYear),
    ({"lesson_on": date(2027, 9, 1)}, OutsideAcademicYear),
])
def test_record_mark_refusals(overrides: dict[str, Any], error: type[Exception]) -> None:
    args = mark_args(**overrides)
    given(opened).when(lambda g: g.record_mark(**args)).then_raises(error)


def test_a_mark_id_is_used_once() -> None:
    args = mark_args(value=five("3"))
    given(with_mark).when(lambda g: g.record_mark(**args)).then_raises(DuplicateMarkId)


def test_a_correction_id_cannot_be_reused_for_a_mark() -> None:
    args = mark_args(mark_id=SECOND)
    given(corrected).when(lambda g: g.record_mark(**args)).then_raises(DuplicateMarkId)


@pytest.mark.parametrize("overrides", [
    {"kind": MarkKind.PERIOD, "lesson_on": None, "period": Q1},
    {"kind": MarkKind.ANNUAL, "lesson_on": None},
])
def test_a_second_period_or_annual_mark_must_be_a_correction(overrides: dict[str, Any]) -> None:
    args = mark_args(mark_id=THIRD, **overrides)
    given(with_q1_and_annual).when(lambda g: g.record_mark(**args)).then_raises(
        MarkAlreadyRecorded, match="correct it instead")


def test_a_second_final_mark_must_be_a_correction() -> None:
    def with_final() -> Gradebook:
        gradebook = opened()
        gradebook.record_mark(**mark_args(kind=MarkKind.FINAL, lesson_on=None))
        return gradebook

    args = mark_args(mark_id=THIRD, kind=MarkKind.FINAL, lesson_on=None)
    given(with_final).when(lambda g: g.record_mark(**args)).then_raises(MarkAlreadyRecorded)


# correct a mark


def test_a_correction_replaces_the_value_and_keeps_both_facts() -> None:
    outcome = given(with_mark).when(lambda g: g.correct_mark(**correction_args())).then(
        Gradebook.MarkCorrected)
    mark = outcome.aggregate.mark(FIRST)
    assert (mark.value, mark.original_value, mark.corrections) == (five("5"), five("4"), (SECOND,))
    assert outcome.aggregate.corrections == {SECOND: FIRST}
    event = outcome.event()
    assert (event.corrects_mark_id, event.reason) == (
        FIRST, sealed(LEARNER, CORRECTION_REASON, "mark entered for the wrong learner"))


def test_a_mark_can_be_corrected_again() -> None:
    args = correction_args(mark_id=THIRD, value=MarkValue(Scale.NOT_ASSESSED, "н/а"))
    outcome = given(corrected).when(lambda g: g.correct_mark(**args)).then(
        Gradebook.MarkCorrected)
    mark = outcome.aggregate.mark(FIRST)
    assert (mark.value.value, mark.corrections) == ("н/а", (SECOND, THIRD))


@pytest.mark.parametrize(("overrides", "error", "match"), [
    ({"corrects_mark_id": THIRD}, MarkNotFound, "not recorded"),
    ({"mark_id": FIRST}, DuplicateMarkId, str(FIRST)),
    ({"reason": "typed in plain"}, InvalidInput, "must be sealed"),
    ({"reason": sealed(UUID(int=101), CORRECTION_REASON)}, InvalidInput, "not for learner"),
    ({"reason": sealed(LEARNER, "Learner.EntryCancelled.reason")}, InvalidInput, "given as"),
    ({"value": five("7")}, MarkOutOfScale, "five_point"),
    ({"value": five("4")}, CorrectionChangesNothing, "'4'"),
])
def test_correct_mark_refusals(overrides: dict[str, Any], error: type[Exception],
                               match: str) -> None:
    args = correction_args(**overrides)
    given(with_mark).when(lambda g: g.correct_mark(**args)).then_raises(error, match=match)


def test_a_correction_names_the_mark_not_another_correction() -> None:
    args = correction_args(mark_id=THIRD, corrects_mark_id=SECOND, value=five("3"))
    given(corrected).when(lambda g: g.correct_mark(**args)).then_raises(
        MarkNotFound, match=f"is a correction.*{FIRST}")


def test_asking_for_an_unknown_mark_raises_mark_not_found() -> None:
    with pytest.raises(MarkNotFound):
        with_mark().mark(THIRD)


def test_replaying_the_events_gives_the_same_gradebook() -> None:
    gradebook = corrected()
    events = gradebook.collect_events()
    replayed: Gradebook | None = None
    for stored in events:
        replayed = stored.mutate(replayed)
    assert replayed == gradebook
    assert [type(e).__qualname__ for e in events] == [
        "Gradebook.Opened", "Gradebook.MarkRecorded", "Gradebook.MarkCorrected"]


# final mark


@pytest.mark.parametrize(("annual", "exam", "expected"), [
    ("4", "5", "5"),  # 4.5 rounds half up
    ("3", "4", "4"),
    ("2", "3", "3"),
    ("3", "5", "4"),
    ("5", "5", "5"),
    ("2", "2", "2"),
    ("5", "4", "5"),
])
def test_final_mark_is_the_mean_rounded_half_up(annual: str, exam: str, expected: str) -> None:
    assert final_mark(five(annual), five(exam)) == five(expected)


@pytest.mark.parametrize(("annual", "exam", "error"), [
    (MarkValue(Scale.PASS_FAIL, "pass"), five("4"), FinalMarkNotComputable),
    (five("4"), MarkValue(Scale.NOT_ASSESSED, "н/а"), FinalMarkNotComputable),
    (five("6"), five("4"), MarkOutOfScale),
])
def test_final_mark_needs_two_five_point_marks(annual: MarkValue, exam: MarkValue,
                                               error: type[Exception]) -> None:
    with pytest.raises(error):
        final_mark(annual, exam)
