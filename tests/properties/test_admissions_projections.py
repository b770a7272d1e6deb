"""Property: for any sequence of kindergarten-queue and college-admission commands, the
`admissions_queue` and `college_ratings` read models after live, incremental catch-ups equal a
full rebuild and the in-memory fold (SQLite and PostgreSQL), and agree with the domain: the
queue position read from the model is the place in the order the allocation serves the queue,
and the rating list read from the model is the domain's."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

import pytest
from hypothesis import event as hypothesis_event
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.college_values import ProgrammeChoice, ProgrammePlaces
from domain.envelope import BasisDocument
from domain.errors import DomainError
from domain.kindergarten_allocation import queue_order
from domain.kindergarten_round import AllocationRound
from domain.kindergarten_values import FreePlaces, PrivilegeCategory, QueueTerms
from letopis.bootstrap import Services, build_services
from letopis.clock import FixedClock
from letopis.settings import Settings
from projections.admissions_queue import ADMISSIONS_QUEUE, QUEUES, queue_position
from projections.college_ratings import ADMISSIONS, COLLEGE_RATINGS, rating_list
from projections.memory import fold_events
from projections.runner import build_engine
from replay.history import plain
from tests.admissions_world import (
    COLLEGE,
    KG_1,
    KG_2,
    KG_3,
    MUNICIPALITY,
    Commands,
    register_organisations,
)
from tests.kindergarten_builders import CERTIFICATE
from tests.properties.test_projection_rebuild import a_store

YEAR, CODES = "2026/2027", ("09.02.07", "15.01.05")
ORDER = BasisDocument("order", "1", date(2026, 8, 25))
KGS = (KG_1, KG_2, KG_3)
PROJECTIONS = (ADMISSIONS_QUEUE, COLLEGE_RATINGS)

kid = st.integers(1, 6)
command = st.one_of(
    st.tuples(st.just("apply"), kid, st.sampled_from(list(PrivilegeCategory)),
              st.lists(st.sampled_from(KGS), min_size=1, max_size=3, unique=True),
              st.sampled_from(("1-2", "3-4"))),
    st.tuples(st.just("confirm"), kid), st.tuples(st.just("confirm"), kid),
    st.tuples(st.just("suspend"), kid), st.tuples(st.just("resume"), kid),
    st.tuples(st.just("withdraw"), kid),
    st.tuples(st.just("change"), kid, st.lists(st.sampled_from(KGS), min_size=1, max_size=3,
                                               unique=True)),
    st.tuples(st.just("round"), st.integers(1, 3)),
    st.tuples(st.just("answer"), kid, st.booleans()),
    st.tuples(st.just("draft"), kid, st.integers(300, 500), st.permutations(CODES)),
    st.tuples(st.just("originals"), kid, st.integers(300, 500)),
    st.tuples(st.just("drop"), kid),
    st.tuples(st.just("publish"), st.sampled_from(CODES)),
    st.tuples(st.just("enrol"), st.sampled_from(CODES), kid),
    st.just(("catch_up",)),
)


class Runner:
    def __init__(self, services: Services) -> None:
        self.s, self.ctx, self.rounds = services, Commands("p"), 0
        register_organisations(services.ledger)
        services.college_admission.open(self.ctx(), COLLEGE, YEAR, tuple(
            ProgrammePlaces(code, code, 2) for code in CODES))
        self.terms: dict[int, QueueTerms] = {}

    def run(self, op: tuple[object, ...]) -> None:
        name, *args = op
        kg, college = self.s.kindergarten, self.s.college_admission
        child = UUID(int=3000 + int(args[0])) if args and isinstance(args[0], int) else None
        application = UUID(int=6000 + int(args[1])) if name == "enrol" else (
            UUID(int=6000 + int(args[0])) if args and isinstance(args[0], int) else None)
        try:
            if name == "apply" and child is not None:
                privilege, prefs, group = args[1], args[2], args[3]
                assert isinstance(privilege, PrivilegeCategory)
                assert isinstance(prefs, list)
                terms = QueueTerms(MUNICIPALITY, tuple(prefs), date(2026, 9, 1), str(group),
                                   privilege, None if privilege is PrivilegeCategory.NONE
                                   else CERTIFICATE)
                kg.register(self.ctx(), child, terms)
            elif name == "change" and child is not None:
                current = kg.application(child).terms
                assert isinstance(args[1], list)
                kg.change(self.ctx(), child, QueueTerms(
                    MUNICIPALITY, tuple(args[1]), current.desired_start, current.age_group,
                    current.privilege, current.privilege_document))
            elif name in ("confirm", "resume") and child is not None:
                getattr(kg, name)(self.ctx(), child)
            elif name in ("suspend", "withdraw") and child is not None:
                getattr(kg, name)(self.ctx(), child, "по заявлению")
            elif name == "round":
                self.rounds += 1
                held_on = date(2026, 5, self.rounds)
                kg.open_round(self.ctx(held_on), MUNICIPALITY, held_on, date(2026, 9, 1),
                              tuple(FreePlaces(org, group, int(str(args[0])))
                                    for org in KGS[:2] for group in ("1-2", "3-4")))
                kg.allocate(self.ctx(held_on), AllocationRound.stream_id(MUNICIPALITY, held_on))
            elif name == "answer" and child is not None:
                kg.answer_offer(self.ctx(), child, accepted=bool(args[1]), reason="далеко")
            elif name == "draft" and application is not None:
                codes = args[2]
                assert isinstance(codes, list | tuple)
                college.submit_draft(self.ctx(), COLLEGE, YEAR, application_id=application,
                                     applicant_id=application, average_mark=Decimal(
                                         int(str(args[1]))) / 100, choices=tuple(
                                         ProgrammeChoice(c, n) for n, c in
                                         enumerate(codes[:1 + int(str(args[1])) % 2], 1)))
            elif name == "originals" and application is not None:
                college.confirm(self.ctx(), COLLEGE, YEAR, application, ("аттестат",),
                                Decimal(int(str(args[1]))) / 100)
            elif name == "drop" and application is not None:
                college.withdraw(self.ctx(), COLLEGE, YEAR, application, "передумал")
            elif name == "publish":
                college.publish_rating(self.ctx(), COLLEGE, YEAR, str(args[0]))
            elif name == "enrol" and application is not None:
                college.order_enrolment(self.ctx(basis=ORDER), COLLEGE, YEAR, str(args[0]),
                                        (application,), "гр-1")
        except DomainError:
            pass  # refused commands write nothing; the property is about what was written


def agree_with_domain(services: Services, tables: dict[str, dict[str, dict[str, object]]]
                      ) -> None:
    kg = services.kindergarten
    queue = queue_order(kg.queue_snapshot(MUNICIPALITY))
    row = tables[QUEUES].get(MUNICIPALITY)
    for entry in queue:
        assert row is not None
        expected = {str(org): 1 + [e.application_id for e in queue
                                   if org in e.preferences and e.age_group == entry.age_group
                                   ].index(entry.application_id)
                    for org in entry.preferences}
        assert queue_position(row, str(entry.application_id)) == expected
    admission = services.college_admission.admission(COLLEGE, YEAR)
    for code in CODES:
        domain_list = [plain(line) for line in admission.rating(code)]
        assert rating_list(tables[ADMISSIONS][str(admission.id)], code) == domain_list


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
@settings(max_examples=5)
@given(commands=st.lists(command, min_size=10, max_size=50), page_size=st.integers(1, 7))
def test_admissions_read_models_live_equal_rebuild_and_the_domain(
        kind: str, commands: list[tuple[object, ...]], page_size: int) -> None:
    with a_store(kind) as (url, schema):
        services = build_services(Settings(database_url=url, database_schema=schema),
                                  FixedClock(datetime(2026, 2, 1, 9, tzinfo=UTC)))
        ledger = services.ledger
        engine, close = build_engine(ledger, url, schema, page_size=page_size)
        try:
            runner = Runner(services)
            # A queue and applicants to act on, so that most generated commands are accepted.
            for n in range(1, 5):
                runner.run(("apply", n, list(PrivilegeCategory)[n % 4], [KGS[n % 3], KG_1],
                            "3-4"))
                runner.run(("confirm", n))
                runner.run(("draft", n, 380 + 20 * n, CODES))
                runner.run(("originals", n, 380 + 20 * n))
            for projection in PROJECTIONS:
                engine.active_generation(projection)
            for op in commands:
                if op[0] == "catch_up":
                    for projection in PROJECTIONS:
                        engine.catch_up(projection)
                else:
                    runner.run(op)
            events = [ledger.mapper.to_domain_event(n)
                      for n in ledger.recorder.select_notifications(None, 1_000_000)]
            for projection in PROJECTIONS:
                engine.catch_up(projection)
                live = {t: dict(engine.store.scan(projection.name, t))
                        for t in projection.tables}
                assert live == fold_events(projection, events)
                engine.rebuild(projection)
                assert {t: dict(engine.store.scan(projection.name, t))
                        for t in projection.tables} == live
            hypothesis_event(f"events written: {min(len(events) // 20 * 20, 80)}+")
            agree_with_domain(services, {
                **fold_events(ADMISSIONS_QUEUE, events), **fold_events(COLLEGE_RATINGS, events)})
        finally:
            close()
            services.close()
