"""The key hierarchy: a master key (KEK) wraps one data key per learner; data keys encrypt.

All encryption is AES-256-GCM (`cryptography`). The associated data binds each ciphertext to its
place: a wrapped data key to its learner and master-key id, a record to its learner, so a
ciphertext copied onto another learner's row fails authentication instead of decrypting.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from letopis.privacy.errors import CorruptedPersonalData, MasterKeyInvalid, WrongMasterKey

KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12
RECORD_FORMAT = b"\x01"  # version byte of an encrypted record: format + nonce + ciphertext


@dataclass(frozen=True)
class MasterKey:
    """The key-encryption key. `key_id` names it without revealing it (recorded with every
    wrapped key, so a wrong master key is told apart from a corrupted one)."""

    secret: bytes

    def __post_init__(self) -> None:
        if len(self.secret) != KEY_BYTES:
            raise MasterKeyInvalid(f"a master key is {KEY_BYTES} bytes, not {len(self.secret)}")

    @property
    def key_id(self) -> str:
        return hashlib.sha256(b"letopis-master-key-id/" + self.secret).hexdigest()[:16]

    @classmethod
    def from_base64(cls, text: str) -> MasterKey:
        try:
            secret = base64.b64decode(text.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise MasterKeyInvalid("the master key is not base64 text") from None
        return cls(secret)

    @classmethod
    def from_file(cls, path: Path) -> MasterKey:
        try:
            text = path.read_text(encoding="ascii")
        except FileNotFoundError:
            raise MasterKeyInvalid(f"no master key file at {path}") from None
        except (OSError, UnicodeDecodeError) as error:
            raise MasterKeyInvalid(f"cannot read the master key file {path}: "
                                   f"{type(error).__name__}") from None
        return cls.from_base64(text)

    @classmethod
    def generate(cls) -> MasterKey:
        return cls(AESGCM.generate_key(bit_length=256))

    def to_base64(self) -> str:
        return base64.b64encode(self.secret).decode("ascii")


@dataclass(frozen=True)
class WrappedKey:
    """A learner's data key as the key store holds it: encrypted under master key `key_id`."""

    learner_id: UUID
    key_id: str
    wrapped: bytes


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def _wrap_ad(learner_id: UUID, key_id: str) -> bytes:
    return b"letopis-data-key/" + learner_id.bytes + key_id.encode()


def wrap(master: MasterKey, learner_id: UUID, data_key: bytes) -> WrappedKey:
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(master.secret).encrypt(nonce, data_key, _wrap_ad(learner_id, master.key_id))
    return WrappedKey(learner_id, master.key_id, nonce + sealed)


def unwrap(master: MasterKey, key: WrappedKey) -> bytes:
    if key.key_id != master.key_id:
        raise WrongMasterKey(
            f"the data key of learner {key.learner_id} is wrapped by master key {key.key_id}, "
            f"but the configured master key is {master.key_id}")
    nonce, sealed = key.wrapped[:NONCE_BYTES], key.wrapped[NONCE_BYTES:]
    try:
        return AESGCM(master.secret).decrypt(nonce, sealed, _wrap_ad(key.learner_id, key.key_id))
    except InvalidTag:
        raise CorruptedPersonalData(
            f"the wrapped data key of learner {key.learner_id} fails authentication") from None


def _record_ad(learner_id: UUID) -> bytes:
    return b"letopis-personal-data/" + learner_id.bytes


def encrypt_record(data_key: bytes, learner_id: UUID, plaintext: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return RECORD_FORMAT + nonce + AESGCM(data_key).encrypt(nonce, plaintext,
                                                            _record_ad(learner_id))


def decrypt_record(data_key: bytes, learner_id: UUID, stored: bytes) -> bytes:
    if stored[:1] != RECORD_FORMAT or len(stored) < 1 + NONCE_BYTES + 16:
        raise CorruptedPersonalData(
            f"the personal-data record of learner {learner_id} is not an encrypted record")
    nonce, sealed = stored[1:1 + NONCE_BYTES], stored[1 + NONCE_BYTES:]
    try:
        return AESGCM(data_key).decrypt(nonce, sealed, _record_ad(learner_id))
    except InvalidTag:
        raise CorruptedPersonalData(
            f"the personal-data record of learner {learner_id} fails authentication") from None
