"""`domain.derived_ids.uuid5` makes exactly the ids `uuid.uuid5` makes."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from domain.derived_ids import uuid5


@given(st.uuids(), st.text())
def test_same_id_as_the_standard_library(namespace: uuid.UUID, name: str) -> None:
    try:
        expected = uuid.uuid5(namespace, name)
    except UnicodeEncodeError:  # lone surrogates: both refuse
        return
    made = uuid5(namespace, name)
    assert made == expected
    assert (made.version, made.variant, str(made), hash(made)) == (
        expected.version, expected.variant, str(expected), hash(expected))


def test_known_value() -> None:
    assert uuid5(uuid.NAMESPACE_DNS, "python.org") == uuid.UUID(
        "886313e1-3b8a-5372-9b90-0c9aee199e5d")
