"""The demo region's exam session and acceptance campaign: deterministic and idempotent."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.acceptance import AcceptanceCampaign
from domain.acceptance_values import AcceptanceResult
from domain.appeal import Appeal
from domain.appeal_values import AppealStatus
from letopis.bootstrap import Services, build_services
from letopis.demo import DemoGenerator, DemoPlan, SettableClock
from letopis.demo_exams import extend_demo
from letopis.services.streams import stream_ids_with_topic
from letopis.settings import Settings
from letopis.store import init_store
from tests.conftest import TEST_MASTER_KEY


def test_demo_adds_appeals_and_an_acceptance_campaign_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    init_store(url)
    clock = SettableClock()
    # With a master key: appeal statements are sealed under the learners' data keys.
    services = build_services(Settings(database_url=url,
                                       master_key=TEST_MASTER_KEY.to_base64()), clock)
    try:
        generator = DemoGenerator(services, clock, DemoPlan(learners=60, years=1, seed=7,
                                                            weeks_of_marks=0))
        generator.run()
        extend_demo(generator)
        count = services.ledger.store.count_events()

        appeals = [services.exams.appeal(a) for a in _appeal_ids(services)]
        statuses = {a.status for a in appeals}
        assert {AppealStatus.UPHELD, AppealStatus.REJECTED, AppealStatus.NOT_ACCEPTED,
                AppealStatus.WITHDRAWN, AppealStatus.FILED} <= statuses
        assert services.exams.overdue_appeals(date(2026, 7, 1))  # the undecided ones

        regional = services.acceptance.regional_report("2026/2027", date(2026, 9, 1))
        assert regional.planned >= 3
        assert regional.not_inspected == 0
        assert regional.open_deficiencies == 0
        assert regional.by_result[AcceptanceResult.NOT_ACCEPTED] == 0  # all re-visited
        assert regional.by_result[AcceptanceResult.ACCEPTED_WITH_REMARKS] >= 1
        campaign_id = AcceptanceCampaign.stream_id("Оренбург", "2026/2027")
        assert services.acceptance.campaign(campaign_id).protocol_ids

        extend_demo(DemoGenerator(services, clock, DemoPlan(60, 1, 7, 0)))
        assert services.ledger.store.count_events() == count
    finally:
        services.close()


def _appeal_ids(services: Services) -> list[UUID]:
    filed = get_topic(getattr(Appeal, "Filed"))  # noqa: B009
    return stream_ids_with_topic(services.ledger, filed)
