"""The OpenAPI examples of the command bodies: every command body in every `api.schemas_*`
module has one, and every example is a valid body (a client may copy it)."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
from types import ModuleType
from typing import Any

import pytest
from pydantic import BaseModel

import api
from api.routes.feed import FeedPage
from api.schemas import CommandFields, CommandResult, Document, Page, Problem

# Every module of request bodies, found by name so that a new one is covered without an edit.
MODULES: list[ModuleType] = [importlib.import_module(f"api.{m.name}")
                             for m in pkgutil.iter_modules(api.__path__)
                             if m.name.startswith("schemas_")]
BODIES = sorted((c for m in MODULES for _, c in inspect.getmembers(m, inspect.isclass)
                 if issubclass(c, CommandFields) and c.__module__ == m.__name__),
                key=lambda c: c.__name__)


def test_bodies_are_found_in_every_module_of_command_bodies() -> None:
    found = {c.__module__ for c in BODIES}
    assert found >= {"api.schemas_commands", "api.schemas_registry", "api.schemas_funding",
                     "api.schemas_exams", "api.schemas_staff", "api.schemas_admissions"}


def _examples(body: type[CommandFields]) -> list[dict[str, Any]]:
    extra = body.model_config.get("json_schema_extra")
    found = extra.get("examples", []) if isinstance(extra, dict) else []
    return [e for e in found if isinstance(e, dict)] if isinstance(found, list) else []


@pytest.mark.parametrize("body", BODIES, ids=lambda c: c.__name__)
def test_every_command_body_has_a_valid_example(body: type[CommandFields]) -> None:
    examples = _examples(body)
    assert examples, f"{body.__name__} has no OpenAPI example"
    for example in examples:
        body.model_validate(example)  # raises on an example that is not a valid body
        assert body.model_json_schema()["examples"] == examples


RESPONSES = [Problem, CommandResult, Page, Document, FeedPage]


@pytest.mark.parametrize("model", RESPONSES, ids=lambda c: c.__name__)
def test_response_examples_are_valid_and_spell_ids_in_full(model: type[BaseModel]) -> None:
    examples = model.model_json_schema()["examples"]
    assert examples, f"{model.__name__} has no OpenAPI example"
    for example in examples:
        model.model_validate(example)
        assert "…" not in json.dumps(example, ensure_ascii=False), "an elided id in the example"
