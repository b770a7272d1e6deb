"""Running a command from HTTP: the envelope from the caller and headers, the result mapped to
event ids, stream versions and global positions."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID, uuid4

from api.auth import Principal
from api.deps import CommandHeaders
from api.schemas import BasisIn, CommandFields, CommandResult, StreamVersion
from domain.envelope import Actor, BasisDocument, Role
from letopis.bootstrap import Services
from letopis.ledger import CommandContext, VersionMismatch
from letopis.store.base import CommandOutcome
from replay.event_id import event_id

# The envelope role recorded with the events each API role writes.
_ENVELOPE_ROLE = {
    "regional_operator": Role.ADMINISTRATOR, "municipal_authority": Role.ADMINISTRATOR,
    "organisation_staff": Role.REGISTRAR, "class_teacher": Role.TEACHER,
    "provider": Role.ADMINISTRATOR, "finance": Role.FINANCE,
}


def basis(value: BasisIn | None) -> BasisDocument | None:
    return None if value is None else BasisDocument(value.kind, value.number, value.dated)


def context(services: Services, caller: Principal, headers: CommandHeaders,
            body: CommandFields) -> CommandContext:
    actor = Actor(user_id=caller.subject, role=_ENVELOPE_ROLE.get(caller.role.value, Role.SYSTEM),
                  organisation_id=caller.organisation_id)
    return CommandContext(
        actor=actor,
        command_id=headers.idempotency_key or body.command_id or f"api-{uuid4()}",
        effective_on=body.effective_on or services.ledger.clock().date(),
        basis=basis(body.basis),
    )


def run(services: Services, caller: Principal, headers: CommandHeaders, body: CommandFields,
        command: Callable[[CommandContext], CommandOutcome], *,
        versioned: UUID | None = None, checks_version: bool = False) -> CommandResult:
    """Run `command` once per command id; a retry returns the first result, writes nothing.

    If-Match: a command whose service takes `expected_version` checks it atomically
    (`checks_version`); for one that names its stream (`versioned`) the stream's version is
    compared first, and a concurrent change in between still fails on the ledger's own
    optimistic lock (409). Any other command refuses If-Match rather than ignore it.
    """
    ctx = context(services, caller, headers, body)
    expected = headers.expected_version
    if (expected is not None and not checks_version and versioned is not None
            and services.ledger.store.command_outcome(ctx.command_id) is None):
        _require_version(services, versioned, expected)
    return result(services, command(ctx))


def _require_version(services: Services, stream_id: UUID, expected: int) -> None:
    last = services.ledger.store.select_events(stream_id, desc=True, limit=1)
    current = last[0].originator_version if last else 0
    if current != expected:
        raise VersionMismatch(f"stream {stream_id} is at version {current}, not {expected}")


def result(services: Services, outcome: CommandOutcome) -> CommandResult:
    positions = sorted(outcome.positions)
    event_ids = []
    if positions:
        wanted = set(positions)
        notes = services.ledger.store.select_notifications(
            positions[0], positions[-1] - positions[0] + 1, stop=positions[-1])
        event_ids = [event_id(UUID(str(n.originator_id)), n.originator_version) for n in notes
                     if n.id in wanted]
    return CommandResult(
        command_id=outcome.command_id,
        command=str(outcome.data.get("command", "")),
        event_ids=event_ids,
        streams=[StreamVersion(stream_id=UUID(s), version=v)
                 for s, v in sorted(outcome.streams.items())],
        positions=positions,
        position=positions[-1] if positions else 0,
    )


class EmptyCommand(CommandFields):
    """A command with nothing of its own: only the envelope fields, all optional."""
