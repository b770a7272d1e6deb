"""Reading the projections over HTTP: read-your-writes waits, ETags, keyed pages."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from fastapi import Request, Response

from api.errors import ProjectionBehind, ResourceNotFound
from api.runtime import Runtime
from projections.base import Row

MAX_PAGE = 500


def position(rt: Runtime, projection: str, min_position: int | None) -> int:
    """The read model's position, after waiting (bounded) for `min_position` if asked."""
    if min_position is not None and min_position > 0:
        reached = rt.projections.wait_for(projection, min_position,
                                          rt.settings.api_max_wait_seconds)
        if not reached:
            state = rt.projections.state(projection)
            at = state.position if state else 0
            raise ProjectionBehind(
                f"read model {projection} is at position {at}, not yet at {min_position}; "
                f"retry shortly", headers={"Retry-After": "1"})
    state = rt.projections.state(projection)
    return state.position if state else 0


def respond(request: Request, body: dict[str, Any]) -> Response:
    """The body as JSON with a strong ETag over its bytes; 304 when If-None-Match has it."""
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    tag = f'"{hashlib.sha256(data).hexdigest()[:32]}"'
    wanted = request.headers.get("if-none-match")
    if wanted is not None and (wanted.strip() == "*"
                               or tag in {t.strip() for t in wanted.split(",")}):
        return Response(status_code=304, headers={"ETag": tag})
    return Response(content=data, media_type="application/json", headers={"ETag": tag})


def document(request: Request, row: Row | None, at: int, what: str) -> Response:
    if row is None:
        raise ResourceNotFound(f"{what} is not in the ledger")
    return respond(request, {"item": row, "position": at})


def page(request: Request, rt: Runtime, projection: str, table: str, *, cursor: str | None,
         limit: int, where: dict[str, str], at: int) -> Response:
    rows = rt.projections.page(projection, table, after=cursor, limit=limit + 1, where=where)
    more = len(rows) > limit
    rows = rows[:limit]
    body = {"items": [r for _, r in rows], "next_cursor": rows[-1][0] if more else None,
            "position": at}
    return respond(request, body)


JSON_OK: dict[int | str, dict[str, Any]] = {304: {"description": "Not modified (If-None-Match)"}}
