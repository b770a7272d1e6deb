"""`letopis projections verify`: rebuild a projection into a scratch generation up to the live
position, compare every row and a checksum over the canonical rows, drop the scratch copy."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from projections.base import Projection, Row

if TYPE_CHECKING:
    from projections.engine import Engine

SCRATCH_GENERATION = 999_999  # `verify` builds here and drops it afterwards


@dataclass(frozen=True)
class VerifyReport:
    name: str
    position: int
    live_checksum: str
    rebuilt_checksum: str
    differing_keys: list[str]

    @property
    def ok(self) -> bool:
        return self.live_checksum == self.rebuilt_checksum and not self.differing_keys


def _canonical(table: str, key: str, row: Row | None) -> bytes:
    return json.dumps([table, key, row], sort_keys=True, separators=(",", ":")).encode()


def verify(engine: Engine, projection: Projection) -> VerifyReport:
    """Rebuild into a scratch generation up to the live position and compare every row."""
    live = engine.store.state(projection.name)
    if live is None:
        raise ValueError(f"projection {projection.name} has never run")
    scratch = SCRATCH_GENERATION
    engine.store.drop_generation(projection, scratch)
    engine.store.ensure(projection, scratch, active=False)
    try:
        engine.catch_up(projection, scratch, stop=live.position)
        differing: list[str] = []
        live_digest, scratch_digest = hashlib.sha256(), hashlib.sha256()
        for table in projection.tables:
            live_rows = dict(engine.store.scan(projection.name, table, live.generation))
            scratch_rows = dict(engine.store.scan(projection.name, table, scratch))
            for key in sorted(live_rows.keys() | scratch_rows.keys()):
                a, b = live_rows.get(key), scratch_rows.get(key)
                live_digest.update(_canonical(table, key, a))
                scratch_digest.update(_canonical(table, key, b))
                if a != b:
                    differing.append(f"{table}:{key}")
        return VerifyReport(projection.name, live.position, live_digest.hexdigest(),
                            scratch_digest.hexdigest(), differing)
    finally:
        engine.store.drop_generation(projection, scratch)
