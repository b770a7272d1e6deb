"""Commands of the all-Russian school olympiad: stages, applications, results, appeals, import."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from domain.envelope import Meta
from domain.errors import InvalidInput
from domain.learner import Learner
from domain.olympiad import Olympiad
from domain.olympiad_values import AppealOutcome, ImportedResult, ResultStatus, Stage
from domain.organisation import Organisation
from letopis.ledger import CommandContext, Ledger
from letopis.store.base import CommandOutcome


def _stage_payload(stage: Stage) -> dict[str, Any]:
    return {**dataclasses.asdict(stage), "level": stage.level.value}


class OlympiadService:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def olympiad(self, olympiad_id: UUID) -> Olympiad:
        return self.ledger.load(Olympiad, olympiad_id, "olympiad")

    def _learner(self, learner_id: UUID) -> None:
        self.ledger.load(Learner, learner_id, "learner")

    def _change(self, context: CommandContext, command: str, olympiad_id: UUID,
                payload: dict[str, Any],
                change: Callable[[Olympiad, Meta], None]) -> CommandOutcome:
        """Load the olympiad, apply `change(olympiad, meta)`, save."""
        def action(meta: Meta) -> list[Olympiad]:
            olympiad = self.olympiad(olympiad_id)
            change(olympiad, meta)
            return [olympiad]

        return self.ledger.execute(context, command, {"olympiad_id": olympiad_id, **payload},
                                   action)

    def announce(self, context: CommandContext, academic_year: str,
                 subject: str) -> CommandOutcome:
        """Announce the olympiad in `subject` for the year; its id is derived."""
        def action(meta: Meta) -> list[Olympiad]:
            if self.ledger.exists(Olympiad.stream_id(academic_year, subject)):
                raise InvalidInput(f"the {subject} olympiad of {academic_year} is announced")
            return [Olympiad.announce(academic_year=academic_year, subject=subject, meta=meta)]

        return self.ledger.execute(context, "announce_olympiad",
                                   {"academic_year": academic_year, "subject": subject}, action)

    def plan_stage(self, context: CommandContext, olympiad_id: UUID,
                   stage: Stage) -> CommandOutcome:
        return self._change(context, "plan_olympiad_stage", olympiad_id, _stage_payload(stage),
                            lambda o, meta: o.plan_stage(stage=stage, meta=meta))

    def hold_stage(self, context: CommandContext, olympiad_id: UUID, stage_id: UUID,
                   held_on: date) -> CommandOutcome:
        return self._change(context, "hold_olympiad_stage", olympiad_id,
                            {"stage_id": stage_id, "held_on": held_on},
                            lambda o, meta: o.hold_stage(stage_id=stage_id, held_on=held_on,
                                                         meta=meta))

    def apply(self, context: CommandContext, olympiad_id: UUID, learner_id: UUID,
              organisation_id: UUID, grade: int) -> CommandOutcome:
        def change(olympiad: Olympiad, meta: Meta) -> None:
            self._learner(learner_id)
            self.ledger.load(Organisation, organisation_id, "organisation")
            olympiad.apply(learner_id=learner_id, organisation_id=organisation_id, grade=grade,
                           meta=meta)

        return self._change(context, "apply_to_olympiad", olympiad_id,
                            {"learner_id": learner_id, "organisation_id": organisation_id,
                             "grade": grade}, change)

    def record_result(self, context: CommandContext, olympiad_id: UUID, stage_id: UUID,
                      learner_id: UUID, score: str, status: ResultStatus) -> CommandOutcome:
        return self._change(
            context, "record_olympiad_result", olympiad_id,
            {"stage_id": stage_id, "learner_id": learner_id, "score": score,
             "status": status.value},
            lambda o, meta: o.record_result(stage_id=stage_id, learner_id=learner_id,
                                            score=score, status=status, meta=meta))

    def request_results(self, context: CommandContext, olympiad_id: UUID, stage_id: UUID,
                        learner_id: UUID) -> CommandOutcome:
        return self._change(
            context, "request_olympiad_results", olympiad_id,
            {"stage_id": stage_id, "learner_id": learner_id},
            lambda o, meta: o.request_results(stage_id=stage_id, learner_id=learner_id,
                                              meta=meta))

    def file_appeal(self, context: CommandContext, olympiad_id: UUID, appeal_id: UUID,
                    stage_id: UUID, learner_id: UUID, reason: str) -> CommandOutcome:
        return self._change(
            context, "file_olympiad_appeal", olympiad_id,
            {"appeal_id": appeal_id, "stage_id": stage_id, "learner_id": learner_id,
             "reason": reason},
            lambda o, meta: o.file_appeal(appeal_id=appeal_id, stage_id=stage_id,
                                          learner_id=learner_id, reason=reason, meta=meta))

    def decide_appeal(self, context: CommandContext, olympiad_id: UUID, appeal_id: UUID,
                      outcome: AppealOutcome, score: str,
                      status: ResultStatus) -> CommandOutcome:
        return self._change(
            context, "decide_olympiad_appeal", olympiad_id,
            {"appeal_id": appeal_id, "outcome": outcome.value, "score": score,
             "status": status.value},
            lambda o, meta: o.decide_appeal(appeal_id=appeal_id, outcome=outcome, score=score,
                                            status=status, meta=meta))

    def import_results(self, context: CommandContext, academic_year: str, subject: str,
                       stage: Stage, held_on: date, results: tuple[ImportedResult, ...],
                       source: str) -> CommandOutcome:
        """Record a past year's stage and results; the olympiad is announced if it was not
        (on the same basis document), in the same atomic command."""
        def action(meta: Meta) -> list[Olympiad]:
            for row in results:
                self._learner(row.learner_id)
            olympiad_id = Olympiad.stream_id(academic_year, subject)
            olympiad = (self.olympiad(olympiad_id) if self.ledger.exists(olympiad_id) else
                        Olympiad.announce(academic_year=academic_year, subject=subject,
                                          meta=meta))
            olympiad.import_results(stage=stage, held_on=held_on, results=results,
                                    source=source, meta=meta)
            return [olympiad]

        return self.ledger.execute(
            context, "import_olympiad_results",
            {"academic_year": academic_year, "subject": subject, **_stage_payload(stage),
             "held_on": held_on, "source": source,
             "results": [{**dataclasses.asdict(r), "status": r.status.value}
                         for r in results]}, action,
        )
