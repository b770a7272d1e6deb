"""Property: for random histories, once a learner's personal data is destroyed no byte of it
(name, SNILS, birth date, address) is left in plaintext in any table of the store, its
projections or its key store, in an export, the act, or the access log; a dump taken before
the destruction, read with the key store as it is after, yields none of it; the events written
before are byte-for-byte unchanged (a hash chain over them still verifies) and replay.
The histories also put the learner's name and SNILS into free text: appeal statements and
cancellation reasons, sealed under the learner's key; after destruction they read as
"personal data destroyed" (live and after a rebuild) and are nowhere in plaintext either.
On SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.appeal_values import AppealKind
from domain.calendar_ru import RUSSIA
from domain.exam_values import ExamKind
from domain.learner import Learner
from domain.sealed import DESTROYED, SealedText
from letopis.clock import FixedClock
from letopis.ledger import Ledger
from letopis.privacy.act import write_act
from letopis.privacy.destruction import destroy
from letopis.privacy.errors import CorruptedPersonalData
from letopis.privacy.export import export_subject
from letopis.privacy.keys import decrypt_record, unwrap
from letopis.services.exams import ExamService
from letopis.store import init_store, open_store
from projections.digital_profile import DIGITAL_PROFILE, PROFILES
from projections.learner_history import LEARNER_HISTORY, LEARNERS
from projections.runner import build_engine
from replay.render import render_json
from replay.report import build_report
from tests.conftest import TEST_MASTER_KEY
from tests.pg import fresh_schema
from tests.privacy_world import DPO, Region, ctx, dump, leaked, service

CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
word = st.text(CYRILLIC, min_size=4, max_size=9).map(str.capitalize)
records = st.fixed_dictionaries({
    "full_name": st.tuples(word, word, word).map(" ".join),
    "snils": st.from_regex(r"\d{3}-\d{3}-\d{3} \d{2}", fullmatch=True),
    # Born 2008-2020, never a date of the 2026 events: a match can only be a leak.
    "birth_date": st.dates(date(2008, 1, 1), date(2020, 12, 31)).map(date.isoformat),
    "address": st.tuples(word, word, st.integers(1, 200)).map(
        lambda t: f"г. {t[0]}, ул. {t[1]}, д. {t[2]}"),
})
# Per learner: their record, whether they are enrolled, whether their data is destroyed,
# whether the enrolment is cancelled (a reason naming them), whether they file an appeal (a
# statement naming them).
histories = st.lists(st.tuples(records, st.booleans(), st.booleans(), st.booleans(),
                               st.booleans()), min_size=1,
                     max_size=4).filter(lambda h: any(entry[2] for entry in h))
History = list[tuple[dict[str, Any], bool, bool, bool, bool]]
EXAM, EXAM_ON = UUID(int=7001), date(2026, 6, 11)


def statement(record: dict[str, Any]) -> str:
    return (f"Я, {record['full_name']}, СНИЛС {record['snils']}, проживаю: "
            f"{record['address']}; прошу пересмотреть")


def reason(record: dict[str, Any]) -> str:
    return f"{record['full_name']} (СНИЛС {record['snils']}) зачислен(а) ошибочно"


def free_texts(history: History, n: int) -> dict[str, str]:
    """The free texts written about learner `n`, by name, for the leak search."""
    record, enrolled, _, cancelled, appealed = history[n]
    texts = {"statement": statement(record)} if appealed else {}
    return texts | ({"reason": reason(record)} if enrolled and cancelled else {})


def write_free_texts(ledger: Ledger, region: Region, history: History,
                     learners: list[UUID]) -> dict[UUID, UUID]:
    """Cancellations and appeals naming the learner; returns the appeals by learner."""
    exams = ExamService(ledger, RUSSIA, region.personal_data)
    on_exam_day = dataclasses.replace(ctx("exam"), effective_on=EXAM_ON)
    appeals: dict[UUID, UUID] = {}
    for n, (record, enrolled, _, cancelled, appealed) in enumerate(history):
        learner_id = learners[n]
        if enrolled and cancelled:
            region.learners.cancel(ctx(f"cancel/{learner_id}"), learner_id, cancelled_version=2,
                                   reason=reason(record))
        if not appealed:
            continue
        if not ledger.exists(EXAM):
            exams.schedule_exam(on_exam_day, EXAM, ExamKind.EGE, "Физика", EXAM_ON, 45)
        exams.register_participant(dataclasses.replace(on_exam_day, command_id=f"reg/{n}"),
                                   learner_id, EXAM, "ППЭ № 5601")
        appeals[learner_id] = UUID(int=8000 + n)
        exams.file_appeal(dataclasses.replace(on_exam_day, command_id=f"appeal/{n}"),
                          appeals[learner_id], learner_id, EXAM,
                          AppealKind.PROCEDURE_VIOLATION, statement(record))
    return appeals


def sealed_texts(ledger: Ledger, states: list[bytes]) -> list[SealedText]:
    """Every sealed text in the given stored events (a dump's events, decoded)."""
    found: list[SealedText] = []
    for notification in ledger.store.select_notifications(None, 10_000):
        if notification.state not in states:
            continue
        event = ledger.mapper.to_domain_event(notification)
        for value in vars(event).values():
            if isinstance(value, SealedText):
                found.append(value)
    return found


@contextmanager
def fresh_store(kind: str) -> Iterator[tuple[str, str]]:
    if kind == "postgres":
        with fresh_schema() as location:
            yield location
        return
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'letopis.sqlite'}"
        init_store(url)
        yield url, "letopis"


