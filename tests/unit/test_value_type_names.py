"""Stored value types are named `letopis.<TypeName>`: two types with one name would decode one
domain's values as the other's."""

from __future__ import annotations

from collections import Counter

from letopis.catalogue import VALUE_TYPES


def test_value_type_names_are_unique() -> None:
    names = Counter(t.__name__ for t in VALUE_TYPES)
    assert [name for name, count in names.items() if count > 1] == []
