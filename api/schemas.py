"""HTTP shapes shared by every endpoint: problems, command results, pages. Request bodies of
the commands are in api/schemas_commands.py. These are wire formats, separate from the domain's
classes; routes translate between the two."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class Problem(BaseModel):
    """RFC 9457 problem details, with a stable `code`."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "type": "https://letopis.example/problems/rule_violated", "title": "Refused by a "
        "business rule", "status": 409, "detail": "learner is not enrolled",
        "code": "rule_violated",
        "instance": "/learners/6f1c2b1e-1d9a-4c1e-8a77-2d2d9d1b0a11/leavings"}]})

    type: str
    title: str
    status: int
    detail: str
    code: str
    instance: str


class Wire(BaseModel):
    """A request body: no unknown fields."""

    model_config = ConfigDict(extra="forbid")


class BasisIn(Wire):
    """The document a fact rests on, e.g. an order (приказ)."""

    kind: str = Field(min_length=1, max_length=100, examples=["order"])
    number: str = Field(min_length=1, max_length=100, examples=["15-к"])
    dated: date = Field(examples=["2026-08-30"])


class CommandFields(Wire):
    """Envelope fields every command accepts besides its own."""

    command_id: str | None = Field(
        default=None, min_length=1, max_length=200,
        description="client command id; the Idempotency-Key header wins when both are given")
    effective_on: date | None = Field(default=None, description="business date; default today")
    basis: BasisIn | None = None


class StreamVersion(BaseModel):
    stream_id: UUID
    version: int = Field(description="the stream's version after the command")


class CommandResult(BaseModel):
    """What a command wrote: a retry with the same idempotency key gets the same body."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "command_id": "enrol-2026-0001", "command": "enrol",
        "event_ids": ["0b6f2a4e-5c1d-5d0e-9a51-3f2b7d7c1e10"],
        "streams": [{"stream_id": "6f1c2b1e-1d9a-4c1e-8a77-2d2d9d1b0a11", "version": 2}],
        "positions": [1042], "position": 1042}]})

    command_id: str
    command: str
    event_ids: list[UUID]
    streams: list[StreamVersion]
    positions: list[int] = Field(description="global positions of the events written")
    position: int = Field(description="the highest of `positions`: pass it as `min_position` "
                                      "to read your own write")


class Page(BaseModel):
    """A page of read-model rows in key order; pass `next_cursor` as `cursor` for the next."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "items": [{"organisation_id": "3d5e1f9a-77a0-4d1b-9a0a-1b2c3d4e5f60",
                   "short_name": "МОБУ СОШ № 1"}],
        "next_cursor": "3d5e1f9a-77a0-4d1b-9a0a-1b2c3d4e5f60", "position": 1042}]})

    items: list[dict[str, Any]]
    next_cursor: str | None = Field(description="null on the last page")
    position: int = Field(description="how far the read model had read the ledger")


class Document(BaseModel):
    """One read-model row, with the position the read model had reached."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "item": {"learner_id": "6f1c2b1e-1d9a-4c1e-8a77-2d2d9d1b0a11", "status": "enrolled"},
        "position": 1042}]})

    item: dict[str, Any]
    position: int


class AuditHistory(BaseModel):
    """A stream's raw history with every event's envelope, as recorded by `as_of`."""

    kind: str
    stream_id: UUID
    as_of: str | None
    recorded_later: int = Field(description="events recorded after `as_of`, not shown")
    events: list[dict[str, Any]]
    effective_on: str | None = None
    in_force: Any = None
