"""The hashes of tamper evidence: canonical digests of a stored event, the chain, the Merkle tree.

Everything here is pure and stable across library versions; docs/audit.md (Tamper evidence)
describes the same encodings byte by byte, so an auditor can recompute them by hand.

- header digest  = SHA-256(u64be(position) || stream id (16 bytes) || u64be(version)
                           || u32be(len(topic)) || topic (UTF-8))
- payload digest = SHA-256(the stored state bytes, exactly as stored)
- leaf           = SHA-256(0x00 || header digest || payload digest)       (RFC 6962 leaf)
- chain          = SHA-256(previous chain || leaf), the first previous chain is 32 zero bytes
- Merkle tree    = RFC 6962 / RFC 9162 tree hash over the leaves, nodes SHA-256(0x01 || l || r)
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence

GENESIS = bytes(32)
EMPTY_ROOT = hashlib.sha256(b"").digest()  # RFC 6962: the hash of an empty tree
_HEADER = struct.Struct(">Q16sQI")
_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


def header_bytes(position: int, stream_id: bytes, version: int, topic: bytes) -> bytes:
    """The canonical encoding of an event's envelope (what the header digest hashes)."""
    return _HEADER.pack(position, stream_id, version, len(topic)) + topic


def header_digest(position: int, stream_id: bytes, version: int, topic: bytes) -> bytes:
    return hashlib.sha256(header_bytes(position, stream_id, version, topic)).digest()


def payload_digest(state: bytes) -> bytes:
    return hashlib.sha256(state).digest()


def leaf_hash(header: bytes, payload: bytes) -> bytes:
    return hashlib.sha256(_LEAF_PREFIX + header + payload).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def chain_next(previous: bytes, leaf: bytes) -> bytes:
    return hashlib.sha256(previous + leaf).digest()


class MerkleFrontier:
    """The roots of the perfect subtrees covering leaves 0..n-1, largest first.

    Appending a leaf merges equal-sized subtrees (amortised one hash per leaf); the RFC 6962
    root of all n leaves folds the frontier from the right. `hashes` can be stored and resumed:
    the subtree sizes follow from the binary digits of n.
    """

    __slots__ = ("hashes", "size")

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if len(hashes) != bin(size).count("1"):
            raise ValueError(f"a frontier of {size} leaves has {bin(size).count('1')} "
                             f"subtrees, not {len(hashes)}")
        self.size = size
        self.hashes = list(hashes)

    def append(self, leaf: bytes) -> None:
        hashes = self.hashes
        node = leaf
        size = self.size
        while size & 1:
            node = hashlib.sha256(_NODE_PREFIX + hashes.pop() + node).digest()
            size >>= 1
        hashes.append(node)
        self.size += 1

    def root(self) -> bytes:
        if not self.hashes:
            return EMPTY_ROOT
        root = self.hashes[-1]
        for left in reversed(self.hashes[:-1]):
            root = node_hash(left, root)
        return root

    def packed(self) -> bytes:
        return b"".join(self.hashes)

    @classmethod
    def unpack(cls, size: int, packed: bytes) -> MerkleFrontier:
        return cls(size, [packed[i:i + 32] for i in range(0, len(packed), 32)])


def merkle_root(leaves: Sequence[bytes]) -> bytes:
    frontier = MerkleFrontier()
    for leaf in leaves:
        frontier.append(leaf)
    return frontier.root()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    k = 1
    while k << 1 < n:
        k <<= 1
    return k


def inclusion_path(leaves: Sequence[bytes], index: int) -> list[bytes]:
    """RFC 9162 (2.1.3.1) audit path of leaf `index` in the tree of `leaves`."""
    if not 0 <= index < len(leaves):
        raise ValueError(f"leaf {index} is not in a tree of {len(leaves)}")
    path: list[bytes] = []
    lo, hi, m = 0, len(leaves), index
    # Walk down from the root, remembering the sibling subtree at each level.
    siblings: list[tuple[int, int]] = []
    while hi - lo > 1:
        k = _split(hi - lo)
        if m - lo < k:
            siblings.append((lo + k, hi))
            hi = lo + k
        else:
            siblings.append((lo, lo + k))
            lo = lo + k
    for start, end in reversed(siblings):
        path.append(merkle_root(leaves[start:end]))
    return path


def root_from_path(leaf: bytes, index: int, tree_size: int, path: Sequence[bytes]) -> bytes:
    """RFC 9162 (2.1.3.2): the root an inclusion proof leads to; ValueError if malformed."""
    if not 0 <= index < tree_size:
        raise ValueError(f"leaf index {index} is outside a tree of {tree_size}")
    fn, sn, r = index, tree_size - 1, leaf
    for p in path:
        if sn == 0:
            raise ValueError("the audit path is longer than the tree is deep")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ValueError("the audit path is shorter than the tree is deep")
    return r
