"""Random command sequences against a learner: invariants hold, refusals write nothing."""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from hypothesis import event
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from domain.errors import DomainError
from domain.learner import CANCELLATION_REASON, Learner
from domain.learner_values import EducationDocument, EducationLevel, LeavingReason
from domain.sealed import SealedText
from tests.factories import ORDER, MetaClock, sealed
from tests.learner_builders import ATTESTAT, LEARNER

START = date(2026, 9, 1)
ORGANISATIONS = [UUID(int=1), UUID(int=2), UUID(int=3)]

# Small pools make collisions likely: reused ids, unknown ids, taken general places. The other
# strategies lean towards valid commands, so that long histories build up, yet keep invalid ones;
# Hypothesis favours the ends of a sampled list, so invalid choices sit in the middle.
POOL = [UUID(int=1000 + n) for n in range(1, 13)]
enrolment_ids = st.sampled_from(POOL)
targets = st.sampled_from(["active", "active", "any", "active"])  # which enrolment a move names
new_ids = st.sampled_from(["fresh", "fresh", "any", "fresh"])
levels = st.sampled_from(EducationLevel)
classes = st.sampled_from(["5А", "5Б", "6А", "", "6Б", "кружок", "шахматы"])
years = st.sampled_from(["2026/2027", "2027/2028", "2026/2028", "2028/2029", "2026/2027"])
year_changes = st.sampled_from(["same", "next", "previous", "malformed", "same"])
day_offsets = st.integers(-2, 30)  # mostly forward in time, sometimes back (backdated)
with_basis = st.sampled_from([True, True, True, False, True, True])
document_choices = st.sampled_from(["fitting", "none", "attestat", "bad", "fitting"])


def fold(events: Sequence[Any]) -> Learner | None:
    learner: Learner | None = None
    for stored in events:
        learner = stored.mutate(learner)
    return learner


def contingent_from_events(events: Sequence[Any]) -> tuple[set[UUID], set[UUID], list[date]]:
    """Active general ids, active additional ids and move dates, read straight off the events."""
    cancelled = {e.cancelled_version for e in events if isinstance(e, Learner.EntryCancelled)}
    general: set[UUID] = set()
    additional: set[UUID] = set()
    move_dates: list[date] = []
    for e in events:
        if e.originator_version in cancelled:
            continue
        if isinstance(e, Learner.Enrolled):
            (general if e.level.is_general else additional).add(e.enrolment_id)
        elif isinstance(e, Learner.ExpelledByTransfer | Learner.Left):
            general.discard(e.enrolment_id)
            additional.discard(e.enrolment_id)
        elif not isinstance(e, Learner.TransferredWithin):
            continue
        move_dates.append(e.meta.effective_on)
    return general, additional, move_dates


class LearnerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.metas = MetaClock()
        self.learner = Learner.register(learner_id=LEARNER, meta=self.metas())
        self.events: list[Any] = list(self.learner.collect_events())

    def in_order(self, offset: int) -> bool:
        """Whether a move `offset` days after the last one keeps dates from going back."""
        return self.learner.last_move_on is None or offset >= 0

    def meta(self, offset: int, basis: bool) -> Any:
        base = self.learner.last_move_on or START
        return self.metas(effective_on=base + timedelta(days=offset),
                          basis=ORDER if basis else None)

    def run(self, command: Callable[[Learner], None]) -> bool:
        """Run a command; a refusal must leave no event and no trace. True if it succeeded."""
        before = copy.deepcopy(self.learner)
        try:
            command(self.learner)
        except DomainError as refusal:
            event(f"refused: {type(refusal).__name__}")  # shown by --hypothesis-show-statistics
            assert self.learner.collect_events() == []
            assert self.learner == before
            return False
        emitted = self.learner.collect_events()
        assert emitted, "a successful command emits at least one event"
        event(f"emitted: {' + '.join(type(e).__name__ for e in emitted)}")
        self.events.extend(emitted)
        return True

    def used_ids(self) -> set[UUID]:
        return {e.enrolment_id for e in self.events if isinstance(e, Learner.Enrolled)}

    def is_active(self, enrolment_id: UUID) -> bool:
        general, additional, _ = contingent_from_events(self.events)
        return enrolment_id in general | additional

    def fresh_id(self) -> UUID:
        """An id no enrolment has used yet, while the pool lasts."""
        used = self.used_ids()
        return next((i for i in POOL if i not in used), POOL[0])

    def pick(self, which: str, enrolment_id: UUID) -> UUID:
        """An active enrolment for `which == "active"` (if any), else the drawn id."""
        general, additional, _ = contingent_from_events(self.events)
        active = sorted(general | additional)
        if which == "active" and active:
            return active[enrolment_id.int % len(active)]
        return enrolment_id

    def changed_year(self, enrolment_id: UUID, change: str) -> str:
        placement = self.learner.active_general
        if placement is None or placement.enrolment_id != enrolment_id:
            placement = self.learner.active_additional.get(enrolment_id)
        start = int(placement.academic_year[:4]) if placement else 2026
        shift = {"same": 0, "next": 1, "previous": -1, "malformed": 2}[change]
        return f"{start + shift}/{start + 1 + (2 if change == 'malformed' else shift)}"

    @rule(enrolment_id=enrolment_ids, organisation=st.sampled_from(ORGANISATIONS), level=levels,
          class_or_group=classes, academic_year=years, offset=day_offsets, basis=with_basis)
    def enrol(self, enrolment_id: UUID, organisation: UUID, level: EducationLevel,
              class_or_group: str, academic_year: str, offset: int, basis: bool) -> None:
        general_before = self.learner.active_general
        fresh, in_order = enrolment_id not in self.used_ids(), self.in_order(offset)
        if self.run(lambda learner: learner.enrol(
                enrolment_id=enrolment_id, organisation_id=organisation, level=level,
                class_or_group=class_or_group, academic_year=academic_year,
                meta=self.meta(offset, basis))):
            assert (fresh, basis, in_order) == (True, True, True)
            assert class_or_group
            assert not (level.is_general and general_before is not None)

    @rule(organisation=st.sampled_from(ORGANISATIONS), level=levels,
          class_or_group=st.sampled_from(["1А", "10Б", "кружок"]), offset=st.integers(0, 30))
    def enrol_with_a_fresh_id(self, organisation: UUID, level: EducationLevel,
                              class_or_group: str, offset: int) -> None:
        """A mostly valid enrolment, so that the learner is often enrolled in something."""
        self.enrol(enrolment_id=self.fresh_id(), organisation=organisation,
                   level=level, class_or_group=class_or_group, academic_year="2026/2027",
                   offset=offset, basis=True)

    @rule(which=targets, enrolment_id=enrolment_ids, class_or_group=classes,
          year_change=year_changes, promotion=st.booleans(), offset=day_offsets, basis=with_basis)
    def transfer_within(self, which: str, enrolment_id: UUID, class_or_group: str,
                        year_change: str, promotion: bool, offset: int, basis: bool) -> None:
        enrolment_id = self.pick(which, enrolment_id)
        academic_year = self.changed_year(enrolment_id, year_change)
        active, in_order = self.is_active(enrolment_id), self.in_order(offset)
        if self.run(lambda learner: learner.transfer_within(
                enrolment_id=enrolment_id, class_or_group=class_or_group,
                academic_year=academic_year, promotion=promotion,
                meta=self.meta(offset, basis))):
            assert (active, basis, in_order) == (True, True, True)

    @rule(which=targets, enrolment_id=enrolment_ids,
          destination=st.sampled_from([*ORGANISATIONS, None]), offset=day_offsets,
          basis=with_basis)
    def expel_by_transfer(self, which: str, enrolment_id: UUID, destination: UUID | None,
                          offset: int, basis: bool) -> None:
        enrolment_id = self.pick(which, enrolment_id)
        active, in_order = self.is_active(enrolment_id), self.in_order(offset)
        if self.run(lambda learner: learner.expel_by_transfer(
                enrolment_id=enrolment_id, destination_organisation_id=destination,
                meta=self.meta(offset, basis))):
            assert (active, basis, in_order) == (True, True, True)

    @rule(which=targets, enrolment_id=enrolment_ids,
          destination=st.sampled_from(ORGANISATIONS), new_which=new_ids,
          new_enrolment_id=enrolment_ids, level=levels, class_or_group=classes,
          academic_year=years, expel_offset=day_offsets, gap=st.integers(-1, 5),
          basis=with_basis)
    def transfer_between(self, which: str, enrolment_id: UUID, destination: UUID,
                         new_which: str, new_enrolment_id: UUID, level: EducationLevel,
                         class_or_group: str, academic_year: str, expel_offset: int, gap: int,
                         basis: bool) -> None:
        enrolment_id = self.pick(which, enrolment_id)
        if new_which == "fresh":
            new_enrolment_id = self.fresh_id()
        active, in_order = self.is_active(enrolment_id), self.in_order(expel_offset)
        expel_meta = self.meta(expel_offset, basis)
        enrol_meta = self.metas(effective_on=expel_meta.effective_on + timedelta(days=gap))
        if self.run(lambda learner: learner.transfer_between(
                enrolment_id=enrolment_id, destination_organisation_id=destination,
                new_enrolment_id=new_enrolment_id, level=level, class_or_group=class_or_group,
                academic_year=academic_year, expel_meta=expel_meta, enrol_meta=enrol_meta)):
            assert (active, basis, in_order, gap >= 0) == (True, True, True, True)
            assert [type(e) for e in self.events[-2:]] == [Learner.ExpelledByTransfer,
                                                           Learner.Enrolled]

    @rule(which=targets, enrolment_id=enrolment_ids, reason=st.sampled_from(LeavingReason),
          document_choice=document_choices, offset=day_offsets, basis=with_basis)
    def leave(self, which: str, enrolment_id: UUID, reason: LeavingReason,
              document_choice: str, offset: int, basis: bool) -> None:
        enrolment_id = self.pick(which, enrolment_id)
        completion = reason is LeavingReason.COMPLETION
        document: EducationDocument | None = {
            "fitting": ATTESTAT if completion else None, "none": None, "attestat": ATTESTAT,
            "bad": replace(ATTESTAT, number=""),
        }[document_choice]
        active, in_order = self.is_active(enrolment_id), self.in_order(offset)
        if self.run(lambda learner: learner.leave(
                enrolment_id=enrolment_id, reason=reason, document=document,
                meta=self.meta(offset, basis))):
            assert (active, basis, in_order) == (True, True, True)
            assert (document == ATTESTAT) == completion

    @rule(back=st.sampled_from([0, 1, -1, 2, 0]),
          reason=st.sampled_from([sealed(LEARNER, CANCELLATION_REASON), "entered in error",
                                  sealed(UUID(int=999), CANCELLATION_REASON)]))
    def cancel(self, back: int, reason: SealedText | str) -> None:
        version = self.learner.version - back
        entries = self.learner.entries
        latest_move = bool(entries) and entries[-1].version == version and entries[-1].kind.is_move
        if self.run(lambda learner: learner.cancel(cancelled_version=version, reason=reason,
                                                   meta=self.metas(basis=None))):
            assert latest_move
            assert reason == sealed(LEARNER, CANCELLATION_REASON)  # never plain, never another's

    @invariant()
    def at_most_one_active_general_enrolment(self) -> None:
        general, additional, _ = contingent_from_events(self.events)
        assert len(general) <= 1
        active = self.learner.active_general
        assert general == ({active.enrolment_id} if active else set())
        assert additional == set(self.learner.active_additional)

    @invariant()
    def move_dates_never_go_back(self) -> None:
        _, _, move_dates = contingent_from_events(self.events)
        assert move_dates == sorted(move_dates)
        assert self.learner.last_move_on == (move_dates[-1] if move_dates else None)

    @invariant()
    def replay_gives_the_same_learner(self) -> None:
        assert fold(self.events) == self.learner


TestLearnerMachine = LearnerMachine.TestCase
