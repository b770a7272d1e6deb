"""Hypothesis: deadlines computed from the production calendar never land on a day off."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from domain.appeal import Appeal
from domain.appeal_values import AppealKind
from domain.calendar_ru import RUSSIA
from domain.exam import Exam, ExamParticipation
from domain.exam_values import ExamKind, ExamScore
from tests.factories import make_meta, sealed

# Leave room at the end of the covered years so every deadline stays inside them: 30 working
# days from 31 October 2027 end in mid-December.
days = st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 10, 31))


@given(start=days, count=st.integers(min_value=1, max_value=30))
def test_add_working_days_lands_on_a_working_day(start: date, count: int) -> None:
    deadline = RUSSIA.add_working_days(start, count)
    assert deadline > start
    assert RUSSIA.is_working_day(deadline)
    assert RUSSIA.working_days_between(start, deadline) == count
    # No earlier day would do: the day before has one working day fewer.
    assert RUSSIA.working_days_between(start, deadline - timedelta(days=1)) == count - 1


@given(start=days)
def test_next_working_day_is_the_first_working_day_after(start: date) -> None:
    following = RUSSIA.next_working_day(start)
    assert RUSSIA.is_working_day(following)
    gap = (following - start).days
    assert all(not RUSSIA.is_working_day(start + timedelta(days=d)) for d in range(1, gap))


@given(exam_on=days, delay=st.integers(min_value=0, max_value=20),
       filed_after=st.integers(min_value=0, max_value=5))
def test_appeal_deadlines_are_working_days(exam_on: date, delay: int, filed_after: int) -> None:
    exam = Exam.schedule(exam_id=UUID(int=1), kind=ExamKind.EGE, subject="Физика",
                         exam_on=exam_on, max_primary=45, meta=make_meta(effective_on=exam_on))
    results_day = exam_on + timedelta(days=delay)
    exam.publish_results_day(results_day=results_day, calendar=RUSSIA,
                             meta=make_meta(effective_on=results_day))
    assert exam.score_appeals_until is not None
    assert RUSSIA.is_working_day(exam.score_appeals_until)
    participation = ExamParticipation.register(participant_id=UUID(int=2), exam=exam,
                                               exam_point="ППЭ 101", meta=make_meta())
    participation.record_result(score=ExamScore(primary=30, test=70), exam=exam,
                                meta=make_meta())
    filed_on = min(results_day + timedelta(days=filed_after), exam.score_appeals_until)
    appeal = Appeal.file(appeal_id=UUID(int=3), kind=AppealKind.SCORE_DISAGREEMENT,
                         participation=participation, exam=exam,
                         statement=sealed(UUID(int=2), "Appeal.Filed.statement"),
                         calendar=RUSSIA, meta=make_meta(effective_on=filed_on))
    assert RUSSIA.is_working_day(appeal.decision_due_on)
    assert RUSSIA.working_days_between(filed_on, appeal.decision_due_on) == 4
