"""Bearer tokens: signed JWTs (HS256, key from Settings) naming who calls and in what role."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any
from uuid import UUID

import jwt

from letopis.settings import Settings

ALGORITHM = "HS256"


class ApiRole(Enum):
    """Who may call the API. What each may do is in api/access.py, in one table."""

    REGIONAL_OPERATOR = "regional_operator"
    MUNICIPAL_AUTHORITY = "municipal_authority"
    ORGANISATION_STAFF = "organisation_staff"
    CLASS_TEACHER = "class_teacher"
    PROVIDER = "provider"
    FINANCE = "finance"
    AUDITOR = "auditor"
    PARENT = "parent"
    LEARNER = "learner"
    PUBLIC = "public"


class TokenError(ValueError):
    """A token that cannot be trusted: bad signature, expired, or claims missing for its role."""


# Claims a role cannot do without: its scope.
REQUIRED_CLAIMS: dict[ApiRole, tuple[str, ...]] = {
    ApiRole.MUNICIPAL_AUTHORITY: ("municipality",),
    ApiRole.ORGANISATION_STAFF: ("org",),
    ApiRole.CLASS_TEACHER: ("org", "class"),
    ApiRole.PROVIDER: ("org",),
    ApiRole.PARENT: ("learner",),
    ApiRole.LEARNER: ("learner",),
}


@dataclass(frozen=True)
class Principal:
    """The caller, as its token says."""

    subject: str
    role: ApiRole
    organisation_id: UUID | None = None
    municipality: str | None = None
    class_name: str | None = None
    learner_id: UUID | None = None

    def describe(self) -> str:
        return f"{self.subject} ({self.role.value})"


ANONYMOUS = Principal("anonymous", ApiRole.PUBLIC)


def issue_token(settings: Settings, *, subject: str, role: ApiRole,
                organisation_id: UUID | None = None, municipality: str | None = None,
                class_name: str | None = None, learner_id: UUID | None = None,
                ttl: timedelta = timedelta(hours=12), now: datetime | None = None) -> str:
    """A signed token; refuses a role without the claims that scope it."""
    claims: dict[str, Any] = {"sub": subject, "role": role.value,
                              "org": str(organisation_id) if organisation_id else None,
                              "municipality": municipality, "class": class_name,
                              "learner": str(learner_id) if learner_id else None}
    missing = [c for c in REQUIRED_CLAIMS.get(role, ()) if not claims.get(c)]
    if missing:
        raise TokenError(f"role {role.value} needs --{', --'.join(missing)}")
    issued = now or datetime.now(UTC)
    claims = {k: v for k, v in claims.items() if v is not None}
    claims.update(iss=settings.api_token_issuer, iat=issued, exp=issued + ttl)
    return jwt.encode(claims, settings.api_token_secret.get_secret_value(), ALGORITHM)


def decode_token(settings: Settings, token: str) -> Principal:
    """The caller a token names; raises TokenError if it cannot be trusted."""
    return _verify(settings, token)[0]


def _verify(settings: Settings, token: str) -> tuple[Principal, float]:
    """The principal and the token's expiry (seconds since the epoch)."""
    try:
        claims = jwt.decode(token, settings.api_token_secret.get_secret_value(),
                            algorithms=[ALGORITHM], issuer=settings.api_token_issuer,
                            options={"require": ["sub", "role", "exp"]})
    except jwt.ExpiredSignatureError:
        raise TokenError("the token has expired") from None
    except jwt.InvalidTokenError as error:
        raise TokenError(f"the token is not valid: {error}") from None
    try:
        role = ApiRole(claims["role"])
        principal = Principal(
            subject=str(claims["sub"]), role=role,
            organisation_id=UUID(claims["org"]) if claims.get("org") else None,
            municipality=claims.get("municipality"), class_name=claims.get("class"),
            learner_id=UUID(claims["learner"]) if claims.get("learner") else None)
    except (ValueError, TypeError):
        raise TokenError("the token's claims are malformed") from None
    missing = [c for c in REQUIRED_CLAIMS.get(role, ()) if not claims.get(c)]
    if missing:
        raise TokenError(f"the token's role {role.value} lacks claims: {', '.join(missing)}")
    return principal, float(claims["exp"])


class VerifiedTokens:
    """Tokens already verified, by their exact text (the signature included), until they
    expire: a client sends the same token with every request, and checking its signature and
    claims again each time is a noticeable part of a small read's cost. A changed byte is
    another key, so only a token that passed `decode_token` is ever answered from here."""

    def __init__(self, settings: Settings, max_entries: int = 10_000) -> None:
        self.settings = settings
        self.max_entries = max_entries
        self._verified: dict[str, tuple[Principal, float]] = {}

    def decode(self, token: str, now: float | None = None) -> Principal:
        """Like `decode_token`; raises TokenError for a bad or expired token."""
        at = time.time() if now is None else now
        hit = self._verified.get(token)
        principal, expires = hit if hit is not None else _verify(self.settings, token)
        if at >= expires:
            self._verified.pop(token, None)
            raise TokenError("the token has expired")
        if hit is not None:
            return principal
        if len(self._verified) >= self.max_entries:
            self._verified.clear()  # rare: bounded memory matters more than a few re-checks
        self._verified[token] = (principal, expires)
        return principal
