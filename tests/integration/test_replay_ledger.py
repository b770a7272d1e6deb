"""Replay against a real store (SQLite and PostgreSQL): the story of docs/audit.md.

Learner (2026, UTC): registered 25 Aug (v1); enrolled into 5Б by the order of 1 Sep, entered on
5 Sep (v2); cancelled on 12 Oct 11:00 (v3); enrolled into 5А by the same order at 11:05 (v4).
Gradebook: mark 3 on 15 Sep (v2), corrected to 4 on 16 Sep (v3). School: registered 20 Aug
(v1), renamed from 1 Jan 2027, recorded 20 Dec (v2).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from uuid import UUID

import pytest

from domain.errors import InvalidInput, NotFound
from domain.gradebook import Gradebook
from domain.gradebook_values import MarkValue, Scale
from domain.learner import Learner
from domain.organisation import Organisation
from letopis.clock import FixedClock
from letopis.ledger import Ledger
from letopis.privacy import open_keystore
from letopis.store import LedgerRecorder
from replay.as_of import state_as_of
from replay.event_id import event_id
from replay.history import history
from replay.in_force import LearnerOn, OrganisationOn, learner_placement_on
from replay.report import build_report
from tests.integration.test_replay_audit import (
    CLERK,
    CORRECTION_CASE,
    DETAILS,
    ENROLMENT,
    GRADEBOOK,
    LEARNER,
    MARK,
    ORDER,
    RENAMED,
    RIGHT_ENROLMENT,
    SCHOOL,
    write_audit_example,
)

SEP_1 = date(2026, 9, 1)
UUID_UNKNOWN = UUID(int=404)


def at(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def told(store: LedgerRecorder, store_url: tuple[str, str]) -> Iterator[Ledger]:
    clock = FixedClock(at(8, 20, 9))
    ledger = Ledger(store, clock)
    keystore = open_keystore(*store_url)
    write_audit_example(ledger, clock, keystore)
    yield ledger
    keystore.close()


def test_history_now_has_every_event_with_its_envelope(told: Ledger) -> None:
    entries = history(told, LEARNER)
    assert [(e.version, e.event_type) for e in entries] == [
        (1, "Learner.Registered"), (2, "Learner.Enrolled"), (3, "Learner.EntryCancelled"),
        (4, "Learner.Enrolled")]
    assert [e.event_id for e in entries] == [event_id(LEARNER, v) for v in (1, 2, 3, 4)]
    late = entries[1]
    assert (late.recorded_at, late.effective_on) == (at(9, 5, 10, 15), SEP_1)
    assert late.recorded_at.utcoffset() is not None
    assert (late.actor, late.basis, late.command_id) == (CLERK, ORDER, "enrol-1")
    assert late.source_system == "contingent"
    assert late.data["class_or_group"] == "5Б"
    fix = entries[3]
    assert (fix.correlation_id, fix.causation_id) == (CORRECTION_CASE, event_id(LEARNER, 3))
    assert entries[2].correlation_id == CORRECTION_CASE
    assert entries[2].corrects is not None
    assert (entries[2].corrects.version, entries[2].corrects.event_type) == (
        2, "Learner.Enrolled")
    assert [ref.version for ref in entries[1].corrected_by] == [3]


def test_history_as_of_shows_only_what_had_been_recorded(told: Ledger) -> None:
    assert [e.version for e in history(told, LEARNER, at(9, 4, 23, 59))] == [1]
    as_of_10_oct = history(told, LEARNER, at(10, 10, 23, 59))
    assert [e.version for e in as_of_10_oct] == [1, 2]
    assert as_of_10_oct[1].corrected_by == ()  # the cancellation was not yet recorded
    assert [e.version for e in history(told, LEARNER, at(10, 12, 11))] == [1, 2, 3]
    assert history(told, LEARNER, at(8, 1, 0)) == []
    assert history(told, UUID_UNKNOWN) == []


def test_state_as_of_folds_the_record_as_it_stood(told: Ledger) -> None:
    then = state_as_of(told, Learner, LEARNER, at(10, 10, 23, 59))
    assert then.version == 2
    assert then.active_general is not None
    assert (then.active_general.enrolment_id, then.active_general.class_or_group) == (
        ENROLMENT, "5Б")
    between = state_as_of(told, Learner, LEARNER, at(10, 12, 11, 4))
    assert (between.version, between.active_general) == (3, None)
    now = state_as_of(told, Learner, LEARNER)
    assert now.active_general is not None
    assert (now.active_general.enrolment_id, now.active_general.class_or_group) == (
        RIGHT_ENROLMENT, "5А")
    assert now == told.repository.get(LEARNER)  # the same fold the ledger does


def test_state_as_of_a_version(told: Ledger) -> None:
    assert state_as_of(told, Learner, LEARNER, version=2).version == 2
    assert state_as_of(told, Learner, LEARNER, version=3).active_general is None
    # Both limits: the earlier one wins.
    assert state_as_of(told, Learner, LEARNER, at(10, 10, 0), version=4).version == 2
    assert state_as_of(told, Learner, LEARNER, at(12, 1, 0), version=3).version == 3
    with pytest.raises(NotFound, match="has 4 versions, not 5"):
        state_as_of(told, Learner, LEARNER, version=5)
    with pytest.raises(InvalidInput, match="start at 1"):
        state_as_of(told, Learner, LEARNER, version=0)


def test_state_as_of_a_gradebook_shows_the_mark_before_its_correction(told: Ledger) -> None:
    before = state_as_of(told, Gradebook, GRADEBOOK, at(9, 16, 8, 29))
    assert before.mark(MARK).value == MarkValue(Scale.FIVE_POINT, "3")
    after = state_as_of(told, Gradebook, GRADEBOOK, at(9, 16, 8, 30))
    assert after.mark(MARK).value == MarkValue(Scale.FIVE_POINT, "4")
    assert after.mark(MARK).original_value == MarkValue(Scale.FIVE_POINT, "3")


def test_state_as_of_an_organisation(told: Ledger) -> None:
    assert state_as_of(told, Organisation, SCHOOL, at(12, 19, 0)).details == DETAILS
    assert state_as_of(told, Organisation, SCHOOL).details == RENAMED


def test_state_as_of_refuses_what_the_record_does_not_hold(told: Ledger) -> None:
    with pytest.raises(NotFound, match="is not in the ledger"):
        state_as_of(told, Learner, UUID_UNKNOWN)
    with pytest.raises(NotFound, match="is not a learner, it is an organisation"):
        state_as_of(told, Learner, SCHOOL)
    with pytest.raises(NotFound, match="had been recorded by 2026-08-01T00:00:00"):
        state_as_of(told, Learner, LEARNER, at(8, 1, 0))


def test_placement_on_the_order_date_as_the_record_stood(told: Ledger) -> None:
    def general(as_of: datetime | None) -> tuple[str, int] | None:
        placed = learner_placement_on(told, LEARNER, SEP_1, as_of).general
        return None if placed is None else (placed.placement.class_or_group, placed.version)

    assert general(at(8, 1, 0)) is None  # nothing recorded at all yet
    assert general(at(9, 4, 23, 59)) is None  # the order of 1 Sep entered only on 5 Sep
    assert general(at(9, 5, 10, 15)) == ("5Б", 2)
    assert general(at(10, 10, 23, 59)) == ("5Б", 2)  # what the record said on 10 Oct
    assert general(at(10, 12, 11)) is None  # cancelled; the right one 5 minutes later
    assert general(None) == ("5А", 4)  # what it says now
    with pytest.raises(NotFound, match="is not a learner"):
        learner_placement_on(told, SCHOOL, SEP_1)
    with pytest.raises(NotFound, match=f"learner {UUID_UNKNOWN} is not in the ledger"):
        learner_placement_on(told, UUID_UNKNOWN, SEP_1)


def test_report_for_a_learner(told: Ledger) -> None:
    report = build_report(told, "learner", LEARNER, as_of=at(10, 10, 23, 59), effective_on=SEP_1)
    assert [e.version for e in report.entries] == [1, 2]
    assert report.recorded_later == 2
    assert isinstance(report.in_force, LearnerOn)
    assert report.in_force.general is not None
    assert report.in_force.general.event_id == event_id(LEARNER, 2)
    early = build_report(told, "learner", LEARNER, as_of=at(8, 1, 0), effective_on=SEP_1)
    assert (early.entries, early.recorded_later) == ((), 4)
    assert early.in_force == LearnerOn(LEARNER, SEP_1, None, ())


def test_report_for_an_organisation(told: Ledger) -> None:
    def details_on(on: date, as_of: datetime | None = None) -> OrganisationOn:
        report = build_report(told, "organisation", SCHOOL, as_of=as_of, effective_on=on)
        assert isinstance(report.in_force, OrganisationOn)
        return report.in_force

    assert details_on(date(2026, 12, 31)).details == DETAILS
    assert details_on(date(2027, 1, 1)).details == RENAMED
    assert details_on(date(2027, 1, 1)).details_version == 2
    assert details_on(date(2027, 1, 1), as_of=at(12, 1, 0)).details == DETAILS
    assert details_on(date(2026, 8, 19)).details is None


def test_report_refuses_unknown_streams_and_kinds(told: Ledger) -> None:
    with pytest.raises(NotFound, match=f"learner {UUID_UNKNOWN} is not in the ledger"):
        build_report(told, "learner", UUID_UNKNOWN)
    with pytest.raises(NotFound, match="is not a gradebook, it is a learner"):
        build_report(told, "gradebook", LEARNER)
    with pytest.raises(InvalidInput, match="not a gradebook"):
        build_report(told, "gradebook", GRADEBOOK, effective_on=SEP_1)
    with pytest.raises(InvalidInput, match="not 'contract'"):
        build_report(told, "contract", LEARNER)
