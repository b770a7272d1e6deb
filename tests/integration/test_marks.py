"""Gradebook commands through the ledger, on SQLite and PostgreSQL.

Every refusal is checked twice: it raises its own domain error, and the store is untouched
(no event, no command outcome, no half-opened gradebook).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid5

import pytest

from domain.envelope import Actor, Meta, Role
from domain.errors import InvalidInput, NotFound
from domain.gradebook import Gradebook
from domain.gradebook_values import MarkKind, MarkNotFound, MarkOutOfScale, MarkValue, Scale
from domain.sealed import SealedText
from letopis.ledger import CommandContext, CommandIdReused, ConcurrencyConflict, Ledger
from letopis.privacy import PersonalDataService
from letopis.services.learners import LearnerService
from letopis.services.marks import MarkService
from letopis.store.base import CommandOutcome
from tests.assertions import refused

LEARNER = UUID(int=100)
UNKNOWN = UUID(int=999)
NS = UUID(int=7)
YEAR = "2026/2027"
MATHS, HISTORY = "Математика", "История"
LESSON = date(2026, 9, 7)
TEACHER = Actor(user_id="teacher-1", role=Role.TEACHER)
REGISTRAR = Actor(user_id="clerk-1", role=Role.REGISTRAR)


def ctx(command_id: str, actor: Actor = TEACHER) -> CommandContext:
    return CommandContext(actor=actor, command_id=command_id, effective_on=LESSON)


def mark_id(name: str) -> UUID:
    return uuid5(NS, name)


def five(value: str) -> MarkValue:
    return MarkValue(Scale.FIVE_POINT, value)


@pytest.fixture
def marks(ledger: Ledger, personal_data: PersonalDataService) -> MarkService:
    LearnerService(ledger).register(ctx("register", REGISTRAR), LEARNER)
    return MarkService(ledger, personal_data)


def record(marks: MarkService, command_id: str, value: MarkValue, *, subject: str = MATHS,
           learner_id: UUID = LEARNER, name: str | None = None) -> CommandOutcome:
    return marks.record_mark(ctx(command_id), learner_id, subject=subject, academic_year=YEAR,
                             mark_id=mark_id(name or command_id), kind=MarkKind.CURRENT,
                             value=value, lesson_on=LESSON, work_kind="ответ у доски")


def correct(marks: MarkService, command_id: str, corrects: str, value: MarkValue, *,
            subject: str = MATHS) -> CommandOutcome:
    return marks.correct_mark(ctx(command_id), LEARNER, subject=subject, academic_year=YEAR,
                              mark_id=mark_id(command_id), corrects_mark_id=mark_id(corrects),
                              value=value, reason="ошибка при вводе")


def stream(subject: str, learner_id: UUID = LEARNER) -> UUID:
    return Gradebook.stream_id(learner_id, subject, YEAR)


# -- happy paths --------------------------------------------------------------------------------


def test_marks_in_two_subjects_go_to_two_gradebooks(ledger: Ledger, marks: MarkService) -> None:
    first = record(marks, "m1", five("5"))
    assert first.streams == {str(stream(MATHS)): 2}  # Opened + MarkRecorded
    assert len(first.positions) == 2
    second = record(marks, "h1", five("3"), subject=HISTORY)
    assert second.streams == {str(stream(HISTORY)): 2}
    third = record(marks, "m2", five("4"))
    assert third.streams == {str(stream(MATHS)): 3}
    assert len(third.positions) == 1

    maths = marks.gradebook(LEARNER, MATHS, YEAR)
    assert (maths.learner_id, maths.subject, maths.academic_year) == (LEARNER, MATHS, YEAR)
    assert [(m.mark_id, m.value) for m in maths.marks] == [(mark_id("m1"), five("5")),
                                                           (mark_id("m2"), five("4"))]
    history = marks.gradebook(LEARNER, HISTORY, YEAR)
    assert [(m.mark_id, m.value, m.lesson_on) for m in history.marks] == [
        (mark_id("h1"), five("3"), LESSON)]
    assert ledger.store.count_events() == 1 + 3 + 2


def test_correct_a_mark(ledger: Ledger, marks: MarkService,
                        personal_data: PersonalDataService) -> None:
    record(marks, "m1", five("3"))
    outcome = correct(marks, "fix-1", "m1", five("4"))
    assert outcome.streams == {str(stream(MATHS)): 3}
    corrected = marks.gradebook(LEARNER, MATHS, YEAR).mark(mark_id("m1"))
    assert corrected.value == five("4")
    assert corrected.original_value == five("3")
    assert corrected.corrections == (mark_id("fix-1"),)
    assert marks.gradebook(LEARNER, MATHS, YEAR).corrections == {mark_id("fix-1"): mark_id("m1")}
    event = list(ledger.events.get(stream(MATHS)))[-1]
    assert type(event).__qualname__ == "Gradebook.MarkCorrected"
    reason = event.reason  # type: ignore[attr-defined]
    # Sealed under the learner's key; the stored command keeps a keyed digest, not the text.
    assert isinstance(reason, SealedText)
    assert reason.learner_id == LEARNER
    assert "ошибка" not in repr(reason)
    assert "ошибка" not in reason.ciphertext
    assert personal_data.reveal(reason, "teacher-1", "check") == "ошибка при вводе"
    assert event.meta.actor == TEACHER  # type: ignore[attr-defined]
    stored = ledger.store.command_outcome("fix-1")
    assert stored is not None
    assert "ошибка" not in stored.to_json()


def test_a_blank_correction_reason_is_refused_before_sealing(ledger: Ledger,
                                                             marks: MarkService) -> None:
    record(marks, "m1", five("3"))
    refused(ledger, InvalidInput, lambda c: marks.correct_mark(
        ctx(c), LEARNER, subject=MATHS, academic_year=YEAR, mark_id=mark_id(c),
        corrects_mark_id=mark_id("m1"), value=five("4"), reason="  "), match="reason")


def test_repeated_command_returns_first_outcome_and_writes_nothing(
        ledger: Ledger, marks: MarkService) -> None:
    first = record(marks, "m1", five("5"))
    fix = correct(marks, "fix-1", "m1", five("4"))
    count = ledger.store.count_events()
    assert record(marks, "m1", five("5")) == first
    assert correct(marks, "fix-1", "m1", five("4")) == fix
    assert ledger.store.count_events() == count
    assert len(marks.gradebook(LEARNER, MATHS, YEAR).marks) == 1


def test_reused_command_id_for_other_mark_is_refused(ledger: Ledger, marks: MarkService) -> None:
    first = record(marks, "m1", five("5"))
    count = ledger.store.count_events()
    with pytest.raises(CommandIdReused):
        record(marks, "m1", five("2"))
    assert ledger.store.count_events() == count
    assert ledger.store.command_outcome("m1") == first


# -- refusals: the specific error, and nothing written ------------------------------------------


def test_mark_for_unknown_learner(ledger: Ledger, marks: MarkService) -> None:
    refused(ledger, NotFound, lambda c: record(marks, c, five("5"), learner_id=UNKNOWN),
            match=f"learner {UNKNOWN}")
    assert not ledger.exists(stream(MATHS, UNKNOWN))


def test_mark_for_an_id_that_is_not_a_learner(ledger: Ledger, marks: MarkService) -> None:
    # The id exists in the ledger, but as a gradebook, not a learner.
    record(marks, "m1", five("5"))
    not_a_learner = stream(MATHS)
    refused(ledger, NotFound, lambda c: record(marks, c, five("5"), learner_id=not_a_learner))
    assert not ledger.exists(stream(MATHS, not_a_learner))


@pytest.mark.parametrize("value", [five("6"), five("1"), five("pass"),
                                   MarkValue(Scale.PASS_FAIL, "5"),
                                   MarkValue(Scale.NOT_ASSESSED, "2")])
def test_mark_outside_its_scale(ledger: Ledger, marks: MarkService, value: MarkValue) -> None:
    # Into a new gradebook: not even the gradebook is opened.
    refused(ledger, MarkOutOfScale, lambda c: record(marks, c, value))
    assert not ledger.exists(stream(MATHS))
    # Into an existing one.
    record(marks, "m1", five("5"))
    refused(ledger, MarkOutOfScale, lambda c: record(marks, c, value))
    # As a correction.
    refused(ledger, MarkOutOfScale, lambda c: correct(marks, c, "m1", value))
    assert [m.value for m in marks.gradebook(LEARNER, MATHS, YEAR).marks] == [five("5")]


def test_correction_of_a_mark_that_does_not_exist(ledger: Ledger, marks: MarkService) -> None:
    record(marks, "m1", five("3"))
    refused(ledger, MarkNotFound, lambda c: correct(marks, c, "never-recorded", five("4")))
    correct(marks, "fix-1", "m1", five("4"))
    # A correction's own id does not name a mark either.
    refused(ledger, MarkNotFound, lambda c: correct(marks, c, "fix-1", five("5")),
            match="is a correction")
    assert marks.gradebook(LEARNER, MATHS, YEAR).mark(mark_id("m1")).value == five("4")


def test_correction_in_a_gradebook_that_does_not_exist(ledger: Ledger,
                                                       marks: MarkService) -> None:
    record(marks, "m1", five("3"))
    refused(ledger, NotFound, lambda c: correct(marks, c, "m1", five("4"), subject=HISTORY),
            match="gradebook")
    assert not ledger.exists(stream(HISTORY))


# -- optimistic concurrency ----------------------------------------------------------------------


def test_stale_gradebook_conflicts_and_a_retry_succeeds(
        ledger: Ledger, marks: MarkService, monkeypatch: pytest.MonkeyPatch) -> None:
    record(marks, "m1", five("5"))  # the gradebook is at version 2
    load = marks._open_or_load
    raced: list[str] = []

    def racing_load(meta: Meta, *args: Any) -> Gradebook:
        book = load(meta, *args)
        if not raced:
            raced.append(meta.command_id)
            # Another teacher's mark lands on the same stream after this command loaded it.
            record(marks, "rival", five("2"))
        return book

    monkeypatch.setattr(marks, "_open_or_load", racing_load)
    before = ledger.store.count_events()
    with pytest.raises(ConcurrencyConflict, match="reload and retry"):
        record(marks, "m2", five("4"))
    assert raced == ["m2"]
    assert ledger.store.command_outcome("m2") is None
    assert ledger.store.command_outcome("rival") is not None
    assert ledger.store.count_events() == before + 1  # the rival's mark only

    retry = record(marks, "m2", five("4"))  # same command id: reloads and succeeds
    assert retry.streams == {str(stream(MATHS)): 4}
    assert ledger.store.count_events() == before + 2
    book = marks.gradebook(LEARNER, MATHS, YEAR)
    assert [m.mark_id for m in book.marks] == [mark_id("m1"), mark_id("rival"), mark_id("m2")]
    assert record(marks, "m2", five("4")) == retry


def test_stale_copy_saved_through_execute_conflicts(ledger: Ledger, marks: MarkService) -> None:
    record(marks, "m1", five("5"))
    payload = {"mark": "m2"}

    def add_mark(book: Gradebook, meta: Meta) -> list[Gradebook]:
        book.record_mark(mark_id=mark_id("m2"), kind=MarkKind.CURRENT, value=five("4"),
                         lesson_on=LESSON, work_kind=None, period=None, meta=meta)
        return [book]

    def racing(meta: Meta) -> list[Gradebook]:
        stale = marks.gradebook(LEARNER, MATHS, YEAR)
        correct(marks, "fix-1", "m1", five("3"))  # a different command on the same stream
        return add_mark(stale, meta)

    with pytest.raises(ConcurrencyConflict):
        ledger.execute(ctx("m2"), "add", payload, racing)
    assert ledger.store.command_outcome("m2") is None
    outcome = ledger.execute(ctx("m2"), "add", payload,
                             lambda meta: add_mark(marks.gradebook(LEARNER, MATHS, YEAR), meta))
    assert outcome.streams == {str(stream(MATHS)): 4}
    book = marks.gradebook(LEARNER, MATHS, YEAR)
    assert [(m.mark_id, m.value) for m in book.marks] == [(mark_id("m1"), five("3")),
                                                          (mark_id("m2"), five("4"))]
