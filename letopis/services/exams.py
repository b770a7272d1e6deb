"""Commands of the state final attestation (ГИА): exams, participants, results and appeals."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

from domain.appeal import (
    EXPLANATION,
    HEARING_VENUE,
    STATEMENT,
    Appeal,
    overdue_decisions,
)
from domain.appeal_values import (
    AppealKind,
    Decision,
    DecisionNeedsOutcome,
    Hearing,
    NotAcceptedReason,
    OverdueAppeal,
    SealedHearing,
)
from domain.calendar import ProductionCalendar
from domain.commission import Commission
from domain.envelope import Meta
from domain.errors import InvalidInput
from domain.exam import Exam, ExamParticipation, check_not_registered, require_registered
from domain.exam_values import ExamKind, ExamNotFound, ExamScore
from domain.learner import Learner
from domain.sealed import SealedText, require_text
from letopis.ledger import CommandContext, Ledger
from letopis.privacy.service import PersonalDataService, require_personal_data
from letopis.services.streams import stream_ids_with_topic
from letopis.store.base import CommandOutcome


class ExamService:
    def __init__(self, ledger: Ledger, calendar: ProductionCalendar,
                 personal_data: PersonalDataService | None = None) -> None:
        self.ledger = ledger
        self.calendar = calendar
        self.personal_data = personal_data  # seals statements, explanations, hearing venues

    # -- reading -------------------------------------------------------------------------------

    def exam(self, exam_id: UUID) -> Exam:
        if not self.ledger.exists(exam_id):
            raise ExamNotFound(f"exam {exam_id} is not scheduled")
        return self.ledger.load(Exam, exam_id, "exam")

    def participation(self, participant_id: UUID, exam_id: UUID) -> ExamParticipation:
        stream_id = ExamParticipation.stream_id(participant_id, exam_id)
        found = (self.ledger.load(ExamParticipation, stream_id, "participation")
                 if self.ledger.exists(stream_id) else None)
        return require_registered(found, participant_id, exam_id)

    def appeal(self, appeal_id: UUID) -> Appeal:
        return self.ledger.load(Appeal, appeal_id, "appeal")

    def appellant(self, appeal: Appeal) -> UUID:
        """The learner who filed `appeal` (a v1 appeal does not name them: its participation
        does)."""
        if appeal.learner_id is not None:
            return appeal.learner_id
        participation = self.ledger.load(ExamParticipation, appeal.participation_id,
                                         "participation")
        return participation.participant_id

    def _seal(self, learner_id: UUID, field: str, text: str, what: str) -> tuple[SealedText, str]:
        sealer = require_personal_data(self.personal_data, what)
        return sealer.seal(learner_id, field, text)

    def overdue_appeals(self, today: date) -> tuple[OverdueAppeal, ...]:
        """Appeals whose decision is overdue on `today`, or was taken after its due date."""
        filed = get_topic(getattr(Appeal, "Filed"))  # noqa: B009
        appeals = [self.appeal(i) for i in stream_ids_with_topic(self.ledger, filed)]
        return overdue_decisions(appeals, today)

    # -- exams ---------------------------------------------------------------------------------

    def schedule_exam(self, context: CommandContext, exam_id: UUID, kind: ExamKind, subject: str,
                      exam_on: date, max_primary: int, *, is_reserve: bool = False,
                      has_mark: bool | None = None) -> CommandOutcome:
        def action(meta: Meta) -> list[Exam]:
            if self.ledger.exists(exam_id):
                raise InvalidInput(f"exam {exam_id} is already scheduled")
            return [Exam.schedule(exam_id=exam_id, kind=kind, subject=subject, exam_on=exam_on,
                                  max_primary=max_primary, is_reserve=is_reserve,
                                  has_mark=has_mark, meta=meta)]

        return self.ledger.execute(
            context, "schedule_exam",
            {"exam_id": exam_id, "kind": kind.value, "subject": subject, "exam_on": exam_on,
             "max_primary": max_primary, "is_reserve": is_reserve, "has_mark": has_mark},
            action,
        )

    def publish_results_day(self, context: CommandContext, exam_id: UUID,
                            results_day: date) -> CommandOutcome:
        def action(meta: Meta) -> list[Exam]:
            exam = self.exam(exam_id)
            exam.publish_results_day(results_day=results_day, calendar=self.calendar, meta=meta)
            return [exam]

        return self.ledger.execute(context, "publish_results_day",
                                   {"exam_id": exam_id, "results_day": results_day}, action)

    def register_participant(self, context: CommandContext, participant_id: UUID,
                             exam_id: UUID, exam_point: str) -> CommandOutcome:
        """Register a learner (by pseudonymous id) on an exam at an exam point (ППЭ)."""
        def action(meta: Meta) -> list[ExamParticipation]:
            exam = self.exam(exam_id)
            self.ledger.load(Learner, participant_id, "learner")
            stream_id = ExamParticipation.stream_id(participant_id, exam_id)
            if self.ledger.exists(stream_id):
                check_not_registered(self.ledger.load(ExamParticipation, stream_id,
                                                       "participation"))
            return [ExamParticipation.register(participant_id=participant_id, exam=exam,
                                               exam_point=exam_point, meta=meta)]

        return self.ledger.execute(
            context, "register_exam_participant",
            {"participant_id": participant_id, "exam_id": exam_id, "exam_point": exam_point},
            action,
        )

    def record_result(self, context: CommandContext, participant_id: UUID, exam_id: UUID,
                      score: ExamScore) -> CommandOutcome:
        def action(meta: Meta) -> list[ExamParticipation]:
            exam = self.exam(exam_id)
            participation = self.participation(participant_id, exam_id)
            participation.record_result(score=score, exam=exam, meta=meta)
            return [participation]

        return self.ledger.execute(
            context, "record_exam_result",
            {"participant_id": participant_id, "exam_id": exam_id,
             **dataclasses.asdict(score)}, action,
        )

    # -- appeals -------------------------------------------------------------------------------

    def file_appeal(self, context: CommandContext, appeal_id: UUID, participant_id: UUID,
                    exam_id: UUID, kind: AppealKind, statement: str) -> CommandOutcome:
        """File an appeal on `context.effective_on`; the deadlines are stored with it, and the
        participation notes the appeal (one of each kind per exam). The statement is sealed
        under the participant's data key."""
        require_text(statement, "an appeal needs the participant's statement")
        sealed, digest = self._seal(participant_id, STATEMENT, statement, "appeal statement")

        def action(meta: Meta) -> list[Aggregate]:
            if self.ledger.exists(appeal_id):
                raise InvalidInput(f"appeal {appeal_id} already exists")
            exam = self.exam(exam_id)
            participation = self.participation(participant_id, exam_id)
            appeal = Appeal.file(appeal_id=appeal_id, kind=kind, participation=participation,
                                 exam=exam, statement=sealed, calendar=self.calendar,
                                 meta=meta)
            participation.lodge_appeal(appeal_id=appeal_id, kind=kind, meta=meta)
            return [appeal, participation]

        return self.ledger.execute(
            context, "file_appeal",
            {"appeal_id": appeal_id, "participant_id": participant_id, "exam_id": exam_id,
             "kind": kind.value, "statement_digest": digest}, action,
        )

    def not_accept_appeal(self, context: CommandContext, appeal_id: UUID,
                          reason: NotAcceptedReason, explanation: str) -> CommandOutcome:
        """Refuse to accept the appeal; the explanation is sealed under the participant's key."""
        require_text(explanation, "a refusal to accept an appeal must explain itself")
        learner_id = self.appellant(self.appeal(appeal_id))
        sealed, digest = self._seal(learner_id, EXPLANATION, explanation,
                                    "explanation of the refusal")

        def action(meta: Meta) -> list[Appeal]:
            appeal = self.appeal(appeal_id)
            appeal.not_accept(reason=reason, explanation=sealed, meta=meta)
            return [appeal]

        return self.ledger.execute(
            context, "not_accept_appeal",
            {"appeal_id": appeal_id, "reason": reason.value, "explanation_digest": digest},
            action,
        )

    def schedule_hearing(self, context: CommandContext, appeal_id: UUID,
                         hearing: Hearing) -> CommandOutcome:
        """Schedule the hearing; the participant is notified on `context.effective_on`. The
        venue (place, videoconference link) is sealed under the participant's data key."""
        hearing.validated()
        learner_id = self.appellant(self.appeal(appeal_id))
        venue = json.dumps({"place": hearing.place,
                            "videoconference_link": hearing.videoconference_link},
                           ensure_ascii=False, sort_keys=True)
        sealed, digest = self._seal(learner_id, HEARING_VENUE, venue, "hearing venue")
        scheduled = SealedHearing(starts_at=hearing.starts_at, venue=sealed)

        def action(meta: Meta) -> list[Appeal]:
            appeal = self.appeal(appeal_id)
            appeal.schedule_hearing(hearing=scheduled, calendar=self.calendar, meta=meta)
            return [appeal]

        return self.ledger.execute(
            context, "schedule_appeal_hearing",
            {"appeal_id": appeal_id, "starts_at": hearing.starts_at, "venue_digest": digest},
            action,
        )

    def withdraw_appeal(self, context: CommandContext, appeal_id: UUID) -> CommandOutcome:
        def action(meta: Meta) -> list[Appeal]:
            appeal = self.appeal(appeal_id)
            appeal.withdraw(meta=meta)
            return [appeal]

        return self.ledger.execute(context, "withdraw_appeal", {"appeal_id": appeal_id}, action)

    def decide_appeal(self, context: CommandContext, appeal_id: UUID, decision: Decision,
                      commission_id: UUID, deciders: tuple[UUID, ...], *,
                      revised_score: ExamScore | None = None,
                      reserve_exam_id: UUID | None = None) -> CommandOutcome:
        """Record the decision and, when upheld, its consequence for the result, atomically:
        a procedure appeal annuls the result and grants a resit on `reserve_exam_id`; a score
        appeal replaces the score with `revised_score` (higher or lower)."""
        def action(meta: Meta) -> list[Aggregate]:
            appeal = self.appeal(appeal_id)
            commission = self.ledger.load(Commission, commission_id, "commission")
            appeal.check_decision(commission=commission, deciders=deciders,
                                  decided_on=meta.effective_on)
            participation = self.ledger.load(ExamParticipation, appeal.participation_id,
                                             "participation")
            touched: list[Aggregate] = [appeal, participation]
            if decision is Decision.UPHELD:
                self._apply_upheld(appeal, participation, revised_score, reserve_exam_id, meta)
            elif revised_score is not None or reserve_exam_id is not None:
                raise DecisionNeedsOutcome("a rejected appeal leaves the result as it is")
            appeal.decide(decision=decision, commission=commission, deciders=deciders,
                          meta=meta)
            return touched

        return self.ledger.execute(
            context, "decide_appeal",
            {"appeal_id": appeal_id, "decision": decision.value, "commission_id": commission_id,
             "deciders": [str(d) for d in deciders],
             "revised_score": None if revised_score is None
             else dataclasses.asdict(revised_score), "reserve_exam_id": reserve_exam_id},
            action,
        )

    def _apply_upheld(self, appeal: Appeal, participation: ExamParticipation,
                      revised_score: ExamScore | None, reserve_exam_id: UUID | None,
                      meta: Meta) -> None:
        if appeal.kind is AppealKind.PROCEDURE_VIOLATION:
            if reserve_exam_id is None or revised_score is not None:
                raise DecisionNeedsOutcome("an upheld procedure appeal names the reserve exam "
                                           "of the resit, and no revised score")
            reserve = self.exam(reserve_exam_id)
            participation.annul_with_resit(appeal_id=appeal.id, reserve_exam=reserve, meta=meta)
            return
        if revised_score is None or reserve_exam_id is not None:
            raise DecisionNeedsOutcome("an upheld score appeal gives the rechecked score")
        participation.revise_score(appeal_id=appeal.id, score=revised_score,
                                   exam=self.exam(appeal.exam_id), meta=meta)
