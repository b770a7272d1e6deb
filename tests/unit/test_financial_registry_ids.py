"""`financial_registry` ids: a stored UUID's hex is formatted as `str(UUID)` would."""

from __future__ import annotations

from uuid import UUID, uuid4

from projections.financial_registry_accounts import dashed, uid


def test_dashed_is_str_of_the_uuid() -> None:
    for value in [UUID(int=0), UUID(int=2**128 - 1), *(uuid4() for _ in range(200))]:
        assert dashed(value.hex) == str(value)
        assert uid({"_type_": "uuid_hex", "_data_": value.hex}) == str(value)


def test_other_spellings_go_through_uuid() -> None:
    value = uuid4()
    assert dashed(value.hex.upper()) == str(value)
    assert dashed(str(value)) == str(value)
    assert dashed("{" + value.hex + "}") == str(value)
