"""Composition root: the only place that turns settings into connected objects."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.calendar_ru import RUSSIA
from letopis.clock import Clock, system_clock
from letopis.ledger import Ledger
from letopis.services.acceptance import AcceptanceService
from letopis.services.certificates import CertificateService
from letopis.services.commissions import CommissionService
from letopis.services.exams import ExamService
from letopis.services.funding_claims import FundingClaimService
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
    # Built from the ledger with the shipped calendar (a region may replace them with its own):
    # callers that construct Services by hand need not know about them.
    commissions: CommissionService = field(init=False)
    exams: ExamService = field(init=False)
    acceptance: AcceptanceService = field(init=False)
    certificates: CertificateService = field(init=False)
    funding_claims: FundingClaimService = field(init=False)

    def __post_init__(self) -> None:
        self.commissions = CommissionService(self.ledger)
        self.exams = ExamService(self.ledger, RUSSIA)
        self.acceptance = AcceptanceService(self.ledger, RUSSIA)
        self.certificates = CertificateService(self.ledger)
        self.funding_claims = FundingClaimService(self.ledger)

    def close(self) -> None:
        self.ledger.store.close()


def build_services(settings: Settings, clock: Clock = system_clock) -> Services:
    store = open_store(settings.database_url, settings.database_schema, settings.pool_size)
    ledger = Ledger(store, clock)
    return Services(ledger, OrganisationService(ledger), LearnerService(ledger),
                    MarkService(ledger))
