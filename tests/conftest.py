"""Shared fixtures: a ledger on each store, a fixed clock, hypothesis profiles."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from letopis.clock import FixedClock
from letopis.ledger import Ledger
from letopis.privacy import MasterKey, PersonalDataService, open_keystore
from letopis.store import LedgerRecorder, init_store, open_store
from tests.pg import fresh_schema

# The default profile is fast and derandomized (the same examples on every run, so CI is
# reproducible); "thorough" explores new ones: HYPOTHESIS_PROFILE=thorough make test.
settings.register_profile("default", max_examples=50, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=1000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

START = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(database URL, schema) of a fresh, initialised store of each kind."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'letopis.sqlite'}"
        init_store(url)
        yield url, "letopis"
    else:
        with fresh_schema() as (url, schema):
            yield url, schema


@pytest.fixture
def store(store_url: tuple[str, str]) -> Iterator[LedgerRecorder]:
    url, schema = store_url
    recorder = open_store(url, schema)
    yield recorder
    recorder.close()


@pytest.fixture
def ledger(store: LedgerRecorder) -> Ledger:
    return Ledger(store, FixedClock(START))


KeyedServices = Callable[[MasterKey], PersonalDataService]

# A fixed master key for tests (never one of production's): base64 of bytes 0..31.
TEST_MASTER_KEY = MasterKey(bytes(range(32)))


@pytest.fixture
def keyed(ledger: Ledger, store_url: tuple[str, str]) -> Iterator[KeyedServices]:
    """Makes personal-data services over the `ledger` fixture's store, one per master key;
    closes their key stores afterwards."""
    opened: list[PersonalDataService] = []

    def make(master: MasterKey) -> PersonalDataService:
        service = PersonalDataService(ledger, open_keystore(*store_url), master,
                                      FixedClock(START))
        opened.append(service)
        return service

    yield make
    for service in opened:
        service.keystore.close()


@pytest.fixture
def personal_data(keyed: KeyedServices) -> PersonalDataService:
    """The personal-data service over the `ledger` fixture's store and its own key store."""
    return keyed(TEST_MASTER_KEY)


@pytest.fixture
def cli_ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Ledger]:
    """A ledger on a fresh SQLite store that `letopis …` commands run in the test also use
    (LETOPIS_DATABASE_URL points at it)."""
    url = f"sqlite:///{tmp_path / 'letopis.sqlite'}"
    monkeypatch.setenv("LETOPIS_DATABASE_URL", url)
    monkeypatch.delenv("LETOPIS_DATABASE_SCHEMA", raising=False)
    init_store(url)
    recorder = open_store(url)
    try:
        yield Ledger(recorder, FixedClock(START))
    finally:
        recorder.close()
