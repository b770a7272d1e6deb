"""Commands and reports of the acceptance of organisations for the new school year (приёмка)."""

from __future__ import annotations

import dataclasses
from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

from domain.acceptance import AcceptanceCampaign
from domain.acceptance_protocol import AcceptanceProtocol
from domain.acceptance_reports import (
    ActOfReadiness,
    ReadinessReport,
    RegionalReadinessReport,
    act_of_readiness,
    deficiencies_on_record,
    municipal_report,
    regional_report,
)
from domain.acceptance_values import PlanEntry, ProtocolEntry, ProtocolExists, Remedy
from domain.calendar import ProductionCalendar
from domain.commission import Commission
from domain.envelope import Meta
from domain.errors import InvalidInput
from domain.organisation import Organisation
from letopis.ledger import CommandContext, Ledger
from letopis.services.streams import stream_ids_with_topic
from letopis.store.base import CommandOutcome


def _entry_payload(entry: ProtocolEntry) -> dict[str, object]:
    return {"organisation_id": entry.organisation_id, "result": entry.result.value,
            "deficiencies": [
                {**dataclasses.asdict(d), "category": d.category.value}
                for d in entry.deficiencies
            ]}


class AcceptanceService:
    def __init__(self, ledger: Ledger, calendar: ProductionCalendar) -> None:
        self.ledger = ledger
        self.calendar = calendar

    # -- reading -------------------------------------------------------------------------------

    def campaign(self, campaign_id: UUID) -> AcceptanceCampaign:
        return self.ledger.load(AcceptanceCampaign, campaign_id, "acceptance campaign")

    def protocol(self, protocol_id: UUID) -> AcceptanceProtocol:
        return self.ledger.load(AcceptanceProtocol, protocol_id, "acceptance protocol")

    def _commission(self, commission_id: UUID) -> Commission:
        return self.ledger.load(Commission, commission_id, "commission")

    def _protocols(self, campaign: AcceptanceCampaign) -> dict[UUID, AcceptanceProtocol]:
        return {i: self.protocol(i) for i in campaign.protocol_ids}

    def municipal_report(self, campaign_id: UUID, as_of: date) -> ReadinessReport:
        campaign = self.campaign(campaign_id)
        return municipal_report(campaign, self._protocols(campaign), as_of)

    def regional_report(self, academic_year: str, as_of: date) -> RegionalReadinessReport:
        """The consolidated report over every municipality's campaign for the year."""
        opened = get_topic(getattr(AcceptanceCampaign, "Opened"))  # noqa: B009
        campaigns = [self.campaign(i) for i in stream_ids_with_topic(self.ledger, opened)]
        return regional_report(academic_year, as_of, [
            municipal_report(c, self._protocols(c), as_of)
            for c in campaigns if c.academic_year == academic_year
        ])

    def act_of_readiness(self, campaign_id: UUID, organisation_id: UUID) -> ActOfReadiness | None:
        campaign = self.campaign(campaign_id)
        organisation = self.ledger.load(Organisation, organisation_id, "organisation")
        return act_of_readiness(campaign, self._protocols(campaign), organisation)

    # -- plan-schedule -------------------------------------------------------------------------

    def open_campaign(self, context: CommandContext, municipality: str,
                      academic_year: str) -> CommandOutcome:
        """Open the campaign by the order in `context.basis`; its id is derived."""
        def action(meta: Meta) -> list[AcceptanceCampaign]:
            if self.ledger.exists(AcceptanceCampaign.stream_id(municipality, academic_year)):
                raise InvalidInput(f"the {academic_year} acceptance campaign of {municipality} "
                                   "is already open")
            return [AcceptanceCampaign.open(municipality=municipality,
                                            academic_year=academic_year, meta=meta)]

        return self.ledger.execute(
            context, "open_acceptance_campaign",
            {"municipality": municipality, "academic_year": academic_year}, action,
        )

    def plan_organisation(self, context: CommandContext, campaign_id: UUID,
                          entry: PlanEntry) -> CommandOutcome:
        def action(meta: Meta) -> list[AcceptanceCampaign]:
            campaign = self.campaign(campaign_id)
            organisation = self.ledger.load(Organisation, entry.organisation_id, "organisation")
            campaign.plan_organisation(entry=entry, organisation=organisation,
                                       commission=self._commission(entry.commission_id),
                                       calendar=self.calendar, meta=meta)
            return [campaign]

        return self.ledger.execute(
            context, "plan_acceptance",
            {"campaign_id": campaign_id, **dataclasses.asdict(entry)}, action,
        )

    def reschedule(self, context: CommandContext, campaign_id: UUID, organisation_id: UUID,
                   planned_on: date, reason: str) -> CommandOutcome:
        def action(meta: Meta) -> list[AcceptanceCampaign]:
            campaign = self.campaign(campaign_id)
            campaign.reschedule(organisation_id=organisation_id, planned_on=planned_on,
                                reason=reason, calendar=self.calendar, meta=meta)
            return [campaign]

        return self.ledger.execute(
            context, "reschedule_acceptance",
            {"campaign_id": campaign_id, "organisation_id": organisation_id,
             "planned_on": planned_on, "reason": reason}, action,
        )

    # -- daily protocols -----------------------------------------------------------------------

    def open_protocol(self, context: CommandContext, campaign_id: UUID, commission_id: UUID,
                      held_on: date, *, amends: UUID | None = None,
                      protocol_id: UUID | None = None) -> CommandOutcome:
        """Open the commission's protocol of `held_on` (id derived), or an amending protocol
        (`amends` the original, with an id of its own)."""
        new_id = protocol_id or AcceptanceProtocol.original_id(commission_id, held_on)

        def action(meta: Meta) -> list[AcceptanceProtocol]:
            if amends is not None and protocol_id is None:
                raise InvalidInput("an amending protocol needs an id of its own")
            if self.ledger.exists(new_id):
                raise ProtocolExists(f"protocol {new_id} of commission {commission_id} for "
                                     f"{held_on.isoformat()} already exists")
            amended = None if amends is None else self.protocol(amends)
            return [AcceptanceProtocol.open(
                protocol_id=new_id, campaign=self.campaign(campaign_id),
                commission=self._commission(commission_id), held_on=held_on,
                calendar=self.calendar, amends=amended, meta=meta)]

        return self.ledger.execute(
            context, "open_acceptance_protocol",
            {"protocol_id": new_id, "campaign_id": campaign_id, "commission_id": commission_id,
             "held_on": held_on, "amends": amends}, action,
        )

    def record_entry(self, context: CommandContext, protocol_id: UUID,
                     entry: ProtocolEntry) -> CommandOutcome:
        def action(meta: Meta) -> list[AcceptanceProtocol]:
            protocol = self.protocol(protocol_id)
            protocol.record_entry(entry=entry, campaign=self.campaign(protocol.campaign_id),
                                  meta=meta)
            return [protocol]

        return self.ledger.execute(
            context, "record_protocol_entry",
            {"protocol_id": protocol_id, **_entry_payload(entry)}, action,
        )

    def sign_protocol(self, context: CommandContext, protocol_id: UUID, chair_id: UUID,
                      members_present: tuple[UUID, ...]) -> CommandOutcome:
        """Sign the protocol and file it with its campaign, in one atomic command."""
        def action(meta: Meta) -> list[Aggregate]:
            protocol = self.protocol(protocol_id)
            campaign = self.campaign(protocol.campaign_id)
            protocol.sign(commission=self._commission(protocol.commission_id),
                          chair_id=chair_id, members_present=members_present, meta=meta)
            campaign.file_protocol(protocol_id=protocol.id,
                                   commission_id=protocol.commission_id,
                                   held_on=protocol.held_on, amends=protocol.amends, meta=meta)
            return [protocol, campaign]

        return self.ledger.execute(
            context, "sign_acceptance_protocol",
            {"protocol_id": protocol_id, "chair_id": chair_id,
             "members_present": [str(m) for m in members_present]}, action,
        )

    # -- remedies ------------------------------------------------------------------------------

    def confirm_remedies(self, context: CommandContext, campaign_id: UUID,
                         remedy_protocol_id: UUID, organisation_id: UUID,
                         remedies: tuple[Remedy, ...]) -> CommandOutcome:
        """Record a remedy protocol (протокол об устранении недостатков)."""
        def action(meta: Meta) -> list[AcceptanceCampaign]:
            campaign = self.campaign(campaign_id)
            found = deficiencies_on_record(campaign, self._protocols(campaign), organisation_id)
            campaign.confirm_remedies(remedy_protocol_id=remedy_protocol_id,
                                      organisation_id=organisation_id, remedies=remedies,
                                      found=found, meta=meta)
            return [campaign]

        return self.ledger.execute(
            context, "confirm_remedies",
            {"campaign_id": campaign_id, "remedy_protocol_id": remedy_protocol_id,
             "organisation_id": organisation_id,
             "remedies": [dataclasses.asdict(r) for r in remedies]}, action,
        )
