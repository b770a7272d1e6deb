"""Random histories, sealed: verify passes; any one insider change is found and named.

Each example writes a fresh store (SQLite and PostgreSQL), seals it with checkpoints every
few events, applies one change with SQL, and expects verify to name the first damaged position
and the kind of damage.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from replay.checkpoint import Checkpoint
from replay.damage import (
    FORGED_SEALS,
    INSERTED_EVENT,
    MISSING_EVENT,
    MODIFIED_ENVELOPE,
    MODIFIED_PAYLOAD,
    REORDERED,
    TRUNCATED,
)
from replay.verify import verify
from tests.tamper import KEY, Tamper, audit_of, fresh_store, seal_store, write_history

STORES = pytest.mark.parametrize("kind", ["sqlite", "postgres"])
histories = st.lists(st.integers(min_value=0, max_value=5), min_size=2, max_size=30)
bounded = settings(max_examples=8)


def checkpoints_of(url: str, schema: str) -> list[Checkpoint]:
    with audit_of(url, schema).snapshot() as snapshot:
        return snapshot.checkpoints()


@STORES
@bounded
@given(streams=histories, every=st.integers(min_value=1, max_value=12))
def test_a_sealed_history_verifies(kind: str, streams: list[int], every: int) -> None:
    with fresh_store(kind) as (url, schema):
        n = write_history(url, schema, streams)
        report = seal_store(url, schema, every)
        assert (report.sealed, report.last_position) == (n, n)
        assert [c.tree_size for c in report.checkpoints] == sorted(
            {*range(every, n + 1, every), n})
        write_history(url, schema, [9, 9], seed=1)  # appended after the seal
        result = verify(audit_of(url, schema), KEY.public_key())
        assert result.damage is None
        assert (result.events, result.unsealed) == (n, 2)
        assert result.checkpoints == len(report.checkpoints)


CHANGES = ["flip byte", "topic", "version", "stream", "position", "delete", "insert", "swap",
           "forge seals"]


@STORES
@pytest.mark.parametrize("change", CHANGES)
@settings(max_examples=4)
@given(streams=histories, every=st.integers(min_value=1, max_value=8), data=st.data())
def test_one_change_is_found_at_its_first_position(kind: str, change: str, streams: list[int],
                                                   every: int, data: st.DataObject) -> None:
    with fresh_store(kind) as (url, schema):
        n = write_history(url, schema, streams)
        seal_store(url, schema, every)
        tamper = Tamper(url, schema)
        position = data.draw(st.integers(min_value=1, max_value=n), label="position")
        expected = {"flip byte": MODIFIED_PAYLOAD, "topic": MODIFIED_ENVELOPE,
                    "version": MODIFIED_ENVELOPE, "stream": MODIFIED_ENVELOPE,
                    "position": MODIFIED_ENVELOPE, "insert": INSERTED_EVENT,
                    "delete": MISSING_EVENT if position < n else TRUNCATED}.get(change)
        if change == "flip byte":
            tamper.flip_byte(position, data.draw(st.integers(min_value=0, max_value=200)))
        elif change == "topic":
            tamper.set_topic(position, "test:Renamed")
        elif change == "version":
            tamper.set_version(position, 10_000 + position)
        elif change == "stream":
            tamper.set_stream(position)
        elif change == "position":
            tamper.set_position(position, n + 100)  # moved past the sealed range
        elif change == "delete":
            tamper.delete(position)
        elif change == "insert":
            tamper.insert_shifted(position)
        elif change == "swap":
            other = data.draw(st.integers(min_value=1, max_value=n).filter(
                lambda p: p != position), label="other")
            tamper.swap(position, other)
            position, expected = min(position, other), REORDERED
        else:
            tamper.forge_seals(position)
            # Only the signed checkpoint covering the change can tell: named by its range.
            covering = min(c for c in range(every, n + every, every) if c >= position)
            position, expected = covering - every + 1, FORGED_SEALS
            if covering > n:  # the last checkpoint is at n
                position = (n - 1) // every * every + 1
        damage = verify(audit_of(url, schema), KEY.public_key()).damage
        assert damage is not None
        assert (damage.position, damage.kind) == (position, expected), str(damage)


@STORES
@bounded
@given(streams=st.lists(st.integers(0, 5), min_size=4, max_size=30), seals_too=st.booleans(),
       data=st.data())
def test_a_truncated_tail_after_a_checkpoint_is_found(kind: str, streams: list[int],
                                                      seals_too: bool,
                                                      data: st.DataObject) -> None:
    with fresh_store(kind) as (url, schema):
        n = write_history(url, schema, streams)
        seal_store(url, schema, 2)
        exported = checkpoints_of(url, schema)  # kept by the auditor, outside the store
        kept = data.draw(st.sampled_from([c for c in exported if c.tree_size < n]))
        Tamper(url, schema).truncate_after(kept.last_position, seals_too=seals_too)
        damage = verify(audit_of(url, schema), KEY.public_key(), exported).damage
        assert damage is not None
        assert (damage.position, damage.kind) == (kept.last_position + 1, TRUNCATED)


@STORES
@bounded
@given(streams=st.lists(st.integers(0, 5), min_size=3, max_size=30), data=st.data())
def test_seal_digests_split_differently_are_found(kind: str, streams: list[int],
                                                  data: st.DataObject) -> None:
    # The fast path compares each seal column as one byte string: bytes moved from one row's
    # digest to the next keep that string, and must still be found, at the first row.
    with fresh_store(kind) as (url, schema):
        n = write_history(url, schema, streams)
        seal_store(url, schema, 4)
        position = data.draw(st.integers(min_value=1, max_value=n - 1), label="position")
        Tamper(url, schema).shift_digest_byte(position)
        damage = verify(audit_of(url, schema), KEY.public_key()).damage
        assert damage is not None
        assert (damage.position, damage.kind) == (position, MODIFIED_ENVELOPE), str(damage)


@STORES
def test_a_batch_sent_row_by_row_without_damage_lets_verify_go_on(kind: str) -> None:
    # Whatever makes the fast path give up on a sound batch, the row-by-row walk decides, and
    # the batches after it are read and checked as usual.
    import replay.verify as verify_module

    calls: list[int] = []
    fast = verify_module.batch_leaves

    def fussy(*args: Any) -> Any:
        calls.append(1)
        return None if len(calls) == 2 else fast(*args)

    with pytest.MonkeyPatch.context() as patch, fresh_store(kind) as (url, schema):
        patch.setattr(verify_module, "BATCH", 4)
        patch.setattr(verify_module, "BATCH_HEIGHT", 2)
        patch.setattr(verify_module, "batch_leaves", fussy)
        n = write_history(url, schema, [i % 5 for i in range(19)])
        seal_store(url, schema, 3)
        write_history(url, schema, [9], seed=1)
        result = verify(audit_of(url, schema), KEY.public_key())
        assert result.damage is None
        assert (result.events, result.checkpoints, result.unsealed) == (n, 7, 1)
        assert len(calls) == 5  # batches 1, 2 (row by row), then 3, 4, 5 read afresh
        Tamper(url, schema).flip_byte(18, 3)
        damage = verify(audit_of(url, schema), KEY.public_key()).damage
        assert damage is not None
        assert (damage.position, damage.kind) == (18, MODIFIED_PAYLOAD)


@STORES
@pytest.mark.parametrize(("change", "expected"), [
    (None, None), ("flip byte", (13, MODIFIED_PAYLOAD)), ("forge seals", (16, FORGED_SEALS)),
    ("delete", (6, MISSING_EVENT))])
def test_across_many_verify_batches(kind: str, change: str | None,
                                    expected: tuple[int, str] | None) -> None:
    # Batches of 4 rows instead of 16384: checkpoints fall inside, at and across batches.
    import replay.verify as verify_module

    with pytest.MonkeyPatch.context() as patch, fresh_store(kind) as (url, schema):
        patch.setattr(verify_module, "BATCH", 4)
        patch.setattr(verify_module, "BATCH_HEIGHT", 2)
        n = write_history(url, schema, [i % 7 for i in range(23)])
        seal_store(url, schema, 5)
        tamper = Tamper(url, schema)
        if change == "flip byte":
            tamper.flip_byte(13, 5)
        elif change == "forge seals":
            tamper.forge_seals(17)
        elif change == "delete":
            tamper.delete(6)
        result = verify(audit_of(url, schema), KEY.public_key())
        if expected is None:
            assert result.damage is None
            assert (result.events, result.checkpoints) == (n, 5)
        else:
            assert result.damage is not None
            assert (result.damage.position, result.damage.kind) == expected
