"""The key hierarchy: master key parsing, wrapping, record encryption, and their failures."""

from __future__ import annotations

import base64
from pathlib import Path
from uuid import UUID

import pytest

from letopis.privacy import keystore_schema
from letopis.privacy.errors import CorruptedPersonalData, MasterKeyInvalid, WrongMasterKey
from letopis.privacy.keys import (
    MasterKey,
    WrappedKey,
    decrypt_record,
    encrypt_record,
    new_data_key,
    unwrap,
    wrap,
)
from letopis.privacy.keystore import sqlite_keystore_path
from letopis.store import StoreUrlError

LEARNER, OTHER = UUID(int=100), UUID(int=101)
MASTER = MasterKey(bytes(range(32)))


def test_a_data_key_round_trips_only_under_its_master_and_learner() -> None:
    data_key = new_data_key()
    wrapped = wrap(MASTER, LEARNER, data_key)
    assert wrapped.key_id == MASTER.key_id
    assert data_key not in wrapped.wrapped
    assert unwrap(MASTER, wrapped) == data_key
    with pytest.raises(WrongMasterKey, match=MasterKey(b"w" * 32).key_id):
        unwrap(MasterKey(b"w" * 32), wrapped)
    with pytest.raises(CorruptedPersonalData):  # moved onto another learner
        unwrap(MASTER, WrappedKey(OTHER, wrapped.key_id, wrapped.wrapped))
    flipped = wrapped.wrapped[:-1] + bytes([wrapped.wrapped[-1] ^ 1])
    with pytest.raises(CorruptedPersonalData):
        unwrap(MASTER, WrappedKey(LEARNER, wrapped.key_id, flipped))


def test_a_record_decrypts_only_with_its_key_for_its_learner() -> None:
    data_key = new_data_key()
    sealed = encrypt_record(data_key, LEARNER, "Кузнецова".encode())
    assert "Кузнецова".encode() not in sealed
    assert sealed != encrypt_record(data_key, LEARNER, "Кузнецова".encode())  # fresh nonce
    assert decrypt_record(data_key, LEARNER, sealed).decode() == "Кузнецова"
    for key, learner, stored in ((new_data_key(), LEARNER, sealed), (data_key, OTHER, sealed),
                                 (data_key, LEARNER, b"{\"full_name\": \"x\"}")):
        with pytest.raises(CorruptedPersonalData):
            decrypt_record(key, learner, stored)


def test_master_keys_are_32_bytes_of_base64(tmp_path: Path) -> None:
    text = base64.b64encode(bytes(range(32))).decode()
    (tmp_path / "k").write_text(text + "\n", encoding="ascii")
    assert MasterKey.from_file(tmp_path / "k") == MASTER
    assert MasterKey.from_base64(MASTER.to_base64()) == MASTER
    with pytest.raises(MasterKeyInvalid, match="not 16"):
        MasterKey.from_base64(base64.b64encode(b"x" * 16).decode())
    with pytest.raises(MasterKeyInvalid, match="not base64"):
        MasterKey.from_base64("not base64!")
    with pytest.raises(MasterKeyInvalid, match="no master key file"):
        MasterKey.from_file(tmp_path / "missing")


def test_the_key_store_lives_beside_the_store_never_inside_it() -> None:
    assert sqlite_keystore_path("var/letopis.sqlite") == "var/letopis.keys.sqlite"
    assert keystore_schema("letopis") == "letopis_keys"
    assert keystore_schema("s" * 58) == "s" * 58 + "_keys"
    with pytest.raises(StoreUrlError, match="too long"):  # PostgreSQL would truncate it
        keystore_schema("s" * 59)
