"""SealedText: free text sealed under a learner's data key, bound to the learner and the field."""

from __future__ import annotations

import base64
from dataclasses import replace
from uuid import UUID

import pytest

from domain.errors import InvalidInput
from domain.sealed import SEALED, SealedText, placeholder, require_sealed, require_text
from letopis.privacy.errors import CorruptedPersonalData
from letopis.privacy.keys import new_data_key
from letopis.privacy.sealed import open_text, seal_text, text_digest

LEARNER, OTHER = UUID(int=100), UUID(int=101)
FIELD = "Appeal.Filed.statement"
TEXT = "Прошу пересмотреть: Кузнецова Мария Петровна, СНИЛС 112-233-445 95"


def test_round_trip_and_the_ciphertext_shows_nothing() -> None:
    key = new_data_key()
    sealed = seal_text(key, LEARNER, FIELD, TEXT)
    assert (sealed.learner_id, sealed.field) == (LEARNER, FIELD)
    assert open_text(key, sealed) == TEXT
    raw = base64.b64decode(sealed.ciphertext)
    assert "Кузнецова".encode() not in raw
    assert "Кузнецова" not in sealed.ciphertext
    assert "Кузнецова" not in repr(sealed)
    # A fresh nonce per seal: the same text never gives the same ciphertext.
    assert seal_text(key, LEARNER, FIELD, TEXT).ciphertext != sealed.ciphertext


@pytest.mark.parametrize("tampered", [
    lambda s: replace(s, learner_id=OTHER),  # copied onto another learner
    lambda s: replace(s, field="Appeal.NotAccepted.explanation"),  # into another field
    lambda s: replace(s, ciphertext=s.ciphertext[:-4] + "AAA="),  # damaged
    lambda s: replace(s, ciphertext="not base64!"),
    lambda s: replace(s, ciphertext=base64.b64encode(b"\x02" + b"x" * 40).decode()),
])
def test_wrong_learner_field_or_damage_fails_authentication(tampered: object) -> None:
    key = new_data_key()
    sealed = tampered(seal_text(key, LEARNER, FIELD, TEXT))  # type: ignore[operator]
    with pytest.raises(CorruptedPersonalData):
        open_text(key, sealed)


def test_another_key_cannot_open_it() -> None:
    sealed = seal_text(new_data_key(), LEARNER, FIELD, TEXT)
    with pytest.raises(CorruptedPersonalData, match="fails authentication"):
        open_text(new_data_key(), sealed)


def test_the_digest_is_stable_per_key_and_useless_without_it() -> None:
    key = new_data_key()
    assert text_digest(key, FIELD, TEXT) == text_digest(key, FIELD, TEXT)
    assert text_digest(key, FIELD, TEXT) != text_digest(key, FIELD, TEXT + ".")
    assert text_digest(key, FIELD, TEXT) != text_digest(new_data_key(), FIELD, TEXT)
    assert text_digest(key, FIELD, TEXT) != text_digest(key, "Learner.EntryCancelled.reason",
                                                        TEXT)


def test_domain_guards() -> None:
    sealed = SealedText(LEARNER, FIELD, "opaque")
    assert require_sealed(sealed, LEARNER, FIELD) is sealed
    assert require_sealed(sealed, None, FIELD) is sealed  # a v1 appeal does not know its learner
    for value, learner_id, field in ((TEXT, LEARNER, FIELD), (sealed, OTHER, FIELD),
                                     (sealed, LEARNER, "Gradebook.MarkCorrected.reason")):
        with pytest.raises(InvalidInput):
            require_sealed(value, learner_id, field)
    with pytest.raises(InvalidInput, match="statement"):
        require_text("  ", "an appeal needs the participant's statement")
    assert require_text("текст", "unused") == "текст"


def test_placeholder_hides_sealed_text_and_keeps_old_plain_text() -> None:
    assert placeholder(SealedText(LEARNER, FIELD, "opaque")) == SEALED
    assert placeholder("ошибка оператора") == "ошибка оператора"
    assert placeholder(None) is None
