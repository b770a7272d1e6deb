"""Verified tokens are remembered by their exact text until they expire, never longer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from api.auth import ApiRole, TokenError, VerifiedTokens, issue_token
from letopis.settings import Settings


def test_a_remembered_token_still_expires_and_a_changed_one_is_checked() -> None:
    settings = Settings()
    issued = datetime.now(UTC)
    token = issue_token(settings, subject="op", role=ApiRole.REGIONAL_OPERATOR,
                        ttl=timedelta(minutes=10), now=issued)
    tokens = VerifiedTokens(settings)
    first = tokens.decode(token)
    assert first.subject == "op"
    assert tokens.decode(token) is first  # answered from memory
    head, payload, signature = token.split(".")
    forged = f"{head}.{payload}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"
    with pytest.raises(TokenError, match="not valid"):
        tokens.decode(forged)
    later = (issued + timedelta(minutes=11)).timestamp()
    with pytest.raises(TokenError, match="expired"):
        tokens.decode(token, now=later)


def test_memory_is_bounded() -> None:
    settings = Settings()
    tokens = VerifiedTokens(settings, max_entries=3)
    for n in range(7):
        tokens.decode(issue_token(settings, subject=f"u{n}", role=ApiRole.AUDITOR))
        assert len(tokens._verified) <= 3
