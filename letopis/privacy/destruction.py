"""Destruction of a learner's personal data (crypto-shredding), crash-safe across two stores.

The protocol (docs/privacy.md):

1. Check everything that can fail first: the learner exists, is not destroyed, the configured
   master key opens the data key, the record decrypts (to list its categories), and the basis
   does not quote the learner's own data. A refusal writes nothing.
2. Record `Learner.PersonalDataDestroyed` under a command id derived from the learner id, so a
   repeated or concurrent run can never record it twice. From this moment every reader treats
   the data as destroyed (`PersonalDataService.is_destroyed`).
3. Delete the data key from the key store, then the ciphertext from the event store.

A crash between 2 and 3 leaves a recorded event and a key nobody will use; running `destroy`
again sees the event and finishes step 3. Events are never changed, so a hash chain over them
verifies as before.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.envelope import Actor, Meta
from domain.learner import Learner
from letopis.ledger import CommandContext
from letopis.privacy.errors import PersonalDataAlreadyDestroyed, PersonalDataQuoted
from letopis.privacy.keys import unwrap
from letopis.privacy.service import PersonalDataService, quoted_fields
from replay.as_of import read_stream
from replay.event_id import event_id

EVENT_TYPE = "Learner.PersonalDataDestroyed"


def destruction_command_id(learner_id: UUID) -> str:
    return f"personal-data-destroyed/{learner_id}"


@dataclass(frozen=True)
class Destruction:
    """The recorded destruction: what the act of destruction states."""

    learner_id: UUID
    event_id: UUID
    version: int
    position: int | None
    recorded_at: datetime
    actor: Actor
    grounds: str
    categories: tuple[str, ...]
    completed_now: bool  # False when this run only finished an interrupted one


def destroy(service: PersonalDataService, context: CommandContext, learner_id: UUID,
            grounds: str) -> Destruction:
    """Destroy the learner's personal data on `grounds` (the act or reason)."""
    ledger, keystore = service.ledger, service.keystore
    learner = service.learner(learner_id)
    if learner.personal_data_destroyed:
        if keystore.get(learner_id) is None and ledger.store.get_personal_data(
                learner_id) is None:
            raise PersonalDataAlreadyDestroyed(
                f"personal data of learner {learner_id} is already destroyed")
        _shred(service, learner_id)
        return _recorded(service, learner_id, completed_now=False)
    categories = _preflight(service, learner_id, grounds, context.actor)

    def action(meta: Meta) -> list[Learner]:
        current = service.learner(learner_id)
        current.destroy_personal_data(grounds=grounds, categories=categories, meta=meta)
        return [current]

    command = dataclasses.replace(context, command_id=destruction_command_id(learner_id))
    ledger.execute(command, "destroy_personal_data",
                   {"learner_id": learner_id, "grounds": grounds, "categories": categories},
                   action)
    _shred(service, learner_id)
    return _recorded(service, learner_id, completed_now=True)


def _preflight(service: PersonalDataService, learner_id: UUID, grounds: str,
               actor: Actor) -> tuple[str, ...]:
    """Everything that can refuse, before anything is written; returns the categories held."""
    master = service.master()
    key = service.keystore.get(learner_id)
    if key is not None:
        unwrap(master, key)  # WrongMasterKey, CorruptedPersonalData
    view = service.read(learner_id, actor.user_id, "destruction: list the categories")
    if view.record is None:
        return ()
    quoted = quoted_fields(view.record, grounds)
    if quoted:
        raise PersonalDataQuoted(
            f"the basis quotes the learner's {', '.join(quoted)}; name the act (number and "
            "date), not the person: the event keeps the basis for ever")
    return tuple(sorted(view.record))


def _shred(service: PersonalDataService, learner_id: UUID) -> None:
    # Key first: once it is gone the ciphertext is noise, wherever copies of it are.
    service.keystore.delete(learner_id)
    service.ledger.store.delete_personal_data(learner_id)


def _recorded(service: PersonalDataService, learner_id: UUID, *,
              completed_now: bool) -> Destruction:
    events = read_stream(service.ledger, learner_id)
    event: Any = next(e for e in reversed(events) if type(e).__qualname__ == EVENT_TYPE)
    outcome = service.ledger.store.command_outcome(destruction_command_id(learner_id))
    position = outcome.positions[0] if outcome is not None and outcome.positions else None
    return Destruction(
        learner_id=learner_id,
        event_id=event_id(learner_id, event.originator_version),
        version=event.originator_version,
        position=position,
        recorded_at=event.meta.recorded_at,
        actor=event.meta.actor,
        grounds=event.grounds,
        categories=tuple(event.categories),
        completed_now=completed_now,
    )
