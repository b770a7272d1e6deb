"""Commands of the gradebook: one stream per learner × subject × academic year, so teachers of
different subjects never conflict over the same learner."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.envelope import Meta
from domain.gradebook import Gradebook
from domain.gradebook_values import MarkKind, MarkValue, Period
from domain.learner import Learner
from letopis.ledger import CommandContext, Ledger
from letopis.store.base import CommandOutcome


class MarkService:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def gradebook(self, learner_id: UUID, subject: str, academic_year: str) -> Gradebook:
        stream = Gradebook.stream_id(learner_id, subject, academic_year)
        return self.ledger.load(Gradebook, stream, "gradebook")

    def _open_or_load(self, meta: Meta, learner_id: UUID, subject: str,
                      academic_year: str) -> Gradebook:
        stream = Gradebook.stream_id(learner_id, subject, academic_year)
        if self.ledger.exists(stream):
            return self.ledger.load(Gradebook, stream, "gradebook")
        # Load, not just `exists`: the id must name a learner, not any other stream.
        self.ledger.load(Learner, learner_id, "learner")
        return Gradebook.open(learner_id=learner_id, subject=subject,
                              academic_year=academic_year, meta=meta)

    def record_mark(self, context: CommandContext, learner_id: UUID, *, subject: str,
                    academic_year: str, mark_id: UUID, kind: MarkKind, value: MarkValue,
                    lesson_on: date | None = None, work_kind: str | None = None,
                    period: Period | None = None) -> CommandOutcome:
        def action(meta: Meta) -> list[Gradebook]:
            book = self._open_or_load(meta, learner_id, subject, academic_year)
            book.record_mark(mark_id=mark_id, kind=kind, value=value, lesson_on=lesson_on,
                             work_kind=work_kind, period=period, meta=meta)
            return [book]

        payload = {"learner_id": learner_id, "subject": subject, "academic_year": academic_year,
                   "mark_id": mark_id, "kind": kind.value, "value": value,
                   "lesson_on": lesson_on, "work_kind": work_kind, "period": period}
        return self.ledger.execute(context, "record_mark", payload, action)

    def correct_mark(self, context: CommandContext, learner_id: UUID, *, subject: str,
                     academic_year: str, mark_id: UUID, corrects_mark_id: UUID,
                     value: MarkValue, reason: str) -> CommandOutcome:
        def action(meta: Meta) -> list[Gradebook]:
            book = self.gradebook(learner_id, subject, academic_year)
            book.correct_mark(mark_id=mark_id, corrects_mark_id=corrects_mark_id, value=value,
                              reason=reason, meta=meta)
            return [book]

        payload = {"learner_id": learner_id, "subject": subject, "academic_year": academic_year,
                   "mark_id": mark_id, "corrects_mark_id": corrects_mark_id, "value": value,
                   "reason": reason}
        return self.ledger.execute(context, "correct_mark", payload, action)
