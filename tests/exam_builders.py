"""Builders for GIA tests: exams, participations, appeals and an appeal commission."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.appeal import STATEMENT, Appeal
from domain.appeal_values import AppealKind
from domain.calendar_ru import RUSSIA
from domain.commission import Commission, CommissionMember, CommissionPurpose
from domain.envelope import Actor, Role
from domain.exam import Exam, ExamParticipation
from domain.exam_values import ExamKind, ExamScore
from tests.factories import make_meta, sealed

PARTICIPANT = UUID(int=100)
EXAM_ID, RESERVE_ID, OTHER_EXAM_ID = UUID(int=201), UUID(int=202), UUID(int=203)
APPEAL_ID = UUID(int=301)
COMMISSION_ID = UUID(int=401)
CHAIR = CommissionMember(UUID(int=501), "Иванова Анна Петровна", "председатель")
MEMBER = CommissionMember(UUID(int=502), "Петров Олег Игоревич", "учитель физики")
STRANGER = UUID(int=599)
CLERK = Actor(user_id="rcoi-1", role=Role.COMMISSION)  # РЦОИ operator / commission secretary

# Physics ЕГЭ on Thursday 11 June 2026, the day before Russia Day; reserve day 25 June.
EXAM_ON = date(2026, 6, 11)
RESERVE_ON = date(2026, 6, 25)
EGE_SCORE = ExamScore(primary=30, test=62)


def exam(*, kind: ExamKind = ExamKind.EGE, exam_on: date = EXAM_ON, subject: str = "Физика",
         is_reserve: bool = False, exam_id: UUID = EXAM_ID) -> Exam:
    return Exam.schedule(exam_id=exam_id, kind=kind, subject=subject, exam_on=exam_on,
                         max_primary=45, is_reserve=is_reserve,
                         meta=make_meta(effective_on=date(2026, 1, 15), actor=CLERK))


def reserve_exam() -> Exam:
    return exam(exam_on=RESERVE_ON, is_reserve=True, exam_id=RESERVE_ID)


def published(results_day: date, **kwargs: object) -> Exam:
    scheduled = exam(**kwargs)  # type: ignore[arg-type]
    scheduled.publish_results_day(results_day=results_day, calendar=RUSSIA,
                                  meta=make_meta(effective_on=results_day, actor=CLERK))
    return scheduled


def registered(on: Exam) -> ExamParticipation:
    return ExamParticipation.register(participant_id=PARTICIPANT, exam=on,
                                      exam_point="ППЭ № 5601", meta=make_meta(actor=CLERK))


def with_result(on: Exam, score: ExamScore = EGE_SCORE) -> ExamParticipation:
    participation = registered(on)
    participation.record_result(score=score, exam=on, meta=make_meta(actor=CLERK))
    return participation


def appeal_commission(purpose: CommissionPurpose = CommissionPurpose.GIA_APPEALS) -> Commission:
    return Commission.form(commission_id=COMMISSION_ID, purpose=purpose,
                           name="Апелляционная комиссия Оренбургской области",
                           area="Оренбургская область", chair=CHAIR, members=(MEMBER,),
                           meta=make_meta(actor=CLERK))


def filed(kind: AppealKind, on: Exam, participation: ExamParticipation,
          filed_on: date) -> Appeal:
    return Appeal.file(appeal_id=APPEAL_ID, kind=kind, participation=participation, exam=on,
                       statement=sealed(participation.participant_id, STATEMENT,
                                        "прошу пересмотреть"),
                       calendar=RUSSIA,
                       meta=make_meta(effective_on=filed_on, actor=CLERK))
