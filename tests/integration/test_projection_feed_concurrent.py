"""A portal follows the change feed from 0 while writer processes record commands, two projection
processes follow different projections and a rebuild swaps one of them: it ends holding exactly
the projections' tables, and what it read live equals the log read afterwards (no entry committed
late with a lower sequence was skipped, none was read twice)."""

from __future__ import annotations

import multiprocessing as mp
import threading
from datetime import date
from typing import Any
from uuid import UUID

from domain.envelope import Actor, BasisDocument, Role
from domain.gradebook_values import MarkKind, MarkValue, Scale
from domain.learner_values import EducationLevel
from letopis.bootstrap import build_services
from letopis.clock import system_clock
from letopis.ledger import CommandContext, Ledger
from letopis.settings import Settings
from letopis.store import open_store
from projections.feed import Change, ChangeFeed
from projections.registry import PROJECTIONS
from projections.runner import build_engine
from tests.feed_checks import apply, assert_in_order, follow, projected
from tests.integration.test_projection_engine import BASE

ACTOR = Actor("writer", Role.REGISTRAR)
YEAR = "2026/2027"
WRITERS, PER_WRITER = 3, 12
FOLLOWED = (("organisation_registry", "learner_history"), ("digital_profile",))


def _context(command_id: str, basis: bool = True) -> CommandContext:
    return CommandContext(actor=ACTOR, command_id=command_id, effective_on=date(2026, 9, 1),
                          basis=BasisDocument("order", "1", date(2026, 9, 1)) if basis else None)


def _writer(url: str, schema: str, first: int) -> None:
    services = build_services(Settings(database_url=url, database_schema=schema))
    try:
        for i in range(first, first + PER_WRITER):
            org, learner = UUID(int=i), UUID(int=10_000 + i)
            services.organisations.register(_context(f"o{i}"), org, BASE)
            services.learners.register(_context(f"l{i}"), learner)
            services.learners.enrol(
                _context(f"e{i}"), learner, enrolment_id=UUID(int=20_000 + i),
                organisation_id=org, level=EducationLevel.BASIC_GENERAL, class_or_group="5А",
                academic_year=YEAR)
            for m in range(3):
                services.marks.record_mark(
                    _context(f"m{i}/{m}", basis=False), learner, subject="Математика",
                    academic_year=YEAR, mark_id=UUID(int=30_000 + 10 * i + m),
                    kind=MarkKind.CURRENT, value=MarkValue(Scale.FIVE_POINT, str(2 + m)),
                    lesson_on=date(2026, 9, 7))
            if i % 4 == 0:
                services.organisations.close(_context(f"x{i}"), org, "closed")
    finally:
        services.close()


def _project(url: str, schema: str, names: tuple[str, ...], stop: Any) -> None:
    store = open_store(url, schema, pool_size=1)
    engine, close = build_engine(Ledger(store, system_clock), url, schema, page_size=5)
    try:
        engine.follow([PROJECTIONS[n] for n in names], stop=stop.is_set, idle_wait=0.05)
    finally:
        close()
        store.close()


class Portal(threading.Thread):
    """Reads the feed live, in small pages, waiting for more when it is at the head."""

    def __init__(self, url: str, schema: str) -> None:
        super().__init__(daemon=True)
        self.feed = ChangeFeed.open(url, schema)
        self.read: list[Change] = []
        self.until: int | None = None  # set once everything is written and projected

    def run(self) -> None:
        after = 0
        while self.until is None or after < self.until:
            page = self.feed.read(after, 9)
            if page:
                self.read.extend(page)
                after = page[-1].sequence
            else:
                self.feed.wait(after, 0.2)


def test_a_portal_following_live_ends_with_the_projections(store_url: tuple[str, str]) -> None:
    url, schema = store_url
    spawn = mp.get_context("spawn")
    stop = spawn.Event()
    projectors = [spawn.Process(target=_project, args=(url, schema, names, stop))
                  for names in FOLLOWED]
    writers = [spawn.Process(target=_writer, args=(url, schema, 1 + w * PER_WRITER))
               for w in range(WRITERS)]
    portal = Portal(url, schema)
    portal.start()
    for process in projectors + writers:
        process.start()
    services = build_services(Settings(database_url=url, database_schema=schema))
    engine, close = build_engine(services.ledger, url, schema, page_size=7)
    try:
        # A rebuild swaps learner_history while its projection process follows it.
        engine.rebuild(PROJECTIONS["learner_history"])
        for process in writers:
            process.join(timeout=300)
            assert process.exitcode == 0
        head = services.ledger.recorder.max_notification_id()
        assert head == WRITERS * PER_WRITER * 7 + WRITERS * PER_WRITER // 4
        for names in FOLLOWED:
            for name in names:
                assert engine.store.wait_for(name, head, timeout=300), name
        stop.set()
        for process in projectors:
            process.join(timeout=60)
            assert process.exitcode == 0
        portal.until = portal.feed.head()
        portal.join(timeout=60)
        assert not portal.is_alive()
        assert_in_order(portal.read)
        assert portal.read == follow(portal.feed)  # nothing skipped live, nothing twice
        followed = [PROJECTIONS[n] for names in FOLLOWED for n in names]
        assert apply({}, portal.read) == projected(engine.store, followed)
        assert len(projected(engine.store, followed)[("learner_history", "learners")]) == \
            WRITERS * PER_WRITER
    finally:
        stop.set()
        for process in projectors + writers:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
        portal.until = 0
        portal.feed.close()
        close()
        services.close()
