"""Property: for any sequence of domain commands, every registered projection after live,
incremental catch-ups equals a full rebuild from the stream, and equals the in-memory fold —
on SQLite and PostgreSQL."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from uuid import UUID

import pytest
from hypothesis import event as hypothesis_event
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.envelope import Actor, BasisDocument, Role
from domain.errors import DomainError
from domain.gradebook_values import MarkKind, MarkValue, Scale
from domain.learner_values import EducationLevel
from letopis.bootstrap import Services, build_services
from letopis.clock import FixedClock
from letopis.ledger import CommandContext
from letopis.settings import Settings
from letopis.store import init_store
from projections.memory import fold_events
from projections.registry import PROJECTIONS
from projections.runner import build_engine
from tests.conftest import START, TEST_MASTER_KEY
from tests.integration.test_projection_engine import BASE
from tests.pg import fresh_schema
from tests.properties.staff_ops import run_staff_or_olympiad

ACTOR = Actor("prop", Role.REGISTRAR)
YEAR = "2026/2027"
SUBJECTS = ("Математика", "История")

command = st.one_of(
    st.tuples(st.just("register_org"), st.integers(1, 3)),
    st.tuples(st.just("close_org"), st.integers(1, 3)),
    st.tuples(st.just("register_learner"), st.integers(1, 4)),
    st.tuples(st.just("enrol"), st.integers(1, 4), st.integers(1, 3), st.integers(1, 11)),
    st.tuples(st.just("promote"), st.integers(1, 4), st.integers(1, 11)),
    st.tuples(st.just("mark"), st.integers(1, 4), st.sampled_from(SUBJECTS), st.integers(2, 5)),
    st.tuples(st.just("correct"), st.integers(1, 4), st.sampled_from(SUBJECTS),
              st.integers(2, 5)),
    st.tuples(st.just("cancel_last"), st.integers(1, 4)),
    st.tuples(st.just("hire"), st.integers(1, 3), st.integers(1, 3)),
    st.tuples(st.just("leave"), st.integers(1, 3), st.integers(1, 3)),
    st.tuples(st.just("assign"), st.integers(1, 3), st.integers(1, 3), st.integers(5, 6)),
    st.tuples(st.just("replace"), st.integers(1, 3), st.integers(1, 3), st.integers(5, 6)),
    st.tuples(st.just("unassign"), st.integers(1, 3), st.integers(5, 6)),
    st.tuples(st.just("attest"), st.integers(1, 3), st.integers(1, 3)),
    st.tuples(st.just("olympiad"), st.integers(1, 4), st.integers(0, 50)),
    st.tuples(st.just("olympiad_appeal"), st.integers(1, 4), st.integers(0, 50)),
    st.tuples(st.just("olympiad_import"), st.integers(1, 4), st.integers(0, 50)),
    st.just(("catch_up",)),
)


@contextmanager
def a_store(kind: str) -> Iterator[tuple[str, str]]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{Path(tmp) / 'letopis.sqlite'}"
            init_store(url)
            yield url, "letopis"
    else:
        with fresh_schema() as pair:
            yield pair


class Runner:
    def __init__(self, services: Services) -> None:
        self.s = services
        self.n = 0
        self.marks: dict[tuple[int, str], list[UUID]] = {}

    def ctx(self, day: int = 0, basis: bool = True) -> CommandContext:
        self.n += 1
        return CommandContext(actor=ACTOR, command_id=f"p{self.n}",
                              effective_on=date(2026, 9, 1) + timedelta(days=day),
                              basis=BasisDocument("order", str(self.n), date(2026, 9, 1))
                              if basis else None)

    def run(self, op: tuple[object, ...]) -> None:
        name, *args = op
        try:
            if name == "register_org":
                self.s.organisations.register(self.ctx(), UUID(int=int(args[0])), BASE)
            elif name == "close_org":
                self.s.organisations.close(self.ctx(day=self.n), UUID(int=int(args[0])),
                                           "closed")
            elif name == "register_learner":
                self.s.learners.register(self.ctx(), UUID(int=100 + int(args[0])))
            elif name == "enrol":
                learner, org, grade = (int(a) for a in args)
                self.s.learners.enrol(
                    self.ctx(day=self.n), UUID(int=100 + learner),
                    enrolment_id=UUID(int=1000 + self.n), organisation_id=UUID(int=org),
                    level=EducationLevel.PRIMARY_GENERAL if grade <= 4
                    else EducationLevel.BASIC_GENERAL, class_or_group=f"{grade}А",
                    academic_year=YEAR)
            elif name == "promote":
                learner_id = UUID(int=100 + int(args[0]))
                placement = self.s.learners.get(learner_id).active_general
                if placement is not None:
                    self.s.learners.transfer_within(
                        self.ctx(day=self.n), learner_id, enrolment_id=placement.enrolment_id,
                        class_or_group=f"{int(args[1])}Б", academic_year=YEAR)
            elif name == "mark":
                learner, subject, value = int(args[0]), str(args[1]), int(args[2])
                mark_id = UUID(int=5000 + self.n)
                self.s.marks.record_mark(
                    self.ctx(basis=False), UUID(int=100 + learner), subject=subject,
                    academic_year=YEAR, mark_id=mark_id, kind=MarkKind.CURRENT,
                    value=MarkValue(Scale.FIVE_POINT, str(value)),
                    lesson_on=date(2026, 9, 7))
                self.marks.setdefault((learner, subject), []).append(mark_id)
            elif name == "correct":
                learner, subject, value = int(args[0]), str(args[1]), int(args[2])
                for original in self.marks.get((learner, subject), [])[:1]:
                    self.s.marks.correct_mark(
                        self.ctx(basis=False), UUID(int=100 + learner), subject=subject,
                        academic_year=YEAR, mark_id=UUID(int=9000 + self.n),
                        corrects_mark_id=original, value=MarkValue(Scale.FIVE_POINT, str(value)),
                        reason="typo")
            elif name == "cancel_last":
                learner_id = UUID(int=100 + int(args[0]))
                learner = self.s.learners.get(learner_id)
                self.s.learners.cancel(self.ctx(), learner_id,
                                       cancelled_version=learner.version, reason="error")
            else:
                run_staff_or_olympiad(self.s, self.ctx, self.n, str(name), args)
        except DomainError:
            pass  # refused commands write nothing; the property is about what was written


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
@settings(max_examples=12)
@given(commands=st.lists(command, min_size=10, max_size=60), page_size=st.integers(1, 7))
def test_live_equals_rebuild_equals_memory(kind: str, commands: list[tuple[object, ...]],
                                           page_size: int) -> None:
    with a_store(kind) as (url, schema):
        # A master key: cancellation and correction reasons are sealed under it.
        services = build_services(Settings(database_url=url, database_schema=schema,
                                           master_key=TEST_MASTER_KEY.to_base64()),
                                  FixedClock(START))
        ledger = services.ledger
        store = ledger.store
        engine, close = build_engine(ledger, url, schema, page_size=page_size)
        try:
            runner = Runner(services)
            # A region to act on, so that most generated commands are accepted.
            for op in [("register_org", 1), ("register_org", 2), ("register_org", 3),
                       *[("register_learner", n) for n in range(1, 5)],
                       *[("enrol", n, 1 + n % 3, n + 3) for n in range(1, 5)]]:
                runner.run(op)
            for projection in PROJECTIONS.values():
                engine.active_generation(projection)
            for op in commands:
                if op[0] == "catch_up":
                    for projection in PROJECTIONS.values():
                        engine.catch_up(projection)
                else:
                    runner.run(op)
            events = [ledger.mapper.to_domain_event(n)
                      for n in ledger.recorder.select_notifications(None, 1_000_000)]
            hypothesis_event(f"events written: {min(len(events) // 20 * 20, 60)}+")
            for projection in PROJECTIONS.values():
                engine.catch_up(projection)
                live = {t: dict(engine.store.scan(projection.name, t))
                        for t in projection.tables}
                assert live == fold_events(projection, events)
                assert engine.verify(projection).ok
                engine.rebuild(projection)
                assert {t: dict(engine.store.scan(projection.name, t))
                        for t in projection.tables} == live
        finally:
            close()
            store.close()
