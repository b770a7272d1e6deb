"""The bulk path's fast mark check accepts a mark exactly when `Gradebook.record_mark` would.

Random marks (values on and off the scale, lesson dates in and out of the year, real and
impossible periods, reused mark ids) are written in the stored shape; whenever the fast check
decides (accept or refuse, not "another shape"), decoding the state with the ledger's mapper
and running the command method on a gradebook with the same earlier marks agrees with it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.envelope import Actor, Meta, Role
from domain.errors import DomainError
from domain.gradebook import Gradebook
from domain.gradebook_values import MarkKind, MarkValue, Period, PeriodKind, Scale
from letopis.bulk.marks import Book, MarkShapes
from letopis.clock import system_clock
from letopis.demo_marks import MarkTemplates
from letopis.demo_sink import SinkRecorder
from letopis.ledger import Ledger

LEDGER = Ledger(SinkRecorder(None), system_clock)  # type: ignore[arg-type]  # never written to
SHAPES = MarkShapes(LEDGER)
TEMPLATES = MarkTemplates(LEDGER)
YEAR = "2025/2026"
META = Meta(recorded_at=datetime(2025, 9, 1, 12, tzinfo=UTC), effective_on=date(2025, 9, 1),
            actor=Actor(user_id="t", role=Role.TEACHER), command_id="c")
FIRST = UUID(int=1)


def _state(kind: MarkKind, mark: UUID, value: str, lesson: date, period: tuple[str, int]) -> str:
    state = TEMPLATES.state[kind].format(
        ts="2025-10-01T12:00:05+00:00", mark_hex=mark.hex, lesson=lesson.isoformat(),
        effective="2025-10-01", value=value, user="teacher-1", command_id="cmd", source="demo")
    if kind is MarkKind.PERIOD:
        state = state.replace('"_data_":"quarter"},"number":1}',
                              f'"_data_":"{period[0]}"}},"number":{period[1]}}}')
    return state


@settings(max_examples=500)  # cheap (~1 ms an example): every combination of faults
@given(kind=st.sampled_from([MarkKind.CURRENT, MarkKind.PERIOD]),
       value=st.sampled_from(["2", "3", "4", "5", "1", "6", "pass", "н/а"]),
       lesson=st.one_of(st.sampled_from([date(2025, 8, 31), date(2025, 9, 1), date(2026, 8, 31),
                                         date(2026, 9, 1)]),  # the year's edges
                        st.dates(date(2025, 1, 1), date(2027, 1, 1))),
       period=st.one_of(st.just(("quarter", 1)),  # the earlier quarter mark's period
                        st.tuples(st.sampled_from([k.value for k in PeriodKind]),
                                  st.integers(0, 6))),
       reuse_id=st.booleans(), earlier_quarter=st.booleans())
def test_the_fast_check_agrees_with_record_mark(
        kind: MarkKind, value: str, lesson: date, period: tuple[str, int], reuse_id: bool,
        earlier_quarter: bool) -> None:
    book = Gradebook.open(learner_id=UUID(int=9), subject="Математика", academic_year=YEAR,
                          meta=META)
    record = Book(date(2025, 9, 1), date(2026, 8, 31))
    earlier = (MarkKind.PERIOD, None, Period(PeriodKind.QUARTER, 1)) if earlier_quarter else (
        MarkKind.CURRENT, date(2025, 9, 8), None)
    book.record_mark(mark_id=FIRST, kind=earlier[0], value=MarkValue(Scale.FIVE_POINT, "4"),
                     lesson_on=earlier[1], work_kind="lesson" if earlier[1] else None,
                     period=earlier[2], meta=META)
    assert SHAPES.check(_state(earlier[0], FIRST, "4", earlier[1] or date(2025, 9, 8),
                               ("quarter", 1)), record) is None

    mark = FIRST if reuse_id else UUID(int=2)
    state = _state(kind, mark, value, lesson, period)
    fast = SHAPES.check(state, record)

    event = LEDGER.mapper.to_domain_event(LEDGER.mapper.to_stored_event(
        Gradebook.MarkRecorded(  # type: ignore[attr-defined]
            originator_id=book.id, originator_version=3, timestamp=META.recorded_at,
            meta=META, mark_id=mark, kind=kind, value=MarkValue(Scale.FIVE_POINT, value),
            lesson_on=lesson if kind is MarkKind.CURRENT else None,
            work_kind="lesson" if kind is MarkKind.CURRENT else None,
            period=None if kind is MarkKind.CURRENT else Period(PeriodKind(period[0]),
                                                                period[1]))))
    try:
        book.record_mark(mark_id=event.mark_id, kind=event.kind, value=event.value,
                         lesson_on=event.lesson_on, work_kind=event.work_kind,
                         period=event.period, meta=META)
        command_accepts = True
    except DomainError:
        command_accepts = False

    assert fast != "shape"
    assert (fast is None) == command_accepts, fast
