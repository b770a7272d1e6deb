"""Request dependencies: the runtime, the caller, the command context."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.auth import ANONYMOUS, Principal, TokenError, decode_token
from api.errors import BadPrecondition, Unauthenticated
from api.runtime import Runtime
from letopis.bootstrap import Services
from projections.storage import ProjectionStore

_bearer = HTTPBearer(auto_error=False, description="a token from `letopis token issue`")


def runtime(request: Request) -> Runtime:
    value: Runtime = request.app.state.runtime
    return value


def services(rt: Annotated[Runtime, Depends(runtime)]) -> Services:
    return rt.services


def projection_store(rt: Annotated[Runtime, Depends(runtime)]) -> ProjectionStore:
    return rt.projections


def principal(rt: Annotated[Runtime, Depends(runtime)],
              credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
              ) -> Principal:
    """The caller; anonymous (role `public`) without a token, 401 with a bad one."""
    if credentials is None:
        return ANONYMOUS
    try:
        return decode_token(rt.settings, credentials.credentials)
    except TokenError as error:
        raise Unauthenticated(str(error), headers={"WWW-Authenticate": "Bearer"}) from None


def _expected_version(if_match: str | None) -> int | None:
    if if_match is None:
        return None
    text = if_match.strip().removeprefix("W/").strip('"')
    if not text.isdigit():
        raise BadPrecondition(f"If-Match {if_match!r} is not a stream version such as \"3\"")
    return int(text)


class CommandHeaders:
    """Idempotency-Key and If-Match, shared by every command endpoint."""

    def __init__(self,
                 idempotency_key: Annotated[str | None, Header(
                     max_length=200, description="a retry with the same key returns the first "
                     "response and writes nothing")] = None,
                 if_match: Annotated[str | None, Header(
                     description="the stream version the command expects; 412 otherwise")] = None,
                 ) -> None:
        self.idempotency_key = idempotency_key
        self.expected_version = _expected_version(if_match)


RuntimeDep = Annotated[Runtime, Depends(runtime)]
ServicesDep = Annotated[Services, Depends(services)]
StoreDep = Annotated[ProjectionStore, Depends(projection_store)]
PrincipalDep = Annotated[Principal, Depends(principal)]
CommandDep = Annotated[CommandHeaders, Depends(CommandHeaders)]
