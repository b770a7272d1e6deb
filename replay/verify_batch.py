"""The fast path of `letopis verify`: whole batches hashed with list comprehensions.

A batch of 2**14 seal rows and as many events is checked at once: leaf indexes, positions,
header digests, payload digests and the chain must all equal the stored ones, each column
compared as one byte string (`SealBatch`), so no per-row comparison runs in Python.
Batches start at multiples of their size, so each full batch is a perfect Merkle subtree: its
levels are hashed level by level, and a root at any tree size is folded from the completed
batches' frontier and the batch's own subtrees. Any disagreement sends the batch to the
row-by-row path, which names the damage.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence

from replay.audit_store import HeaderedEvent, SealBatch
from replay.merkle import MerkleFrontier, node_hash

BATCH_HEIGHT = 14
BATCH = 1 << BATCH_HEIGHT


def batch_leaves(seals: SealBatch, events: Sequence[HeaderedEvent] | None, index: int,
                 chain: bytes) -> tuple[list[bytes], list[bytes]] | None:
    """(leaves, chains) when every row of the batch matches its seal row; None otherwise."""
    count = seals.count
    if events is None or len(events) != count or not seals.digests_32 \
            or seals.leaf_indexes != struct.pack(f">{count}q", *range(index, index + count)):
        return None
    headers = [e[0] for e in events]
    if b"".join([h[:8] for h in headers]) != seals.positions:
        return None
    sha = hashlib.sha256
    header_digests = [sha(h).digest() for h in headers]
    if b"".join(header_digests) != seals.header_digests:
        return None
    payload_digests = [sha(e[1]).digest() for e in events]
    if b"".join(payload_digests) != seals.payload_digests:
        return None
    leaves = [sha(b"\x00" + h + p).digest()
              for h, p in zip(header_digests, payload_digests, strict=True)]
    chains: list[bytes] = []
    append = chains.append
    for leaf in leaves:
        chain = sha(chain + leaf).digest()
        append(chain)
    if b"".join(chains) != seals.chains:
        return None
    return leaves, chains


def levels_of(leaves: list[bytes]) -> list[list[bytes]]:
    """Every level of the perfect subtrees inside `leaves` (odd last nodes left out)."""
    sha = hashlib.sha256
    levels = [leaves]
    while len(levels[-1]) > 1:
        level = levels[-1]
        levels.append([sha(b"\x01" + left + right).digest()
                       for left, right in zip(level[::2], level[1::2], strict=False)])
    return levels


def root_at(completed: MerkleFrontier, levels: list[list[bytes]], count: int) -> bytes:
    """The RFC 6962 root over the completed batches and the first `count` leaves of this one."""
    nodes = list(completed.hashes)
    offset = 0
    for height in reversed(range(count.bit_length())):
        if count >> height & 1:
            nodes.append(levels[height][offset >> height])
            offset += 1 << height
    root = nodes[-1]
    for left in reversed(nodes[:-1]):
        root = node_hash(left, root)
    return root

