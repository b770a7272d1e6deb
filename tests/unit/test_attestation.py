"""Teacher attestation: application, assessment, decision with category and validity."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from domain.attestation import Attestation
from domain.errors import InvalidInput
from domain.staff_values import (
    AttestationCategory,
    AttestationDecided,
    AttestationNotAssessed,
    AttestationOutcome,
    InvalidValidity,
)
from tests.acceptance_builders import ORG_A
from tests.gwt import given
from tests.staff_builders import APPLICATION, IVANOVA, application, assessed, meta

Filed = getattr(Attestation, "Filed")  # noqa: B009
Assessed = getattr(Attestation, "Assessed")  # noqa: B009
Decided = getattr(Attestation, "Decided")  # noqa: B009
GRANTED, REFUSED = AttestationOutcome.GRANTED, AttestationOutcome.REFUSED
DEC_1 = date(2026, 12, 1)


def decide(outcome: AttestationOutcome = GRANTED, valid_from: date | None = DEC_1,
           valid_until: date | None = date(2031, 12, 1), on: date = DEC_1,
           with_order: bool = True) -> Callable[[Attestation], None]:
    return lambda a: a.decide(outcome=outcome, valid_from=valid_from, valid_until=valid_until,
                              meta=meta(on) if with_order else meta(on, basis=None))


def test_application_names_the_teacher_category_and_position() -> None:
    outcome = given().when(lambda _: application(AttestationCategory.HIGHEST)).then(Filed)
    assert (outcome.aggregate.id, outcome.aggregate.person_id) == (APPLICATION, IVANOVA)
    assert outcome.event().category is AttestationCategory.HIGHEST
    given().when(lambda _: Attestation.file(
        application_id=APPLICATION, person_id=IVANOVA, organisation_id=ORG_A,
        category=AttestationCategory.FIRST, position=" ", meta=meta())).then_raises(InvalidInput)


def test_assessment_follows_the_application() -> None:
    given(application()).when(lambda a: a.assess(
        conclusion="соответствует", recommended=True, meta=meta(date(2026, 11, 1)),
    )).then(Assessed, state=lambda a: a.assessment == "соответствует")
    given(application()).when(lambda a: a.assess(
        conclusion=" ", recommended=True, meta=meta(date(2026, 11, 1)))).then_raises(InvalidInput)
    given(application()).when(lambda a: a.assess(
        conclusion="x", recommended=True, meta=meta(date(2026, 9, 1)))).then_raises(
        InvalidInput, match="precede")


def test_a_category_is_granted_by_an_order_for_at_most_five_years() -> None:
    outcome = given(assessed()).when(decide()).then(
        Decided, state=lambda a: (a.outcome, a.valid_until) == (GRANTED, date(2031, 12, 1)))
    assert outcome.event().category is AttestationCategory.FIRST
    assert outcome.event().order.number == "45-лс"
    given(assessed()).when(decide(valid_until=date(2031, 12, 2))).then_raises(InvalidValidity)
    given(assessed()).when(decide(valid_until=DEC_1)).then_raises(InvalidValidity)
    given(assessed()).when(decide(valid_from=None)).then_raises(InvalidValidity)
    given(assessed()).when(decide(valid_from=date(2026, 9, 1))).then_raises(InvalidValidity)
    given(assessed()).when(decide(with_order=False)).then_raises(InvalidInput, match="order")


def test_a_refusal_has_no_validity() -> None:
    given(assessed()).when(decide(REFUSED, None, None)).then(
        Decided, state=lambda a: a.outcome is REFUSED and a.valid_until is None)
    given(assessed()).when(decide(REFUSED)).then_raises(InvalidValidity)


def test_a_decision_needs_an_assessment_and_is_final() -> None:
    given(application()).when(decide()).then_raises(AttestationNotAssessed)
    decided = assessed()
    decided.decide(outcome=GRANTED, valid_from=DEC_1, valid_until=date(2031, 12, 1),
                   meta=meta(DEC_1))
    given(decided).when(decide()).then_raises(AttestationDecided)
    given(decided).when(lambda a: a.assess(conclusion="x", recommended=False,
                                           meta=meta(DEC_1))).then_raises(AttestationDecided)
