"""Commissions: formation, composition changes as events, the chair among the members."""

from __future__ import annotations

from uuid import UUID

from domain.commission import (
    Commission,
    CommissionMember,
    CommissionPurpose,
    MemberAlreadyOnCommission,
    MemberNotOnCommission,
)
from domain.errors import InvalidInput, RuleViolated
from tests.exam_builders import CHAIR, COMMISSION_ID, MEMBER, STRANGER, appeal_commission
from tests.factories import make_meta
from tests.gwt import given

Formed = getattr(Commission, "Formed")  # noqa: B009
MemberAppointed = getattr(Commission, "MemberAppointed")  # noqa: B009
MemberDismissed = getattr(Commission, "MemberDismissed")  # noqa: B009
ChairChanged = getattr(Commission, "ChairChanged")  # noqa: B009
NEW = CommissionMember(UUID(int=503), "Сидорова Мария Ивановна", "методист")


def test_the_chair_is_a_member() -> None:
    given().when(lambda _: appeal_commission()).then(
        Formed, state=lambda c: c.is_member(CHAIR.member_id) and c.is_member(MEMBER.member_id))


def test_a_commission_is_formed_by_an_order() -> None:
    given().when(lambda _: Commission.form(
        commission_id=COMMISSION_ID, purpose=CommissionPurpose.GIA_APPEALS, name="АК",
        area="Оренбургская область", chair=CHAIR, members=(), meta=make_meta(basis=None),
    )).then_raises(InvalidInput, match="order")


def test_members_change_over_time() -> None:
    given(appeal_commission()).when(lambda c: c.appoint(member=NEW, meta=make_meta())).then(
        MemberAppointed, state=lambda c: c.is_member(NEW.member_id))
    given(appeal_commission()).when(lambda c: c.appoint(member=MEMBER, meta=make_meta())
                                    ).then_raises(MemberAlreadyOnCommission)
    given(appeal_commission()).when(
        lambda c: c.dismiss(member_id=MEMBER.member_id, meta=make_meta())
    ).then(MemberDismissed, state=lambda c: not c.is_member(MEMBER.member_id))
    given(appeal_commission()).when(lambda c: c.dismiss(member_id=STRANGER, meta=make_meta())
                                    ).then_raises(MemberNotOnCommission)


def test_the_chair_is_replaced_before_leaving() -> None:
    given(appeal_commission()).when(
        lambda c: c.dismiss(member_id=CHAIR.member_id, meta=make_meta())
    ).then_raises(RuleViolated)
    given(appeal_commission()).when(
        lambda c: c.change_chair(member_id=MEMBER.member_id, meta=make_meta())
    ).then(ChairChanged, state=lambda c: c.chair == MEMBER)
    given(appeal_commission()).when(
        lambda c: c.change_chair(member_id=STRANGER, meta=make_meta())
    ).then_raises(MemberNotOnCommission)
