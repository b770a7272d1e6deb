"""`letopis history` output: every field on its own text line; the same fields in JSON."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from domain.learner import Learner
from replay.as_of import fold_as, recorded_by
from replay.event_id import event_id
from replay.history import history_of
from replay.in_force import organisation_on, placement_on
from replay.render import render_json, render_text
from replay.report import HistoryReport
from tests.learner_builders import FIRST, LEARNER, SCHOOL, SECOND
from tests.unit.test_replay_history import (
    CASE,
    CAUSE,
    M1,
    gradebook_events,
    learner_events,
)
from tests.unit.test_replay_in_force import ORG, organisation_events

AS_OF = datetime(2026, 10, 12, 12, tzinfo=UTC)  # after the cancellation, before the re-enrolment
SEP_1 = date(2026, 9, 1)


def learner_report(as_of: datetime | None = AS_OF) -> HistoryReport:
    events = learner_events()
    known = recorded_by(events, as_of)
    return HistoryReport(kind="learner", stream_id=LEARNER, as_of=as_of,
                         entries=tuple(history_of(known)),
                         recorded_later=len(events) - len(known), effective_on=SEP_1,
                         in_force=placement_on(fold_as(Learner, known, "learner"), SEP_1))


def block(text: str, version: int) -> list[str]:
    """The lines of one event's block in the text output."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"v{version}  "))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith("    ")),
               len(lines))
    return lines[start:end]


def test_text_header_says_which_record_and_what_was_left_out() -> None:
    lines = render_text(learner_report()).splitlines()
    assert lines[0] == f"learner {LEARNER}"
    assert lines[1] == ("the record as of 2026-10-12T12:00:00+00:00: 3 events; "
                        "1 recorded later not shown")
    now = render_text(learner_report(None)).splitlines()
    assert now[1] == "the record as it stands now: 4 events"


def test_text_shows_every_envelope_field_of_an_event() -> None:
    lines = block(render_text(learner_report()), 2)
    assert lines[0] == "v2  Learner.Enrolled"
    assert lines[1:10] == [
        f"    event id        {event_id(LEARNER, 2)}",
        "    recorded at     2026-09-05T12:00:00+00:00",
        "    effective on    2026-09-01",
        f"    by              registrar-ivanova (registrar) of organisation {SCHOOL}",
        "    basis           order № 112-к of 2026-09-01",
        "    command         enrol-1",
        f"    correlation     {CASE}",
        f"    causation       {CAUSE}",
        "    source          contingent",
    ]
    assert lines[10].startswith('    data            {"academic_year": "2026/2027", '
                                '"class_or_group": "5Б", ')
    assert lines[11] == (f"    cancelled by    v3 Learner.EntryCancelled "
                         f"(event {event_id(LEARNER, 3)})")


def test_text_shows_missing_fields_as_a_dash_and_what_a_cancellation_cancelled() -> None:
    text = render_text(learner_report())
    assert "    basis           —" in block(text, 1)
    lines = block(text, 3)
    assert "    basis           order № 15-к of 2026-08-30" in lines
    assert "    correlation     —" in lines
    assert "    causation       —" in lines
    assert lines[-1] == (f"    corrects        v2 Learner.Enrolled "
                         f"(event {event_id(LEARNER, 2)})")


def test_text_ends_with_the_placement_in_force() -> None:
    then = render_text(learner_report()).splitlines()
    assert then[-3:] == [
        "in force on 2026-09-01 according to the record as of 2026-10-12T12:00:00+00:00:",
        "  general education: none",
        "  additional education: none",
    ]
    now = render_text(learner_report(None)).splitlines()
    assert now[-5] == "in force on 2026-09-01 according to the record as it stands now:"
    assert now[-4] == "  general education:"
    assert now[-3] == (f"    organisation {SCHOOL}, class 5А, level basic_general, "
                       "academic year 2026/2027, form of study full_time")
    assert now[-2] == (f"    enrolled 2026-09-01 (enrolment {SECOND}), in this class since "
                       f"2026-09-01; by v4 (event {event_id(LEARNER, 4)})")
    assert now[-1] == "  additional education: none"


