"""The catch-up's process-wide collector setting: raised while catch-ups run, restored after."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from projections.paging import RELAXED_GC_THRESHOLDS, relaxed_gc


@pytest.fixture
def default_thresholds() -> Iterator[tuple[int, int, int]]:
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield gc.get_threshold()
    gc.set_threshold(*saved)


def test_thresholds_are_raised_during_a_catch_up_and_restored_after(
        default_thresholds: tuple[int, int, int]) -> None:
    with relaxed_gc():
        assert gc.get_threshold() == (*RELAXED_GC_THRESHOLDS, 10)
    assert gc.get_threshold() == default_thresholds


def test_overlapping_catch_ups_restore_only_when_the_last_ends(
        default_thresholds: tuple[int, int, int]) -> None:
    outer = relaxed_gc()
    outer.__enter__()
    with relaxed_gc():
        pass
    assert gc.get_threshold() == (*RELAXED_GC_THRESHOLDS, 10)  # the first one still runs
    outer.__exit__(None, None, None)
    assert gc.get_threshold() == default_thresholds


def test_an_error_inside_still_restores(default_thresholds: tuple[int, int, int]) -> None:
    with pytest.raises(RuntimeError), relaxed_gc():
        raise RuntimeError("fold failed")
    assert gc.get_threshold() == default_thresholds
