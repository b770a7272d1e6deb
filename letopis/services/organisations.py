"""Commands of the organisation registry."""

from __future__ import annotations

import dataclasses
from uuid import UUID

from domain.envelope import Meta
from domain.errors import InvalidInput
from domain.organisation import Accreditation, Licence, Organisation, OrganisationDetails
from letopis.ledger import CommandContext, Ledger
from letopis.store.base import CommandOutcome


class OrganisationService:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def get(self, organisation_id: UUID) -> Organisation:
        return self.ledger.load(Organisation, organisation_id, "organisation")

    def register(self, context: CommandContext, organisation_id: UUID,
                 details: OrganisationDetails) -> CommandOutcome:
        def action(meta: Meta) -> list[Organisation]:
            if self.ledger.exists(organisation_id):
                raise InvalidInput(f"organisation {organisation_id} is already registered")
            return [Organisation.register(organisation_id=organisation_id, details=details,
                                          meta=meta)]

        return self.ledger.execute(
            context, "register_organisation",
            {"organisation_id": organisation_id, **dataclasses.asdict(details)}, action,
        )

    def change_details(self, context: CommandContext, organisation_id: UUID,
                       details: OrganisationDetails) -> CommandOutcome:
        def action(meta: Meta) -> list[Organisation]:
            org = self.get(organisation_id)
            org.change_details(details=details, meta=meta)
            return [org]

        return self.ledger.execute(
            context, "change_organisation_details",
            {"organisation_id": organisation_id, **dataclasses.asdict(details)}, action,
        )

    def record_licence(self, context: CommandContext, organisation_id: UUID,
                       licence: Licence) -> CommandOutcome:
        def action(meta: Meta) -> list[Organisation]:
            org = self.get(organisation_id)
            org.record_licence(licence=licence, meta=meta)
            return [org]

        return self.ledger.execute(
            context, "record_licence",
            {"organisation_id": organisation_id, **dataclasses.asdict(licence)}, action,
        )

    def record_accreditation(self, context: CommandContext, organisation_id: UUID,
                             accreditation: Accreditation) -> CommandOutcome:
        def action(meta: Meta) -> list[Organisation]:
            org = self.get(organisation_id)
            org.record_accreditation(accreditation=accreditation, meta=meta)
            return [org]

        return self.ledger.execute(
            context, "record_accreditation",
            {"organisation_id": organisation_id, **dataclasses.asdict(accreditation)}, action,
        )

    def reorganise(self, context: CommandContext, organisation_id: UUID, form: str,
                   successor_ids: tuple[UUID, ...]) -> CommandOutcome:
        def action(meta: Meta) -> list[Organisation]:
            org = self.get(organisation_id)
            for successor in successor_ids:
                self.get(successor)
            org.reorganise(form=form, successor_ids=successor_ids, meta=meta)
            return [org]

        return self.ledger.execute(
            context, "reorganise_organisation",
            {"organisation_id": organisation_id, "form": form, "successors": successor_ids},
            action,
        )

    def close(self, context: CommandContext, organisation_id: UUID,
              reason: str) -> CommandOutcome:
        def action(meta: Meta) -> list[Organisation]:
            org = self.get(organisation_id)
            org.close(reason=reason, meta=meta)
            return [org]

        return self.ledger.execute(
            context, "close_organisation", {"organisation_id": organisation_id,
                                            "reason": reason}, action,
        )
