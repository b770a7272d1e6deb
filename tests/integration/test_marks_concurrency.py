"""Teachers of different subjects record marks for one learner at the same moment, from several
processes, on PostgreSQL: every mark is recorded, none lost, none duplicated; and two writers on
the same gradebook get a clear conflict that a retry resolves."""

from __future__ import annotations

import multiprocessing as mp
from datetime import UTC, date, datetime
from uuid import UUID, uuid5

import pytest

from domain.envelope import Actor, BasisDocument, Role
from domain.gradebook import Gradebook
from domain.gradebook_values import MarkKind, MarkValue, Scale
from letopis.clock import FixedClock, system_clock
from letopis.ledger import CommandContext, ConcurrencyConflict, Ledger
from letopis.services.learners import LearnerService
from letopis.services.marks import MarkService
from letopis.store import open_store
from tests.pg import fresh_schema

LEARNER = UUID(int=42)
YEAR = "2026/2027"
SUBJECTS = ("Математика", "Русский язык", "История", "Физика")
MARKS_PER_TEACHER = 25
NS = UUID(int=7)


def _teacher(url: str, schema: str, subject: str) -> None:
    store = open_store(url, schema, pool_size=1)
    marks = MarkService(Ledger(store, system_clock))
    teacher = Actor(user_id=f"teacher-{subject}", role=Role.TEACHER)
    for i in range(MARKS_PER_TEACHER):
        context = CommandContext(actor=teacher, command_id=f"{subject}/{i}",
                                 effective_on=date(2026, 9, 7))
        marks.record_mark(context, LEARNER, subject=subject, academic_year=YEAR,
                          mark_id=uuid5(NS, f"{subject}/{i}"), kind=MarkKind.CURRENT,
                          value=MarkValue(Scale.FIVE_POINT, str(2 + i % 4)),
                          lesson_on=date(2026, 9, 7), work_kind="lesson")
    store.close()


def _register_learner(url: str, schema: str) -> None:
    store = open_store(url, schema)
    LearnerService(Ledger(store, FixedClock(datetime(2026, 9, 1, tzinfo=UTC)))).register(
        CommandContext(actor=Actor("clerk", Role.REGISTRAR), command_id="register",
                       effective_on=date(2026, 9, 1),
                       basis=BasisDocument("order", "1", date(2026, 9, 1))),
        LEARNER,
    )
    store.close()


def test_teachers_of_different_subjects_never_conflict() -> None:
    with fresh_schema() as (url, schema):
        _register_learner(url, schema)
        ctx = mp.get_context("spawn")
        procs = [ctx.Process(target=_teacher, args=(url, schema, s)) for s in SUBJECTS]
        for p in procs:
            p.start()
        for p in procs:
            p.join(timeout=120)
            assert p.exitcode == 0  # a conflict would have raised in the child
        store = open_store(url, schema)
        marks = MarkService(Ledger(store, system_clock))
        try:
            for subject in SUBJECTS:
                book = marks.gradebook(LEARNER, subject, YEAR)
                expected = {uuid5(NS, f"{subject}/{i}") for i in range(MARKS_PER_TEACHER)}
                assert {m.mark_id for m in book.marks} == expected
                assert book.version == MARKS_PER_TEACHER + 1  # Opened + one event per mark
            assert store.count_events() == 1 + len(SUBJECTS) * (MARKS_PER_TEACHER + 1)
        finally:
            store.close()


def test_same_gradebook_conflict_is_clear_and_a_retry_succeeds() -> None:
    with fresh_schema() as (url, schema):
        _register_learner(url, schema)
        store = open_store(url, schema)
        ledger = Ledger(store, system_clock)
        marks = MarkService(ledger)
        teacher = Actor(user_id="t", role=Role.TEACHER)

        def ctx(command_id: str) -> CommandContext:
            return CommandContext(actor=teacher, command_id=command_id,
                                  effective_on=date(2026, 9, 7))

        def record(command_id: str, mark: int) -> None:
            marks.record_mark(ctx(command_id), LEARNER, subject="Математика", academic_year=YEAR,
                              mark_id=uuid5(NS, command_id), kind=MarkKind.CURRENT,
                              value=MarkValue(Scale.FIVE_POINT, str(mark)),
                              lesson_on=date(2026, 9, 7))

        record("first", 5)
        stale = marks.gradebook(LEARNER, "Математика", YEAR)
        record("second", 4)  # the stream moves on behind the stale copy's back
        stale.record_mark(mark_id=uuid5(NS, "third"), kind=MarkKind.CURRENT,
                          value=MarkValue(Scale.FIVE_POINT, "3"), lesson_on=date(2026, 9, 7),
                          work_kind=None, period=None, meta=ledger.meta(ctx("third")))
        with pytest.raises(ConcurrencyConflict, match="reload and retry"):
            ledger.execute(ctx("third"), "record_mark", {"n": 3}, lambda meta: [stale])
        assert store.command_outcome("third") is None
        record("third", 3)  # the retry reloads the stream and succeeds
        book = marks.gradebook(LEARNER, "Математика", YEAR)
        assert isinstance(book, Gradebook)
        assert len(book.marks) == 3
        store.close()
