"""GIA exams and participations: scheduling, results day, results, annulment and recheck."""

from __future__ import annotations

from datetime import date

from domain.appeal_values import AppealKind
from domain.calendar_ru import RUSSIA
from domain.errors import InvalidInput
from domain.exam import Exam, ExamParticipation
from domain.exam_values import (
    AppealAlreadyLodged,
    ExamKind,
    ExamScore,
    InvalidScore,
    NoResult,
    NotAReserveDay,
    ResultAlreadyRecorded,
    ResultIsAnnulled,
    ResultsDayAlreadyPublished,
    ScoreUnchanged,
)
from tests.exam_builders import (
    APPEAL_ID,
    CLERK,
    EGE_SCORE,
    EXAM_ON,
    PARTICIPANT,
    RESERVE_ID,
    RESERVE_ON,
    exam,
    published,
    registered,
    reserve_exam,
    with_result,
)
from tests.factories import make_meta
from tests.gwt import given

Scheduled = getattr(Exam, "Scheduled")  # noqa: B009
ResultsDayPublished = getattr(Exam, "ResultsDayPublished")  # noqa: B009
Registered = getattr(ExamParticipation, "Registered")  # noqa: B009
ResultRecorded = getattr(ExamParticipation, "ResultRecorded")  # noqa: B009
ResultAnnulled = getattr(ExamParticipation, "ResultAnnulled")  # noqa: B009
ResitGranted = getattr(ExamParticipation, "ResitGranted")  # noqa: B009
ScoreRevised = getattr(ExamParticipation, "ScoreRevised")  # noqa: B009
AppealLodged = getattr(ExamParticipation, "AppealLodged")  # noqa: B009
META = make_meta(actor=CLERK)


def test_ege_has_a_test_score_and_no_mark_oge_and_gve_have_marks() -> None:
    given().when(lambda _: exam()).then(Scheduled, state=lambda e: not e.has_mark)
    given().when(lambda _: exam(kind=ExamKind.OGE)).then(Scheduled, state=lambda e: e.has_mark)
    given().when(lambda _: exam(kind=ExamKind.GVE)).then(Scheduled, state=lambda e: e.has_mark)


def test_an_exam_needs_a_subject() -> None:
    given().when(lambda _: exam(subject=" ")).then_raises(InvalidInput)


def test_results_day_stores_the_score_appeal_deadline() -> None:
    # Results on Thursday 30 April 2026, the day before the May holidays: 1 May is off and
    # 2–3 May are the weekend, so the two working days following are 4 and 5 May.
    # (An early-period exam, досрочный период, sat on 10 April.)
    outcome = given(exam(exam_on=date(2026, 4, 10))).when(lambda e: e.publish_results_day(
        results_day=date(2026, 4, 30), calendar=RUSSIA, meta=META,
    )).then(ResultsDayPublished, state=lambda e: e.score_appeals_until == date(2026, 5, 5))
    assert outcome.event().score_appeals_until == date(2026, 5, 5)


def test_results_day_is_published_once() -> None:
    given(published(date(2026, 6, 24))).when(lambda e: e.publish_results_day(
        results_day=date(2026, 6, 25), calendar=RUSSIA, meta=META,
    )).then_raises(ResultsDayAlreadyPublished, match="2026-06-24")


def test_results_day_cannot_precede_the_exam() -> None:
    given(exam()).when(lambda e: e.publish_results_day(
        results_day=date(2026, 6, 10), calendar=RUSSIA, meta=META,
    )).then_raises(InvalidInput)


def test_registration_names_the_exam_point() -> None:
    outcome = given().when(lambda _: registered(exam())).then(Registered)
    assert outcome.event().exam_point == "ППЭ № 5601"
    assert outcome.aggregate.id == ExamParticipation.stream_id(PARTICIPANT, exam().id)
    given().when(lambda _: ExamParticipation.register(
        participant_id=PARTICIPANT, exam=exam(), exam_point="", meta=META,
    )).then_raises(InvalidInput)


def test_result_recorded() -> None:
    given(registered(exam())).when(lambda p: p.record_result(
        score=EGE_SCORE, exam=exam(), meta=META,
    )).then(ResultRecorded, state=lambda p: p.final_result == EGE_SCORE)


def test_oge_result_has_a_mark() -> None:
    oge = exam(kind=ExamKind.OGE)
    given(registered(oge)).when(lambda p: p.record_result(
        score=ExamScore(primary=20, mark=4), exam=oge, meta=META,
    )).then(ResultRecorded)


def test_scores_must_fit_the_exam() -> None:
    ege, oge = exam(), exam(kind=ExamKind.OGE)
    for on, score in [(ege, ExamScore(primary=30)), (ege, ExamScore(primary=30, test=101)),
                      (ege, ExamScore(primary=46, test=90)),
                      (ege, ExamScore(primary=30, test=60, mark=4)),
                      (oge, ExamScore(primary=20)), (oge, ExamScore(primary=20, mark=6)),
                      (oge, ExamScore(primary=20, test=50, mark=4))]:
        given(registered(on)).when(
            lambda p, on=on, score=score: p.record_result(score=score, exam=on, meta=META)
        ).then_raises(InvalidScore)


