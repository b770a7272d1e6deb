"""API fixtures: an app over a fresh store (SQLite by default), tokens for every role."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import ApiRole, issue_token
from letopis.settings import Settings
from letopis.store import init_store
from tests.conftest import TEST_MASTER_KEY
from tests.pg import drop_schema, fresh_schema


def make_settings(url: str, schema: str = "letopis") -> Settings:
    # A master key, so free texts (appeal statements, reasons) can be sealed.
    return Settings(database_url=url, database_schema=schema, api_max_wait_seconds=30.0,
                    api_follow_projections=True, master_key=TEST_MASTER_KEY.to_base64())


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    url = f"sqlite:///{tmp_path / 'letopis.sqlite'}"
    init_store(url)
    return make_settings(url)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(params=["sqlite", "postgres"])
def any_client(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestClient]:
    """The same test on both stores."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'letopis.sqlite'}"
        init_store(url)
        with TestClient(create_app(make_settings(url)),
                        raise_server_exceptions=False) as test_client:
            yield test_client
    else:
        with fresh_schema() as (url, schema):
            try:
                with TestClient(create_app(make_settings(url, schema)),
                                raise_server_exceptions=False) as test_client:
                    yield test_client
            finally:
                drop_schema(url, f"{schema}_proj")


class Tokens:
    """Bearer headers for each role, scoped to the given organisation, class and learner."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def __call__(self, role: ApiRole, *, org: UUID | None = None,
                 municipality: str | None = None, class_name: str | None = None,
                 learner: UUID | None = None) -> dict[str, str]:
        if role is ApiRole.PUBLIC:
            return {}
        token = issue_token(self.settings, subject=f"test-{role.value}", role=role,
                            organisation_id=org, municipality=municipality,
                            class_name=class_name, learner_id=learner)
        return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def tokens(settings: Settings) -> Tokens:
    return Tokens(settings)


def new_id() -> str:
    return str(uuid4())
