"""The fast path of `letopis verify`: whole batches hashed with list comprehensions.

A batch of 2**14 seal rows and as many events is checked at once: positions, header digests,
payload digests and the chain must all equal the stored ones (list comparisons run in C).
Batches start at multiples of their size, so each full batch is a perfect Merkle subtree: its
levels are hashed level by level, and a root at any tree size is folded from the completed
batches' frontier and the batch's own subtrees. Any disagreement sends the batch to the
row-by-row path, which names the damage.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence

from replay.audit_store import EventRow, SealRow
from replay.merkle import MerkleFrontier, node_hash

BATCH_HEIGHT = 14
BATCH = 1 << BATCH_HEIGHT
_HEADER = struct.Struct(">Q16sQI")


def batch_leaves(seals: Sequence[SealRow], events: Sequence[EventRow], index: int,
                 chain: bytes) -> tuple[list[bytes], list[bytes]] | None:
    """(leaves, chains) when every row of the batch matches its seal row; None otherwise."""
    if len(events) != len(seals) or [e[0] for e in events] != [s[1] for s in seals] \
            or [s[0] for s in seals] != list(range(index, index + len(seals))):
        return None
    sha = hashlib.sha256
    pack = _HEADER.pack
    headers = [sha(pack(e[0], e[1], e[2], len(e[3])) + e[3]).digest() for e in events]
    if headers != [s[2] for s in seals]:
        return None
    payloads = [sha(e[4]).digest() for e in events]
    if payloads != [s[3] for s in seals]:
        return None
    leaves = [sha(b"\x00" + h + p).digest() for h, p in zip(headers, payloads, strict=True)]
    chains = []
    for leaf in leaves:
        chain = sha(chain + leaf).digest()
        chains.append(chain)
    if chains != [s[4] for s in seals]:
        return None
    return leaves, chains


def levels_of(leaves: list[bytes]) -> list[list[bytes]]:
    """Every level of the perfect subtrees inside `leaves` (odd last nodes left out)."""
    sha = hashlib.sha256
    levels = [leaves]
    while len(levels[-1]) > 1:
        level = levels[-1]
        levels.append([sha(b"\x01" + level[i] + level[i + 1]).digest()
                       for i in range(0, len(level) - 1, 2)])
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

