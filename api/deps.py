"""Request dependencies: the runtime, the caller, the command context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.auth import ANONYMOUS, Principal, TokenError
from api.errors import BadPrecondition, Unauthenticated
from api.runtime import Runtime
from letopis.bootstrap import Services
from projections.storage import ProjectionStore

_bearer = HTTPBearer(auto_error=False, description="a token from `letopis token issue`")


# The dependencies below are `async def` although they do not await: they are cheap and never
# block, and a plain `def` dependency costs a hop to the thread pool on every request.


async def runtime(request: Request) -> Runtime:
    value: Runtime = request.app.state.runtime
    return value


async def services(rt: Annotated[Runtime, Depends(runtime)]) -> Services:
    return rt.services


async def projection_store(rt: Annotated[Runtime, Depends(runtime)]) -> ProjectionStore:
    return rt.projections


async def principal(rt: Annotated[Runtime, Depends(runtime)],
              credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
              ) -> Principal:
    """The caller; anonymous (role `public`) without a token, 401 with a bad one."""
    return ANONYMOUS if credentials is None else caller_of(rt, credentials.credentials)


def caller_of(rt: Runtime, token: str | None) -> Principal:
    """The caller a bearer token names (anonymous without one; 401 when it cannot be trusted).
    Also used by the write endpoints' gates (api/gates.py), which run before the body is read."""
    if not token:
        return ANONYMOUS
    try:
        return rt.tokens.decode(token)
    except TokenError as error:
        raise Unauthenticated(str(error), headers={"WWW-Authenticate": "Bearer"}) from None


IF_MATCH = r'^(W/)?"?[0-9]{1,18}"?$'
_IDEMPOTENCY_KEY = Header(max_length=200, description="a retry with the same key returns the "
                          "first response and writes nothing")


@dataclass(frozen=True)
class CommandHeaders:
    """Idempotency-Key, and If-Match for commands on one stream whose version they check."""

    idempotency_key: str | None
    expected_version: int | None = None


async def command_headers(request: Request,
                          idempotency_key: Annotated[str | None, _IDEMPOTENCY_KEY] = None,
                          ) -> CommandHeaders:
    """If-Match is refused here: a command that cannot honour it must not silently ignore it."""
    if "if-match" in request.headers:
        raise BadPrecondition("this command does not take If-Match")
    return CommandHeaders(idempotency_key)


async def versioned_headers(
        idempotency_key: Annotated[str | None, _IDEMPOTENCY_KEY] = None,
        if_match: Annotated[str | None, Header(
            pattern=IF_MATCH, description="the stream version the command expects, "
            'e.g. "3"; 412 when the stream is at another')] = None) -> CommandHeaders:
    return CommandHeaders(idempotency_key, None if if_match is None
                          else int(if_match.removeprefix("W/").strip('"')))


RuntimeDep = Annotated[Runtime, Depends(runtime)]
ServicesDep = Annotated[Services, Depends(services)]
StoreDep = Annotated[ProjectionStore, Depends(projection_store)]
PrincipalDep = Annotated[Principal, Depends(principal)]
CommandDep = Annotated[CommandHeaders, Depends(command_headers)]
VersionedDep = Annotated[CommandHeaders, Depends(versioned_headers)]
