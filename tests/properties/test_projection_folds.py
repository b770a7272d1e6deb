"""Random histories of learners and gradebooks folded into the read models.

Folding all events at once equals folding them in two chunks, the second starting from the
first chunk's tables after a JSON round trip (a restart from stored rows); the read models agree
with the aggregates; the averages equal sums and counts recomputed from the marks.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from domain.academic_year import academic_year_start, next_academic_year
from domain.errors import DomainError
from domain.gradebook import Gradebook
from domain.gradebook_values import MarkKind, MarkValue, Period, PeriodKind, Scale
from domain.learner import Learner
from domain.learner_values import EducationLevel, LeavingReason
from projections.base import Projection
from projections.digital_profile import (
    DIGITAL_PROFILE,
    class_average_key,
    mark_key,
    school_average_key,
)
from projections.learner_history import LEARNER_HISTORY
from projections.memory import Tables, fold_events
from tests.factories import TEACHER, MetaClock, sealed
from tests.learner_builders import ATTESTAT
from tests.projection_checks import strict_apply, strict_fold

LEARNERS = [UUID(int=101), UUID(int=102), UUID(int=103)]
ORGANISATIONS = [UUID(int=1), UUID(int=2), UUID(int=3)]
SUBJECTS = ["Математика", "Физика"]
YEARS = ["2026/2027", "2027/2028"]
CLASSES = ["5А", "5Б", "6А"]
MARK_IDS = [UUID(int=5000 + n) for n in range(1, 9)]  # shared by all gradebooks on purpose
START = date(2026, 9, 1)

learner_ix = st.integers(0, len(LEARNERS) - 1)
organisation_ix = st.integers(0, len(ORGANISATIONS) - 1)
offsets = st.integers(0, 20)
values = st.sampled_from([
    *(MarkValue(Scale.FIVE_POINT, v) for v in ("5", "4", "3", "2")),
    MarkValue(Scale.PASS_FAIL, "pass"), MarkValue(Scale.NOT_ASSESSED, "н/а")])
kinds = st.sampled_from([MarkKind.PERIOD, MarkKind.CURRENT, MarkKind.PERIOD, MarkKind.ANNUAL,
                         MarkKind.EXAM, MarkKind.FINAL, MarkKind.PERIOD])
periods = st.sampled_from([Period(PeriodKind.QUARTER, 1), Period(PeriodKind.QUARTER, 2),
                           Period(PeriodKind.HALF_YEAR, 1)])

marks = st.tuples(st.just("mark"), learner_ix, st.sampled_from(SUBJECTS),
                  st.sampled_from([YEARS[0], YEARS[1], YEARS[0]]), kinds, values, periods,
                  st.sampled_from(MARK_IDS), st.integers(0, 300))
corrections = st.tuples(st.just("correct"), st.integers(0, 50), st.integers(0, 50), values,
                        st.sampled_from(MARK_IDS))
contingent = st.one_of(
    st.tuples(st.just("enrol"), learner_ix, organisation_ix,
              st.sampled_from([EducationLevel.BASIC_GENERAL, EducationLevel.ADDITIONAL]),
              st.sampled_from(CLASSES), st.sampled_from(YEARS), offsets),
    st.tuples(st.just("transfer"), learner_ix, st.sampled_from(CLASSES), st.booleans(), offsets),
    st.tuples(st.just("move"), learner_ix, organisation_ix, st.sampled_from(CLASSES), offsets),
    st.tuples(st.just("expel"), learner_ix, st.none() | organisation_ix, offsets),
    st.tuples(st.just("leave"), learner_ix, st.sampled_from(LeavingReason), offsets),
    st.tuples(st.just("cancel"), learner_ix),
)
# Mostly marks and corrections: 3 in 10 contingent moves, 4 marks, 3 corrections.
commands = st.integers(0, 9).flatmap(
    lambda n: contingent if n < 3 else marks if n < 7 else corrections)


class History:
    """Runs commands against real aggregates; refused ones leave nothing behind."""

    def __init__(self) -> None:
        self.metas = MetaClock()
        self.learners = [Learner.register(learner_id=i, meta=self.metas()) for i in LEARNERS]
        self.books: dict[tuple[int, str, str], Gradebook] = {}
        self.events: list[Any] = []
        self.fresh = (UUID(int=1000 + n) for n in range(1, 10_000))
        for learner in self.learners:
            self.events.extend(learner.collect_events())

    def meta(self, learner: Learner, offset: int) -> Any:
        return self.metas(effective_on=(learner.last_move_on or START) + timedelta(offset))

    def active(self, learner: Learner) -> Any:
        placement = learner.active_general
        if placement is None and learner.active_additional:
            placement = next(iter(learner.active_additional.values()))
        return placement

    def run(self, command: tuple[Any, ...]) -> None:
        name, ix, *args = command
        aggregate: Learner | Gradebook | None = None
        try:
            if name == "mark":
                aggregate = self.mark(ix, *args)
            elif name == "correct":
                aggregate = self.correct(ix, *args)
            else:
                aggregate = self.learners[ix]
                self.contingent(name, aggregate, *args)
        except DomainError:
            return  # a refusal emits nothing (the aggregates' own tests check that)
        if aggregate is not None:
            self.events.extend(aggregate.collect_events())

    def contingent(self, name: str, learner: Learner, *args: Any) -> None:
        placement = self.active(learner)
        enrolment_id = placement.enrolment_id if placement else UUID(int=999)
        if name == "enrol":
            organisation, level, class_or_group, year, offset = args
            learner.enrol(enrolment_id=next(self.fresh),
                          organisation_id=ORGANISATIONS[organisation], level=level,
                          class_or_group=class_or_group, academic_year=year,
                          meta=self.meta(learner, offset))
        elif name == "transfer":
            class_or_group, promotion, offset = args
            year = placement.academic_year if placement else YEARS[0]
            learner.transfer_within(
                enrolment_id=enrolment_id, class_or_group=class_or_group,
                academic_year=next_academic_year(year) if promotion else year,
                promotion=promotion, meta=self.meta(learner, offset))
        elif name == "move":
            organisation, class_or_group, offset = args
            expel_meta = self.meta(learner, offset)
            learner.transfer_between(
                enrolment_id=enrolment_id, destination_organisation_id=ORGANISATIONS[organisation],
                new_enrolment_id=next(self.fresh), level=EducationLevel.BASIC_GENERAL,
                class_or_group=class_or_group,
                academic_year=placement.academic_year if placement else YEARS[0],
                expel_meta=expel_meta, enrol_meta=self.metas(effective_on=expel_meta.effective_on))
        elif name == "expel":
            destination, offset = args
            learner.expel_by_transfer(
                enrolment_id=enrolment_id,
                destination_organisation_id=None if destination is None
                else ORGANISATIONS[destination], meta=self.meta(learner, offset))
        elif name == "leave":
            reason, offset = args
            learner.leave(enrolment_id=enrolment_id, reason=reason,
                          document=ATTESTAT if reason is LeavingReason.COMPLETION else None,
                          meta=self.meta(learner, offset))
        elif learner.entries:  # cancel the latest entry
            learner.cancel(cancelled_version=learner.entries[-1].version,
                           reason=sealed(learner.id, "Learner.EntryCancelled.reason"),
                           meta=self.metas(basis=None))

    def mark(self, ix: int, subject: str, year: str, kind: MarkKind, value: MarkValue,
             period: Period, mark_id: UUID, day: int) -> Gradebook:
        book = self.books.get((ix, subject, year))
        if book is None:
            book = self.books[(ix, subject, year)] = Gradebook.open(
                learner_id=LEARNERS[ix], subject=subject, academic_year=year,
                meta=self.metas(actor=TEACHER, basis=None))
            self.events.extend(book.collect_events())
        book.record_mark(
            mark_id=mark_id, kind=kind, value=value, work_kind=None,
            meta=self.metas(actor=TEACHER, basis=None),
            lesson_on=(date(academic_year_start(year), 9, 1) + timedelta(day)
                       if kind is MarkKind.CURRENT else None),
            period=period if kind is MarkKind.PERIOD else None)
        return book

    def correct(self, pick_book: int, pick_mark: int, value: MarkValue,
                mark_id: UUID) -> Gradebook | None:
        """Correct a mark of some gradebook that has marks (nothing while none has)."""
        books = [book for book in self.books.values() if book.marks]
        if not books:
            return None
        book = books[pick_book % len(books)]
        corrected = book.marks[pick_mark % len(book.marks)]
        book.correct_mark(mark_id=mark_id, corrects_mark_id=corrected.mark_id, value=value,
                          reason=sealed(book.learner_id, "Gradebook.MarkCorrected.reason"),
                          meta=self.metas(actor=TEACHER, basis=None))
        return book


# Every learner starts enrolled somewhere, so that marks have classes to be averaged in.
first_enrolments = st.tuples(*(
    st.tuples(st.just("enrol"), st.just(ix), organisation_ix,
              st.just(EducationLevel.BASIC_GENERAL), st.sampled_from(CLASSES),
              st.just(YEARS[0]), st.just(0))
    for ix in range(len(LEARNERS))))


@st.composite
def histories(draw: st.DrawFn) -> History:
    history = History()
    for command in (*draw(first_enrolments), *draw(st.lists(commands, min_size=20,
                                                               max_size=80))):
        history.run(command)
    return history


def _restarted(projection: Projection, events: list[Any], split: int) -> Tables:
    stored = json.loads(json.dumps(fold_events(projection, events[:split])))
    for event in events[split:]:
        strict_apply(projection, stored, event)
    return stored


@given(history=histories(), data=st.data())
def test_folding_in_two_chunks_from_stored_rows_equals_folding_at_once(
        history: History, data: st.DataObject) -> None:
    events = history.events
    split = data.draw(st.integers(0, len(events)), label="split")
    for projection in (LEARNER_HISTORY, DIGITAL_PROFILE):
        whole = strict_fold(projection, events)
        assert json.loads(json.dumps(whole)) == whole
        assert _restarted(projection, events, split) == whole


@given(history=histories())
def test_read_models_agree_with_the_aggregates(history: History) -> None:
    learners = strict_fold(LEARNER_HISTORY, history.events)["learners"]
    profile = strict_fold(DIGITAL_PROFILE, history.events)
    for learner in history.learners:
        row, card = learners[str(learner.id)], profile["profiles"][str(learner.id)]
        general = learner.active_general
        expected = None if general is None else (
            str(general.enrolment_id), str(general.organisation_id), general.class_or_group,
            general.academic_year, general.placed_on.isoformat())
        for placement, placed_on in ((row["current"]["general"], "placed_on"),
                                     (card["placement"], "since"),
                                     (profile["placements"][str(learner.id)]["general"],
                                      "since")):
            assert expected == (None if placement is None else (
                placement["enrolment_id"], placement["organisation_id"],
                placement["class_or_group"], placement["academic_year"], placement[placed_on]))
        additional = {str(i) for i in learner.active_additional}
        assert {p["enrolment_id"] for p in row["current"]["additional"]} == additional
        assert {p["enrolment_id"] for p in card["additional"]} == additional
        assert row["status"] == card["status"]
        standing = [e for e in row["entries"] if e["cancelled"] is None]
        assert [e["version"] for e in standing] == [e.version for e in learner.entries]
    for book in history.books.values():
        marks = profile["subject_marks"][str(book.id)]
        recorded = [*marks["current"], *marks["periods"].values(), *marks["exam"],
                    *(m for m in (marks["annual"], marks["final"]) if m is not None)]
        assert {m["mark_id"]: (m["scale"], m["value"]) for m in recorded} == {
            str(m.mark_id): (m.value.scale.value, m.value.value) for m in book.marks}
        five = [int(m["value"]) for m in marks["current"] if m["scale"] == "five_point"]
        assert (marks["current_sum"], marks["current_count"]) == (sum(five), len(five))


def _placed_for(learner: Learner | None, year: str) -> tuple[str, str] | None:
    """Where a mark of `year` is averaged, from the learner as the stream stands at the mark."""
    if learner is None:
        return None
    general = learner.active_general
    if general is not None and general.academic_year == year:
        return str(general.organisation_id), general.class_or_group
    for entry in reversed(learner.entries):
        placement = entry.placement
        if placement and placement.level.is_general and placement.academic_year == year:
            return str(placement.organisation_id), placement.class_or_group
    return None


@given(history=histories())
def test_averages_equal_sums_and_counts_recomputed_from_the_marks(history: History) -> None:
    tables = strict_fold(DIGITAL_PROFILE, history.events)
    # Where each mark was counted: replay the learners up to each mark, as the fold saw them.
    replayed: dict[UUID, Learner | None] = {}
    books: dict[str, tuple[UUID, str, str]] = {}
    counted_in: dict[str, tuple[str, str]] = {}
    for event in history.events:
        if isinstance(event, Learner.Event):
            replayed[event.originator_id] = event.mutate(replayed.get(event.originator_id))
        elif isinstance(event, getattr(Gradebook, "Opened")):  # noqa: B009
            books[str(event.originator_id)] = (event.learner_id, event.subject,
                                               event.academic_year)
        elif isinstance(event, getattr(Gradebook, "MarkRecorded")):  # noqa: B009
            if event.kind is MarkKind.CURRENT:
                continue
            learner_id, subject, year = books[str(event.originator_id)]
            where = _placed_for(replayed.get(learner_id), year)
            period = (f"{event.period.kind.value}-{event.period.number}"
                      if event.kind is MarkKind.PERIOD else event.kind.value)
            if where is not None:
                counted_in[mark_key(str(event.originator_id), str(event.mark_id))] = (
                    class_average_key(where[0], where[1], year, subject, period),
                    school_average_key(where[0], year, subject, period))
    # The marks' values now, from the profiles' subject marks.
    expected: dict[str, dict[str, dict[str, int | None]]] = {
        "class_averages": defaultdict(dict), "school_averages": defaultdict(dict)}
    for row in tables["subject_marks"].values():
        for mark in [*row["periods"].values(), *row["exam"],
                     *(m for m in (row["annual"], row["final"]) if m is not None)]:
            member = mark_key(row["gradebook_id"], mark["mark_id"])
            if member in counted_in:
                points = int(mark["value"]) if mark["scale"] == "five_point" else None
                class_key, school_key = counted_in[member]
                expected["class_averages"][class_key][member] = points
                expected["school_averages"][school_key][member] = points
    for table in ("class_averages", "school_averages"):
        assert {key: row["marks"] for key, row in tables[table].items()} == expected[table]
        for row in tables[table].values():
            counted = [p for p in row["marks"].values() if p is not None]
            assert (row["sum"], row["count"]) == (sum(counted), len(counted))
