"""Old plain free texts stay readable: version-1 events (stored before free text was sealed)
read back as version 2 with their plain text, and stored bytes are never rewritten.

The literals below are the states exactly as the version-1 code encoded them (no
"class_version" key: how the mapper marks version 1; free text as a plain JSON string).
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent

from domain.appeal import Appeal
from domain.appeal_values import AppealStatus, Hearing, NotAcceptedReason
from domain.calendar_ru import RUSSIA
from domain.certificate import Certificate
from domain.certificate_values import CertificateStatus
from domain.gradebook import Gradebook
from domain.gradebook_values import MarkKind, MarkValue, Scale
from domain.learner import Learner
from domain.learner_values import EducationLevel
from domain.sealed import DESTROYED, SealedText
from letopis.ledger import CommandContext, Ledger
from letopis.privacy import PersonalDataService
from letopis.privacy.destruction import destroy
from letopis.services.exams import ExamService
from letopis.services.learners import LearnerService
from letopis.store import LedgerRecorder
from projections.learner_history import LEARNER_HISTORY
from replay.as_of import read_stream
from replay.report import build_report
from tests.exam_builders import PARTICIPANT, published, with_result
from tests.factories import REGISTRAR, TEACHER, make_meta
from tests.funding_builders import funded
from tests.learner_builders import LEARNER, SCHOOL, SECOND, enrolled
from tests.projection_checks import strict_fold

APPEAL = UUID(int=301)
MATHS, YEAR = "Математика", "2026/2027"
CANCEL_REASON = "Кузнецова М. П. зачислена ошибочно"

CANCELLED_V1_STATE = (
    b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-09-01T08:00:00+00:00"},"cancelled_ve'
    b'rsion":2,"reason":"\xd0\x9a\xd1\x83\xd0\xb7\xd0\xbd\xd0\xb5\xd1\x86\xd0\xbe\xd0\xb2\xd0'
    b'\xb0 \xd0\x9c. \xd0\x9f. \xd0\xb7\xd0\xb0\xd1\x87\xd0\xb8\xd1\x81\xd0\xbb\xd0\xb5\xd0\xbd'
    b'\xd0\xb0 \xd0\xbe\xd1\x88\xd0\xb8\xd0\xb1\xd0\xbe\xd1\x87\xd0\xbd\xd0\xbe","meta":{"_type'
    b'_":"letopis.Meta","_data_":{"recorded_at":{"_type_":"datetime_iso","_data_":"2026-09-01T0'
    b'8:00:00+00:00"},"effective_on":{"_type_":"date_iso","_data_":"2026-09-01"},"actor":{"_typ'
    b'e_":"letopis.Actor","_data_":{"user_id":"registrar-1","role":{"_type_":"letopis.Role","_d'
    b'ata_":"registrar"},"organisation_id":null}},"command_id":"v1","basis":{"_type_":"letopis.'
    b'BasisDocument","_data_":{"kind":"order","number":"15-\xd0\xba","dated":{"_type_":"date_is'
    b'o","_data_":"2026-08-30"}}},"correlation_id":null,"causation_id":null,"source_system":"le'
    b'topis"}}}'
)

CORRECTED_V1_STATE = (
    b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-09-01T08:00:00+00:00"},"mark_id":{"_'
    b'type_":"uuid_hex","_data_":"00000000000000000000000000000002"},"corrects_mark_id":{"_type'
    b'_":"uuid_hex","_data_":"00000000000000000000000000000001"},"value":{"_type_":"letopis.Mar'
    b'kValue","_data_":{"scale":{"_type_":"letopis.Scale","_data_":"five_point"},"value":"4"}},'
    b'"reason":"\xd0\xbe\xd1\x86\xd0\xb5\xd0\xbd\xd0\xba\xd0\xb0 \xd0\x9a\xd1\x83\xd0\xb7\xd0'
    b'\xbd\xd0\xb5\xd1\x86\xd0\xbe\xd0\xb2\xd0\xbe\xd0\xb9 \xd0\xb2\xd0\xb2\xd0\xb5\xd0\xb4\xd0'
    b'\xb5\xd0\xbd\xd0\xb0 \xd0\xbd\xd0\xb5\xd0\xb2\xd0\xb5\xd1\x80\xd0\xbd\xd0\xbe","meta":{"_'
    b'type_":"letopis.Meta","_data_":{"recorded_at":{"_type_":"datetime_iso","_data_":"2026-09-'
    b'01T08:00:00+00:00"},"effective_on":{"_type_":"date_iso","_data_":"2026-09-01"},"actor":{"'
    b'_type_":"letopis.Actor","_data_":{"user_id":"teacher-1","role":{"_type_":"letopis.Role","'
    b'_data_":"teacher"},"organisation_id":null}},"command_id":"v1","basis":{"_type_":"letopis.'
    b'BasisDocument","_data_":{"kind":"order","number":"15-\xd0\xba","dated":{"_type_":"date_is'
    b'o","_data_":"2026-08-30"}}},"correlation_id":null,"causation_id":null,"source_system":"le'
    b'topis"}}}'
)

FILED_V1_STATE = (
    b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-09-01T08:00:00+00:00"},"originator_t'
    b'opic":"domain.appeal:Appeal","appeal_id":{"_type_":"uuid_hex","_data_":"00000000000000000'
    b'00000000000012d"},"kind":{"_type_":"letopis.AppealKind","_data_":"score_disagreement"},"p'
    b'articipation_id":{"_type_":"uuid_hex","_data_":"9e80f0a82341558795f3ccb1a7ed76e9"},"exam_'
    b'id":{"_type_":"uuid_hex","_data_":"000000000000000000000000000000c9"},"statement":"\xd0'
    b'\xbf\xd1\x80\xd0\xbe\xd1\x88\xd1\x83 \xd0\xbf\xd0\xb5\xd1\x80\xd0\xb5\xd1\x81\xd0\xbc\xd0'
    b'\xbe\xd1\x82\xd1\x80\xd0\xb5\xd1\x82\xd1\x8c","filed_on":{"_type_":"date_iso","_data_":"2'
    b'026-05-05"},"filing_deadline":{"_type_":"date_iso","_data_":"2026-05-05"},"decision_due_o'
    b'n":{"_type_":"date_iso","_data_":"2026-05-12"},"meta":{"_type_":"letopis.Meta","_data_":{'
    b'"recorded_at":{"_type_":"datetime_iso","_data_":"2026-09-01T08:00:00+00:00"},"effective_o'
    b'n":{"_type_":"date_iso","_data_":"2026-05-05"},"actor":{"_type_":"letopis.Actor","_data_"'
    b':{"user_id":"rcoi-1","role":{"_type_":"letopis.Role","_data_":"commission"},"organisation'
    b'_id":null}},"command_id":"cmd-7","basis":{"_type_":"letopis.BasisDocument","_data_":{"kin'
    b'd":"order","number":"15-\xd0\xba","dated":{"_type_":"date_iso","_data_":"2026-08-30"}}},"'
    b'correlation_id":null,"causation_id":null,"source_system":"letopis"}}}'
)

HEARING_V1_STATE = (
    b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-09-01T08:00:00+00:00"},"hearing":{"_'
    b'type_":"letopis.Hearing","_data_":{"starts_at":{"_type_":"datetime_iso","_data_":"2026-05'
    b'-12T10:00:00+00:00"},"place":"\xd0\xa0\xd0\xa6\xd0\x9e\xd0\x98, \xd0\xba\xd0\xb0\xd0\xb1.'
    b' 5","videoconference_link":null}},"notified_on":{"_type_":"date_iso","_data_":"2026-05-06'
    b'"},"earliest_hearing_on":{"_type_":"date_iso","_data_":"2026-05-07"},"meta":{"_type_":"le'
    b'topis.Meta","_data_":{"recorded_at":{"_type_":"datetime_iso","_data_":"2026-09-01T08:00:0'
    b'0+00:00"},"effective_on":{"_type_":"date_iso","_data_":"2026-05-06"},"actor":{"_type_":"l'
    b'etopis.Actor","_data_":{"user_id":"registrar-1","role":{"_type_":"letopis.Role","_data_":'
    b'"registrar"},"organisation_id":null}},"command_id":"v1","basis":{"_type_":"letopis.BasisD'
    b'ocument","_data_":{"kind":"order","number":"15-\xd0\xba","dated":{"_type_":"date_iso","_d'
    b'ata_":"2026-08-30"}}},"correlation_id":null,"causation_id":null,"source_system":"letopis"'
    b'}}}'
)

NOT_ACCEPTED_V1_STATE = (
    b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-09-01T08:00:00+00:00"},"reason":{"_t'
    b'ype_":"letopis.NotAcceptedReason","_data_":"own_breach"},"explanation":"\xd0\x9a\xd1\x83'
    b'\xd0\xb7\xd0\xbd\xd0\xb5\xd1\x86\xd0\xbe\xd0\xb2\xd0\xb0 \xd0\xbd\xd0\xb0\xd1\x80\xd1\x83'
    b'\xd1\x88\xd0\xb8\xd0\xbb\xd0\xb0 \xd0\xbf\xd0\xbe\xd1\x80\xd1\x8f\xd0\xb4\xd0\xbe\xd0\xba'
    b'","meta":{"_type_":"letopis.Meta","_data_":{"recorded_at":{"_type_":"datetime_iso","_data'
    b'_":"2026-09-01T08:00:00+00:00"},"effective_on":{"_type_":"date_iso","_data_":"2026-05-06"'
    b'},"actor":{"_type_":"letopis.Actor","_data_":{"user_id":"registrar-1","role":{"_type_":"l'
    b'etopis.Role","_data_":"registrar"},"organisation_id":null}},"command_id":"v1","basis":{"_'
    b'type_":"letopis.BasisDocument","_data_":{"kind":"order","number":"15-\xd0\xba","dated":{"'
    b'_type_":"date_iso","_data_":"2026-08-30"}}},"correlation_id":null,"causation_id":null,"so'
    b'urce_system":"letopis"}}}'
)

SUSPENDED_V1_STATE = (
    b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-09-01T08:00:00+00:00"},"reason":"'
    b'\xd0\x9a\xd1\x83\xd0\xb7\xd0\xbd\xd0\xb5\xd1\x86\xd0\xbe\xd0\xb2\xd0\xb0 \xd0\x9c. \xd0'
    b'\x9f.: \xd0\xb4\xd0\xbe\xd0\xba\xd1\x83\xd0\xbc\xd0\xb5\xd0\xbd\xd1\x82\xd1\x8b \xd0\xbd'
    b'\xd0\xb0 \xd0\xbf\xd1\x80\xd0\xbe\xd0\xb2\xd0\xb5\xd1\x80\xd0\xba\xd0\xb5","meta":{"_type'
    b'_":"letopis.Meta","_data_":{"recorded_at":{"_type_":"datetime_iso","_data_":"2026-09-01T0'
    b'8:00:00+00:00"},"effective_on":{"_type_":"date_iso","_data_":"2026-09-01"},"actor":{"_typ'
    b'e_":"letopis.Actor","_data_":{"user_id":"registrar-1","role":{"_type_":"letopis.Role","_d'
    b'ata_":"registrar"},"organisation_id":null}},"command_id":"v1","basis":{"_type_":"letopis.'
    b'BasisDocument","_data_":{"kind":"order","number":"15-\xd0\xba","dated":{"_type_":"date_is'
    b'o","_data_":"2026-08-30"}}},"correlation_id":null,"causation_id":null,"source_system":"le'
    b'topis"}}}'
)

CLOSED_V1_STATE = (
    b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-09-01T08:00:00+00:00"},"reason":"'
    b'\xd0\x9a\xd1\x83\xd0\xb7\xd0\xbd\xd0\xb5\xd1\x86\xd0\xbe\xd0\xb2\xd0\xb0 \xd0\x9c. \xd0'
    b'\x9f. \xd0\xbf\xd0\xb5\xd1\x80\xd0\xb5\xd0\xb5\xd1\x85\xd0\xb0\xd0\xbb\xd0\xb0","transfer'
    b's":[{"_type_":"letopis.Transfer","_data_":{"transfer_id":{"_type_":"uuid_hex","_data_":"2'
    b'b619669c90455499f529824140c6359"},"kind":{"_type_":"letopis.TransferKind","_data_":"expir'
    b'y"},"debit":{"_type_":"letopis.Account","_data_":{"kind":{"_type_":"letopis.AccountKind",'
    b'"_data_":"free"},"key":"2026"}},"credit":{"_type_":"letopis.Account","_data_":{"kind":{"_'
    b'type_":"letopis.AccountKind","_data_":"expired"},"key":"2026"}},"amount":3000000,"referen'
    b'ce":"unused 2026"}}],"meta":{"_type_":"letopis.Meta","_data_":{"recorded_at":{"_type_":"d'
    b'atetime_iso","_data_":"2026-09-01T08:00:00+00:00"},"effective_on":{"_type_":"date_iso","_'
    b'data_":"2026-09-01"},"actor":{"_type_":"letopis.Actor","_data_":{"user_id":"registrar-1",'
    b'"role":{"_type_":"letopis.Role","_data_":"registrar"},"organisation_id":null}},"command_i'
    b'd":"v1","basis":{"_type_":"letopis.BasisDocument","_data_":{"kind":"order","number":"15-'
    b'\xd0\xba","dated":{"_type_":"date_iso","_data_":"2026-08-30"}}},"correlation_id":null,"ca'
    b'usation_id":null,"source_system":"letopis"}}}'
)


def v1(stream_id: UUID, version: int, event: str, state: bytes) -> StoredEvent:
    return StoredEvent(originator_id=stream_id, originator_version=version, topic=event,
                       state=state)


def store_v1_cancellation(ledger: Ledger, store: LedgerRecorder) -> None:
    ledger.save(enrolled())  # registered and enrolled (version 2) by today's code
    store.insert_events([v1(LEARNER, 3, "domain.learner:Learner.EntryCancelled",
                            CANCELLED_V1_STATE)])


def test_the_literals_are_version_1_states_with_plain_text() -> None:
    for state in (CANCELLED_V1_STATE, CORRECTED_V1_STATE, FILED_V1_STATE, HEARING_V1_STATE,
                  NOT_ACCEPTED_V1_STATE, SUSPENDED_V1_STATE, CLOSED_V1_STATE):
        assert b"class_version" not in state
        assert b"SealedText" not in state
    assert CANCEL_REASON.encode() in CANCELLED_V1_STATE
    for event in (Learner.EntryCancelled, Gradebook.MarkCorrected, Appeal.Filed,
                  Appeal.HearingScheduled, Appeal.NotAccepted, Certificate.Suspended,
                  Certificate.Closed):
        assert event.class_version == 2


def test_a_version_1_cancellation_reads_as_its_plain_reason_unchanged(
        ledger: Ledger, store: LedgerRecorder, personal_data: PersonalDataService) -> None:
    store_v1_cancellation(ledger, store)
    cancelled = read_stream(ledger, LEARNER)[-1]
    assert type(cancelled) is Learner.EntryCancelled
    assert (cancelled.cancelled_version, cancelled.reason) == (2, CANCEL_REASON)
    assert ledger.load(Learner, LEARNER, "learner").active_general is None
    # Plain text is returned as stored: nothing to decrypt, so nothing to log.
    assert personal_data.reveal(cancelled.reason, "auditor-1", "audit") == CANCEL_REASON
    assert personal_data.access_log(LEARNER) == []
    entry = build_report(ledger, "learner", LEARNER).entries[-1]
    assert entry.data == {"cancelled_version": 2, "reason": CANCEL_REASON}
    row = strict_fold(LEARNER_HISTORY, read_stream(ledger, LEARNER))["learners"][str(LEARNER)]
    assert row["entries"][0]["cancelled"]["reason"] == CANCEL_REASON
    assert store.select_events(LEARNER)[2].state == CANCELLED_V1_STATE


def test_a_version_1_mark_correction_reads_as_its_plain_reason(
        ledger: Ledger, store: LedgerRecorder) -> None:
    book = Gradebook.open(learner_id=LEARNER, subject=MATHS, academic_year=YEAR,
                          meta=make_meta(actor=TEACHER))
    book.record_mark(mark_id=UUID(int=1), kind=MarkKind.CURRENT,
                     value=MarkValue(Scale.FIVE_POINT, "3"), lesson_on=date(2026, 9, 15),
                     work_kind=None, period=None, meta=make_meta(actor=TEACHER))
    ledger.save(book)
    store.insert_events([v1(book.id, 3, "domain.gradebook:Gradebook.MarkCorrected",
                            CORRECTED_V1_STATE)])
    corrected = read_stream(ledger, book.id)[-1]
    assert corrected.reason == "оценка Кузнецовой введена неверно"
    loaded = ledger.load(Gradebook, book.id, "gradebook")
    assert loaded.mark(UUID(int=1)).value == MarkValue(Scale.FIVE_POINT, "4")
    assert store.select_events(book.id)[2].state == CORRECTED_V1_STATE


def test_a_version_1_appeal_reads_with_its_plain_statement_hearing_and_explanation(
        ledger: Ledger, store: LedgerRecorder) -> None:
    store.insert_events([
        v1(APPEAL, 1, "domain.appeal:Appeal.Filed", FILED_V1_STATE),
        v1(APPEAL, 2, "domain.appeal:Appeal.HearingScheduled", HEARING_V1_STATE),
        v1(APPEAL, 3, "domain.appeal:Appeal.NotAccepted", NOT_ACCEPTED_V1_STATE)])
    filed, scheduled, refused = read_stream(ledger, APPEAL)
    assert filed.statement == "прошу пересмотреть"
    assert scheduled.hearing == Hearing(datetime(2026, 5, 12, 10, tzinfo=UTC), "РЦОИ, каб. 5",
                                        None)
    assert refused.explanation == "Кузнецова нарушила порядок"
    appeal = ledger.load(Appeal, APPEAL, "appeal")
    assert appeal.status is AppealStatus.NOT_ACCEPTED
    assert appeal.learner_id is None  # a v1 statement does not name the participant
    assert [e.state for e in store.select_events(APPEAL)] == [
        FILED_V1_STATE, HEARING_V1_STATE, NOT_ACCEPTED_V1_STATE]


def test_a_stream_mixing_plain_and_sealed_reasons_reads_both_and_shreds_the_sealed(
        ledger: Ledger, store: LedgerRecorder, personal_data: PersonalDataService) -> None:
    store_v1_cancellation(ledger, store)
    learner = ledger.load(Learner, LEARNER, "learner")  # enrolled again by today's code
    learner.enrol(enrolment_id=SECOND, organisation_id=SCHOOL, level=EducationLevel.BASIC_GENERAL,
                  class_or_group="5А", academic_year=YEAR, meta=make_meta())
    ledger.save(learner)
    learners = LearnerService(ledger, personal_data)
    learners.cancel(CommandContext(actor=REGISTRAR, command_id="cancel-2",
                                   effective_on=date(2026, 9, 3)),
                    LEARNER, cancelled_version=4, reason="Кузнецова: не та школа")
    reasons = [e.reason for e in read_stream(ledger, LEARNER)
               if isinstance(e, Learner.EntryCancelled)]
    assert reasons[0] == CANCEL_REASON
    assert isinstance(reasons[1], SealedText)
    assert personal_data.reveal(reasons[1], "auditor-1", "audit") == "Кузнецова: не та школа"
    destroy(personal_data, CommandContext(actor=REGISTRAR, command_id="x",
                                          effective_on=date(2026, 10, 1)),
            LEARNER, "act № 12 of 2026-10-01")
    assert personal_data.reveal(reasons[1], "auditor-1", "audit") == DESTROYED
    # An old plain reason was never sealed: destruction cannot reach it (docs/privacy.md).
    assert personal_data.reveal(reasons[0], "auditor-1", "audit") == CANCEL_REASON


@pytest.mark.parametrize(("topic", "state", "status", "reason"), [
    ("Suspended", SUSPENDED_V1_STATE, CertificateStatus.SUSPENDED,
     "Кузнецова М. П.: документы на проверке"),
    ("Closed", CLOSED_V1_STATE, CertificateStatus.CLOSED, "Кузнецова М. П. переехала"),
])
def test_a_version_1_certificate_suspension_or_closure_reads_as_its_plain_reason(
        ledger: Ledger, store: LedgerRecorder, topic: str, state: bytes,
        status: CertificateStatus, reason: str) -> None:
    certificate = funded()  # issued and funded (versions 1 and 2) by today's code
    ledger.save(certificate)
    store.insert_events([v1(certificate.id, 3, f"domain.certificate:Certificate.{topic}",
                            state)])
    event = read_stream(ledger, certificate.id)[-1]
    assert type(event).__name__ == topic
    assert event.reason == reason
    assert ledger.load(Certificate, certificate.id, "certificate").status is status
    assert store.select_events(certificate.id)[2].state == state


def test_a_version_1_appeal_gets_sealed_texts_for_the_participant_its_participation_names(
        ledger: Ledger, store: LedgerRecorder, personal_data: PersonalDataService) -> None:
    on = published(date(2026, 4, 30), exam_on=date(2026, 4, 10))
    ledger.save(Learner.register(learner_id=PARTICIPANT, meta=make_meta()), on,
                with_result(on))
    store.insert_events([v1(APPEAL, 1, "domain.appeal:Appeal.Filed", FILED_V1_STATE)])
    exams = ExamService(ledger, RUSSIA, personal_data)
    clerk = CommandContext(actor=REGISTRAR, command_id="hearing", effective_on=date(2026, 5, 6))
    exams.schedule_hearing(clerk, APPEAL, Hearing(datetime(2026, 5, 12, 10, tzinfo=UTC), None,
                                                  "https://vks.example.ru/ak/301"))
    exams.not_accept_appeal(dataclasses.replace(clerk, command_id="refuse"), APPEAL,
                            NotAcceptedReason.OWN_BREACH, "Кузнецова нарушила порядок")
    _, scheduled, refused = read_stream(ledger, APPEAL)
    assert scheduled.hearing.venue.learner_id == PARTICIPANT
    assert refused.explanation.learner_id == PARTICIPANT
    assert personal_data.reveal(refused.explanation, "rcoi-1", "audit") == (
        "Кузнецова нарушила порядок")
