"""The change feed for downstream portals: every row change of the read models, in order.

`GET /feed?after=S` pages; `GET /feed/stream` is the same as Server-Sent Events, resuming after
`Last-Event-ID` (each event's id is its sequence). A portal that applies every change from 0
(upsert: replace the row; delete: remove it) holds exactly the read models' tables.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from api.access import Action, require
from api.deps import PrincipalDep, RuntimeDep
from api.errors import ApiError
from api.routes.contingent import ERRORS
from projections.feed import Change
from projections.registry import PROJECTIONS

router = APIRouter(tags=["feed"], responses=ERRORS)
MAX_LIMIT = 1000
HEARTBEAT_SECONDS = 15.0


class BadProjection(ApiError):
    status, code, title = 422, "unknown_projection", "Unknown projection"


class ChangeOut(BaseModel):
    sequence: int
    projection: str
    table: str
    key: str
    op: str = Field(description="upsert (row is the new document) or delete (row is null)")
    position: int = Field(description="global position of the event that caused it")
    row: dict[str, Any] | None


class FeedPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "changes": [{"sequence": 18, "projection": "organisation_registry",
                     "table": "organisations", "op": "upsert", "position": 1042,
                     "key": "3d5e1f9a-77a0-4d1b-9a0a-1b2c3d4e5f60",
                     "row": {"short_name": "МОБУ СОШ № 1"}}],
        "next_after": 18, "head": 18}]})

    changes: list[ChangeOut]
    next_after: int = Field(description="pass as `after` for the next page")
    head: int = Field(description="the highest committed sequence when read")


def _out(change: Change) -> dict[str, Any]:
    return {"sequence": change.sequence, "projection": change.projection,
            "table": change.table, "key": change.key, "op": change.op,
            "position": change.position, "row": change.row}


def _projections(names: list[str] | None) -> list[str] | None:
    unknown = [n for n in names or [] if n not in PROJECTIONS]
    if unknown:
        raise BadProjection(f"unknown projection {', '.join(unknown)}; known: "
                            f"{', '.join(sorted(PROJECTIONS))}")
    return names or None


# Sequences are SQL BIGINTs: a larger `after` is refused (422), not passed to the store.
MAX_SEQUENCE = 2**63 - 1

Projections = Annotated[list[str] | None, Query(alias="projection",
                                                description="only these (repeatable)")]


@router.get("/feed", response_model=FeedPage, summary="Changes after a sequence, in order")
def feed_page(rt: RuntimeDep, caller: PrincipalDep,
              after: Annotated[int, Query(ge=0, le=MAX_SEQUENCE)] = 0,
              limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
              wait: Annotated[float, Query(ge=0, le=30, description="long-poll: wait up to "
                                                                    "this many seconds (at most "
                                                                    "the server's limit)")] = 0,
              projection: Projections = None) -> dict[str, Any]:
    require(caller, Action.READ_FEED)
    names = _projections(projection)
    changes = rt.feed.read(after, limit, names)
    wait = min(wait, rt.settings.api_max_wait_seconds)
    if not changes and wait > 0 and rt.feed.wait(after, wait):
        changes = rt.feed.read(after, limit, names)
    return {"changes": [_out(c) for c in changes],
            "next_after": changes[-1].sequence if changes else after, "head": rt.feed.head()}


@router.get("/feed/stream", summary="The change feed as Server-Sent Events",
            response_class=StreamingResponse,
            responses={200: {"content": {"text/event-stream": {}},
                             "description": "`id: <sequence>`, `event: change`, `data: <json>`"}})
async def feed_stream(request: Request, rt: RuntimeDep, caller: PrincipalDep,
                      after: Annotated[int, Query(ge=0, le=MAX_SEQUENCE)] = 0,
                      last_event_id: Annotated[str | None, Header(
                          description="resume after this sequence (set by EventSource)")] = None,
                      max_events: Annotated[int | None, Query(
                          ge=1, le=100_000, description="end the stream after this many")] = None,
                      projection: Projections = None) -> StreamingResponse:
    require(caller, Action.READ_FEED)
    names = _projections(projection)
    start = after
    if last_event_id is not None and last_event_id.strip().isdigit():
        start = min(int(last_event_id.strip()), MAX_SEQUENCE)

    async def events() -> AsyncIterator[str]:
        cursor, sent = start, 0
        yield "retry: 2000\n\n"
        while max_events is None or sent < max_events:
            if await request.is_disconnected():
                return
            changes = await to_thread.run_sync(rt.feed.read, cursor, 200, names)
            if not changes:
                if not await to_thread.run_sync(rt.feed.wait, cursor, HEARTBEAT_SECONDS):
                    yield ": keep-alive\n\n"
                continue
            for change in changes:
                data = json.dumps(_out(change), ensure_ascii=False, separators=(",", ":"))
                yield f"id: {change.sequence}\nevent: change\ndata: {data}\n\n"
                cursor, sent = change.sequence, sent + 1
                if max_events is not None and sent >= max_events:
                    return

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
