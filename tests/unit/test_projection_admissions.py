"""Folds of `admissions_queue` and `college_ratings` on scripted histories: positions per
kindergarten, what a change, a suspension, an offer and a withdrawal do to them, and rating
lists; every apply leaves its input untouched and returns plain JSON."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from domain.kindergarten_values import PrivilegeCategory, QueueTerms
from projections.admissions_queue import ADMISSIONS_QUEUE, QUEUES, positions, queue_position
from projections.college_ratings import ADMISSIONS, COLLEGE_RATINGS, rating_list
from tests.kindergarten_builders import (
    KG_1,
    KG_2,
    KG_3,
    MUNICIPALITY,
    T0,
    a_round,
    application,
    meta,
    terms,
)
from tests.projection_checks import strict_fold
from tests.unit.test_college_admission import IT, WELD, season


def events_of(*aggregates: Any) -> list[Any]:
    return [e for a in aggregates for e in a.collect_events()]


def app_id(n: int) -> str:
    return str(application(n, confirmed=False).id)


def test_positions_follow_privilege_date_changes_suspensions_and_offers() -> None:
    first = application(1, terms(KG_1, KG_2), minutes=1)
    second = application(2, terms(KG_1), minutes=2)
    privileged = application(3, terms(KG_2, KG_1, privilege=PrivilegeCategory.SIBLING),
                             minutes=3)
    pending = application(4, terms(KG_1), minutes=0, confirmed=False)  # not in the queue yet
    history = events_of(first, second, privileged, pending)
    row = strict_fold(ADMISSIONS_QUEUE, history)[QUEUES][MUNICIPALITY]
    assert queue_position(row, app_id(1)) == {str(KG_1): 2, str(KG_2): 2}
    assert queue_position(row, app_id(3)) == {str(KG_2): 1, str(KG_1): 1}
    assert queue_position(row, app_id(4)) == {}

    first.change(terms=terms(KG_3, KG_1), meta=meta(T0 + timedelta(days=3)))
    privileged.suspend(reason="до весны", meta=meta())
    history += events_of(first, privileged)
    row = strict_fold(ADMISSIONS_QUEUE, history)[QUEUES][MUNICIPALITY]
    assert queue_position(row, app_id(1)) == {str(KG_3): 1, str(KG_1): 1}  # kept its date
    assert queue_position(row, app_id(2)) == {str(KG_1): 2}
    assert str(KG_2) not in positions(row)

    on = a_round((KG_1, 1))
    offer = on.allocate(queue=(first.queue_entry(), second.queue_entry()), meta=meta()).offers[0]
    first.receive_offer(round_id=on.id, offer=offer, meta=meta())
    second.withdraw(reason="переезд", meta=meta())
    history += events_of(first, second)
    row = strict_fold(ADMISSIONS_QUEUE, history)[QUEUES][MUNICIPALITY]
    assert row["applications"][app_id(1)]["offer"]["organisation_id"] == str(KG_1)
    assert row["applications"][app_id(1)]["status"] == "offered"
    assert app_id(2) not in row["applications"]
    assert positions(row) == {}


def test_an_application_registered_again_elsewhere_moves_between_municipalities() -> None:
    moved = application(1, terms(KG_1))
    moved.withdraw(reason="переезд", meta=meta())
    moved.register_again(terms=QueueTerms("Орск", (KG_2,), terms().desired_start, "3-4"),
                         meta=meta())
    tables = strict_fold(ADMISSIONS_QUEUE, events_of(moved))
    assert tables[QUEUES][MUNICIPALITY]["applications"] == {}
    assert tables[QUEUES]["Орск"]["applications"][str(moved.id)]["status"] == "registered"


def test_rating_lists_and_published_lists() -> None:
    admission = season()
    admission.publish_rating(code=IT, meta=meta())
    admission.withdraw(application_id=admission.rating(IT)[0].application_id, reason="ушёл",
                       meta=meta())
    row = strict_fold(COLLEGE_RATINGS, events_of(admission))[ADMISSIONS][str(admission.id)]
    assert [line["application_id"] for line in rating_list(row, IT)] == [
        str(line.application_id) for line in admission.rating(IT)]
    assert len(row["published"][IT]["lines"]) == 3  # as published, before the withdrawal
    assert [line["average_mark"] for line in rating_list(row, WELD)] == ["4.50"]
    assert Decimal(row["applications"][str(admission.rating(IT)[0].application_id)][
        "average_mark"]) == Decimal("4.50")
