"""The canonical encodings, the chain and the RFC 6962 tree, against a plain reference."""

from __future__ import annotations

import hashlib
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from replay.merkle import (
    EMPTY_ROOT,
    MerkleFrontier,
    header_bytes,
    header_digest,
    inclusion_path,
    leaf_hash,
    merkle_root,
    node_hash,
    root_from_path,
)


def reference_root(leaves: list[bytes]) -> bytes:
    """RFC 6962 section 2.1, written as the RFC writes it."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + reference_root(leaves[:k]) + reference_root(leaves[k:])
                          ).digest()


def leaves_of(n: int) -> list[bytes]:
    return [hashlib.sha256(i.to_bytes(4, "big")).digest() for i in range(n)]


def test_the_header_encoding_is_pinned() -> None:
    # Changing these bytes breaks every seal ever made: docs/audit.md documents them.
    encoded = header_bytes(1, UUID(int=2).bytes, 3, "t:Ё".encode())
    assert encoded.hex() == ("0000000000000001" + "00" * 15 + "02" + "0000000000000003"
                             + "00000004" + "743ad081")
    assert header_digest(1, UUID(int=2).bytes, 3, "t:Ё".encode()) == hashlib.sha256(
        encoded).digest()
    assert leaf_hash(b"a" * 32, b"b" * 32) == hashlib.sha256(b"\x00" + b"a" * 32 + b"b" * 32
                                                             ).digest()


def test_the_empty_tree() -> None:
    assert merkle_root([]) == EMPTY_ROOT == hashlib.sha256(b"").digest()


@given(st.integers(min_value=1, max_value=70))
def test_root_matches_the_rfc(n: int) -> None:
    assert merkle_root(leaves_of(n)) == reference_root(leaves_of(n))


@given(st.integers(min_value=1, max_value=40), st.integers(min_value=1, max_value=40))
def test_a_frontier_resumes_from_its_packed_form(first: int, more: int) -> None:
    leaves = leaves_of(first + more)
    frontier = MerkleFrontier()
    for leaf in leaves[:first]:
        frontier.append(leaf)
    resumed = MerkleFrontier.unpack(first, frontier.packed())
    for leaf in leaves[first:]:
        resumed.append(leaf)
    assert resumed.root() == reference_root(leaves)


@given(st.integers(min_value=1, max_value=40), st.data())
def test_every_inclusion_path_leads_to_the_root(n: int, data: st.DataObject) -> None:
    leaves = leaves_of(n)
    index = data.draw(st.integers(min_value=0, max_value=n - 1))
    path = inclusion_path(leaves, index)
    assert root_from_path(leaves[index], index, n, path) == reference_root(leaves)
    if path:  # a changed sibling, or another leaf, leads elsewhere
        assert root_from_path(leaves[index], index, n, [node_hash(path[0], path[0]),
                                                         *path[1:]]) != reference_root(leaves)
    other = (index + 1) % n
    if other != index:
        assert root_from_path(leaves[other], index, n, path) != reference_root(leaves)


def test_a_path_of_the_wrong_length_is_refused() -> None:
    leaves = leaves_of(5)
    path = inclusion_path(leaves, 2)
    with pytest.raises(ValueError, match="shorter"):
        root_from_path(leaves[2], 2, 5, path[:-1])
    with pytest.raises(ValueError, match="longer"):
        root_from_path(leaves[2], 2, 5, [*path, path[0]])
    with pytest.raises(ValueError, match="outside"):
        root_from_path(leaves[2], 5, 5, path)


@given(st.integers(min_value=1, max_value=5), st.integers(min_value=1, max_value=60))
def test_roots_folded_from_batches_match_the_rfc(height: int, n: int) -> None:
    # verify hashes whole batches of 2**height leaves: any tree size, from any batch.
    from replay.verify_batch import levels_of, root_at

    leaves = leaves_of(n)
    size = 1 << height
    completed = MerkleFrontier()
    for start in range(0, n, size):
        batch = leaves[start:start + size]
        levels = levels_of(batch)
        for count in range(1, len(batch) + 1):
            assert root_at(completed, levels, count) == reference_root(leaves[:start + count])
        if len(batch) == size:
            completed.append(levels[height][0])
