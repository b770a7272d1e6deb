"""The catch-up's process-wide settings (collector thresholds, GIL switch interval): changed
while catch-ups run, restored after."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator

import pytest

from projections.paging import (
    QUICK_SWITCH_INTERVAL,
    RELAXED_GC_THRESHOLDS,
    quick_handoff,
    relaxed_gc,
)


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


def test_the_switch_interval_is_shortened_during_a_catch_up_and_restored_after() -> None:
    saved = sys.getswitchinterval()
    sys.setswitchinterval(0.005)
    try:
        outer = quick_handoff()
        outer.__enter__()
        with quick_handoff():
            assert sys.getswitchinterval() == pytest.approx(QUICK_SWITCH_INTERVAL)
        assert sys.getswitchinterval() == pytest.approx(QUICK_SWITCH_INTERVAL)  # outer runs
        outer.__exit__(None, None, None)
        assert sys.getswitchinterval() == pytest.approx(0.005)
        with pytest.raises(RuntimeError), quick_handoff():
            raise RuntimeError("fold failed")
        assert sys.getswitchinterval() == pytest.approx(0.005)
    finally:
        sys.setswitchinterval(saved)
