"""Sealed free text: words people write into events that may hold a learner's personal data.

An appeal statement, a cancellation reason or a mark correction's reason is kept for ever in its
event, and people write names into such text. So the event keeps a `SealedText`: the learner's
id, the field it belongs to and the ciphertext under that learner's data key (the application
seals it, `letopis/privacy/sealed.py`). The domain never sees the plaintext and never encrypts:
it only checks that the sealed value belongs to the right learner and field. Destroying the
learner's data key makes every sealed text of that learner unreadable (docs/privacy.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain.errors import InvalidInput

# What readers without a logged read see (projections, history, API, feed, exports of facts).
SEALED = "[sealed personal data]"
# What a sealed text reads as once the learner's data key is destroyed: never an error.
DESTROYED = "personal data destroyed"


@dataclass(frozen=True)
class SealedText:
    """Free text encrypted under the learner's data key (AES-256-GCM; the associated data binds
    it to `learner_id` and `field`, e.g. "Appeal.Filed.statement"). `ciphertext` is base64."""

    learner_id: UUID
    field: str
    ciphertext: str

    def __repr__(self) -> str:  # never print the ciphertext into logs or test output
        return f"SealedText(learner_id={self.learner_id}, field={self.field!r})"


def require_text(text: str, message: str) -> str:
    """Guard of the plaintext, run by the application before it seals: not blank."""
    if not text.strip():
        raise InvalidInput(message)
    return text


def require_sealed(value: object, learner_id: UUID | None, field: str) -> SealedText:
    """Guard of the aggregate: `value` is sealed, for this field and (if known) this learner."""
    if not isinstance(value, SealedText):
        raise InvalidInput(f"{field} must be sealed under the learner's data key, not plain "
                           "text: it may hold personal data")
    if value.field != field:
        raise InvalidInput(f"sealed text for {value.field} given as {field}")
    if learner_id is not None and value.learner_id != learner_id:
        raise InvalidInput(f"{field} is sealed for learner {value.learner_id}, "
                           f"not for learner {learner_id}")
    return value


def placeholder(value: SealedText | str | None) -> str | None:
    """How a read model or report shows a free-text field: old plain text as it was stored,
    sealed text as `SEALED` (its content only through a logged read)."""
    return SEALED if isinstance(value, SealedText) else value


VALUE_TYPES: tuple[type, ...] = (SealedText,)
