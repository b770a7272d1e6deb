"""Errors of the personal-data service. Each has a stable code the CLI and API report."""

from __future__ import annotations

from domain.errors import DomainError, InvalidInput, NotFound, RuleViolated
from domain.learner_values import PersonalDataAlreadyDestroyed

__all__ = [
    "CorruptedPersonalData", "MasterKeyInvalid", "MasterKeyMissing", "NoPersonalData",
    "PersonalDataAlreadyDestroyed", "PersonalDataDestroyed", "PersonalDataQuoted",
    "PrivacyError", "WrongMasterKey",
]


class PrivacyError(DomainError):
    """A personal-data operation could not run; nothing was written."""

    code = "privacy_error"


class MasterKeyMissing(PrivacyError):
    code = "master_key_missing"


class MasterKeyInvalid(InvalidInput):
    code = "master_key_invalid"


class WrongMasterKey(PrivacyError):
    """A data key is wrapped by another master key than the one configured."""

    code = "wrong_master_key"


class CorruptedPersonalData(PrivacyError):
    """A wrapped key or an encrypted record fails authentication (AES-GCM tag)."""

    code = "corrupted_personal_data"


class PersonalDataDestroyed(RuleViolated):
    """The learner's personal data was destroyed: it cannot be read or written again."""

    code = "personal_data_destroyed"


class NoPersonalData(NotFound):
    code = "no_personal_data"


class PersonalDataQuoted(InvalidInput):
    """Free text bound for an event (a basis, a reason) quotes the learner's own data, which
    would outlive its destruction there."""

    code = "personal_data_quoted"
