"""`letopis verify`: recompute every digest, the chain and the Merkle roots from the stored bytes.

One pass over events and seal rows side by side, in position order, hashed a batch at a time
(`replay.verify_batch`: no per-event objects, no JSON) while the store reads the next batches
(`Snapshot.batches`). A batch that disagrees is read again row by row, and the first
disagreement stops the pass and is named by `replay.damage`; each checkpoint (stored, or
exported by an auditor and given back as a file) must carry a valid Ed25519 signature and
match the recomputed chain head and Merkle root at its tree size. Events after the last seal
row are counted as "not yet sealed", not as damage.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from replay.audit_store import AuditStore, EventRow, SealRow, Snapshot
from replay.checkpoint import Checkpoint
from replay.damage import FORGED_CHECKPOINT, FORGED_SEALS, TRUNCATED, Damage, diagnose
from replay.merkle import (
    GENESIS,
    MerkleFrontier,
    chain_next,
    header_digest,
    leaf_hash,
    payload_digest,
)
from replay.verify_batch import (
    BATCH,
    BATCH_HEIGHT,
    batch_leaves,
    levels_of,
    root_at,
)


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


def _row_by_row(snapshot: Snapshot, seals: Sequence[SealRow], events: Iterator[EventRow],
                index: int, chain: bytes) -> tuple[list[bytes], list[bytes], Damage | None]:
    """Walk a batch that failed the fast path: the rows that match, and the first damage."""
    leaves: list[bytes] = []
    chains: list[bytes] = []
    for seal in seals:
        leaf_index, position, header, payload, stored_chain = seal
        event = next(events, None)
        if leaf_index != index + len(leaves):
            return leaves, chains, Damage(position, FORGED_SEALS, f"seal rows skip from leaf "
                                                                  f"{index + len(leaves)} to "
                                                                  f"{leaf_index}")
        if event is None or event[0] != position:
            return leaves, chains, diagnose(snapshot, seal, event)
        header_now = header_digest(position, event[1], event[2], event[3])
        payload_now = payload_digest(event[4])
        if header_now != header or payload_now != payload:
            return leaves, chains, diagnose(snapshot, seal, event)
        leaf = leaf_hash(header_now, payload_now)
        chain = chain_next(chain, leaf)
        if chain != stored_chain:
            return leaves, chains, Damage(position, FORGED_SEALS,
                                          "the stored chain differs from the recomputed one")
        leaves.append(leaf)
        chains.append(chain)
    return leaves, chains, None  # every row matches (values that merely looked different)


def _verify(snapshot: Snapshot, public_key: Ed25519PublicKey | None,
            exported: Sequence[Checkpoint]) -> VerifyReport:
    sources = [("stored", c) for c in snapshot.checkpoints()] + [("exported", c)
                                                                  for c in exported]
    verified: set[tuple[int, bytes]] = set()
    checked = public_key is not None

    def report(events: int, unsealed: int, damage: Damage | None) -> VerifyReport:
        return VerifyReport(events, len(verified), unsealed, checked, damage)

    bad_signature = _signatures(sources, public_key)
    if bad_signature is not None:
        return report(0, 0, bad_signature)
    by_size: dict[int, list[tuple[str, Checkpoint]]] = {}
    for source, checkpoint in sources:
        by_size.setdefault(checkpoint.tree_size, []).append((source, checkpoint))
    pending = sorted(by_size, reverse=True)  # tree sizes still to check, smallest last
    previous = [0, 0]  # tree size and last position of the last checkpoint that matched

    def check(index: int, position_at: Callable[[int], int], leaves: list[bytes],
              chains: list[bytes], completed: MerkleFrontier) -> Damage | None:
        """Check the checkpoints that fall inside this batch's first len(leaves) rows."""
        levels = levels_of(leaves) if leaves else []
        while pending and pending[-1] <= index + len(leaves):
            size = pending.pop()
            count = size - index
            chain, position = chains[count - 1], position_at(count - 1)
            root = root_at(completed, levels, count)
            for source, checkpoint in by_size[size]:
                if (checkpoint.chain_head, checkpoint.merkle_root,
                        checkpoint.last_position) != (chain, root, position):
                    return Damage(
                        previous[1] + 1, FORGED_SEALS,
                        f"events {previous[0] + 1}..{size} (positions {previous[1] + 1}.."
                        f"{position}) do not hash to the {source} signed checkpoint of tree "
                        f"size {size}: the seal rows were rewritten")
                verified.add((checkpoint.tree_size, checkpoint.signature))
            previous[:] = [size, position]
        if len(leaves) == BATCH:
            completed.append(levels[BATCH_HEIGHT][0])
        return None

    completed = MerkleFrontier()  # the roots of full batches, each a perfect subtree
    chain = GENESIS
    index = position = 0
    batches = snapshot.batches(BATCH)
    try:
        while (batch := next(batches, None)) is not None:
            seal_batch, event_batch = batch
            fast = batch_leaves(seal_batch, event_batch, index, chain)
            if fast is not None:
                leaves, chains = fast
                earlier = check(index, seal_batch.position, leaves, chains, completed)
                if earlier is not None:
                    return report(index, 0, earlier)
                index += len(leaves)
                chain, position = chains[-1], seal_batch.position(len(leaves) - 1)
                continue
            batches.close()  # the same rows again, one by one, to name the damage
            seals = list(islice(snapshot.seals(skip=index), seal_batch.count))
            leaves, chains, damage = _row_by_row(snapshot, seals, snapshot.events(position),
                                                 index, chain)
            earlier = check(index, [seal[1] for seal in seals].__getitem__, leaves, chains,
                            completed)
            if earlier is not None or damage is not None:
                return report(index + len(leaves), 0, earlier or damage)
            index += len(leaves)
            chain, position = chains[-1], seals[-1][1]
            batches = snapshot.batches(BATCH, index, position)
    finally:
        batches.close()
    unsealed = snapshot.count_events(position)
    if pending:
        source, checkpoint = by_size[pending[-1]][0]
        return report(index, unsealed, Damage(
            position + 1, TRUNCATED,
            f"the {source} checkpoint of tree size {checkpoint.tree_size} covers events up "
            f"to position {checkpoint.last_position}, but only {index} sealed events remain"))
    return report(index, unsealed, None)