def test_a_result_changes_only_by_appeal() -> None:
    given(with_result(exam())).when(lambda p: p.record_result(
        score=ExamScore(primary=31, test=64), exam=exam(), meta=META,
    )).then_raises(ResultAlreadyRecorded)


def test_annulment_grants_a_resit_on_a_reserve_day() -> None:
    outcome = given(with_result(exam())).when(lambda p: p.annul_with_resit(
        appeal_id=APPEAL_ID, reserve_exam=reserve_exam(), meta=META,
    )).then(ResultAnnulled, ResitGranted,
            state=lambda p: p.final_result is None and p.resit_exam_id == RESERVE_ID)
    assert outcome.event().reserve_on == RESERVE_ON
    assert [c.what for c in outcome.aggregate.history] == ["recorded", "annulled"]


def test_resit_must_be_a_later_reserve_day_of_the_same_subject() -> None:
    for wrong in (exam(exam_id=RESERVE_ID, exam_on=RESERVE_ON),  # not a reserve day
                  exam(exam_id=RESERVE_ID, exam_on=RESERVE_ON, is_reserve=True,
                       subject="Химия"),
                  exam(exam_id=RESERVE_ID, exam_on=date(2026, 6, 1), is_reserve=True)):
        given(with_result(exam())).when(
            lambda p, wrong=wrong: p.annul_with_resit(appeal_id=APPEAL_ID, reserve_exam=wrong,
                                                      meta=META)
        ).then_raises(NotAReserveDay)


def test_an_annulled_result_is_not_rechecked() -> None:
    participation = with_result(exam())
    participation.annul_with_resit(appeal_id=APPEAL_ID, reserve_exam=reserve_exam(), meta=META)
    given(participation).when(lambda p: p.revise_score(
        appeal_id=APPEAL_ID, score=ExamScore(primary=33, test=66), exam=exam(), meta=META,
    )).then_raises(ResultIsAnnulled)


def test_a_recheck_can_raise_the_score() -> None:
    higher = ExamScore(primary=33, test=66)
    outcome = given(with_result(exam())).when(lambda p: p.revise_score(
        appeal_id=APPEAL_ID, score=higher, exam=exam(), meta=META,
    )).then(ScoreRevised, state=lambda p: p.final_result == higher)
    assert (outcome.event().previous, outcome.event().revised) == (EGE_SCORE, higher)


def test_a_recheck_can_lower_the_score() -> None:
    lower = ExamScore(primary=27, test=56)
    outcome = given(with_result(exam())).when(lambda p: p.revise_score(
        appeal_id=APPEAL_ID, score=lower, exam=exam(), meta=META,
    )).then(ScoreRevised, state=lambda p: p.final_result == lower)
    history = outcome.aggregate.history
    assert [(c.what, c.score) for c in history] == [("recorded", EGE_SCORE), ("revised", lower)]
    assert history[-1].appeal_id == APPEAL_ID


def test_an_upheld_recheck_changes_the_score() -> None:
    given(with_result(exam())).when(lambda p: p.revise_score(
        appeal_id=APPEAL_ID, score=EGE_SCORE, exam=exam(), meta=META,
    )).then_raises(ScoreUnchanged)


def test_nothing_to_recheck_without_a_result() -> None:
    given(registered(exam())).when(lambda p: p.revise_score(
        appeal_id=APPEAL_ID, score=EGE_SCORE, exam=exam(), meta=META,
    )).then_raises(NoResult)


def test_exam_day_is_kept() -> None:
    assert registered(exam()).exam_on == EXAM_ON


def test_the_participation_notes_one_appeal_of_each_kind() -> None:
    score = AppealKind.SCORE_DISAGREEMENT
    outcome = given(with_result(exam())).when(lambda p: p.lodge_appeal(
        appeal_id=APPEAL_ID, kind=score, meta=META,
    )).then(AppealLodged, state=lambda p: p.appeals == {score: APPEAL_ID})
    assert [(c.what, c.score) for c in outcome.aggregate.history] == [
        ("recorded", EGE_SCORE), ("appealed", EGE_SCORE)]
    given(outcome.aggregate).when(lambda p: p.lodge_appeal(
        appeal_id=RESERVE_ID, kind=score, meta=META,
    )).then_raises(AppealAlreadyLodged, match=str(APPEAL_ID))
    given(outcome.aggregate).when(lambda p: p.lodge_appeal(
        appeal_id=RESERVE_ID, kind=AppealKind.PROCEDURE_VIOLATION, meta=META,
    )).then(AppealLodged)
