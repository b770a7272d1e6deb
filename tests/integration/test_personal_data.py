"""Personal data: encrypted per learner, read through a logged service, destroyed by crypto-
shredding with an event and an act; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from uuid import UUID

import pytest
from openpyxl import load_workbook

from domain.errors import InvalidInput, NotFound
from domain.learner import Learner
from domain.sealed import DESTROYED, SealedText
from letopis.ledger import Ledger
from letopis.privacy import MasterKey, PersonalDataService
from letopis.privacy.act import write_act
from letopis.privacy.destruction import destroy, destruction_command_id
from letopis.privacy.errors import (
    CorruptedPersonalData,
    MasterKeyMissing,
    PersonalDataAlreadyDestroyed,
    PersonalDataDestroyed,
    PersonalDataQuoted,
    WrongMasterKey,
)
from letopis.privacy.export import export_subject
from letopis.services.learners import LearnerService
from replay.as_of import read_stream
from replay.verify import verify
from tests.conftest import TEST_MASTER_KEY, KeyedServices
from tests.privacy_world import DPO, Region, ctx, dump, leaked
from tests.tamper import KEY, audit_of, seal_store

LEARNER, OTHER, UNKNOWN = UUID(int=100), UUID(int=101), UUID(int=999)
PERSONAL = {
    "full_name": "Кузнецова Мария Петровна",
    "birth_date": "2015-03-14",
    "snils": "112-233-445 95",
    "address": "г. Оренбург, ул. Пушкинская, д. 7, кв. 12",
}
OTHER_PERSONAL = {"full_name": "Сидоров Пётр Ильич", "snils": "998-877-665 44"}
BASIS = "act № 12 of 2026-10-01: purpose of processing ended (learner left)"


@pytest.fixture
def region(ledger: Ledger, personal_data: PersonalDataService) -> Region:
    region = Region(ledger, personal_data)
    region.register(LEARNER, PERSONAL)
    region.register(OTHER, OTHER_PERSONAL)
    region.enrol(LEARNER, UUID(int=1001))
    return region


def shred(region: Region, learner_id: UUID = LEARNER, basis: str = BASIS) -> object:
    return destroy(region.personal_data, ctx("destroy", DPO, None), learner_id, basis)


def refused_without_writes(region: Region, error: type[Exception], call: object) -> Exception:
    store, keys = region.ledger.store, region.personal_data.keystore
    before = (store.count_events(), [store.get_personal_data(i) for i in (LEARNER, OTHER)],
              keys.wrapped_keys())
    with pytest.raises(error) as info:
        call()  # type: ignore[operator]
    after = (store.count_events(), [store.get_personal_data(i) for i in (LEARNER, OTHER)],
             keys.wrapped_keys())
    assert after == before
    assert store.command_outcome(destruction_command_id(LEARNER)) is None
    return info.value


def test_only_ciphertext_reaches_the_store_and_every_read_is_logged(
        region: Region, store_url: tuple[str, str]) -> None:
    assert leaked(dump(*store_url), PERSONAL) == []
    view = region.personal_data.read(LEARNER, "inspector-7", "check of the contingent")
    assert (view.status, view.record) == ("held", PERSONAL)
    region.personal_data.read(OTHER, "clerk-1", "certificate issue")
    log = region.personal_data.access_log(LEARNER)
    assert [(r.learner_id, r.actor, r.purpose) for r in log] == [
        (LEARNER, "inspector-7", "check of the contingent")]
    assert log[0].read_at.tzinfo is not None
    assert len(region.personal_data.access_log()) == 2


def test_a_read_needs_an_actor_and_a_purpose(region: Region) -> None:
    with pytest.raises(InvalidInput):
        region.personal_data.read(LEARNER, "inspector-7", " ")
    assert region.personal_data.access_log() == []


def test_destroy_records_the_event_shreds_the_key_and_keeps_the_facts(
        region: Region, store_url: tuple[str, str], tmp_path: Path) -> None:
    events_before = [e.state for e in region.ledger.store.select_notifications(None, 1000)]
    destruction = shred(region)
    learner = region.ledger.load(Learner, LEARNER, "learner")
    assert learner.personal_data_destroyed
    assert learner.active_general is not None  # the facts stay, replayable
    events_after = [e.state for e in region.ledger.store.select_notifications(None, 1000)]
    assert events_after[:len(events_before)] == events_before  # nothing rewritten
    assert len(events_after) == len(events_before) + 1
    assert region.personal_data.keystore.get(LEARNER) is None
    assert region.ledger.store.get_personal_data(LEARNER) is None
    assert region.personal_data.read(LEARNER, "inspector-7", "check").status == "destroyed"
    assert region.personal_data.read(OTHER, "inspector-7", "check").record == OTHER_PERSONAL
    assert leaked(dump(*store_url), PERSONAL) == []

    paths = write_act(region.ledger, destruction, tmp_path)  # type: ignore[arg-type]
    act = json.loads(paths[0].read_text(encoding="utf-8"))
    assert act["categories"] == ["address", "birth_date", "full_name", "snils"]
    assert act["basis"] == BASIS
    assert act["destroyed_by"]["user_id"] == "dpo-1"
    assert act["event"]["version"] == 3
    assert act["event"]["position"] is not None
    sheet = load_workbook(paths[1]).active
    assert sheet is not None
    cells = {row[0]: row[1] for row in sheet.iter_rows(values_only=True)}
    assert cells["Basis"] == BASIS
    assert cells["Event id"] == act["event"]["event_id"]
    extract = json.loads(paths[2].read_text(encoding="utf-8"))
    assert extract["events"][-1]["event_type"] == "Learner.PersonalDataDestroyed"
    for path in paths:
        assert leaked(path.read_bytes(), PERSONAL) == []


def test_destroyed_data_cannot_be_stored_again(region: Region) -> None:
    shred(region)
    with pytest.raises(PersonalDataDestroyed):
        region.personal_data.store(LEARNER, PERSONAL)
    assert region.ledger.store.get_personal_data(LEARNER) is None


def test_destroying_twice_is_refused(region: Region) -> None:
    shred(region)
    count = region.ledger.store.count_events()
    with pytest.raises(PersonalDataAlreadyDestroyed, match="already destroyed"):
        shred(region)
    assert region.ledger.store.count_events() == count


def test_destroying_an_unknown_learner_is_refused(region: Region) -> None:
    refused_without_writes(region, NotFound, lambda: shred(region, UNKNOWN))


def test_a_wrong_master_key_refuses_destruction_and_reads(
        region: Region, keyed: KeyedServices) -> None:
    wrong = Region(region.ledger, keyed(MasterKey(b"w" * 32)))
    refused_without_writes(region, WrongMasterKey, lambda: shred(wrong))
    with pytest.raises(WrongMasterKey, match="wrapped by master key"):
        wrong.personal_data.read(LEARNER, "inspector-7", "check")
    assert region.personal_data.read(LEARNER, "inspector-7", "check").record == PERSONAL


def test_a_corrupted_record_is_reported_not_decrypted(region: Region) -> None:
    stored = region.ledger.store.get_personal_data(LEARNER)
    assert stored is not None
    region.ledger.store.put_personal_data(LEARNER, stored[:-1] + bytes([stored[-1] ^ 1]))
    with pytest.raises(CorruptedPersonalData, match="fails authentication"):
        region.personal_data.read(LEARNER, "inspector-7", "check")
    # Moved onto another learner's row, a valid ciphertext fails too (learner id is the AAD).
    region.ledger.store.put_personal_data(OTHER, stored)
    with pytest.raises(CorruptedPersonalData):
        region.personal_data.read(OTHER, "inspector-7", "check")
    refused_without_writes(region, CorruptedPersonalData, lambda: shred(region))


def test_a_basis_quoting_the_persons_data_is_refused(region: Region) -> None:
    refused_without_writes(region, PersonalDataQuoted, lambda: shred(
        region, basis="application of Кузнецова Мария Петровна of 2026-09-30"))


def test_an_interrupted_destruction_reads_as_destroyed_and_a_rerun_finishes_it(
        region: Region) -> None:
    # Step 2 of the protocol ran (the event), step 3 (key and ciphertext deletion) did not.
    def action(meta: object) -> list[Learner]:
        learner = region.personal_data.learner(LEARNER)
        learner.destroy_personal_data(grounds=BASIS, categories=("full_name",),
                                      meta=meta)  # type: ignore[arg-type]
        return [learner]

    region.ledger.execute(ctx(destruction_command_id(LEARNER), DPO, None),
                          "destroy_personal_data", {}, action)
    assert region.personal_data.keystore.get(LEARNER) is not None
    assert region.personal_data.read(LEARNER, "inspector-7", "check").status == "destroyed"
    count = region.ledger.store.count_events()
    finished = shred(region)
    assert finished.completed_now is False  # type: ignore[attr-defined]
    assert region.ledger.store.count_events() == count
    assert region.personal_data.keystore.get(LEARNER) is None
    assert region.ledger.store.get_personal_data(LEARNER) is None


def test_rotation_rewraps_keys_and_keeps_everything_readable(
        region: Region, keyed: KeyedServices) -> None:
    ciphertexts = [region.ledger.store.get_personal_data(i) for i in (LEARNER, OTHER)]
    new_master = MasterKey(b"n" * 32)
    assert region.personal_data.rotate_master(new_master) == (2, 0)
    assert [region.ledger.store.get_personal_data(i) for i in (LEARNER, OTHER)] == ciphertexts
    rotated = keyed(new_master)
    assert rotated.read(LEARNER, "inspector-7", "check").record == PERSONAL
    assert rotated.read(OTHER, "inspector-7", "check").record == OTHER_PERSONAL
    assert rotated.rotate_master(new_master) == (0, 2)  # a re-run after a crash is harmless
    with pytest.raises(WrongMasterKey):
        region.personal_data.read(LEARNER, "inspector-7", "check")
    with pytest.raises(WrongMasterKey):  # nothing half-done: no key re-wrapped
        keyed(MasterKey(b"x" * 32)).rotate_master(TEST_MASTER_KEY)
    assert {k.key_id for k in rotated.keystore.wrapped_keys()} == {new_master.key_id}


def test_export_gives_everything_held_and_says_destroyed_afterwards(region: Region) -> None:
    before = export_subject(region.personal_data, LEARNER, "dpo-1")
    assert before["personal_data"] == {"status": "held", "record": PERSONAL}
    assert [e["event_type"] for e in before["history"]["events"]] == [
        "Learner.Registered", "Learner.Enrolled"]
    shred(region)
    after = export_subject(region.personal_data, LEARNER, "dpo-1")
    assert after["personal_data"] == {"status": "destroyed", "record": None}
    assert after["history"]["events"][-1]["event_type"] == "Learner.PersonalDataDestroyed"
    assert leaked(json.dumps(after, ensure_ascii=False).encode(), PERSONAL) == []


def test_a_cancellation_reason_naming_the_person_is_sealed_then_destroyed(
        region: Region, store_url: tuple[str, str]) -> None:
    reason = "wrong child: SNILS 112-233-445 95 belongs to Кузнецова Мария Петровна"
    region.learners.cancel(ctx("cancel"), LEARNER, cancelled_version=2, reason=reason)
    first_seal = seal_store(*store_url, every=2)  # a checkpoint over the sealed reason
    assert first_seal.sealed == region.ledger.store.count_events()
    cancelled = read_stream(region.ledger, LEARNER)[-1]
    assert isinstance(cancelled.reason, SealedText)
    assert leaked(dump(*store_url), {"reason": reason, **PERSONAL}) == []
    assert region.personal_data.reveal(cancelled.reason, "inspector-7", "audit") == reason
    assert [(r.actor, r.purpose) for r in region.personal_data.access_log(LEARNER)] == [
        ("inspector-7", "audit")]
    exported = export_subject(region.personal_data, LEARNER, "dpo-1")
    assert [(t["event_type"], t["text"]) for t in exported["free_texts"]] == [
        ("Learner.EntryCancelled", reason)]
    shred(region)
    assert region.personal_data.reveal(cancelled.reason, "inspector-7", "audit") == DESTROYED
    after = export_subject(region.personal_data, LEARNER, "dpo-1")
    assert [t["text"] for t in after["free_texts"]] == [DESTROYED]
    assert leaked(json.dumps(after, ensure_ascii=False).encode(), {"reason": reason}) == []
    # Sealed before destruction and after it: what was stored (the ciphertext) still verifies.
    assert seal_store(*store_url, every=2).sealed > 0
    result = verify(audit_of(*store_url), KEY.public_key())
    assert (result.damage, result.unsealed) == (None, 0)


def test_sealing_is_refused_once_destroyed_and_without_a_master_key(
        region: Region, ledger: Ledger) -> None:
    shred(region)
    count = region.ledger.store.count_events()
    with pytest.raises(PersonalDataDestroyed):
        region.learners.cancel(ctx("cancel"), LEARNER, cancelled_version=2, reason="void")
    with pytest.raises(MasterKeyMissing):
        LearnerService(ledger).cancel(ctx("cancel"), OTHER, cancelled_version=2, reason="void")
    assert region.ledger.store.count_events() == count
