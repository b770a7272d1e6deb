"""After destruction the read models show the learner as "personal data destroyed": live,
after a rebuild, and in a verify; never an error. They never held the data itself."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID

import pytest

from letopis.ledger import Ledger
from letopis.privacy import PersonalDataService
from letopis.privacy.destruction import destroy
from projections.digital_profile import DIGITAL_PROFILE, PROFILES
from projections.engine import Engine
from projections.learner_history import LEARNER_HISTORY, LEARNERS
from projections.runner import build_engine
from tests.privacy_world import DPO, Region, ctx, dump, leaked

LEARNER, OTHER = UUID(int=100), UUID(int=101)
PERSONAL = {"full_name": "Кузнецова Мария Петровна", "snils": "112-233-445 95"}


@pytest.fixture
def engine(ledger: Ledger, store_url: tuple[str, str]) -> Iterator[Engine]:
    built, close = build_engine(ledger, *store_url, page_size=2)
    yield built
    close()


def test_projections_mark_the_learner_destroyed_live_and_after_a_rebuild(
        ledger: Ledger, personal_data: PersonalDataService, engine: Engine,
        store_url: tuple[str, str]) -> None:
    region = Region(ledger, personal_data)
    for learner_id in (LEARNER, OTHER):
        region.register(learner_id, PERSONAL if learner_id == LEARNER else None)
        region.enrol(learner_id, UUID(int=learner_id.int + 1000))
    for projection in (LEARNER_HISTORY, DIGITAL_PROFILE):
        engine.catch_up(projection)
    destroy(personal_data, ctx("destroy", DPO, None), LEARNER, "act № 12 of 2026-10-01")
    for projection, table in ((LEARNER_HISTORY, LEARNERS), (DIGITAL_PROFILE, PROFILES)):
        engine.catch_up(projection)
        row = engine.store.read(projection.name, table, str(LEARNER))
        assert row is not None
        assert row["personal_data"] == "destroyed"
        assert row["personal_data_destroyed_at"].startswith("2026-09-01T08:")
        assert row["status"] == "enrolled"  # the facts stay
        other = engine.store.read(projection.name, table, str(OTHER))
        assert other is not None
        assert "personal_data" not in other
        engine.rebuild(projection)
        assert engine.store.read(projection.name, table, str(LEARNER)) == row
        assert engine.verify(projection).ok
    assert leaked(dump(*store_url), PERSONAL) == []
