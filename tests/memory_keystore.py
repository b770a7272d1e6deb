"""A key store in memory, for tests of services that seal free text but never look at the key
store itself (the real ones are tested on SQLite and PostgreSQL in tests/integration)."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from letopis.clock import Clock
from letopis.ledger import Ledger
from letopis.privacy import KeyStore, MasterKey, PersonalDataService
from letopis.privacy.keys import WrappedKey
from letopis.privacy.keystore import AccessRecord

# A fixed master key for tests (never one of production's): bytes 0..31, as tests/conftest.py.
MEMORY_MASTER_KEY = MasterKey(bytes(range(32)))


class MemoryKeyStore(KeyStore):
    def __init__(self) -> None:
        self.keys: dict[UUID, WrappedKey] = {}
        self.log: list[AccessRecord] = []

    def create(self) -> None:
        """Nothing to create."""

    def get(self, learner_id: UUID) -> WrappedKey | None:
        return self.keys.get(learner_id)

    def add(self, key: WrappedKey) -> WrappedKey:
        return self.keys.setdefault(key.learner_id, key)

    def delete(self, learner_id: UUID) -> bool:
        return self.keys.pop(learner_id, None) is not None

    def wrapped_keys(self) -> list[WrappedKey]:
        return [self.keys[k] for k in sorted(self.keys)]

    def replace(self, keys: Sequence[WrappedKey]) -> None:
        self.keys.update({k.learner_id: k for k in keys})

    def log_access(self, record: AccessRecord) -> None:
        self.log.append(record)

    def access_log(self, learner_id: UUID | None = None) -> list[AccessRecord]:
        return [r for r in self.log if learner_id is None or r.learner_id == learner_id]

    def close(self) -> None:
        """Nothing is held."""


def memory_personal_data(ledger: Ledger, clock: Clock | None = None) -> PersonalDataService:
    """A personal-data service over `ledger` with an in-memory key store and a test key."""
    return PersonalDataService(ledger, MemoryKeyStore(), MEMORY_MASTER_KEY, clock or ledger.clock)
