"""The access check of every write endpoint, run before its body is read.

FastAPI parses a request's body (malformed JSON is a 422 at once) and validates it with the
route's parameters before the route runs, so a check inside the route comes too late: a caller
without the right would get a 422 that shows the endpoint's body, or a 404/409 that shows
whether the target exists. A write endpoint therefore declares its gate with
`@gate(action, ...)` under its `@router.post(...)`, on a router built with
`route_class=GatedRoute`; the route then checks, in this order and before anything else: the
token (401), the role against `POLICY` (401/403), and, where the target is named in the path,
that it is in the caller's scope (404, as if missing). A target named only in the body is
checked by the route after validation (the body is all the caller has shown; nothing about the
ledger has been revealed by then). `tests/api/test_gates.py` proves it for every write endpoint
of the app.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

from fastapi import Request, Response
from fastapi.routing import APIRoute
from fastapi.security.utils import get_authorization_scheme_param
from starlette.concurrency import run_in_threadpool

from api import scopes
from api.access import Action, Scope, needs_scope, require, require_in_resolved_scope
from api.auth import Principal
from api.deps import caller_of
from api.runtime import Runtime
from letopis.bootstrap import Services

ScopeOf = Callable[[Services, Any], Iterable[Scope]]
Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


@dataclass(frozen=True)
class Gate:
    """What an endpoint requires: the action, and how to find its target's scope from the
    path parameter `param`, read by `key` (None: the role alone, or a body-based check in the
    route). A target that is missing is the same 404 as one outside the caller's scope."""

    action: Action
    scope_of: ScopeOf | None = None
    param: str = ""
    what: str = "resource"
    key: Callable[[str], Any] = UUID

    def check(self, request: Request) -> Principal:
        runtime: Runtime = request.app.state.runtime
        caller = caller_of(runtime, _bearer_token(request.headers.get("authorization")))
        require(caller, self.action)
        scope_of = self.scope_of
        if scope_of is not None and needs_scope(caller):
            try:
                target = self.key(str(request.path_params[self.param]))
            except (KeyError, ValueError):
                return caller  # a malformed path: the route's validation answers 422
            require_in_resolved_scope(caller, self.action,
                                      lambda: scope_of(runtime.services, target),
                                      f"{self.what} {target}")
        return caller


# Endpoint function → its gate; read by GatedRoute and by the tests.
GATES: dict[Callable[..., Any], Gate] = {}


def gate(action: Action, scope_of: ScopeOf | None = None, param: str = "",
         what: str = "resource", key: Callable[[str], Any] = UUID
         ) -> Callable[[Endpoint], Endpoint]:
    """Declare the access check of a write endpoint (put it under `@router.post`)."""
    def register(endpoint: Endpoint) -> Endpoint:
        GATES[endpoint] = Gate(action, scope_of, param, what, key)
        return endpoint

    return register


def learner_gate(action: Action) -> Callable[[Endpoint], Endpoint]:
    """The role, then the learner `learner_id` in the path must be the caller's (404 if not)."""
    return gate(action, scopes.learner, "learner_id", "learner")


def organisation_gate(action: Action, param: str = "organisation_id"
                      ) -> Callable[[Endpoint], Endpoint]:
    """The role, then the organisation in the path must be in the caller's scope."""
    return gate(action, lambda services, key: [scopes.organisation(services, key)], param,
                "organisation")


def _bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer …` header, as FastAPI's `HTTPBearer` reads it."""
    scheme, credentials = get_authorization_scheme_param(authorization)
    return credentials if scheme.lower() == "bearer" and credentials else None


class GatedRoute(APIRoute):
    """A route that runs its endpoint's gate before FastAPI reads the request body."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        found = GATES.get(self.endpoint)
        if found is None:
            return handler

        async def gated(request: Request) -> Response:
            if found.scope_of is None:
                found.check(request)  # no I/O: a token and a table
            else:
                await run_in_threadpool(found.check, request)  # reads the ledger
            return await handler(request)

        return gated
