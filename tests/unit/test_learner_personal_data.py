"""Learner.PersonalDataDestroyed: guards first, then the event; the facts stay."""

from __future__ import annotations

import dataclasses

from domain.errors import InvalidInput
from domain.learner import Learner
from domain.learner_values import PersonalDataAlreadyDestroyed
from tests.factories import make_meta
from tests.gwt import given
from tests.learner_builders import enrolled

GROUNDS = "act № 12 of 2026-10-01"
CATEGORIES = ("full_name", "snils")


def destroyed() -> Learner:
    learner = enrolled()
    learner.destroy_personal_data(grounds=GROUNDS, categories=CATEGORIES,
                                  meta=make_meta(basis=None))
    return learner


def test_destruction_is_recorded_with_its_grounds_and_categories() -> None:
    outcome = given(enrolled).when(lambda learner: learner.destroy_personal_data(
        grounds=GROUNDS, categories=CATEGORIES, meta=make_meta(basis=None))).then(
        Learner.PersonalDataDestroyed,  # type: ignore[attr-defined]
        state=lambda learner: learner.personal_data_destroyed
        and learner.active_general is not None,
    )
    event = outcome.event()
    assert (event.grounds, tuple(event.categories)) == (GROUNDS, CATEGORIES)
    # Only the act and category names: no field where the person's data could travel.
    assert {f.name for f in dataclasses.fields(event)} == {
        "originator_id", "originator_version", "timestamp", "grounds", "categories", "meta"}


def test_destruction_needs_grounds() -> None:
    given(enrolled).when(lambda learner: learner.destroy_personal_data(
        grounds="  ", categories=(), meta=make_meta(basis=None))).then_raises(InvalidInput)


def test_destruction_happens_once() -> None:
    given(destroyed).when(lambda learner: learner.destroy_personal_data(
        grounds=GROUNDS, categories=(), meta=make_meta(basis=None))).then_raises(
        PersonalDataAlreadyDestroyed)

