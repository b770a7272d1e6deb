"""Property: for random histories, once a learner's personal data is destroyed no byte of it
(name, SNILS, birth date, address) is left in plaintext in any table of the store, its
projections or its key store, in an export, the act, or the access log; a dump taken before
the destruction, read with the key store as it is after, yields none of it; the events written
before are byte-for-byte unchanged (a hash chain over them still verifies) and replay.
On SQLite and PostgreSQL."""

from __future__ import annotations

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

from domain.learner import Learner
from letopis.clock import FixedClock
from letopis.ledger import Ledger
from letopis.privacy.act import write_act
from letopis.privacy.destruction import destroy
from letopis.privacy.errors import CorruptedPersonalData
from letopis.privacy.export import export_subject
from letopis.privacy.keys import decrypt_record, unwrap
from letopis.store import init_store, open_store
from projections.digital_profile import DIGITAL_PROFILE, PROFILES
from projections.learner_history import LEARNER_HISTORY, LEARNERS
from projections.runner import build_engine
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
# Per learner: their record, whether they are enrolled, whether their data is destroyed.
histories = st.lists(st.tuples(records, st.booleans(), st.booleans()), min_size=1,
                     max_size=4).filter(lambda h: any(destroyed for _, _, destroyed in h))


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


def check_history(kind: str, history: list[tuple[dict[str, Any], bool, bool]]) -> None:
    with fresh_store(kind) as (url, schema), tempfile.TemporaryDirectory() as out:
        store = open_store(url, schema)
        ledger = Ledger(store, FixedClock(datetime(2026, 9, 1, 8, tzinfo=UTC)))
        engine, close_engine = build_engine(ledger, url, schema, page_size=5)
        personal_data = service(ledger, url, schema, TEST_MASTER_KEY)
        try:
            region = Region(ledger, personal_data)
            learners = [UUID(int=100 + n) for n in range(len(history))]
            for n, (record, enrolled, _) in enumerate(history):
                region.register(learners[n], record)
                if enrolled:
                    region.enrol(learners[n], UUID(int=1000 + n))
            for projection in (LEARNER_HISTORY, DIGITAL_PROFILE):
                engine.catch_up(projection)
            dump_before = dump(url, schema)
            records_before = {i: store.get_personal_data(i) for i in learners}
            events_before = [n.state for n in store.select_notifications(None, 10_000)]

            gone = [(learners[n], record) for n, (record, _, d) in enumerate(history) if d]
            kept = [(learners[n], record) for n, (record, _, d) in enumerate(history) if not d]
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
                outputs.append(json.dumps(export_subject(personal_data, learner_id, "dpo-1"),
                                          ensure_ascii=False).encode())
                for projection, table in ((LEARNER_HISTORY, LEARNERS),
                                          (DIGITAL_PROFILE, PROFILES)):
                    row = engine.store.read(projection.name, table, str(learner_id))
                    assert row is not None
                    assert row["personal_data"] == "destroyed"
            outputs.append(repr(personal_data.access_log()).encode())
            dump_after = dump(url, schema)

            for _, record in gone + kept:  # nothing was ever stored in plaintext
                assert leaked(dump_before, record) == []
                assert leaked(dump_after, record) == []
            for _, record in gone:
                for output in outputs:
                    assert leaked(output, record) == []
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
    def check(history: list[tuple[dict[str, Any], bool, bool]]) -> None:
        check_history(kind, history)

    check()
