"""History entries: every envelope field, and what each correction corrected."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

from domain.envelope import Actor, BasisDocument, Meta, Role
from domain.gradebook import Gradebook
from domain.gradebook_values import MarkKind, MarkValue, Scale
from domain.learner import Learner
from domain.learner_values import EducationLevel
from replay.as_of import StreamEvent, recorded_by
from replay.event_id import event_id
from replay.history import Correction, EventRef, history_of
from tests.factories import TEACHER, make_meta, sealed
from tests.learner_builders import FIRST, LEARNER, SCHOOL, SECOND

CLERK = Actor(user_id="registrar-ivanova", role=Role.REGISTRAR, organisation_id=SCHOOL)
ORDER = BasisDocument(kind="order", number="112-к", dated=date(2026, 9, 1))
CASE, CAUSE = UUID(int=555), UUID(int=556)
M1, M2, FIX1, FIX2 = UUID(int=901), UUID(int=902), UUID(int=911), UUID(int=912)


def at(month: int, day: int, hour: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def learner_events() -> list[StreamEvent]:
    learner = Learner.register(learner_id=LEARNER,
                               meta=make_meta(recorded_at=at(8, 25), basis=None))
    learner.enrol(enrolment_id=FIRST, organisation_id=SCHOOL, level=EducationLevel.BASIC_GENERAL,
                  class_or_group="5Б", academic_year="2026/2027",
                  meta=Meta(recorded_at=at(9, 5), effective_on=date(2026, 9, 1), actor=CLERK,
                            command_id="enrol-1", basis=ORDER, correlation_id=CASE,
                            causation_id=CAUSE, source_system="contingent"))
    learner.cancel(cancelled_version=2, reason=sealed(LEARNER, "Learner.EntryCancelled.reason"),
                   meta=make_meta(recorded_at=at(10, 12), effective_on=date(2026, 10, 12)))
    learner.enrol(enrolment_id=SECOND, organisation_id=SCHOOL, level=EducationLevel.BASIC_GENERAL,
                  class_or_group="5А", academic_year="2026/2027",
                  meta=make_meta(recorded_at=at(10, 12, 13), effective_on=date(2026, 9, 1)))
    return list(learner.collect_events())


def gradebook_events() -> list[StreamEvent]:
    """v1 opened, v2 M1 = 3, v3 M2 = 5, v4 M1 corrected to 4, v5 M1 corrected to 5."""
    five = Scale.FIVE_POINT
    book = Gradebook.open(learner_id=LEARNER, subject="Математика", academic_year="2026/2027",
                          meta=make_meta(recorded_at=at(9, 15), actor=TEACHER))
    for mark_id, value, day in ((M1, "3", 15), (M2, "5", 16)):
        book.record_mark(mark_id=mark_id, kind=MarkKind.CURRENT, value=MarkValue(five, value),
                         lesson_on=date(2026, 9, day), work_kind=None, period=None,
                         meta=make_meta(recorded_at=at(9, day), actor=TEACHER))
    for fix, value, day in ((FIX1, "4", 17), (FIX2, "5", 18)):
        book.correct_mark(mark_id=fix, corrects_mark_id=M1, value=MarkValue(five, value),
                          reason=sealed(LEARNER, "Gradebook.MarkCorrected.reason", "recounted"),
                          meta=make_meta(recorded_at=at(9, day), actor=TEACHER))
    return list(book.collect_events())


def test_every_envelope_field_is_kept() -> None:
    entry = history_of(learner_events())[1]
    assert entry.event_id == event_id(LEARNER, 2)
    assert (entry.stream_id, entry.version, entry.event_type) == (LEARNER, 2, "Learner.Enrolled")
    assert entry.actor == CLERK
    assert entry.actor.organisation_id == SCHOOL
    assert entry.recorded_at == at(9, 5)
    assert entry.effective_on == date(2026, 9, 1)
    assert entry.basis == ORDER
    assert entry.command_id == "enrol-1"
    assert (entry.correlation_id, entry.causation_id) == (CASE, CAUSE)
    assert entry.source_system == "contingent"
    assert entry.data == {"enrolment_id": str(FIRST), "organisation_id": str(SCHOOL),
                          "level": "basic_general", "class_or_group": "5Б",
                          "academic_year": "2026/2027", "form_of_study": "full_time"}


def test_history_is_in_version_order_with_one_id_per_event() -> None:
    entries = history_of(list(reversed(learner_events())))
    assert [e.version for e in entries] == [1, 2, 3, 4]
    assert [e.event_type for e in entries] == ["Learner.Registered", "Learner.Enrolled",
                                               "Learner.EntryCancelled", "Learner.Enrolled"]
    assert [e.event_id for e in entries] == [event_id(LEARNER, v) for v in (1, 2, 3, 4)]
    assert entries[0].basis is None


def test_a_cancellation_names_the_cancelled_entry_and_is_named_by_it() -> None:
    entries = history_of(learner_events())
    assert entries[2].corrects == Correction(version=2, event_id=event_id(LEARNER, 2),
                                             event_type="Learner.Enrolled")
    assert entries[1].corrected_by == (
        EventRef(3, event_id(LEARNER, 3), "Learner.EntryCancelled"),)
    assert [e.corrects for e in entries if e.version != 3] == [None, None, None]
    assert entries[3].corrected_by == ()


def test_a_cancellation_recorded_later_is_not_shown_as_of_earlier() -> None:
    entries = history_of(recorded_by(learner_events(), at(10, 10)))
    assert [e.version for e in entries] == [1, 2]
    assert entries[1].corrected_by == ()


def test_a_mark_correction_names_the_mark_and_its_value_just_before() -> None:
    entries = history_of(gradebook_events())
    book = entries[0].stream_id
    five = Scale.FIVE_POINT
    recorded_m1 = (2, event_id(book, 2), "Gradebook.MarkRecorded")
    first, second = entries[3].corrects, entries[4].corrects
    assert first is not None
    assert second is not None
    assert (first.version, first.event_id, first.event_type) == recorded_m1
    assert (first.mark_id, first.previous_value) == (M1, MarkValue(five, "3"))
    assert (second.version, second.event_id, second.event_type) == recorded_m1
    assert (second.mark_id, second.previous_value) == (M1, MarkValue(five, "4"))
    assert entries[1].corrected_by == (
        EventRef(4, event_id(book, 4), "Gradebook.MarkCorrected"),
        EventRef(5, event_id(book, 5), "Gradebook.MarkCorrected"))
    assert entries[2].corrected_by == ()  # M2 was never corrected
    assert entries[2].corrects is None


def test_data_carries_the_event_fields_as_plain_values_without_the_envelope() -> None:
    entries = history_of(gradebook_events())
    assert entries[1].data == {"mark_id": str(M1), "kind": "current",
                               "value": {"scale": "five_point", "value": "3"},
                               "lesson_on": "2026-09-15", "work_kind": None, "period": None}
    assert entries[3].data == {"mark_id": str(FIX1), "corrects_mark_id": str(M1),
                               "value": {"scale": "five_point", "value": "4"},
                               "reason": {"sealed": "Gradebook.MarkCorrected.reason",
                                          "learner_id": str(LEARNER)}}
    for entry in entries:
        assert not {"meta", "timestamp", "originator_id", "originator_version"} & set(entry.data)


def test_no_events_no_history() -> None:
    assert history_of([]) == []
