"""Property: an allocation round saved to the store and read back replays to exactly the offers
it recorded; the allocation does not depend on the order the snapshot was given in; no place is
offered twice or beyond what was declared; and every child left without a place found each of
its eligible preferences full of children served before it."""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import UUID

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.kindergarten_allocation import PreferenceResult, allocate
from domain.kindergarten_round import AllocationRound
from domain.kindergarten_values import FreePlaces, PrivilegeCategory, QueueEntry
from letopis.clock import FixedClock
from letopis.ledger import Ledger
from letopis.store import init_store, open_store
from tests.factories import make_meta

ORGS = [UUID(int=31), UUID(int=32), UUID(int=33)]
GROUPS = ["1-2", "3-4"]
T0 = datetime(2026, 1, 10, 9, tzinfo=UTC)
PLACES_FROM = date(2026, 9, 1)

entries = st.lists(st.tuples(
    st.sampled_from(list(PrivilegeCategory)), st.integers(0, 5),  # few minutes: ties happen
    st.sampled_from(GROUPS), st.booleans(),
    st.lists(st.sampled_from(ORGS), min_size=1, max_size=3, unique=True)),
    max_size=14)
declared = st.dictionaries(st.tuples(st.sampled_from(ORGS), st.sampled_from(GROUPS)),
                           st.integers(1, 3), min_size=1, max_size=4)


def snapshot(raw: list[tuple[PrivilegeCategory, int, str, bool, list[UUID]]]
             ) -> tuple[QueueEntry, ...]:
    return tuple(QueueEntry(UUID(int=9000 + n), UUID(int=8000 + n), privilege,
                            T0 + timedelta(minutes=minutes), group,
                            PLACES_FROM + timedelta(days=120 if later else 0), tuple(prefs))
                 for n, (privilege, minutes, group, later, prefs) in enumerate(raw))


@settings(max_examples=25)
@given(raw=entries, places=declared, shuffle=st.randoms(use_true_random=False))
def test_a_round_replayed_from_the_store_reproduces_its_allocation(
        raw: list[tuple[PrivilegeCategory, int, str, bool, list[UUID]]],
        places: dict[tuple[UUID, str], int], shuffle: object) -> None:
    queue = snapshot(raw)
    free = tuple(FreePlaces(org, group, count) for (org, group), count in places.items())
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'letopis.sqlite'}"
        init_store(url)
        store = open_store(url, "letopis")
        try:
            round_ = AllocationRound.open(municipality="Оренбург", held_on=date(2026, 6, 1),
                                          places_from=PLACES_FROM, places=free,
                                          meta=make_meta())
            recorded = round_.allocate(queue=queue, meta=make_meta()).offers
            Ledger(store, FixedClock(T0)).save(round_)
            reread = Ledger(store, FixedClock(T0)).load(AllocationRound, round_.id, "round")
            assert reread.allocated_offers == recorded
            assert reread.replay().offers == recorded
        finally:
            store.close()

    shuffled = list(queue)
    shuffle.shuffle(shuffled)  # type: ignore[attr-defined]
    allocation = allocate(shuffled, free, PLACES_FROM)
    assert allocation.offers == recorded
    taken: dict[tuple[UUID, str], int] = {}
    for offer in recorded:
        key = (offer.organisation_id, offer.age_group)
        taken[key] = taken.get(key, 0) + 1
    assert all(count <= places[key] for key, count in taken.items())
    assert len({o.application_id for o in recorded}) == len(recorded)
    for decision in allocation.decisions:
        if decision.offer is None and not decision.waiting:
            for outcome in decision.preferences:
                assert outcome.result in (PreferenceResult.FULL, PreferenceResult.NOT_DECLARED)
                if outcome.result is PreferenceResult.FULL:
                    key = (outcome.organisation_id, decision.entry.age_group)
                    assert len(outcome.taken_by) == places[key]
                    assert max(outcome.taken_by) < decision.position
