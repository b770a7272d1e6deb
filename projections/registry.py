"""Every read model Letopis maintains, by its name in the CLI and API."""

from __future__ import annotations

from projections.admissions_queue import ADMISSIONS_QUEUE
from projections.base import Projection
from projections.college_ratings import COLLEGE_RATINGS
from projections.commission_reports import COMMISSION_REPORTS
from projections.digital_profile import DIGITAL_PROFILE
from projections.financial_registry import FINANCIAL_REGISTRY
from projections.learner_history import LEARNER_HISTORY
from projections.organisation_registry import ORGANISATION_REGISTRY
from projections.staff_registry import STAFF_REGISTRY

PROJECTIONS: dict[str, Projection] = {
    p.name: p for p in (ORGANISATION_REGISTRY, LEARNER_HISTORY, DIGITAL_PROFILE,
                        FINANCIAL_REGISTRY, COMMISSION_REPORTS, STAFF_REGISTRY,
                        ADMISSIONS_QUEUE, COLLEGE_RATINGS)
}
