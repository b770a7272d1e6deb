"""Sealing free text for events: AES-256-GCM under the learner's data key.

A `SealedText` (domain/sealed.py) is `learner id + field + base64(format | nonce | ciphertext+tag)`.
The associated data is the learner id and the field ("Appeal.Filed.statement"), so sealed text
copied onto another learner or into another field fails authentication instead of reading as
theirs. Reading goes through `PersonalDataService.reveal` (logged); everything else shows
`placeholder(value)`, never the ciphertext's content.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.sealed import DESTROYED, SEALED, SealedText, placeholder
from letopis.privacy.errors import CorruptedPersonalData
from letopis.privacy.keys import NONCE_BYTES

SEALED_FORMAT = b"\x01"
_TAG_BYTES = 16

__all__ = ["DESTROYED", "SEALED", "open_text", "placeholder", "seal_text", "text_digest"]


def _ad(learner_id: UUID, field: str) -> bytes:
    return b"letopis-sealed-text/" + learner_id.bytes + b"/" + field.encode()


def seal_text(data_key: bytes, learner_id: UUID, field: str, text: str) -> SealedText:
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(data_key).encrypt(nonce, text.encode(), _ad(learner_id, field))
    blob = SEALED_FORMAT + nonce + sealed
    return SealedText(learner_id, field, base64.b64encode(blob).decode("ascii"))


def open_text(data_key: bytes, sealed: SealedText) -> str:
    """The plaintext; `CorruptedPersonalData` if it fails authentication (wrong learner, field,
    key, or a damaged ciphertext)."""
    what = f"the sealed {sealed.field} of learner {sealed.learner_id}"
    try:
        blob = base64.b64decode(sealed.ciphertext, validate=True)
    except (binascii.Error, ValueError):
        raise CorruptedPersonalData(f"{what} is not base64") from None
    if blob[:1] != SEALED_FORMAT or len(blob) < 1 + NONCE_BYTES + _TAG_BYTES:
        raise CorruptedPersonalData(f"{what} is not a sealed text")
    nonce, body = blob[1:1 + NONCE_BYTES], blob[1 + NONCE_BYTES:]
    try:
        return AESGCM(data_key).decrypt(nonce, body, _ad(sealed.learner_id, sealed.field)
                                        ).decode()
    except InvalidTag:
        raise CorruptedPersonalData(f"{what} fails authentication") from None


def text_digest(data_key: bytes, field: str, text: str) -> str:
    """A keyed digest of the plaintext for the command fingerprint (idempotent retries compare
    it): HMAC-SHA256 under the learner's data key, so once the key is destroyed nobody can
    test a guessed text against the stored fingerprint."""
    mac = hmac.new(data_key, b"letopis-text-digest/" + field.encode() + b"/" + text.encode(),
                   hashlib.sha256)
    return mac.hexdigest()
