"""As of a moment: parsing it, choosing the events recorded by then, folding them.

The story (all 2026, UTC): learner registered 25 Aug 09:00; the enrolment order dated 1 Sep is
entered on 5 Sep 10:15 into 5Б (v2); on 12 Oct 11:00 it is cancelled (v3) and at 11:05 the
right enrolment into 5А, also effective 1 Sep, is entered (v4).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from domain.learner import Learner
from domain.learner_values import EducationLevel
from replay.as_of import StreamEvent, fold, fold_as, parse_as_of, parse_effective_on, recorded_by
from replay.in_force import placement_on
from tests.factories import make_meta, sealed
from tests.learner_builders import FIRST, LEARNER, SCHOOL, SECOND

SEP_1 = date(2026, 9, 1)


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def late_order_then_cancelled() -> list[StreamEvent]:
    registered = make_meta(recorded_at=at(8, 25, 9), effective_on=date(2026, 8, 25))
    learner = Learner.register(learner_id=LEARNER, meta=registered)
    learner.enrol(enrolment_id=FIRST, organisation_id=SCHOOL, level=EducationLevel.BASIC_GENERAL,
                  class_or_group="5Б", academic_year="2026/2027",
                  meta=make_meta(recorded_at=at(9, 5, 10, 15), effective_on=SEP_1))
    learner.cancel(cancelled_version=2, reason=sealed(LEARNER, "Learner.EntryCancelled.reason"),
                   meta=make_meta(recorded_at=at(10, 12, 11), effective_on=date(2026, 10, 12)))
    learner.enrol(enrolment_id=SECOND, organisation_id=SCHOOL, level=EducationLevel.BASIC_GENERAL,
                  class_or_group="5А", academic_year="2026/2027",
                  meta=make_meta(recorded_at=at(10, 12, 11, 5), effective_on=SEP_1))
    return list(learner.collect_events())


def versions(events: list[StreamEvent]) -> list[int]:
    return [e.originator_version for e in events]


# Parsing --as-of and --effective-on.

@pytest.mark.parametrize(("text", "expected"), [
    ("2026-10-10T23:59:59Z", datetime(2026, 10, 10, 23, 59, 59, tzinfo=UTC)),
    ("2026-10-10T23:59:59+00:00", datetime(2026, 10, 10, 23, 59, 59, tzinfo=UTC)),
    ("2026-10-11T02:59:59+03:00", datetime(2026, 10, 10, 23, 59, 59, tzinfo=UTC)),  # Moscow
    ("2026-10-10T23:59:59", datetime(2026, 10, 10, 23, 59, 59, tzinfo=UTC)),  # no offset: UTC
    ("2026-10-10 23:59", datetime(2026, 10, 10, 23, 59, tzinfo=UTC)),
    ("2026-10-10T23:59:59.250000Z", datetime(2026, 10, 10, 23, 59, 59, 250000, tzinfo=UTC)),
])
def test_as_of_is_read_as_aware_utc(text: str, expected: datetime) -> None:
    parsed = parse_as_of(text)
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(0)
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize("text", ["2026-10-10", "20261010"])
def test_a_bare_date_is_refused_as_ambiguous(text: str) -> None:
    with pytest.raises(ValueError, match=r"date without a time.*2026-10-10T23:59:59Z"):
        parse_as_of(text)


@pytest.mark.parametrize("text", ["yesterday", "2026-13-01T00:00", "", "2026-10-10T25:00Z"])
def test_a_malformed_as_of_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"--as-of .* is not an ISO 8601 date and time"):
        parse_as_of(text)


def test_effective_on_is_a_plain_date() -> None:
    assert parse_effective_on("2026-09-01") == SEP_1
    for bad in ("1 Sep", "2026-09-01T00:00", "2026-02-30"):
        with pytest.raises(ValueError, match=r"--effective-on .* is not a date"):
            parse_effective_on(bad)


# Which events a reader at T could have seen.

def test_recorded_by_keeps_what_was_recorded_at_or_before_the_moment() -> None:
    events = late_order_then_cancelled()
    assert versions(recorded_by(events, None)) == [1, 2, 3, 4]
    assert versions(recorded_by(events, at(8, 25, 8, 59))) == []
    assert versions(recorded_by(events, at(8, 25, 9))) == [1]  # inclusive
    assert versions(recorded_by(events, at(9, 5, 10, 14))) == [1]  # the order is not in yet
    assert versions(recorded_by(events, at(9, 5, 10, 15))) == [1, 2]
    assert versions(recorded_by(events, at(10, 10, 23, 59))) == [1, 2]
    assert versions(recorded_by(events, at(10, 12, 11))) == [1, 2, 3]
    assert versions(recorded_by(events, at(12, 31, 0))) == [1, 2, 3, 4]


def test_the_moment_may_be_in_any_offset() -> None:
    events = late_order_then_cancelled()
    moscow = timezone(timedelta(hours=3))
    assert versions(recorded_by(events, datetime(2026, 10, 12, 14, 0, tzinfo=moscow))) == [1, 2, 3]
    assert versions(recorded_by(events, datetime(2026, 10, 12, 13, 59, tzinfo=moscow))) == [1, 2]


def test_a_naive_moment_is_refused_by_the_library() -> None:
    with pytest.raises(ValueError, match="aware"):
        recorded_by(late_order_then_cancelled(), datetime(2026, 10, 10))


def test_a_version_stamped_earlier_than_its_predecessor_is_not_seen_before_it() -> None:
    # The clock went back: v2 says 5 Sep although v1 was recorded on 10 Sep. v2 was written
    # after v1, so a reader on 6 Sep saw neither; the record never has a hole.
    learner = Learner.register(learner_id=LEARNER, meta=make_meta(recorded_at=at(9, 10, 9)))
    learner.enrol(enrolment_id=FIRST, organisation_id=SCHOOL, level=EducationLevel.BASIC_GENERAL,
                  class_or_group="5Б", academic_year="2026/2027",
                  meta=make_meta(recorded_at=at(9, 5, 9), effective_on=SEP_1))
    events = list(learner.collect_events())
    assert versions(recorded_by(events, at(9, 6, 0))) == []
    assert versions(recorded_by(events, at(9, 10, 9))) == [1, 2]


# Folding the record as it stood.

def test_fold_of_no_events_is_nothing() -> None:
    assert fold([]) is None


def test_fold_rebuilds_the_learner_as_it_stood() -> None:
    events = late_order_then_cancelled()
    before = fold_as(Learner, recorded_by(events, at(10, 10, 0)), "learner")
    assert before.version == 2
    assert before.active_general is not None
    assert before.active_general.class_or_group == "5Б"
    assert [e.version for e in before.entries] == [2]

    between = fold_as(Learner, recorded_by(events, at(10, 12, 11)), "learner")
    assert between.version == 3
    assert between.active_general is None  # cancelled, the right one not yet entered
    assert between.entries == ()

    now = fold_as(Learner, events, "learner")
    assert now.version == 4
    assert now.active_general is not None
    assert now.active_general.class_or_group == "5А"
    assert [e.version for e in now.entries] == [4]


def test_the_late_order_as_the_record_stood_before_and_after_it_was_entered() -> None:
    events = late_order_then_cancelled()
    on_4_sep = fold_as(Learner, recorded_by(events, at(9, 4, 23, 59)), "learner")
    assert placement_on(on_4_sep, SEP_1).general is None  # the order of 1 Sep is not in
    on_5_sep = fold_as(Learner, recorded_by(events, at(9, 5, 10, 15)), "learner")
    answer = placement_on(on_5_sep, SEP_1)
    assert answer.general is not None
    assert answer.general.placement.class_or_group == "5Б"
    assert answer.general.version == 2
    assert placement_on(on_5_sep, date(2026, 8, 31)).general is None  # effective from 1 Sep


def test_a_cancellation_recorded_after_the_moment_is_ignored() -> None:
    events = late_order_then_cancelled()
    as_of_10_oct = fold_as(Learner, recorded_by(events, at(10, 10, 23, 59)), "learner")
    then = placement_on(as_of_10_oct, SEP_1).general
    assert then is not None
    assert (then.placement.class_or_group, then.placement.enrolment_id, then.version) == (
        "5Б", FIRST, 2)

    now = placement_on(fold_as(Learner, events, "learner"), SEP_1).general
    assert now is not None
    assert (now.placement.class_or_group, now.placement.enrolment_id, now.version) == (
        "5А", SECOND, 4)


def test_fold_as_refuses_another_kind_of_stream() -> None:
    from domain.errors import NotFound
    from domain.organisation import Organisation

    with pytest.raises(NotFound, match="is not an organisation, it is a learner"):
        fold_as(Organisation, late_order_then_cancelled(), "organisation")
    with pytest.raises(NotFound, match="no events"):
        fold_as(Learner, [], "learner")
