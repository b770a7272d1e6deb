"""Shared assertions for integration tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from domain.errors import DomainError
from letopis.ledger import Ledger


def refused(ledger: Ledger, error: type[DomainError], call: Callable[[str], object],
            match: str | None = None) -> DomainError:
    """Run `call(command_id)`, expect exactly `error`, and check that nothing was written."""
    command_id = "refused"
    before = ledger.store.count_events()
    with pytest.raises(error, match=match) as info:
        call(command_id)
    assert type(info.value) is error
    assert ledger.store.count_events() == before
    assert ledger.store.command_outcome(command_id) is None
    return info.value
