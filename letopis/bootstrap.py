"""Composition root: the only place that turns settings into connected objects."""

from __future__ import annotations

from dataclasses import dataclass

from letopis.clock import Clock, system_clock
from letopis.ledger import Ledger
from letopis.services.learners import LearnerService
from letopis.services.marks import MarkService
from letopis.services.organisations import OrganisationService
from letopis.settings import Settings
from letopis.store import open_store


@dataclass
class Services:
    ledger: Ledger
    organisations: OrganisationService
    learners: LearnerService
    marks: MarkService

    def close(self) -> None:
        self.ledger.store.close()


def build_services(settings: Settings, clock: Clock = system_clock) -> Services:
    store = open_store(settings.database_url, settings.database_schema, settings.pool_size)
    ledger = Ledger(store, clock)
    return Services(ledger, OrganisationService(ledger), LearnerService(ledger),
                    MarkService(ledger))
