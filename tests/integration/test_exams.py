"""GIA exams and appeals through the ledger, on SQLite and PostgreSQL.

Every refusal is checked against the store: its own domain error, no event, no command outcome.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from uuid import UUID

import pytest

from domain.appeal_values import (
    AppealClosed,
    AppealFiledLate,
    AppealKind,
    AppealStatus,
    Decision,
    DecisionNeedsOutcome,
    Hearing,
    NotAcceptedReason,
    SealedHearing,
)
from domain.calendar_ru import RUSSIA
from domain.commission import CommissionMember, CommissionPurpose, MemberNotOnCommission
from domain.envelope import Actor, BasisDocument, Role
from domain.errors import DomainError, NotFound
from domain.exam import ExamParticipation
from domain.exam_values import (
    AppealAlreadyLodged,
    ExamKind,
    ExamNotFound,
    ExamScore,
    ParticipantNotRegistered,
)
from letopis.ledger import CommandContext, Ledger
from letopis.privacy import PersonalDataService
from letopis.services.commissions import CommissionService
from letopis.services.exams import ExamService
from letopis.services.learners import LearnerService

LEARNER, OTHER_LEARNER, UNKNOWN = UUID(int=100), UUID(int=101), UUID(int=999)
EXAM, RESERVE, APPEAL, SECOND_APPEAL = UUID(int=201), UUID(int=202), UUID(int=301), UUID(int=302)
COMMISSION = UUID(int=401)
CHAIR = CommissionMember(UUID(int=501), "Иванова Анна Петровна", "председатель")
MEMBER = CommissionMember(UUID(int=502), "Петров Олег Игоревич", "эксперт ПК")
STRANGER = UUID(int=599)
RCOI = Actor(user_id="rcoi-1", role=Role.COMMISSION)
ORDER = BasisDocument(kind="order", number="01-21/318", dated=date(2026, 3, 1))
# ЕГЭ (early period) on Friday 10 April 2026; results on Thursday 30 April, before the May
# holidays: score appeals until 5 May, decided within 4 working days (by 12 May if filed 5 May).
EXAM_ON, RESULTS_DAY, RESERVE_ON = date(2026, 4, 10), date(2026, 4, 30), date(2026, 4, 22)
SCORE = ExamScore(primary=30, test=62)


def ctx(command_id: str, on: date) -> CommandContext:
    return CommandContext(actor=RCOI, command_id=command_id, effective_on=on, basis=ORDER)


@dataclass
class Gia:
    ledger: Ledger
    exams: ExamService
    commissions: CommissionService
    personal_data: PersonalDataService

    def refused(self, error: type[DomainError], command: Callable[[], object],
                match: str | None = None) -> None:
        """The command raises `error` and the store is exactly as before."""
        before = self.ledger.store.count_events()
        with pytest.raises(error, match=match):
            command()
        assert self.ledger.store.count_events() == before


@pytest.fixture
def gia(ledger: Ledger, personal_data: PersonalDataService) -> Gia:
    learners = LearnerService(ledger)
    learners.register(ctx("learner-1", EXAM_ON), LEARNER)
    learners.register(ctx("learner-2", EXAM_ON), OTHER_LEARNER)
    commissions = CommissionService(ledger)
    commissions.form(ctx("commission", EXAM_ON), COMMISSION, CommissionPurpose.GIA_APPEALS,
                     "Апелляционная комиссия Оренбургской области", "Оренбургская область",
                     CHAIR, (MEMBER,))
    exams = ExamService(ledger, RUSSIA, personal_data)
    exams.schedule_exam(ctx("exam", EXAM_ON), EXAM, ExamKind.EGE, "Физика", EXAM_ON, 45)
    exams.schedule_exam(ctx("reserve", EXAM_ON), RESERVE, ExamKind.EGE, "Физика", RESERVE_ON,
                        45, is_reserve=True)
    exams.register_participant(ctx("reg-1", EXAM_ON), LEARNER, EXAM, "ППЭ № 5601")
    exams.register_participant(ctx("reg-2", EXAM_ON), OTHER_LEARNER, EXAM, "ППЭ № 5601")
    return Gia(ledger, exams, commissions, personal_data)


def with_results(gia: Gia) -> None:
    gia.exams.record_result(ctx("result-1", RESULTS_DAY), LEARNER, EXAM, SCORE)
    gia.exams.record_result(ctx("result-2", RESULTS_DAY), OTHER_LEARNER, EXAM,
                            ExamScore(primary=20, test=48))
    gia.exams.publish_results_day(ctx("results-day", RESULTS_DAY), EXAM, RESULTS_DAY)


def test_score_appeal_upheld_with_a_lower_score(gia: Gia) -> None:
    with_results(gia)
    gia.exams.file_appeal(ctx("appeal", date(2026, 5, 5)), APPEAL, LEARNER, EXAM,
                          AppealKind.SCORE_DISAGREEMENT, "не согласен с баллами за задание 24")
    gia.exams.schedule_hearing(ctx("hearing", date(2026, 5, 6)), APPEAL, Hearing(
        datetime(2026, 5, 8, 7, tzinfo=UTC), None, "https://vks.example.ru/ak/301"))
    lower = ExamScore(primary=28, test=58)
    outcome = gia.exams.decide_appeal(ctx("decide", date(2026, 5, 8)), APPEAL, Decision.UPHELD,
                                      COMMISSION, (CHAIR.member_id, MEMBER.member_id),
                                      revised_score=lower)
    stream = ExamParticipation.stream_id(LEARNER, EXAM)
    assert set(outcome.streams) == {str(APPEAL), str(stream)}
    participation = gia.exams.participation(LEARNER, EXAM)
    assert participation.final_result == lower
    # The participation's own stream tells the whole story: score, appeal, recheck, new score.
    assert [(c.what, c.score) for c in participation.history] == [
        ("recorded", SCORE), ("appealed", SCORE), ("revised", lower)]
    assert [c.appeal_id for c in participation.history] == [None, APPEAL, APPEAL]
    appeal = gia.exams.appeal(APPEAL)
    assert appeal.status is AppealStatus.UPHELD
    assert appeal.deciders == (CHAIR.member_id, MEMBER.member_id)
    # The time is plain; the venue (here a link) is sealed, revealed only by a logged read.
    assert isinstance(appeal.hearing, SealedHearing)
    assert appeal.hearing.starts_at == datetime(2026, 5, 8, 7, tzinfo=UTC)
    venue = gia.personal_data.reveal(appeal.hearing.venue, "rcoi-1", "notify the participant")
    assert json.loads(venue) == {"place": None,
                                 "videoconference_link": "https://vks.example.ru/ak/301"}
    assert appeal.decision_due_on == date(2026, 5, 12)
    # As of the version before the decision, the original score stood.
    assert gia.ledger.repository.get(stream, version=3).final_result == SCORE
    assert gia.exams.overdue_appeals(date(2026, 6, 1)) == ()


def test_procedure_appeal_upheld_annuls_and_grants_a_resit(gia: Gia) -> None:
    gia.exams.file_appeal(ctx("appeal", EXAM_ON), APPEAL, LEARNER, EXAM,
                          AppealKind.PROCEDURE_VIOLATION, "в аудитории шумели")
    gia.exams.decide_appeal(ctx("decide", date(2026, 4, 14)), APPEAL, Decision.UPHELD,
                            COMMISSION, (CHAIR.member_id,), reserve_exam_id=RESERVE)
    participation = gia.exams.participation(LEARNER, EXAM)
    assert participation.annulled_by == APPEAL
    assert participation.resit_exam_id == RESERVE
    assert participation.final_result is None


def test_late_appeal_is_refused_with_its_deadline_and_nothing_written(gia: Gia) -> None:
    with_results(gia)
    gia.refused(AppealFiledLate, lambda: gia.exams.file_appeal(
        ctx("late", date(2026, 5, 6)), APPEAL, LEARNER, EXAM, AppealKind.SCORE_DISAGREEMENT,
        "не согласен"), match="deadline was 2026-05-05")
    assert gia.ledger.store.command_outcome("late") is None


def test_result_for_an_unregistered_participant_is_refused(gia: Gia) -> None:
    learners = LearnerService(gia.ledger)
    learners.register(ctx("learner-3", EXAM_ON), UNKNOWN)
    gia.refused(ParticipantNotRegistered, lambda: gia.exams.record_result(
        ctx("r", RESULTS_DAY), UNKNOWN, EXAM, SCORE))
    gia.refused(ExamNotFound, lambda: gia.exams.record_result(
        ctx("r", RESULTS_DAY), LEARNER, UUID(int=7), SCORE))
    gia.refused(NotFound, lambda: gia.exams.register_participant(
        ctx("r", EXAM_ON), UUID(int=8), EXAM, "ППЭ № 1"))


def test_decider_not_on_the_commission_is_refused(gia: Gia) -> None:
    with_results(gia)
    gia.exams.file_appeal(ctx("appeal", RESULTS_DAY), APPEAL, LEARNER, EXAM,
                          AppealKind.SCORE_DISAGREEMENT, "не согласен")
    gia.refused(MemberNotOnCommission, lambda: gia.exams.decide_appeal(
        ctx("decide", date(2026, 5, 5)), APPEAL, Decision.UPHELD, COMMISSION,
        (CHAIR.member_id, STRANGER), revised_score=ExamScore(primary=31, test=64)))
    gia.refused(DecisionNeedsOutcome, lambda: gia.exams.decide_appeal(
        ctx("decide", date(2026, 5, 5)), APPEAL, Decision.UPHELD, COMMISSION,
        (CHAIR.member_id,)))
    assert gia.exams.participation(LEARNER, EXAM).final_result == SCORE


def test_not_accepted_appeal_is_closed_and_overdue_ones_are_reported(gia: Gia) -> None:
    with_results(gia)
    gia.exams.file_appeal(ctx("a1", date(2026, 5, 4)), APPEAL, LEARNER, EXAM,
                          AppealKind.SCORE_DISAGREEMENT, "задание 5 составлено некорректно")
    gia.exams.not_accept_appeal(ctx("na", date(2026, 5, 5)), APPEAL,
                                NotAcceptedReason.MATERIALS_CONTENT,
                                "апелляции по содержанию КИМ не принимаются")
    gia.refused(AppealClosed, lambda: gia.exams.withdraw_appeal(
        ctx("w", date(2026, 5, 6)), APPEAL))
    gia.exams.file_appeal(ctx("a2", date(2026, 5, 5)), SECOND_APPEAL, OTHER_LEARNER, EXAM,
                          AppealKind.SCORE_DISAGREEMENT, "не согласен")
    assert gia.exams.overdue_appeals(date(2026, 5, 12)) == ()
    overdue = gia.exams.overdue_appeals(date(2026, 5, 13))
    assert [(r.appeal_id, r.decision_due_on) for r in overdue] == [
        (SECOND_APPEAL, date(2026, 5, 12))]


def test_a_second_appeal_of_the_same_kind_is_refused(gia: Gia) -> None:
    with_results(gia)
    gia.exams.file_appeal(ctx("appeal", RESULTS_DAY), APPEAL, LEARNER, EXAM,
                          AppealKind.SCORE_DISAGREEMENT, "не согласен")
    gia.refused(AppealAlreadyLodged, lambda: gia.exams.file_appeal(
        ctx("again", date(2026, 5, 4)), SECOND_APPEAL, LEARNER, EXAM,
        AppealKind.SCORE_DISAGREEMENT, "всё ещё не согласен"))


def test_repeated_decision_command_writes_once(gia: Gia) -> None:
    with_results(gia)
    gia.exams.file_appeal(ctx("appeal", RESULTS_DAY), APPEAL, LEARNER, EXAM,
                          AppealKind.SCORE_DISAGREEMENT, "не согласен")
    first = gia.exams.decide_appeal(ctx("decide", date(2026, 5, 5)), APPEAL, Decision.REJECTED,
                                    COMMISSION, (CHAIR.member_id,))
    count = gia.ledger.store.count_events()
    again = gia.exams.decide_appeal(ctx("decide", date(2026, 5, 5)), APPEAL, Decision.REJECTED,
                                    COMMISSION, (CHAIR.member_id,))
    assert again == first
    assert gia.ledger.store.count_events() == count
