"""The demo region's applications and queues: deterministic and idempotent, and the round an
auditor replays reproduces its recorded offers."""

from __future__ import annotations

from pathlib import Path

from domain.college_admission import CollegeAdmission
from domain.first_class_values import AdmissionDecision
from domain.kindergarten_round import AllocationRound
from domain.learner import Learner
from domain.learner_values import EducationLevel
from letopis.bootstrap import build_services
from letopis.demo import DemoGenerator, DemoPlan, SettableClock
from letopis.demo_admissions import MUNICIPALITY, ROUND_DAY, YEAR, extend_demo
from letopis.settings import Settings
from letopis.store import init_store


def test_demo_adds_a_queue_round_and_admissions_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    init_store(url)
    clock = SettableClock()
    services = build_services(Settings(database_url=url), clock)
    try:
        plan = DemoPlan(learners=10, years=1, seed=7, weeks_of_marks=0)
        DemoGenerator(services, clock, plan).run()  # the demo runs its extensions
        count = services.ledger.store.count_events()

        round_id = AllocationRound.stream_id(MUNICIPALITY, ROUND_DAY)
        assert services.kindergarten.verify(round_id)
        found = services.kindergarten.round(round_id)
        assert len(found.allocated_offers) >= 3
        assert any(d.offer is None for d in found.replay().decisions)  # some wait
        enrolled = [ledger_learner for ledger_learner in
                    (services.ledger.load(Learner, o.child_id, "learner")
                     for o in found.offers.values() if services.ledger.exists(o.child_id))]
        assert enrolled
        assert all(learner.active_general is not None
                   and learner.active_general.level is EducationLevel.PRESCHOOL
                   for learner in enrolled)

        school = plan.uuid("organisation", 0)
        admission = services.first_class.admission(school, YEAR)
        decisions = [a.decision for a in admission.applications.values()]
        assert decisions.count(AdmissionDecision.ADMITTED) == 5
        assert decisions.count(AdmissionDecision.REFUSED) == 1
        assert admission.exceptions

        college = services.ledger.load(
            CollegeAdmission, CollegeAdmission.stream_id(plan.uuid("admissions", "college", 0),
                                                         YEAR), "college admission")
        assert set(college.published) == set(college.programmes)
        assert sum(college.enrolled.values()) >= 3

        extend_demo(DemoGenerator(services, clock, plan))
        assert services.ledger.store.count_events() == count
    finally:
        services.close()
