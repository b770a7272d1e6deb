"""Form of study (форма обучения) on enrolment: kept by the placement, stored by `Enrolled` v2."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from domain.learner import Learner
from domain.learner_values import EducationLevel, FormOfStudy
from letopis.clock import FixedClock
from letopis.ledger import Ledger
from letopis.store import open_store
from tests.factories import make_meta
from tests.gwt import given
from tests.learner_builders import (
    FIRST,
    LEARNER,
    OTHER_SCHOOL,
    SEP_10,
    THIRD,
    enrol_args,
    enrolled,
    registered,
)


@pytest.fixture
def ledger() -> Iterator[Ledger]:
    """A ledger on an in-memory store: only its mapper (the stored-bytes format) is used."""
    store = open_store("sqlite:///:memory:")
    yield Ledger(store, FixedClock(datetime(2026, 9, 1, 8, 0, tzinfo=UTC)))
    store.close()


def test_enrolment_is_full_time_unless_said_otherwise() -> None:
    outcome = given(registered).when(lambda learner: learner.enrol(**enrol_args())).then(
        Learner.Enrolled)
    assert outcome.event().form_of_study is FormOfStudy.FULL_TIME
    placement = outcome.aggregate.active_general
    assert placement is not None
    assert placement.form_of_study is FormOfStudy.FULL_TIME


@pytest.mark.parametrize("form", list(FormOfStudy))
def test_enrolment_keeps_its_form_of_study(form: FormOfStudy) -> None:
    outcome = given(registered).when(lambda learner: learner.enrol(
        **enrol_args(), form_of_study=form)).then(Learner.Enrolled)
    assert outcome.event().form_of_study is form
    placement = outcome.aggregate.active_general
    assert placement is not None
    assert placement.form_of_study is form


def test_transfer_within_keeps_the_form_of_study() -> None:
    learner = registered()
    learner.enrol(**enrol_args(), form_of_study=FormOfStudy.PART_TIME)
    outcome = given(learner).when(lambda learner: learner.transfer_within(
        enrolment_id=FIRST, class_or_group="5А",
        academic_year="2026/2027", promotion=False, meta=make_meta(effective_on=SEP_10),
    )).then(Learner.TransferredWithin)
    placement = outcome.aggregate.active_general
    assert placement is not None
    assert (placement.class_or_group, placement.form_of_study) == ("5А", FormOfStudy.PART_TIME)


def test_transfer_between_enrols_in_the_given_form_of_study() -> None:
    outcome = given(enrolled).when(lambda learner: learner.transfer_between(
        enrolment_id=FIRST, destination_organisation_id=OTHER_SCHOOL, new_enrolment_id=THIRD,
        level=EducationLevel.BASIC_GENERAL, class_or_group="5В", academic_year="2026/2027",
        expel_meta=make_meta(effective_on=SEP_10),
        enrol_meta=make_meta(effective_on=date(2026, 9, 11)),
        form_of_study=FormOfStudy.EXTRAMURAL)).then(
        Learner.ExpelledByTransfer, Learner.Enrolled)
    assert outcome.event().form_of_study is FormOfStudy.EXTRAMURAL
    placement = outcome.aggregate.active_general
    assert placement is not None
    assert (placement.enrolment_id, placement.organisation_id, placement.form_of_study) == (
        THIRD, OTHER_SCHOOL, FormOfStudy.EXTRAMURAL)


def test_enrolled_event_fields_are_pinned() -> None:
    # Adding or removing a stored field is a new class version with an upcaster, not an edit.
    assert Learner.Enrolled.class_version == 2
    fields = [f.name for f in dataclasses.fields(Learner.Enrolled)]
    assert fields == ["originator_id", "originator_version", "timestamp", "enrolment_id",
                      "organisation_id", "level", "class_or_group", "academic_year", "meta",
                      "form_of_study"]


def test_version_2_enrolled_round_trips_through_the_ledger_mapper(ledger: Ledger) -> None:
    learner = registered()
    learner.enrol(**enrol_args(), form_of_study=FormOfStudy.SELF_EDUCATION)
    event = learner.collect_events()[-1]
    assert isinstance(event, Learner.Enrolled)

    stored = ledger.mapper.to_stored_event(event)
    assert (stored.originator_id, stored.originator_version, stored.topic) == (
        LEARNER, 2, "domain.learner:Learner.Enrolled")
    state = json.loads(stored.state)
    assert state["class_version"] == 2
    assert state["form_of_study"] == {"_type_": "letopis.FormOfStudy",
                                      "_data_": "self_education"}

    decoded = ledger.mapper.to_domain_event(stored)
    assert type(decoded) is Learner.Enrolled
    assert vars(decoded) == vars(event)
    assert decoded.form_of_study is FormOfStudy.SELF_EDUCATION
