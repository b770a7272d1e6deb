"""`letopis verify`: recompute every digest, the chain and the Merkle roots from the stored bytes.

One pass over events and seal rows side by side, in position order, with hashlib in a tight
loop (no per-event objects, no JSON). The first disagreement stops the pass and is named by
`replay.damage`; each checkpoint (stored, or exported by an auditor and given back as a file)
must carry a valid Ed25519 signature and match the recomputed chain head and Merkle root at its
tree size. Events after the last seal row are counted as "not yet sealed", not as damage.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from replay.audit_store import AuditStore, Snapshot
from replay.checkpoint import Checkpoint
from replay.damage import FORGED_CHECKPOINT, FORGED_SEALS, TRUNCATED, Damage, diagnose
from replay.merkle import GENESIS, MerkleFrontier

_HEADER = struct.Struct(">Q16sQI")


@dataclass(frozen=True)
class VerifyReport:
    events: int  # sealed events whose digests, chain and roots were recomputed
    checkpoints: int  # checkpoints whose signature (if a key was given) and hashes matched
    unsealed: int  # events after the last seal row: not yet sealed, not damage
    signatures_checked: bool
    damage: Damage | None = None


def _signatures(checkpoints: Sequence[tuple[str, Checkpoint]],
                public_key: Ed25519PublicKey | None) -> Damage | None:
    if public_key is None:
        return None
    for source, checkpoint in checkpoints:
        if not checkpoint.signed_by(public_key):
            return Damage(checkpoint.last_position, FORGED_CHECKPOINT,
                          f"the {source} checkpoint of tree size {checkpoint.tree_size} "
                          f"(key {checkpoint.key_id}) is not signed by the given key")
    return None


def verify(audit: AuditStore, public_key: Ed25519PublicKey | None = None,
           exported: Sequence[Checkpoint] = ()) -> VerifyReport:
    """Verify the whole store against its seals and the checkpoints."""
    with audit.snapshot() as snapshot:
        return _verify(snapshot, public_key, exported)


def _verify(snapshot: Snapshot, public_key: Ed25519PublicKey | None,
            exported: Sequence[Checkpoint]) -> VerifyReport:
    sources = [("stored", c) for c in snapshot.checkpoints()] + [("exported", c)
                                                                  for c in exported]
    checked = public_key is not None

    def report(events: int, unsealed: int, damage: Damage | None) -> VerifyReport:
        return VerifyReport(events, len(verified), unsealed, checked, damage)

    verified: set[tuple[int, bytes]] = set()
    bad_signature = _signatures(sources, public_key)
    if bad_signature is not None:
        return report(0, 0, bad_signature)
    by_size: dict[int, list[tuple[str, Checkpoint]]] = {}
    for source, checkpoint in sources:
        by_size.setdefault(checkpoint.tree_size, []).append((source, checkpoint))
    sizes = sorted(by_size)
    next_check = sizes.pop(0) if sizes else -1
    previous_size, previous_position = 0, 0

    sha = hashlib.sha256
    pack = _HEADER.pack
    frontier = MerkleFrontier()
    append = frontier.append
    chain = GENESIS
    index = 0
    position = 0
    events = snapshot.events()
    for seal in snapshot.seals():
        leaf_index, position, header, payload, stored_chain = seal
        event = next(events, None)
        if leaf_index != index:
            return report(index, 0, Damage(position, FORGED_SEALS,
                                           f"seal rows skip from leaf {index} to {leaf_index}"))
        if event is None or event[0] != position:
            return report(index, 0, diagnose(snapshot, seal, event))
        topic = event[3]
        header_now = sha(pack(position, event[1], event[2], len(topic)) + topic).digest()
        payload_now = sha(event[4]).digest()
        if header_now != header or payload_now != payload:
            return report(index, 0, diagnose(snapshot, seal, event))
        leaf = sha(b"\x00" + header_now + payload_now).digest()
        chain = sha(chain + leaf).digest()
        if chain != stored_chain:
            return report(index, 0, Damage(position, FORGED_SEALS,
                                           "the stored chain differs from the recomputed one"))
        append(leaf)
        index += 1
        if index == next_check:
            root = frontier.root()
            for source, checkpoint in by_size[index]:
                if (checkpoint.chain_head, checkpoint.merkle_root,
                        checkpoint.last_position) != (chain, root, position):
                    return report(index, 0, Damage(
                        previous_position + 1, FORGED_SEALS,
                        f"events {previous_size + 1}..{index} (positions "
                        f"{previous_position + 1}..{position}) do not hash to the {source} "
                        f"signed checkpoint of tree size {index}: the seal rows were rewritten"))
                verified.add((checkpoint.tree_size, checkpoint.signature))
            previous_size, previous_position = index, position
            next_check = sizes.pop(0) if sizes else -1
    unsealed = sum(1 for _ in events)
    if next_check != -1:
        source, checkpoint = by_size[next_check][0]
        return report(index, unsealed, Damage(
            position + 1, TRUNCATED,
            f"the {source} checkpoint of tree size {checkpoint.tree_size} covers events up "
            f"to position {checkpoint.last_position}, but only {index} sealed events remain"))
    return report(index, unsealed, None)
