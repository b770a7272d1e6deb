"""Learners in well-known states, for unit and property tests."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.learner import Learner
from domain.learner_values import EducationDocument, EducationLevel, LeavingReason
from tests.factories import make_meta

LEARNER = UUID(int=100)
SCHOOL, OTHER_SCHOOL, CLUB = UUID(int=1), UUID(int=2), UUID(int=3)
FIRST, SECOND, THIRD = UUID(int=1001), UUID(int=1002), UUID(int=1003)
SEP_1, SEP_10, AUG_31 = date(2026, 9, 1), date(2026, 9, 10), date(2026, 8, 31)
ATTESTAT = EducationDocument(kind="аттестат об основном общем образовании", series="",
                             number="05624000012345", issued_on=date(2027, 6, 25))


def enrol_args(**overrides: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "enrolment_id": FIRST, "organisation_id": SCHOOL, "level": EducationLevel.BASIC_GENERAL,
        "class_or_group": "5Б", "academic_year": "2026/2027", "meta": make_meta(),
    }
    return args | overrides


def registered() -> Learner:
    return Learner.register(learner_id=LEARNER, meta=make_meta())


def enrolled() -> Learner:
    """Enrolled in 5Б of SCHOOL (enrolment FIRST) on 1 September 2026."""
    learner = registered()
    learner.enrol(**enrol_args())
    return learner


def enrolled_with_club() -> Learner:
    """Also in an additional-education group (enrolment SECOND) from 10 September."""
    learner = enrolled()
    learner.enrol(**enrol_args(enrolment_id=SECOND, organisation_id=CLUB,
                               level=EducationLevel.ADDITIONAL, class_or_group="робототехника",
                               meta=make_meta(effective_on=SEP_10)))
    return learner


def left_school() -> Learner:
    learner = enrolled()
    learner.leave(enrolment_id=FIRST, reason=LeavingReason.LEARNER_OR_PARENTS_INITIATIVE,
                  document=None, meta=make_meta(effective_on=SEP_10))
    return learner


def transferred() -> Learner:
    """Enrolled into 5Б, then transferred to 5А on 10 September (version 3)."""
    learner = enrolled()
    learner.transfer_within(enrolment_id=FIRST, class_or_group="5А", academic_year="2026/2027",
                            promotion=False, meta=make_meta(effective_on=SEP_10))
    return learner
