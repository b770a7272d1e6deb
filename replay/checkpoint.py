"""Signed checkpoints: what the sealer vouches for at a tree size, and their exported form.

The signature covers this canonical text (UTF-8, every line ending in "\\n"):

    letopis-checkpoint/v1
    <tree size>
    <last position>
    <chain head, 64 lowercase hex digits>
    <Merkle root, 64 lowercase hex digits>
    <created at, ISO 8601 UTC>
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from replay.keys import key_id, signature_valid

HEADER = "letopis-checkpoint/v1"


class CheckpointFormatError(ValueError):
    """An exported checkpoint (or proof) that does not parse."""


def signed_text(tree_size: int, last_position: int, chain_head: bytes, merkle_root: bytes,
                created_at: str) -> bytes:
    return (f"{HEADER}\n{tree_size}\n{last_position}\n{chain_head.hex()}\n"
            f"{merkle_root.hex()}\n{created_at}\n").encode()


@dataclass(frozen=True)
class Checkpoint:
    tree_size: int  # number of sealed events it covers (leaves 0..tree_size-1)
    last_position: int  # global position of the last of them
    chain_head: bytes
    merkle_root: bytes
    created_at: str
    key_id: str
    signature: bytes

    def message(self) -> bytes:
        return signed_text(self.tree_size, self.last_position, self.chain_head,
                           self.merkle_root, self.created_at)

    def signed_by(self, public_key: Ed25519PublicKey) -> bool:
        return self.key_id == key_id(public_key) and signature_valid(
            public_key, self.signature, self.message())

    def to_json(self) -> dict[str, Any]:
        return {"format": HEADER, "tree_size": self.tree_size,
                "last_position": self.last_position, "chain_head": self.chain_head.hex(),
                "merkle_root": self.merkle_root.hex(), "created_at": self.created_at,
                "key_id": self.key_id, "signature": self.signature.hex()}

    @classmethod
    def from_json(cls, value: object) -> Checkpoint:
        if not isinstance(value, dict) or value.get("format") != HEADER:
            raise CheckpointFormatError(f"not a {HEADER} checkpoint")
        try:
            tree_size, last_position = value["tree_size"], value["last_position"]
            if not (isinstance(tree_size, int) and isinstance(last_position, int)) \
                    or tree_size < 1 or isinstance(tree_size, bool):
                raise CheckpointFormatError("tree_size and last_position must be integers")
            checkpoint = cls(tree_size, last_position, _hex(value, "chain_head", 32),
                             _hex(value, "merkle_root", 32), str(value["created_at"]),
                             str(value["key_id"]), _hex(value, "signature", 64))
        except KeyError as missing:
            raise CheckpointFormatError(f"checkpoint lacks {missing}") from None
        return checkpoint


def _hex(value: dict[str, Any], name: str, size: int) -> bytes:
    try:
        data = bytes.fromhex(str(value[name]))
    except ValueError:
        raise CheckpointFormatError(f"checkpoint {name} is not hex") from None
    if len(data) != size:
        raise CheckpointFormatError(f"checkpoint {name} must be {size} bytes")
    return data


def sign(private_key: Ed25519PrivateKey, tree_size: int, last_position: int,
         chain_head: bytes, merkle_root: bytes, created_at: str) -> Checkpoint:
    message = signed_text(tree_size, last_position, chain_head, merkle_root, created_at)
    return Checkpoint(tree_size, last_position, chain_head, merkle_root, created_at,
                      key_id(private_key.public_key()), private_key.sign(message))


def read_checkpoints(text: str, source: str) -> list[Checkpoint]:
    """Checkpoints exported as JSON lines; CheckpointFormatError names the bad line."""
    checkpoints = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            checkpoints.append(Checkpoint.from_json(json.loads(line)))
        except (json.JSONDecodeError, CheckpointFormatError) as error:
            raise CheckpointFormatError(f"{source} line {number}: {error}") from None
    if not checkpoints:
        raise CheckpointFormatError(f"{source} holds no checkpoints")
    return checkpoints


def write_checkpoints(checkpoints: list[Checkpoint]) -> str:
    return "".join(json.dumps(c.to_json(), sort_keys=True) + "\n" for c in checkpoints)
