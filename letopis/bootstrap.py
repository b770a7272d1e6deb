"""Composition root: the only place that turns settings into connected objects."""

from __future__ import annotations

from dataclasses import dataclass

from domain.calendar import ProductionCalendar
from letopis.calendars import load_calendar
from letopis.clock import Clock, system_clock
from letopis.ledger import Ledger
from letopis.privacy import PersonalDataService, load_master_key, open_keystore
from letopis.services.acceptance import AcceptanceService
from letopis.services.admissions import CollegeAdmissionService, FirstClassService
from letopis.services.certificates import CertificateService
from letopis.services.commissions import CommissionService
from letopis.services.exams import ExamService
from letopis.services.funding_claims import FundingClaimService
from letopis.services.kindergarten import KindergartenQueueService
from letopis.services.learners import LearnerService
from letopis.services.marks import MarkService
from letopis.services.olympiads import OlympiadService
from letopis.services.organisation_changes import OrganisationChangeService
from letopis.services.organisations import OrganisationService
from letopis.services.staff import StaffService
from letopis.settings import Settings
from letopis.store import open_store


@dataclass
class Services:
    """Every application service over one ledger."""

    ledger: Ledger
    organisations: OrganisationService
    learners: LearnerService
    marks: MarkService
    commissions: CommissionService
    exams: ExamService
    acceptance: AcceptanceService
    certificates: CertificateService
    funding_claims: FundingClaimService
    staff: StaffService
    olympiads: OlympiadService
    organisation_changes: OrganisationChangeService
    kindergarten: KindergartenQueueService
    first_class: FirstClassService
    college_admission: CollegeAdmissionService
    personal_data: PersonalDataService

    def close(self) -> None:
        self.personal_data.keystore.close()
        self.ledger.store.close()


def build_services(settings: Settings, clock: Clock = system_clock) -> Services:
    store = open_store(settings.database_url, settings.database_schema, settings.pool_size)
    ledger = Ledger(store, clock)
    calendar = load_calendar(settings.calendar_file)
    master = load_master_key(
        settings.master_key_file,
        settings.master_key.get_secret_value() if settings.master_key else None)
    personal_data = PersonalDataService(
        ledger, open_keystore(settings.database_url, settings.database_schema,
                              settings.keystore_url), master, clock)
    return compose(ledger, calendar, personal_data)


def compose(ledger: Ledger, calendar: ProductionCalendar,
            personal_data: PersonalDataService) -> Services:
    """Every service over `ledger` (also used by the file generator over its sink recorder)."""
    return Services(
        ledger=ledger,
        organisations=OrganisationService(ledger),
        learners=LearnerService(ledger, personal_data),
        marks=MarkService(ledger, personal_data),
        commissions=CommissionService(ledger),
        exams=ExamService(ledger, calendar, personal_data),
        acceptance=AcceptanceService(ledger, calendar),
        certificates=CertificateService(ledger, personal_data),
        funding_claims=FundingClaimService(ledger),
        staff=StaffService(ledger),
        olympiads=OlympiadService(ledger),
        organisation_changes=OrganisationChangeService(ledger),
        kindergarten=KindergartenQueueService(ledger),
        first_class=FirstClassService(ledger, calendar),
        college_admission=CollegeAdmissionService(ledger),
        personal_data=personal_data,
    )
