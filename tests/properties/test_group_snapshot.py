"""A certificate group restored from a snapshot at any version, plus the events after it, is
the group its full replay gives (letopis/snapshots.py; on the stores: tests/integration/
test_group_snapshots.py)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from domain.certificate_group import CertificateGroup
from domain.money import Unit
from letopis import snapshots
from tests.factories import make_meta


def _replay(events: list[Any], aggregate: Any = None) -> Any:
    for domain_event in events:
        aggregate = domain_event.mutate(aggregate)
    return aggregate


@given(ids=st.lists(st.integers(1, 2**128 - 1), unique=True, max_size=40),
       unit=st.sampled_from(Unit), cut=st.integers(1, 41), cached=st.booleans())
def test_snapshot_plus_later_events_equals_a_full_replay(ids: list[int], unit: Unit,
                                                         cut: int, cached: bool) -> None:
    group = CertificateGroup.establish(
        municipality="Орск", year=2026, nominal=3, unit=unit, max_certificates=len(ids),
        max_nominal_sum=3 * len(ids), meta=make_meta())
    for number in ids:
        group.admit(certificate_id=UUID(int=number), meta=make_meta())
    events = group.collect_events()
    cut = min(cut, len(events))
    snapshot = snapshots.take(_replay(events[:cut]))
    assert snapshot is not None
    assert snapshot.originator_version == cut
    if not cached:  # the id set decoded from the text, not the one remembered when encoding
        snapshots._GROUP_IDS.clear()
    restored = snapshots.restore(snapshot)
    assert isinstance(restored, CertificateGroup)
    assert vars(_replay(events[cut:], restored)) == vars(_replay(events)) == vars(group)
