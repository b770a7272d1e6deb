"""GIA appeals: filing windows from the calendar, refusal, hearing, withdrawal, decision."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain.appeal import EXPLANATION, HEARING_VENUE, STATEMENT, Appeal, overdue_decisions
from domain.appeal_values import (
    AppealClosed,
    AppealFiledEarly,
    AppealFiledLate,
    AppealKind,
    AppealStatus,
    Decision,
    Hearing,
    NotAcceptedReason,
    NoticeTooShort,
    SealedHearing,
)
from domain.calendar_ru import RUSSIA
from domain.commission import CommissionPurpose, MemberNotOnCommission, WrongCommissionPurpose
from domain.envelope import Meta
from domain.errors import InvalidInput
from domain.exam_values import NoResult
from domain.sealed import SealedText
from tests.exam_builders import (
    APPEAL_ID,
    CHAIR,
    CLERK,
    EXAM_ON,
    MEMBER,
    PARTICIPANT,
    STRANGER,
    appeal_commission,
    exam,
    filed,
    published,
    registered,
    with_result,
)
from tests.factories import make_meta, sealed
from tests.gwt import given

Filed = getattr(Appeal, "Filed")  # noqa: B009
NotAccepted = getattr(Appeal, "NotAccepted")  # noqa: B009
HearingScheduled = getattr(Appeal, "HearingScheduled")  # noqa: B009
Withdrawn = getattr(Appeal, "Withdrawn")  # noqa: B009
Decided = getattr(Appeal, "Decided")  # noqa: B009

PROCEDURE, SCORE = AppealKind.PROCEDURE_VIOLATION, AppealKind.SCORE_DISAGREEMENT
# Official results on Thursday 30 April 2026 (early period), the day before the May holidays.
RESULTS_DAY = date(2026, 4, 30)
EARLY_EXAM = date(2026, 4, 10)


def meta_on(day: date) -> Meta:
    return make_meta(effective_on=day, actor=CLERK)


def score_appeal(filed_on: date = date(2026, 5, 5)) -> Appeal:
    on = published(RESULTS_DAY, exam_on=EARLY_EXAM)
    return filed(SCORE, on, with_result(on), filed_on)


def procedure_appeal() -> Appeal:
    on = exam()
    return filed(PROCEDURE, on, registered(on), EXAM_ON)


def hearing(day: date, *, place: str | None = "РЦОИ, ул. Постникова, 1",
            link: str | None = None) -> Hearing:
    return Hearing(datetime.combine(day, datetime.min.time(), tzinfo=UTC).replace(hour=10),
                   place, link)


def sealed_hearing(day: date) -> SealedHearing:
    """What the application hands the aggregate: the time plain, the venue sealed."""
    return SealedHearing(hearing(day).starts_at, sealed(PARTICIPANT, HEARING_VENUE))


def explained(text: str) -> SealedText:
    return sealed(PARTICIPANT, EXPLANATION, text)


# -- filing ------------------------------------------------------------------------------------

def test_procedure_appeal_on_the_exam_day_is_decided_within_two_working_days() -> None:
    # Exam on Thursday 11 June; 12 June (Russia Day) and the weekend are off: 15 and 16 June.
    on = exam()
    outcome = given().when(lambda _: filed(PROCEDURE, on, registered(on), EXAM_ON)).then(
        Filed, state=lambda a: a.status is AppealStatus.FILED)
    assert outcome.event().filing_deadline == EXAM_ON
    assert outcome.event().decision_due_on == date(2026, 6, 16)


def test_filed_statement_is_sealed_for_the_participant_who_the_appeal_then_knows() -> None:
    on = exam()
    outcome = given().when(lambda _: filed(PROCEDURE, on, registered(on), EXAM_ON)).then(
        Filed, state=lambda a: a.learner_id == PARTICIPANT)
    assert outcome.event().statement.learner_id == PARTICIPANT
    assert outcome.event().statement.field == STATEMENT


def test_statement_must_be_sealed_for_the_participant_and_the_field() -> None:
    on = exam()
    for bad in ("прошу пересмотреть", sealed(STRANGER, STATEMENT),
                sealed(PARTICIPANT, EXPLANATION)):
        given().when(lambda _, bad=bad: Appeal.file(
            appeal_id=APPEAL_ID, kind=PROCEDURE, participation=registered(on), exam=on,
            statement=bad, calendar=RUSSIA, meta=meta_on(EXAM_ON),  # type: ignore[arg-type]
        )).then_raises(InvalidInput)


def test_procedure_appeal_after_the_exam_day_is_late() -> None:
    on = exam()
    given().when(lambda _: filed(PROCEDURE, on, registered(on), date(2026, 6, 12))).then_raises(
        AppealFiledLate, match="deadline was 2026-06-11")


def test_procedure_appeal_before_the_exam_is_early() -> None:
    on = exam()
    given().when(lambda _: filed(PROCEDURE, on, registered(on), date(2026, 6, 10))).then_raises(
        AppealFiledEarly)


def test_score_appeal_on_the_last_day_across_the_may_holidays() -> None:
    # 2 working days following 30 April: 4 and 5 May. Decision within 4 working days
    # following 5 May: 6, 7, 8 May and — 9–10 weekend, 11 May off — 12 May.
    outcome = given().when(lambda _: score_appeal(date(2026, 5, 5))).then(Filed)
    assert outcome.event().filing_deadline == date(2026, 5, 5)
    assert outcome.event().decision_due_on == date(2026, 5, 12)


def test_score_appeal_on_the_results_day_itself_is_accepted() -> None:
    given().when(lambda _: score_appeal(RESULTS_DAY)).then(Filed)


def test_score_appeal_after_the_deadline_is_refused_with_the_deadline() -> None:
    given().when(lambda _: score_appeal(date(2026, 5, 6))).then_raises(
        AppealFiledLate, match="deadline was 2026-05-05")


def test_score_appeal_before_results_day_is_early() -> None:
    given().when(lambda _: score_appeal(date(2026, 4, 29))).then_raises(AppealFiledEarly)
    on = exam()
    given().when(lambda _: filed(SCORE, on, with_result(on), date(2026, 6, 20))).then_raises(
        AppealFiledEarly, match="not published")


def test_score_appeal_needs_a_result() -> None:
    on = published(RESULTS_DAY, exam_on=EARLY_EXAM)
    given().when(lambda _: filed(SCORE, on, registered(on), RESULTS_DAY)).then_raises(NoResult)


# -- not accepted, hearing, withdrawal ---------------------------------------------------------

def test_appeal_about_the_materials_is_not_accepted_with_a_reason() -> None:
    outcome = given(score_appeal()).when(lambda a: a.not_accept(
        reason=NotAcceptedReason.MATERIALS_CONTENT,
        explanation=explained("апелляция по содержанию КИМ не принимается"),
        meta=meta_on(date(2026, 5, 6)),
    )).then(NotAccepted, state=lambda a: a.status is AppealStatus.NOT_ACCEPTED)
    assert outcome.event().reason is NotAcceptedReason.MATERIALS_CONTENT


def test_a_not_accepted_appeal_is_closed() -> None:
    appeal = score_appeal()
    appeal.not_accept(reason=NotAcceptedReason.OWN_BREACH,
                      explanation=sealed(PARTICIPANT, EXPLANATION, "нарушение участником"),
                      meta=meta_on(date(2026, 5, 6)))
    given(appeal).when(lambda a: a.schedule_hearing(
        hearing=sealed_hearing(date(2026, 5, 12)), calendar=RUSSIA, meta=meta_on(date(2026, 5, 6)),
    )).then_raises(AppealClosed, match="not_accepted")


def test_refusal_takes_only_an_explanation_sealed_for_the_appellant() -> None:
    for bad in ("нарушение участником",  # plain text: the aggregate never takes plaintext
                sealed(STRANGER, EXPLANATION),  # sealed for another learner
                sealed(PARTICIPANT, STATEMENT)):  # sealed for another field
        given(score_appeal()).when(lambda a, bad=bad: a.not_accept(
            reason=NotAcceptedReason.OWN_BREACH, explanation=bad,
            meta=meta_on(date(2026, 5, 6)),
        )).then_raises(InvalidInput)


def test_hearing_needs_a_working_day_of_notice_across_holidays() -> None:
    # Notified on Friday 8 May: 9–10 May weekend, 11 May off; the earliest hearing is 12 May.
    given(score_appeal()).when(lambda a: a.schedule_hearing(
        hearing=sealed_hearing(date(2026, 5, 11)), calendar=RUSSIA, meta=meta_on(date(2026, 5, 8)),
    )).then_raises(NoticeTooShort, match="2026-05-12")
    outcome = given(score_appeal()).when(lambda a: a.schedule_hearing(
        hearing=sealed_hearing(date(2026, 5, 12)), calendar=RUSSIA, meta=meta_on(date(2026, 5, 8)),
    )).then(HearingScheduled, state=lambda a: a.status is AppealStatus.HEARING_SCHEDULED)
    assert outcome.event().earliest_hearing_on == date(2026, 5, 12)


def test_hearing_keeps_its_time_plain_and_its_venue_sealed() -> None:
    scheduled = sealed_hearing(date(2026, 5, 12))
    outcome = given(score_appeal()).when(lambda a: a.schedule_hearing(
        hearing=scheduled, calendar=RUSSIA, meta=meta_on(date(2026, 5, 6)),
    )).then(HearingScheduled, state=lambda a: a.hearing == scheduled)
    assert outcome.event().hearing.venue.field == HEARING_VENUE


def test_hearing_venue_must_be_sealed_for_the_appellant() -> None:
    day = date(2026, 5, 12)
    starts_at = hearing(day).starts_at
    for bad in (hearing(day),  # a plain venue
                SealedHearing(starts_at, sealed(STRANGER, HEARING_VENUE)),
                SealedHearing(starts_at.replace(tzinfo=None), sealed(PARTICIPANT, HEARING_VENUE))):
        given(score_appeal()).when(lambda a, bad=bad: a.schedule_hearing(
            hearing=bad, calendar=RUSSIA, meta=meta_on(date(2026, 5, 6)),  # type: ignore[arg-type]
        )).then_raises(InvalidInput)


def test_hearing_needs_a_place_or_a_secure_link() -> None:
    # Checked on the plain `Hearing` by the application, before it seals the venue.
    link = "https://vks.example.ru/appeal/301"
    assert hearing(date(2026, 5, 12), place=None, link=link).validated().videoconference_link
    for bad in (hearing(date(2026, 5, 12), place=None),
                hearing(date(2026, 5, 12), place=None, link="http://vks.example.ru/1")):
        given().when(lambda _, bad=bad: bad.validated()).then_raises(InvalidInput)


def test_withdrawn_appeal_cannot_be_decided() -> None:
    given(score_appeal()).when(lambda a: a.withdraw(meta=meta_on(date(2026, 5, 6)))).then(
        Withdrawn, state=lambda a: a.status is AppealStatus.WITHDRAWN)
    appeal = score_appeal()
    appeal.withdraw(meta=meta_on(date(2026, 5, 6)))
    given(appeal).when(lambda a: a.decide(
        decision=Decision.REJECTED, commission=appeal_commission(),
        deciders=(CHAIR.member_id,), meta=meta_on(date(2026, 5, 7)),
    )).then_raises(AppealClosed)


# -- decision ----------------------------------------------------------------------------------

def test_decision_records_the_commission_and_its_members() -> None:
    deciders = (CHAIR.member_id, MEMBER.member_id)
    outcome = given(score_appeal()).when(lambda a: a.decide(
        decision=Decision.UPHELD, commission=appeal_commission(), deciders=deciders,
        meta=meta_on(date(2026, 5, 8)),
    )).then(Decided, state=lambda a: a.status is AppealStatus.UPHELD)
    assert outcome.event().deciders == deciders
    assert not outcome.aggregate.is_overdue(date(2026, 6, 1))


def test_a_decider_not_on_the_commission_is_refused() -> None:
    given(score_appeal()).when(lambda a: a.decide(
        decision=Decision.REJECTED, commission=appeal_commission(),
        deciders=(CHAIR.member_id, STRANGER), meta=meta_on(date(2026, 5, 8)),
    )).then_raises(MemberNotOnCommission, match=str(STRANGER))


def test_an_acceptance_commission_does_not_decide_appeals() -> None:
    given(score_appeal()).when(lambda a: a.decide(
        decision=Decision.REJECTED,
        commission=appeal_commission(CommissionPurpose.SCHOOL_YEAR_ACCEPTANCE),
        deciders=(CHAIR.member_id,), meta=meta_on(date(2026, 5, 8)),
    )).then_raises(WrongCommissionPurpose)


def test_overdue_decisions_are_reported() -> None:
    undecided = procedure_appeal()  # due 16 June
    late = score_appeal()  # due 12 May, decided 13 May
    late.decide(decision=Decision.REJECTED, commission=appeal_commission(),
                deciders=(CHAIR.member_id,), meta=meta_on(date(2026, 5, 13)))
    on_time = score_appeal()
    on_time.decide(decision=Decision.REJECTED, commission=appeal_commission(),
                   deciders=(CHAIR.member_id,), meta=meta_on(date(2026, 5, 12)))
    assert overdue_decisions([undecided, late, on_time], date(2026, 6, 16)) == (
        overdue_decisions([late], date(2026, 6, 16))
    )
    rows = overdue_decisions([undecided, late, on_time], date(2026, 6, 17))
    assert [(r.decision_due_on, r.decided_on) for r in rows] == [
        (date(2026, 5, 12), date(2026, 5, 13)), (date(2026, 6, 16), None),
    ]
