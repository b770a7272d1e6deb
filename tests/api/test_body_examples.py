"""The OpenAPI examples of the staff, olympiad, card and admission command bodies: every command
body has one, and every example is a valid body (a client may copy it)."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from api import schemas_admissions, schemas_staff
from api.schemas import CommandFields

BODIES = sorted((c for m in (schemas_staff, schemas_admissions)
                 for _, c in inspect.getmembers(m, inspect.isclass)
                 if issubclass(c, CommandFields) and c.__module__ == m.__name__),
                key=lambda c: c.__name__)


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
