"""Commands of the gradebook: one stream per learner × subject × academic year, so teachers of
different subjects never conflict over the same learner."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.envelope import Meta
from domain.gradebook import CORRECTION_REASON, Gradebook
from domain.gradebook_values import MarkKind, MarkValue, Period
from domain.learner import Learner
from domain.sealed import require_text
from letopis.ledger import CommandContext, Ledger
from letopis.privacy.service import PersonalDataService, require_personal_data
from letopis.store.base import CommandOutcome


class MarkService:
    def __init__(self, ledger: Ledger, personal_data: PersonalDataService | None = None) -> None:
        self.ledger = ledger
        self.personal_data = personal_data  # seals correction reasons

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
        """Correct a mark; the reason is sealed under the learner's data key."""
        require_text(reason, "correction reason must not be empty")
        sealer = require_personal_data(self.personal_data, "correction reason")
        sealed, digest = sealer.seal(learner_id, CORRECTION_REASON, reason)

        def action(meta: Meta) -> list[Gradebook]:
            book = self.gradebook(learner_id, subject, academic_year)
            book.correct_mark(mark_id=mark_id, corrects_mark_id=corrects_mark_id, value=value,
                              reason=sealed, meta=meta)
            return [book]

        payload = {"learner_id": learner_id, "subject": subject, "academic_year": academic_year,
                   "mark_id": mark_id, "corrects_mark_id": corrects_mark_id, "value": value,
                   "reason_digest": digest}
        return self.ledger.execute(context, "correct_mark", payload, action)
