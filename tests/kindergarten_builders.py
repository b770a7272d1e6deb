"""Builders for kindergarten queue tests: three kindergartens of Оренбург, children, terms."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from domain.envelope import Actor, BasisDocument, Meta, Role
from domain.kindergarten_queue import KindergartenApplication
from domain.kindergarten_round import AllocationRound
from domain.kindergarten_values import (
    FreePlaces,
    PrivilegeCategory,
    PrivilegeDocument,
    QueueEntry,
    QueueTerms,
)
from tests.factories import make_meta

MUNICIPALITY = "Оренбург"
KG_1, KG_2, KG_3 = UUID(int=31), UUID(int=32), UUID(int=33)
GROUP = "3-4"
ROUND_DAY, PLACES_FROM = date(2026, 6, 1), date(2026, 9, 1)
CLERK = Actor(user_id="uo-queue-1", role=Role.REGISTRAR)
COMMISSION = Actor(user_id="uo-commission-1", role=Role.COMMISSION)
PROTOCOL = BasisDocument(kind="protocol", number="7", dated=ROUND_DAY)
T0 = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
CERTIFICATE = PrivilegeDocument(kind="справка с места службы", number="118/4",
                                issued_on=date(2026, 1, 15))


def child(n: int) -> UUID:
    return UUID(int=2000 + n)


def meta(at: datetime = T0, on: date = date(2026, 2, 1)) -> Meta:
    return make_meta(recorded_at=at, effective_on=on, actor=CLERK, basis=None)


def terms(*preferences: UUID, privilege: PrivilegeCategory = PrivilegeCategory.NONE,
          start: date = PLACES_FROM, group: str = GROUP) -> QueueTerms:
    return QueueTerms(municipality=MUNICIPALITY, preferences=preferences or (KG_1, KG_2),
                      desired_start=start, age_group=group, privilege=privilege,
                      privilege_document=None if privilege is PrivilegeCategory.NONE
                      else CERTIFICATE)


def application(n: int = 1, the_terms: QueueTerms | None = None, *, minutes: int = 0,
                confirmed: bool = True) -> KindergartenApplication:
    made = KindergartenApplication.register(
        child_id=child(n), terms=the_terms or terms(),
        meta=meta(T0 + timedelta(minutes=minutes)))
    if confirmed:
        made.confirm(meta=meta())
    return made


def entry(n: int, *preferences: UUID, privilege: PrivilegeCategory = PrivilegeCategory.NONE,
          minutes: int | None = None, start: date = PLACES_FROM,
          group: str = GROUP) -> QueueEntry:
    return application(n, terms(*preferences, privilege=privilege, start=start, group=group),
                       minutes=n if minutes is None else minutes).queue_entry()


def places(*declared: tuple[UUID, int]) -> tuple[FreePlaces, ...]:
    return tuple(FreePlaces(org, GROUP, count) for org, count in declared)


def a_round(*declared: tuple[UUID, int]) -> AllocationRound:
    return AllocationRound.open(
        municipality=MUNICIPALITY, held_on=ROUND_DAY, places_from=PLACES_FROM,
        places=places(*(declared or ((KG_1, 1), (KG_2, 1)))),
        meta=make_meta(effective_on=ROUND_DAY, actor=COMMISSION, basis=PROTOCOL))