def test_text_of_a_mark_correction_names_the_mark_and_the_previous_value() -> None:
    events = gradebook_events()
    book = events[0].originator_id
    report = HistoryReport(kind="gradebook", stream_id=book, as_of=None,
                           entries=tuple(history_of(events)), recorded_later=0)
    text = render_text(report)
    assert block(text, 5)[-1] == (
        f"    corrects        mark {M1} recorded in v2 Gradebook.MarkRecorded "
        f"(event {event_id(book, 2)}); previous value 4 (five_point)")
    assert block(text, 2)[-1].startswith("    corrected by    v4 Gradebook.MarkCorrected")
    assert "in force" not in text


def test_text_of_an_organisation_on_a_date() -> None:
    events = organisation_events()
    report = HistoryReport(kind="organisation", stream_id=ORG, as_of=None,
                           entries=tuple(history_of(events)), recorded_later=0,
                           effective_on=date(2027, 3, 1),
                           in_force=organisation_on(ORG, events, date(2027, 3, 1)))
    lines = render_text(report).splitlines()
    start = lines.index("in force on 2027-03-01 according to the record as it stands now:")
    assert lines[start + 1] == (f"  details in force since 2027-01-01 "
                                f"(v4, event {event_id(ORG, 4)}):")
    assert "    short name      Гимназия № 1" in lines[start + 2:]
    assert "    actual address  ул. Ленина, 1" in lines[start + 2:]
    assert lines[-1] == "  status: closed since 2027-03-01 (v5)"
    before = HistoryReport(kind="organisation", stream_id=ORG, as_of=None, entries=(),
                           recorded_later=5, effective_on=date(2026, 8, 1),
                           in_force=organisation_on(ORG, events, date(2026, 8, 1)))
    assert render_text(before).splitlines()[-1] == "  not registered on that date"


def test_json_has_every_field_with_plain_values() -> None:
    body = json.loads(render_json(learner_report()))
    assert body["kind"] == "learner"
    assert body["stream_id"] == str(LEARNER)
    assert body["as_of"] == "2026-10-12T12:00:00+00:00"
    assert body["recorded_later"] == 1
    assert body["effective_on"] == "2026-09-01"
    assert body["in_force"] == {"learner_id": str(LEARNER), "on": "2026-09-01",
                                "general": None, "additional": []}
    enrolled = body["events"][1]
    assert enrolled == {
        "event_id": str(event_id(LEARNER, 2)), "stream_id": str(LEARNER), "version": 2,
        "event_type": "Learner.Enrolled",
        "actor": {"user_id": "registrar-ivanova", "role": "registrar",
                  "organisation_id": str(SCHOOL)},
        "recorded_at": "2026-09-05T12:00:00+00:00", "effective_on": "2026-09-01",
        "basis": {"kind": "order", "number": "112-к", "dated": "2026-09-01"},
        "command_id": "enrol-1", "correlation_id": str(CASE), "causation_id": str(CAUSE),
        "source_system": "contingent",
        "data": {"enrolment_id": str(FIRST), "organisation_id": str(SCHOOL),
                 "level": "basic_general", "class_or_group": "5Б",
                 "academic_year": "2026/2027", "form_of_study": "full_time"},
        "corrects": None,
        "corrected_by": [{"version": 3, "event_id": str(event_id(LEARNER, 3)),
                          "event_type": "Learner.EntryCancelled"}],
    }
    assert body["events"][2]["corrects"] == {
        "version": 2, "event_id": str(event_id(LEARNER, 2)), "event_type": "Learner.Enrolled",
        "mark_id": None, "previous_value": None}


def test_json_of_the_placement_now() -> None:
    body = json.loads(render_json(learner_report(None)))
    assert body["as_of"] is None
    general = body["in_force"]["general"]
    assert general["version"] == 4
    assert general["event_id"] == str(event_id(LEARNER, 4))
    assert general["placement"] == {
        "enrolment_id": str(SECOND), "organisation_id": str(SCHOOL), "level": "basic_general",
        "class_or_group": "5А", "academic_year": "2026/2027", "enrolled_on": "2026-09-01",
        "placed_on": "2026-09-01", "form_of_study": "full_time"}
