"""Commands of commissions: GIA appeal commissions and school-year acceptance commissions."""

from __future__ import annotations

import dataclasses
from uuid import UUID

from domain.commission import Commission, CommissionMember, CommissionPurpose
from domain.envelope import Meta
from domain.errors import InvalidInput
from letopis.ledger import CommandContext, Ledger
from letopis.store.base import CommandOutcome


class CommissionService:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def get(self, commission_id: UUID) -> Commission:
        return self.ledger.load(Commission, commission_id, "commission")

    def form(self, context: CommandContext, commission_id: UUID, purpose: CommissionPurpose,
             name: str, area: str, chair: CommissionMember,
             members: tuple[CommissionMember, ...]) -> CommandOutcome:
        def action(meta: Meta) -> list[Commission]:
            if self.ledger.exists(commission_id):
                raise InvalidInput(f"commission {commission_id} already exists")
            return [Commission.form(commission_id=commission_id, purpose=purpose, name=name,
                                    area=area, chair=chair, members=members, meta=meta)]

        return self.ledger.execute(
            context, "form_commission",
            {"commission_id": commission_id, "purpose": purpose.value, "name": name,
             "area": area, "chair": dataclasses.asdict(chair),
             "members": [dataclasses.asdict(m) for m in members]}, action,
        )

    def appoint(self, context: CommandContext, commission_id: UUID,
                member: CommissionMember) -> CommandOutcome:
        def action(meta: Meta) -> list[Commission]:
            commission = self.get(commission_id)
            commission.appoint(member=member, meta=meta)
            return [commission]

        return self.ledger.execute(
            context, "appoint_commission_member",
            {"commission_id": commission_id, **dataclasses.asdict(member)}, action,
        )

    def dismiss(self, context: CommandContext, commission_id: UUID,
                member_id: UUID) -> CommandOutcome:
        def action(meta: Meta) -> list[Commission]:
            commission = self.get(commission_id)
            commission.dismiss(member_id=member_id, meta=meta)
            return [commission]

        return self.ledger.execute(
            context, "dismiss_commission_member",
            {"commission_id": commission_id, "member_id": member_id}, action,
        )

    def change_chair(self, context: CommandContext, commission_id: UUID,
                     member_id: UUID) -> CommandOutcome:
        def action(meta: Meta) -> list[Commission]:
            commission = self.get(commission_id)
            commission.change_chair(member_id=member_id, meta=meta)
            return [commission]

        return self.ledger.execute(
            context, "change_commission_chair",
            {"commission_id": commission_id, "member_id": member_id}, action,
        )
