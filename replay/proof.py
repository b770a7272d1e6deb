"""Inclusion proofs: one event, its audit path, and the signed checkpoint it leads to.

A proof is verified offline with the public key alone (`verify_proof`, `letopis verify-proof`,
or by hand: docs/audit.md, Checking a proof by hand).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from replay.audit_store import AuditStore
from replay.checkpoint import Checkpoint, CheckpointFormatError
from replay.merkle import header_bytes, inclusion_path, leaf_hash, root_from_path

FORMAT = "letopis-inclusion-proof/v1"


class ProofError(ValueError):
    """A proof that cannot be made (unknown position, no checkpoint) or does not verify."""


@dataclass(frozen=True)
class ProvenEvent:
    position: int
    stream_id: UUID
    version: int
    topic: str
    leaf_index: int
    tree_size: int
    key_id: str


def build_proof(audit: AuditStore, position: int,
                tree_size: int | None = None) -> dict[str, Any]:
    """The proof that the event at `position` is under a checkpoint (the latest by default)."""
    with audit.snapshot() as snapshot:
        seal = snapshot.seal_at(position)
        if seal is None:
            raise ProofError(f"position {position} is not sealed (run `letopis seal`, or check "
                             "the position)")
        leaf_index = seal[0]
        covering = [c for c in snapshot.checkpoints() if c.tree_size > leaf_index]
        if tree_size is not None:
            covering = [c for c in covering if c.tree_size == tree_size]
            if not covering:
                raise ProofError(f"no checkpoint of tree size {tree_size} covers position "
                                 f"{position}")
        if not covering:
            raise ProofError(f"no checkpoint covers position {position} yet: run `letopis seal`")
        checkpoint = covering[-1]
        event = snapshot.event_at(position)
        if event is None:
            raise ProofError(f"position {position} is sealed but its event is gone: "
                             "run `letopis verify`")
        leaves = [leaf_hash(row[2], row[3]) for row in snapshot.seals(checkpoint.tree_size)]
    _, stream, version, topic, state = event
    header = header_bytes(position, stream, version, topic)
    return {
        "format": FORMAT,
        "event": {"position": position, "stream_id": str(UUID(bytes=stream[:16].ljust(16, b"\0"))),
                  "version": version, "topic": topic.decode(errors="replace"),
                  "state_base64": base64.b64encode(state).decode()},
        "header_hex": header.hex(),
        "header_digest": hashlib.sha256(header).hexdigest(),
        "payload_digest": hashlib.sha256(state).hexdigest(),
        "leaf": leaf_hash(hashlib.sha256(header).digest(), hashlib.sha256(state).digest()).hex(),
        "leaf_index": leaf_index,
        "tree_size": checkpoint.tree_size,
        "audit_path": [node.hex() for node in inclusion_path(leaves, leaf_index)],
        "checkpoint": checkpoint.to_json(),
    }


def _field(proof: dict[str, Any], *names: str) -> Any:
    value: Any = proof
    for name in names:
        if not isinstance(value, dict) or name not in value:
            raise ProofError(f"malformed proof: no {'.'.join(names)}")
        value = value[name]
    return value


def verify_proof(text: str, public_key: Ed25519PublicKey) -> ProvenEvent:
    """Check a proof document; ProofError says what failed."""
    try:
        proof = json.loads(text)
    except json.JSONDecodeError:
        raise ProofError("malformed proof: not JSON") from None
    if _field(proof, "format") != FORMAT:
        raise ProofError(f"not a {FORMAT} document")
    try:
        position = int(_field(proof, "event", "position"))
        stream_id = UUID(str(_field(proof, "event", "stream_id")))
        version = int(_field(proof, "event", "version"))
        topic = str(_field(proof, "event", "topic"))
        state = base64.b64decode(str(_field(proof, "event", "state_base64")), validate=True)
        leaf_index, tree_size = int(_field(proof, "leaf_index")), int(_field(proof, "tree_size"))
        path = [bytes.fromhex(str(node)) for node in _field(proof, "audit_path")]
        checkpoint = Checkpoint.from_json(_field(proof, "checkpoint"))
    except (ValueError, TypeError, binascii.Error, CheckpointFormatError) as error:
        raise ProofError(f"malformed proof: {error}") from None
    if checkpoint.tree_size != tree_size:
        raise ProofError(f"the proof is for tree size {tree_size}, its checkpoint for "
                         f"{checkpoint.tree_size}")
    header = hashlib.sha256(header_bytes(position, stream_id.bytes, version,
                                         topic.encode())).digest()
    leaf = leaf_hash(header, hashlib.sha256(state).digest())
    try:
        root = root_from_path(leaf, leaf_index, tree_size, path)
    except ValueError as error:
        raise ProofError(f"the audit path does not fit the tree: {error}") from None
    if root != checkpoint.merkle_root:
        raise ProofError("the event and audit path do not lead to the checkpoint's Merkle root: "
                         "the event or the proof was altered")
    if not checkpoint.signed_by(public_key):
        raise ProofError(f"the checkpoint (key {checkpoint.key_id}) is not signed by the given "
                         "public key")
    return ProvenEvent(position, stream_id, version, topic, leaf_index, tree_size,
                       checkpoint.key_id)