def check_history(kind: str, history: History) -> None:
    with fresh_store(kind) as (url, schema), tempfile.TemporaryDirectory() as out:
        store = open_store(url, schema)
        ledger = Ledger(store, FixedClock(datetime(2026, 9, 1, 8, tzinfo=UTC)))
        engine, close_engine = build_engine(ledger, url, schema, page_size=5)
        personal_data = service(ledger, url, schema, TEST_MASTER_KEY)
        try:
            region = Region(ledger, personal_data)
            learners = [UUID(int=100 + n) for n in range(len(history))]
            for n, (record, enrolled, *_) in enumerate(history):
                region.register(learners[n], record)
                if enrolled:
                    region.enrol(learners[n], UUID(int=1000 + n))
            appeals = write_free_texts(ledger, region, history, learners)
            texts = {learners[n]: free_texts(history, n) for n in range(len(history))}
            for projection in (LEARNER_HISTORY, DIGITAL_PROFILE):
                engine.catch_up(projection)
            dump_before = dump(url, schema)
            records_before = {i: store.get_personal_data(i) for i in learners}
            events_before = [n.state for n in store.select_notifications(None, 10_000)]

            sealed_before = sealed_texts(ledger, events_before)
            assert len(sealed_before) == sum(len(t) for t in texts.values())
            gone = [(learners[n], h[0]) for n, h in enumerate(history) if h[2]]
            kept = [(learners[n], h[0]) for n, h in enumerate(history) if not h[2]]
            outputs: list[bytes] = []
            for learner_id, _ in gone:
                destruction = destroy(personal_data, ctx(f"destroy/{learner_id}", DPO, None),
                                      learner_id, "act № 12 of 2026-10-01")
                for path in write_act(ledger, destruction, Path(out)):
                    outputs.append(path.read_bytes())
            for projection in (LEARNER_HISTORY, DIGITAL_PROFILE):
                engine.catch_up(projection)
                assert engine.verify(projection).ok
            engine.rebuild(LEARNER_HISTORY)
            for learner_id, _ in gone:
                exported = export_subject(personal_data, learner_id, "dpo-1")
                assert [t["text"] for t in exported["free_texts"]] == [DESTROYED] * len(
                    texts[learner_id])
                outputs.append(json.dumps(exported, ensure_ascii=False).encode())
                if learner_id in appeals:
                    outputs.append(render_json(build_report(ledger, "appeal",
                                                            appeals[learner_id])).encode())
                for projection, table in ((LEARNER_HISTORY, LEARNERS),
                                          (DIGITAL_PROFILE, PROFILES)):
                    row = engine.store.read(projection.name, table, str(learner_id))
                    assert row is not None
                    assert row["personal_data"] == "destroyed"
                    outputs.append(json.dumps(row, ensure_ascii=False).encode())
                history_row = engine.store.read(LEARNER_HISTORY.name, LEARNERS, str(learner_id))
                assert history_row is not None
                cancelled = [e["cancelled"]["reason"] for e in history_row["entries"]
                             if e.get("cancelled")]
                assert cancelled == ([DESTROYED] if "reason" in texts[learner_id] else [])
            for learner_id, _ in kept:  # the kept still read, through a logged read
                exported = export_subject(personal_data, learner_id, "dpo-1")
                assert sorted(t["text"] for t in exported["free_texts"]) == sorted(
                    texts[learner_id].values())
            outputs.append(repr(personal_data.access_log()).encode())
            dump_after = dump(url, schema)

            for learner_id, record in gone + kept:  # nothing was ever stored in plaintext
                for dumped in (dump_before, dump_after):
                    assert leaked(dumped, record) == []
                    assert leaked(dumped, texts[learner_id]) == []
            for learner_id, record in gone:
                for output in outputs:
                    assert leaked(output, record) == []
                    assert leaked(output, texts[learner_id]) == []
            # The sealed texts of the dump from before, read with the key store as it is now:
            # the destroyed learners' read as destroyed (no key is left to try), the others
            # still open.
            destroyed_ids = {learner_id for learner_id, _ in gone}
            for sealed in sealed_before:
                revealed = personal_data.reveal(sealed, "auditor-1", "property check")
                if sealed.learner_id in destroyed_ids:
                    assert personal_data.keystore.get(sealed.learner_id) is None
                    assert revealed == DESTROYED
                else:
                    assert revealed in texts[sealed.learner_id].values()
            # The dump from before, read with the key store as it is now: the destroyed are
            # noise (no key), the others still decrypt.
            for learner_id, record in gone + kept:
                stored = records_before[learner_id]
                assert stored is not None
                key = personal_data.keystore.get(learner_id)
                if (learner_id, record) in gone:
                    assert key is None
                    with pytest.raises(CorruptedPersonalData):
                        decrypt_record(b"\0" * 32, learner_id, stored)
                else:
                    assert key is not None
                    data_key = unwrap(TEST_MASTER_KEY, key)
                    assert json.loads(decrypt_record(data_key, learner_id, stored)) == record
            events_after = [n.state for n in store.select_notifications(None, 10_000)]
            assert events_after[:len(events_before)] == events_before
            assert len(events_after) == len(events_before) + len(gone)
            for learner_id in learners:
                assert ledger.load(Learner, learner_id, "learner").version >= 1
        finally:
            personal_data.keystore.close()
            close_engine()
            store.close()


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_destroyed_personal_data_is_nowhere_in_plaintext(kind: str) -> None:
    if kind == "postgres":
        from tests.pg import require_postgres

        require_postgres()

    @settings(max_examples=5 if kind == "postgres" else 8)
    @given(histories)
    def check(history: History) -> None:
        check_history(kind, history)

    check()
