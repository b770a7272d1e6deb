"""The one way personal data is written and read: encrypted per learner, every read logged.

Writes encrypt the record with the learner's data key (AES-256-GCM, the learner id as associated
data), so only ciphertext reaches the event store's `personal_data` table. Reads go through
`PersonalDataService.read(learner_id, actor, purpose)`, which records the access in the key
store's access log before it decrypts. A learner whose `Learner.PersonalDataDestroyed` event is
recorded reads as destroyed, whether or not the key deletion that follows the event finished.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal
from uuid import UUID

from domain.errors import InvalidInput
from domain.learner import Learner
from domain.sealed import DESTROYED, SealedText
from letopis.clock import Clock
from letopis.ledger import Ledger
from letopis.privacy.errors import (
    CorruptedPersonalData,
    MasterKeyMissing,
    PersonalDataDestroyed,
)
from letopis.privacy.keys import (
    MasterKey,
    WrappedKey,
    decrypt_record,
    encrypt_record,
    new_data_key,
    unwrap,
    wrap,
)
from letopis.privacy.keystore import AccessRecord, KeyStore
from letopis.privacy.sealed import open_text, seal_text, text_digest

Status = Literal["held", "destroyed", "none"]
_SHORTEST_QUOTE = 4  # values shorter than this (e.g. "М") would match any text


@dataclass(frozen=True)
class PersonalDataView:
    """What a read found: the record (status "held"), or why there is none."""

    learner_id: UUID
    status: Status
    record: dict[str, Any] | None = None


class PersonalDataService:
    def __init__(self, ledger: Ledger, keystore: KeyStore, master: MasterKey | None,
                 clock: Clock) -> None:
        self.ledger = ledger
        self.keystore = keystore
        self._master_key = master
        self.clock = clock

    @property
    def configured(self) -> bool:
        """True when a master key is configured, so personal data can be written."""
        return self._master_key is not None

    def master(self) -> MasterKey:
        if self._master_key is None:
            raise MasterKeyMissing("no master key configured: set LETOPIS_MASTER_KEY_FILE "
                                   "(or LETOPIS_MASTER_KEY, base64)")
        return self._master_key

    def learner(self, learner_id: UUID) -> Learner:
        return self.ledger.load(Learner, learner_id, "learner")

    def is_destroyed(self, learner_id: UUID) -> bool:
        """The event is the truth: recorded means destroyed, even if key deletion was cut off."""
        return self.learner(learner_id).personal_data_destroyed

    # -- writing ------------------------------------------------------------------------------

    def store(self, learner_id: UUID, record: Mapping[str, Any]) -> None:
        """Encrypt and keep (replace) the learner's record; refused once destroyed."""
        master = self.master()
        if self.is_destroyed(learner_id):
            raise PersonalDataDestroyed(
                f"personal data of learner {learner_id} was destroyed; it cannot be stored again")
        key = self.keystore.get(learner_id)
        if key is None:
            key = self.keystore.add(wrap(master, learner_id, new_data_key()))
        data_key = unwrap(master, key)
        plaintext = json.dumps(dict(record), sort_keys=True, default=str,
                               ensure_ascii=False).encode()
        self.ledger.store.put_personal_data(learner_id,
                                            encrypt_record(data_key, learner_id, plaintext))

    # -- reading ------------------------------------------------------------------------------

    def read(self, learner_id: UUID, actor: str, purpose: str) -> PersonalDataView:
        """The learner's decrypted record; the access is logged (actor, purpose, time) first."""
        if not actor.strip() or not purpose.strip():
            raise InvalidInput("reading personal data needs an actor and a purpose")
        if self.is_destroyed(learner_id):
            return PersonalDataView(learner_id, "destroyed")
        stored = self.ledger.store.get_personal_data(learner_id)
        if stored is None:
            return PersonalDataView(learner_id, "none")
        data_key = self._data_key(learner_id)
        self.keystore.log_access(AccessRecord(learner_id, actor, purpose, self.clock()))
        record = json.loads(decrypt_record(data_key, learner_id, stored))
        return PersonalDataView(learner_id, "held", record)

    # -- sealed free text ---------------------------------------------------------------------

    def seal(self, learner_id: UUID, field: str, text: str) -> tuple[SealedText, str]:
        """Seal free text bound for an event under the learner's data key (made on first use),
        with the keyed digest of the plaintext the command fingerprint keeps instead of it.
        Refused once the learner's personal data is destroyed."""
        master = self.master()
        if self.is_destroyed(learner_id):
            raise PersonalDataDestroyed(
                f"personal data of learner {learner_id} was destroyed; no new text about them "
                "can be sealed")
        key = self.keystore.get(learner_id)
        if key is None:
            key = self.keystore.add(wrap(master, learner_id, new_data_key()))
        data_key = unwrap(master, key)
        return (seal_text(data_key, learner_id, field, text),
                text_digest(data_key, field, text))

    def reveal(self, value: SealedText | str, actor: str, purpose: str) -> str:
        """The text of a free-text event field. Sealed text is decrypted after the access is
        logged (actor, learner, purpose, time); once the learner's data is destroyed it reads as
        "personal data destroyed", never an error. Plain text of old events (stored before
        sealing) is returned as stored: there is nothing to decrypt, so nothing is logged."""
        if not actor.strip() or not purpose.strip():
            raise InvalidInput("reading personal data needs an actor and a purpose")
        if not isinstance(value, SealedText):
            return value
        learner_id = value.learner_id
        if self.is_destroyed(learner_id):
            return DESTROYED
        key = self.keystore.get(learner_id)
        if key is None:  # the key is the data: gone means destroyed, whatever else is recorded
            return DESTROYED
        data_key = unwrap(self.master(), key)
        self.keystore.log_access(AccessRecord(learner_id, actor, purpose, self.clock()))
        return open_text(data_key, value)

    def _data_key(self, learner_id: UUID) -> bytes:
        master = self.master()
        key = self.keystore.get(learner_id)
        if key is None:
            raise CorruptedPersonalData(
                f"learner {learner_id} has an encrypted record but no data key in the key store")
        return unwrap(master, key)

    def access_log(self, learner_id: UUID | None = None) -> list[AccessRecord]:
        return self.keystore.access_log(learner_id)

    # -- rotation -----------------------------------------------------------------------------

    def rotate_master(self, new_master: MasterKey) -> tuple[int, int]:
        """Re-wrap every data key under `new_master` in one transaction; data stays as it is.

        Keys already under the new master are left alone, so an interrupted rotation can be
        run again. Returns (re-wrapped, already under the new key)."""
        master = self.master()
        rewrapped: list[WrappedKey] = []
        already = 0
        for key in self.keystore.wrapped_keys():
            if key.key_id == new_master.key_id:
                already += 1
                continue
            rewrapped.append(wrap(new_master, key.learner_id, unwrap(master, key)))
        self.keystore.replace(rewrapped)
        return len(rewrapped), already


def require_personal_data(service: PersonalDataService | None,
                          what: str) -> PersonalDataService:
    """The configured personal-data service, for a command whose free text must be sealed."""
    if service is None or not service.configured:
        raise MasterKeyMissing(f"the {what} is sealed under the learner's data key: configure "
                               "a master key (LETOPIS_MASTER_KEY_FILE or LETOPIS_MASTER_KEY)")
    return service


def quoted_fields(record: dict[str, Any], text: str) -> list[str]:
    """The fields of `record` (top-level names) whose values appear in `text`, ignoring case."""
    folded = text.casefold()
    return sorted({name for name, value in _values(record)
                   if len(value) >= _SHORTEST_QUOTE and value.casefold() in folded})


def _values(record: Any, name: str = "") -> list[tuple[str, str]]:
    if isinstance(record, dict):
        return [v for k, item in record.items() for v in _values(item, name or str(k))]
    if isinstance(record, list):
        return [v for item in record for v in _values(item, name)]
    return [(name, str(record))] if record is not None and not isinstance(record, bool) else []
