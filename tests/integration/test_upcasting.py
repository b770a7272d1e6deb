"""Upcasting for real: a version-1 `Learner.Enrolled`, stored as version 1 wrote it, read as v2.

Version 2 added `form_of_study`. Stored events are never rewritten: the mapper upcasts the
decoded state of a version-1 event each time it is read.
"""

from __future__ import annotations

from datetime import date

from eventsourcing.persistence import StoredEvent

from domain.envelope import Meta
from domain.learner import Learner
from domain.learner_values import EducationLevel, FormOfStudy, Placement
from letopis.ledger import Ledger
from letopis.store import LedgerRecorder
from tests.factories import ORDER, RECORDED_AT, REGISTRAR, make_meta
from tests.learner_builders import FIRST, LEARNER, OTHER_SCHOOL, SCHOOL, SECOND, SEP_1, SEP_10

ENROLLED_TOPIC = "domain.learner:Learner.Enrolled"

# The state of a `Learner.Enrolled` exactly as version 1 stored it (encoded once by the v1 code):
# no "class_version" key, which is how the mapper marks version 1, and no "form_of_study".
ENROLLED_V1_STATE = (
    b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-09-01T08:00:00+00:00"},'
    b'"enrolment_id":{"_type_":"uuid_hex","_data_":"000000000000000000000000000003e9"},'
    b'"organisation_id":{"_type_":"uuid_hex","_data_":"00000000000000000000000000000001"},'
    b'"level":{"_type_":"letopis.EducationLevel","_data_":"basic_general"},'
    b'"class_or_group":"5\xd0\x91","academic_year":"2026/2027",'
    b'"meta":{"_type_":"letopis.Meta","_data_":{"recorded_at":{"_type_":"datetime_iso",'
    b'"_data_":"2026-09-01T08:00:00+00:00"},"effective_on":{"_type_":"date_iso",'
    b'"_data_":"2026-09-01"},"actor":{"_type_":"letopis.Actor",'
    b'"_data_":{"user_id":"registrar-1","role":{"_type_":"letopis.Role","_data_":"registrar"},'
    b'"organisation_id":null}},"command_id":"enrol-1",'
    b'"basis":{"_type_":"letopis.BasisDocument","_data_":{"kind":"order",'
    b'"number":"15-\xd0\xba","dated":{"_type_":"date_iso","_data_":"2026-08-30"}}},'
    b'"correlation_id":null,"causation_id":null,"source_system":"letopis"}}}'
)

V1_META = Meta(recorded_at=RECORDED_AT, effective_on=SEP_1, actor=REGISTRAR,
               command_id="enrol-1", basis=ORDER)


def store_v1_enrolment(ledger: Ledger, store: LedgerRecorder) -> None:
    """A learner registered by today's code, then enrolled by a version-1 event."""
    ledger.save(Learner.register(learner_id=LEARNER, meta=make_meta(command_id="register-1")))
    store.insert_events([StoredEvent(originator_id=LEARNER, originator_version=2,
                                     topic=ENROLLED_TOPIC, state=ENROLLED_V1_STATE)])


def test_the_literal_is_a_version_1_state() -> None:
    assert b"class_version" not in ENROLLED_V1_STATE
    assert b"form_of_study" not in ENROLLED_V1_STATE
    assert Learner.Enrolled.class_version == 2


def test_version_1_enrolment_is_stored_unchanged_and_read_as_version_2(
        ledger: Ledger, store: LedgerRecorder) -> None:
    store_v1_enrolment(ledger, store)

    registered, enrolled = ledger.events.get(LEARNER)
    assert isinstance(registered, Learner.Registered)
    assert type(enrolled) is Learner.Enrolled
    assert enrolled.form_of_study is FormOfStudy.FULL_TIME
    assert (enrolled.enrolment_id, enrolled.organisation_id, enrolled.level,
            enrolled.class_or_group, enrolled.academic_year, enrolled.meta) == (
        FIRST, SCHOOL, EducationLevel.BASIC_GENERAL, "5Б", "2026/2027", V1_META)
    assert enrolled.timestamp == RECORDED_AT
    # Reading upcasts in memory only: the stored row keeps the bytes version 1 wrote.
    assert store.select_events(LEARNER)[1].state == ENROLLED_V1_STATE


def test_learner_with_a_version_1_enrolment_loads_as_full_time(
        ledger: Ledger, store: LedgerRecorder) -> None:
    store_v1_enrolment(ledger, store)

    learner = ledger.load(Learner, LEARNER, "learner")
    assert learner.version == 2
    assert learner.active_general == Placement(
        enrolment_id=FIRST, organisation_id=SCHOOL, level=EducationLevel.BASIC_GENERAL,
        class_or_group="5Б", academic_year="2026/2027", enrolled_on=SEP_1, placed_on=SEP_1,
        form_of_study=FormOfStudy.FULL_TIME)
    assert ledger.repository.get(LEARNER) == learner


def test_a_stream_mixing_versions_keeps_working(ledger: Ledger, store: LedgerRecorder) -> None:
    store_v1_enrolment(ledger, store)
    learner = ledger.load(Learner, LEARNER, "learner")
    learner.transfer_within(enrolment_id=FIRST, class_or_group="5А", academic_year="2026/2027",
                            promotion=False, meta=make_meta(effective_on=SEP_10))
    assert learner.active_general is not None
    assert learner.active_general.form_of_study is FormOfStudy.FULL_TIME
    learner.transfer_between(enrolment_id=FIRST, destination_organisation_id=OTHER_SCHOOL,
                             new_enrolment_id=SECOND, level=EducationLevel.BASIC_GENERAL,
                             class_or_group="5В", academic_year="2026/2027",
                             expel_meta=make_meta(effective_on=date(2026, 9, 20)),
                             enrol_meta=make_meta(effective_on=date(2026, 9, 21)),
                             form_of_study=FormOfStudy.PART_TIME)
    ledger.save(learner)

    events = list(ledger.events.get(LEARNER))
    assert [type(e).__name__ for e in events] == [
        "Registered", "Enrolled", "TransferredWithin", "ExpelledByTransfer", "Enrolled"]
    assert [e.form_of_study for e in events if isinstance(e, Learner.Enrolled)] == [
        FormOfStudy.FULL_TIME, FormOfStudy.PART_TIME]
    reloaded = ledger.load(Learner, LEARNER, "learner")
    assert reloaded.active_general is not None
    assert (reloaded.active_general.enrolment_id, reloaded.active_general.form_of_study) == (
        SECOND, FormOfStudy.PART_TIME)
    # The new event is stored as version 2; the old one stays as version 1 wrote it.
    states = [stored.state for stored in store.select_events(LEARNER)]
    assert states[1] == ENROLLED_V1_STATE
    assert b'"class_version":2' in states[4]
    assert b'"form_of_study":{"_type_":"letopis.FormOfStudy","_data_":"part_time"}' in states[4]
