"""Random mark recording and correcting: every mark retrievable, corrections name real marks."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from hypothesis import event
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from domain.errors import DomainError
from domain.gradebook import CORRECTION_REASON, Gradebook
from domain.gradebook_values import MarkKind, MarkValue, Period, PeriodKind, Scale
from domain.sealed import SealedText
from tests.factories import TEACHER, MetaClock, sealed

LEARNER = UUID(int=100)
POOL = [UUID(int=5000 + n) for n in range(1, 16)]

mark_ids = st.sampled_from(POOL)
kinds = st.sampled_from(MarkKind)
valid_values = st.sampled_from([
    *(MarkValue(Scale.FIVE_POINT, v) for v in ("5", "4", "3", "2")),
    MarkValue(Scale.PASS_FAIL, "pass"), MarkValue(Scale.PASS_FAIL, "fail"),
    MarkValue(Scale.NOT_ASSESSED, "н/а"),
])
out_of_scale = st.sampled_from([MarkValue(Scale.FIVE_POINT, "6"), MarkValue(Scale.PASS_FAIL, "5"),
                                MarkValue(Scale.NOT_ASSESSED, "4")])
lesson_dates = st.dates(date(2026, 9, 1), date(2027, 8, 31))  # academic year 2026/2027
outside_dates = st.sampled_from([date(2026, 8, 31), date(2027, 9, 1), date(2025, 12, 1)])
valid_periods = st.sampled_from(PeriodKind).flatmap(
    lambda kind: st.builds(Period, st.just(kind), st.integers(1, kind.periods_in_year)))
invalid_periods = st.sampled_from([Period(PeriodKind.QUARTER, 5), Period(PeriodKind.TRIMESTER, 0),
                                   Period(PeriodKind.HALF_YEAR, 3)])
work_kinds = st.sampled_from([None, "контрольная работа", "устный ответ"])
MARK_DEFECTS = ["value", "no lesson date", "lesson outside year", "no period", "bad period",
                "period not applicable", "blank work kind", "used id"]
CORRECTION_DEFECTS = ["value", "unknown mark", "names a correction", "used id", "plain reason",
                      "same value"]


def fold(events: list[Any]) -> Gradebook | None:
    gradebook: Gradebook | None = None
    for stored in events:
        gradebook = stored.mutate(gradebook)
    return gradebook


class GradebookMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.metas = MetaClock()
        self.gradebook = Gradebook.open(learner_id=LEARNER, subject="Математика",
                                        academic_year="2026/2027",
                                        meta=self.metas(actor=TEACHER, basis=None))
        self.events: list[Any] = list(self.gradebook.collect_events())
        self.values: dict[UUID, MarkValue] = {}  # the model: mark id → current value
        self.corrected: dict[UUID, UUID] = {}  # the model: correction id → corrected mark id

    def run(self, command: Callable[[Gradebook], None]) -> bool:
        """Run a command; a refusal must leave no event and no trace. True if it succeeded."""
        before = copy.deepcopy(self.gradebook)
        try:
            command(self.gradebook)
        except DomainError as refusal:
            event(f"refused: {type(refusal).__name__}")
            assert self.gradebook.collect_events() == []
            assert self.gradebook == before
            return False
        emitted = self.gradebook.collect_events()
        assert len(emitted) == 1
        event(f"emitted: {type(emitted[0]).__name__}")
        self.events.extend(emitted)
        return True

    def fresh_id(self) -> UUID:
        return next((i for i in POOL if i not in self.values and i not in self.corrected),
                    POOL[0])

    def used_id(self, fallback: UUID) -> UUID:
        used = sorted([*self.values, *self.corrected])
        return used[fallback.int % len(used)] if used else fallback

    def is_unused(self, mark_id: UUID) -> bool:
        return mark_id not in self.values and mark_id not in self.corrected

    def record(self, *, mark_id: UUID, kind: MarkKind, value: MarkValue, lesson_on: date | None,
               period: Period | None, work_kind: str | None) -> bool:
        return self.run(lambda g: g.record_mark(mark_id=mark_id, kind=kind, value=value,
                                                lesson_on=lesson_on, work_kind=work_kind,
                                                period=period, meta=self.metas(actor=TEACHER)))

    @rule(fresh=st.booleans(), mark_id=mark_ids, kind=kinds, value=valid_values,
          lesson_on=lesson_dates, period=valid_periods, work_kind=work_kinds)
    def record_mark(self, fresh: bool, mark_id: UUID, kind: MarkKind, value: MarkValue,
                    lesson_on: date, period: Period, work_kind: str | None) -> None:
        """A well-formed mark: refused only for a used id or a second period/annual/final."""
        mark_id = self.fresh_id() if fresh else mark_id
        unused = self.is_unused(mark_id)
        single = kind in (MarkKind.PERIOD, MarkKind.ANNUAL, MarkKind.FINAL)
        period_or_none = period if kind is MarkKind.PERIOD else None
        taken = single and any(m.kind is kind and m.period == period_or_none
                               for m in self.gradebook.marks)
        recorded = self.record(mark_id=mark_id, kind=kind, value=value,
                               lesson_on=lesson_on if kind is MarkKind.CURRENT else None,
                               period=period_or_none, work_kind=work_kind)
        assert recorded == (unused and not taken)
        if recorded:
            self.values[mark_id] = value

    @rule(defect=st.sampled_from(MARK_DEFECTS), mark_id=mark_ids, value=valid_values,
          bad_value=out_of_scale, outside=outside_dates, bad_period=invalid_periods)
    def record_malformed_mark(self, defect: str, mark_id: UUID, value: MarkValue,
                              bad_value: MarkValue, outside: date, bad_period: Period) -> None:
        """A mark with one defect: always refused, whatever the gradebook holds."""
        command: dict[str, Any] = {
            "mark_id": self.fresh_id(), "kind": MarkKind.CURRENT, "value": value,
            "lesson_on": date(2026, 10, 1), "period": None, "work_kind": None}
        command |= {
            "value": {"value": bad_value},
            "no lesson date": {"lesson_on": None},
            "lesson outside year": {"lesson_on": outside},
            "no period": {"kind": MarkKind.PERIOD, "lesson_on": None},
            "bad period": {"kind": MarkKind.PERIOD, "lesson_on": None, "period": bad_period},
            "period not applicable": {"period": Period(PeriodKind.QUARTER, 1)},
            "blank work kind": {"work_kind": " "},
            "used id": {"mark_id": self.used_id(mark_id)},
        }[defect]
        if defect == "used id" and self.is_unused(command["mark_id"]):
            return  # nothing recorded yet to collide with
        assert not self.record(**command)

    @rule(fresh=st.booleans(), mark_id=mark_ids, corrects_mark_id=mark_ids, value=valid_values,
          reason=st.sampled_from([sealed(LEARNER, CORRECTION_REASON, "wrong learner"),
                                  sealed(LEARNER, CORRECTION_REASON, "typo")]))
    def correct_mark(self, fresh: bool, mark_id: UUID, corrects_mark_id: UUID,
                     value: MarkValue, reason: SealedText) -> None:
        """A well-formed correction of a recorded mark (when there is one)."""
        mark_id = self.fresh_id() if fresh else mark_id
        recorded = sorted(self.values)
        if recorded:
            corrects_mark_id = recorded[corrects_mark_id.int % len(recorded)]
        expected = (self.is_unused(mark_id) and corrects_mark_id in self.values
                    and self.values[corrects_mark_id] != value)
        corrected = self.run(lambda g: g.correct_mark(
            mark_id=mark_id, corrects_mark_id=corrects_mark_id, value=value, reason=reason,
            meta=self.metas(actor=TEACHER)))
        assert corrected == expected
        if corrected:
            self.values[corrects_mark_id] = value
            self.corrected[mark_id] = corrects_mark_id

    @rule(defect=st.sampled_from(CORRECTION_DEFECTS), mark_id=mark_ids, value=valid_values,
          bad_value=out_of_scale)
    def correct_malformed(self, defect: str, mark_id: UUID, value: MarkValue,
                          bad_value: MarkValue) -> None:
        """A correction with one defect: always refused."""
        recorded = sorted(self.values)
        target = recorded[mark_id.int % len(recorded)] if recorded else mark_id
        if defect == "names a correction" and self.corrected:
            target = sorted(self.corrected)[mark_id.int % len(self.corrected)]
        elif defect in ("unknown mark", "names a correction"):
            target = UUID(int=9999)
        command: dict[str, Any] = {"mark_id": self.fresh_id(), "corrects_mark_id": target,
                                   "value": value,
                                   "reason": sealed(LEARNER, CORRECTION_REASON)}
        if defect == "value":
            command["value"] = bad_value
        elif defect == "used id":
            command["mark_id"] = self.used_id(mark_id)
        elif defect == "plain reason":  # the aggregate never takes plaintext
            command["reason"] = "typo"
        elif defect == "same value" and target in self.values:
            command["value"] = self.values[target]
        assert not self.run(lambda g: g.correct_mark(**command, meta=self.metas(actor=TEACHER)))

    @invariant()
    def every_recorded_mark_is_retrievable(self) -> None:
        assert {m.mark_id for m in self.gradebook.marks} == set(self.values)
        for mark_id, value in self.values.items():
            assert self.gradebook.mark(mark_id).value == value

    @invariant()
    def corrections_reference_existing_marks(self) -> None:
        assert self.gradebook.corrections == self.corrected
        recorded_so_far: set[UUID] = set()
        for stored in self.events:
            if isinstance(stored, Gradebook.MarkRecorded):
                recorded_so_far.add(stored.mark_id)
            elif isinstance(stored, Gradebook.MarkCorrected):
                assert stored.corrects_mark_id in recorded_so_far
                assert stored.mark_id in self.gradebook.mark(stored.corrects_mark_id).corrections

    @invariant()
    def at_most_one_period_annual_and_final_mark(self) -> None:
        singles = Counter((m.kind, m.period) for m in self.gradebook.marks
                          if m.kind in (MarkKind.PERIOD, MarkKind.ANNUAL, MarkKind.FINAL))
        assert all(count == 1 for count in singles.values())

    @invariant()
    def replay_gives_the_same_gradebook(self) -> None:
        assert fold(self.events) == self.gradebook


TestGradebookMachine = GradebookMachine.TestCase
