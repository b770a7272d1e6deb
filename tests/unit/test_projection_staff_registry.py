"""Read model `staff_registry`: employees, class teachers, a teacher's classes, attestations."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.staff_values import AttestationOutcome
from projections.staff_registry import STAFF_REGISTRY
from tests.acceptance_builders import ORG_A
from tests.projection_checks import strict_fold
from tests.staff_builders import IVANOVA, PETROV, YEAR, assessed, meta, with_class_teacher

A = str(ORG_A)


def _events() -> list[Any]:
    staff = with_class_teacher()
    staff.assign_class_teacher(class_name="7А", academic_year=YEAR, person_id=IVANOVA,
                               meta=meta())
    staff.replace_class_teacher(class_name="7А", academic_year=YEAR, person_id=PETROV,
                                reason="болезнь", meta=meta(date(2026, 11, 2)))
    staff.unassign_class_teacher(class_name="5Б", academic_year=YEAR, reason="объединение",
                                 meta=meta(date(2026, 12, 1)))
    staff.leave(person_id=IVANOVA, reason="по собственному желанию",
                meta=meta(date(2027, 1, 15)))
    attestation = assessed()
    attestation.decide(outcome=AttestationOutcome.GRANTED, valid_from=date(2026, 12, 1),
                       valid_until=date(2031, 12, 1), meta=meta(date(2026, 12, 1)))
    return [*staff.collect_events(), *attestation.collect_events()]


def test_the_registry_follows_hiring_leaving_and_class_teachers() -> None:
    tables = strict_fold(STAFF_REGISTRY, _events())
    ivanova = tables["employees"][f"{A}|{IVANOVA}"]
    assert (ivanova["employed"], ivanova["position"], ivanova["subjects"]) == (
        False, "учитель", ["Математика", "Информатика"])
    assert ivanova["employments"] == [{
        "hired_on": "2026-08-25", "left_on": "2027-01-15",
        "hiring_order": {"kind": "order", "number": "45-лс", "dated": "2026-08-25"},
        "leaving_order": {"kind": "order", "number": "45-лс", "dated": "2026-08-25"},
        "leaving_reason": "по собственному желанию"}]
    assert tables["employees"][f"{A}|{PETROV}"]["employed"] is True

    seven = tables["class_teachers"][f"{A}|{YEAR}|7А"]
    assert seven["person_id"] == str(PETROV)
    assert [(h["person_id"], h["from"], h["until"], h["reason"]) for h in seven["history"]] == [
        (str(IVANOVA), "2026-08-25", "2026-11-02", "болезнь"),
        (str(PETROV), "2026-11-02", None, None)]
    five = tables["class_teachers"][f"{A}|{YEAR}|5Б"]
    assert five["person_id"] is None
    assert five["history"][-1]["until"] == "2026-12-01"

    assert tables["teacher_classes"] == {f"{A}|{PETROV}|{YEAR}": {
        "organisation_id": A, "person_id": str(PETROV), "academic_year": YEAR,
        "classes": ["7А"]}}


def test_attestation_rows_follow_the_application() -> None:
    (row,) = strict_fold(STAFF_REGISTRY, _events())["attestations"].values()
    assert (row["status"], row["category"], row["valid_until"], row["recommended"]) == (
        "granted", "first", "2031-12-01", True)


def test_a_restart_from_stored_rows_gives_the_same_registry() -> None:
    events = _events()
    whole = strict_fold(STAFF_REGISTRY, events)
    for cut in range(1, len(events)):
        assert strict_fold(STAFF_REGISTRY, events[cut:],
                           strict_fold(STAFF_REGISTRY, events[:cut])) == whole
