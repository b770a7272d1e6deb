"""docs/api.md names every endpoint: each literal segment of every route's path is in it."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.app import create_app
from letopis.settings import Settings
from tests.api.commands_support import api_routes

DOC = (Path(__file__).parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
_APP = create_app(Settings(database_url="sqlite:///unused.sqlite"))
_SCHEMA_ROUTES = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
ROUTES = sorted({r.path for r in api_routes(_APP.routes)} - _SCHEMA_ROUTES)


@pytest.mark.parametrize("path", ROUTES)
def test_docs_api_names_the_endpoint(path: str) -> None:
    literal = [s for s in path.split("/") if s and not s.startswith("{")]
    missing = [s for s in literal if f"/{s}" not in DOC]
    assert not missing, f"docs/api.md does not name {path} ({missing})"
