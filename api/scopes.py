"""Where a resource sits, for the access checks of scoped roles (api/access.py).

Resolved only when the caller's role is scoped; read from the aggregates, so a write is checked
against the ledger's current state and not a read model that may lag.
"""

from __future__ import annotations

from uuid import UUID

from api.access import Scope
from domain.commission import CommissionPurpose
from domain.errors import NotFound
from letopis.bootstrap import Services


def organisation(services: Services, organisation_id: UUID) -> Scope:
    details = services.organisations.get(organisation_id).details
    return Scope(organisation_id=organisation_id, municipality=details.municipality,
                 provider_id=organisation_id)


def learner(services: Services, learner_id: UUID) -> list[Scope]:
    """One scope per active placement (general and additional), and the learner's own."""
    record = services.learners.get(learner_id)
    placements = [p for p in (record.active_general, *record.active_additional.values())
                  if p is not None]
    scopes = [Scope(learner_id=learner_id)]
    for placement in placements:
        where = organisation(services, placement.organisation_id)
        # The staff register (docs/staff.md), when it names this class's teacher for the year,
        # is what the class-teacher rule goes by.
        teacher = services.staff.class_teacher_of(placement.organisation_id,
                                                  placement.class_or_group,
                                                  placement.academic_year)
        scopes.append(Scope(organisation_id=placement.organisation_id,
                            municipality=where.municipality,
                            class_name=placement.class_or_group, learner_id=learner_id,
                            class_teacher_id=teacher))
    return scopes


def protocol(services: Services, protocol_id: UUID) -> Scope:
    campaign = services.acceptance.campaign(services.acceptance.protocol(protocol_id).campaign_id)
    return Scope(municipality=campaign.municipality)


def programme_provider(services: Services, programme_id: UUID) -> Scope:
    return Scope(provider_id=services.certificates.programme(programme_id).provider_id)


def kindergarten_child(services: Services, child_id: UUID) -> list[Scope]:
    """The child's own (the parent's token), and, once it has an application, its
    municipality and the kindergarten of the offer it holds."""
    found = [Scope(learner_id=child_id)]
    try:
        application = services.kindergarten.application(child_id)
    except NotFound:
        return found
    offer = application.offer
    return [*found, Scope(municipality=application.terms.municipality, learner_id=child_id,
                          organisation_id=None if offer is None else offer.organisation_id)]


def kindergarten_round(services: Services, round_id: UUID) -> list[Scope]:
    return [Scope(municipality=services.kindergarten.round(round_id).municipality)]


def certificate(services: Services, number: str) -> Scope:
    return Scope(municipality=services.certificates.certificate(number).municipality)


def contract_provider(services: Services, contract_id: UUID) -> Scope:
    return Scope(provider_id=services.certificates.contract(contract_id).provider_id)


def commission_area(purpose: CommissionPurpose, area: str) -> Scope:
    """An acceptance commission serves a municipality; the ГИА appeal commission serves the
    region, which is no municipality's."""
    return Scope(municipality=area if purpose is CommissionPurpose.SCHOOL_YEAR_ACCEPTANCE
                 else None)


def commission(services: Services, commission_id: UUID) -> Scope:
    found = services.commissions.get(commission_id)
    return commission_area(found.purpose, found.area)


def campaign(services: Services, campaign_id: UUID) -> Scope:
    return Scope(municipality=services.acceptance.campaign(campaign_id).municipality)
