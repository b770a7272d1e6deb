"""The sealer: hashes the certified prefix of the global sequence into seal rows and checkpoints.

Appends never hash (a chain computed at append time would make every writer wait for the one
before it). The sealer follows the store like a projection does — it reads only positions
that are certified final (`select_notifications`, the rule of `certified_prefix`) — and for
each event, in position order, adds a seal row: its header and payload digests and the chain
after it. Every `every` sealed events, and at the end of a `letopis seal` run, it signs a
checkpoint: tree size, last position, chain head and RFC 6962 Merkle root.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eventsourcing.persistence import ApplicationRecorder

from replay.audit_store import AuditStore, SealRow, SealState
from replay.checkpoint import Checkpoint, sign

_HEADER = struct.Struct(">Q16sQI")


@dataclass
class SealReport:
    sealed: int = 0  # events sealed by this run
    tree_size: int = 0  # events sealed in all
    last_position: int = 0
    checkpoints: list[Checkpoint] = field(default_factory=list)


def _timestamp(clock: Callable[[], datetime]) -> str:
    return clock().isoformat(timespec="microseconds")


def _checkpoint(state: SealState, key: Ed25519PrivateKey,
                clock: Callable[[], datetime]) -> Checkpoint:
    return sign(key, state.tree_size, state.last_position, state.chain, state.merkle().root(),
                _timestamp(clock))


def seal(recorder: ApplicationRecorder, audit: AuditStore, key: Ed25519PrivateKey,
         clock: Callable[[], datetime], *, every: int = 10_000, batch: int = 5_000,
         checkpoint_at_end: bool = True) -> SealReport:
    """Seal every certified event not yet sealed; return what was done."""
    if every < 1 or batch < 1:
        raise ValueError("checkpoint interval and batch size must be at least 1")
    report = SealReport()
    sha = hashlib.sha256
    pack = _HEADER.pack
    while True:
        with audit.sealing() as writer:
            state = writer.state()
            notifications = recorder.select_notifications(
                start=state.last_position + 1, limit=batch)
            rows: list[SealRow] = []
            checkpoints: list[Checkpoint] = []
            frontier = state.merkle()
            chain = state.chain
            for n in notifications:
                topic = n.topic.encode()
                stream = n.originator_id
                stream_bytes = stream.bytes if isinstance(stream, UUID) else UUID(stream).bytes
                header = sha(pack(n.id, stream_bytes, n.originator_version,
                                  len(topic)) + topic).digest()
                payload = sha(n.state).digest()
                leaf = sha(b"\x00" + header + payload).digest()
                chain = sha(chain + leaf).digest()
                rows.append((state.tree_size, n.id, header, payload, chain))
                frontier.append(leaf)
                state.tree_size += 1
                state.last_position = n.id
                state.chain = chain
                if state.tree_size % every == 0:
                    checkpoints.append(_checkpoint(state, key, clock))
            done = len(notifications) < batch
            covered = bool(checkpoints) and checkpoints[-1].tree_size == state.tree_size
            if done and checkpoint_at_end and state.tree_size and not covered \
                    and (rows or _needs_checkpoint(audit, state)):
                checkpoints.append(_checkpoint(state, key, clock))
            if rows or checkpoints:
                writer.write(rows, state, checkpoints)
        report.sealed += len(rows)
        report.tree_size, report.last_position = state.tree_size, state.last_position
        report.checkpoints += checkpoints
        if done:
            return report


def _needs_checkpoint(audit: AuditStore, state: SealState) -> bool:
    """Whether the sealed prefix still lacks a checkpoint at its full size."""
    with audit.snapshot() as snapshot:
        return all(c.tree_size != state.tree_size for c in snapshot.checkpoints())
