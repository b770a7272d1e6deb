"""The demo region's staff, olympiad and card change requests: deterministic and idempotent."""

from __future__ import annotations

from pathlib import Path

from domain.olympiad import Olympiad
from domain.olympiad_values import ResultStatus
from letopis.bootstrap import build_services
from letopis.demo import DemoGenerator, DemoPlan, SettableClock
from letopis.demo_staff import LYCEUM, extend_demo
from letopis.settings import Settings
from letopis.store import init_store

YEAR = "2025/2026"


def test_demo_has_class_teachers_an_olympiad_and_card_requests(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    init_store(url)
    clock = SettableClock()
    services = build_services(Settings(database_url=url), clock)
    try:
        plan = DemoPlan(learners=60, years=1, seed=7, weeks_of_marks=0)
        DemoGenerator(services, clock, plan).run()
        count = services.ledger.store.count_events()

        for i in range(3):
            school = plan.uuid("organisation", i)
            register = services.staff.register(school)
            assert register.class_teachers  # every class of the year has its teacher
            for key, teacher in register.class_teachers.items():
                assert key.class_name in services.staff.classes_of(teacher, school, YEAR)
                assert register.is_employed(teacher)

        olympiad = services.olympiads.olympiad(Olympiad.stream_id(YEAR, "Математика"))
        statuses = {r.status for r in olympiad.results.values()}
        assert ResultStatus.PARTICIPANT in statuses
        assert len(olympiad.stages) == 3
        assert olympiad.appeals
        past = services.olympiads.olympiad(Olympiad.stream_id("2024/2025", "Математика"))
        assert all(r.imported for r in past.results.values())

        card = services.organisations.get(plan.uuid("organisation", 0)).details
        assert card.full_name == LYCEUM  # approved; the second request was rejected
        assert card.actual_address.endswith("корп. 2")  # edited directly

        extend_demo(DemoGenerator(services, clock, plan))
        assert services.ledger.store.count_events() == count
    finally:
        services.close()
