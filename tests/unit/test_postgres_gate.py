"""Without PostgreSQL the PostgreSQL tests skip with a reason, but under CI=true they fail."""

from __future__ import annotations

import pytest

from tests.pg import require_postgres

UNREACHABLE = "postgresql://postgres@127.0.0.1:1/test"


def test_skips_with_reason_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LETOPIS_TEST_DATABASE_URL", UNREACHABLE)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="PostgreSQL not reachable at"):
        require_postgres()


def test_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LETOPIS_TEST_DATABASE_URL", UNREACHABLE)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true requires"):
        require_postgres()
