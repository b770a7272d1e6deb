"""`letopis token issue|demo`: signed tokens with the role's scope, clear refusals."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

import pytest

from api.auth import ApiRole, decode_token
from letopis.cli import EXIT_USAGE, run
from letopis.settings import Settings


def test_token_issue_carries_the_role_and_its_scope(capsys: pytest.CaptureFixture[str]) -> None:
    organisation = uuid4()
    code = run(["token", "issue", "--role", "class_teacher", "--org", str(organisation),
                "--class", "5А", "--ttl", "30m"])
    assert code == 0
    principal = decode_token(Settings(), capsys.readouterr().out.strip())
    assert principal.role is ApiRole.CLASS_TEACHER
    assert principal.organisation_id == organisation
    assert principal.class_name == "5А"


def test_token_issue_refuses_a_role_without_its_scope(capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    assert run(["token", "issue", "--role", "parent"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.strip() == "letopis: role parent needs --learner"


def test_token_demo_prints_one_token_per_role(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("LETOPIS_DATABASE_URL", f"sqlite:///{tmp_path / 'l.sqlite'}")
    assert run(["db", "init"]) == 0
    assert run(["demo", "generate", "--learners", "2", "--weeks", "0"]) == 0
    capsys.readouterr()
    assert run(["token", "demo"]) == 0
    lines = capsys.readouterr().out.splitlines()
    roles = [line.split()[1] for line in lines if line.startswith("# ")]
    assert roles == [r.value for r in ApiRole if r is not ApiRole.PUBLIC]
    tokens = [line for line in lines if not line.startswith("# ")]
    assert decode_token(Settings(), tokens[-1]).learner_id is not None


def test_serve_with_workers_follows_the_read_models_in_the_parent_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    import api.runtime

    monkeypatch.setenv("LETOPIS_DATABASE_URL", f"sqlite:///{tmp_path / 'l.sqlite'}")
    monkeypatch.setenv("LETOPIS_API_FOLLOW_PROJECTIONS", "true")  # restored afterwards
    assert run(["db", "init"]) == 0  # serve refuses a store that was never initialised
    served: list[tuple[object, dict[str, object], str | None]] = []
    following: list[str] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.append(
        (app, options, __import__("os").environ.get("LETOPIS_API_FOLLOW_PROJECTIONS"))))
    monkeypatch.setattr(api.runtime, "open_follower",
                        lambda settings: following.append("on") or (
                            lambda: following.append("off")))
    assert run(["serve", "--workers", "2", "--port", "8123"]) == 0
    (app, options, follow_in_workers), = served
    assert app == "api.app:create_app"
    assert options["factory"] is True
    assert options["workers"] == 2
    assert options["port"] == 8123
    assert follow_in_workers == "false"  # the workers' settings: no follow loop of their own
    assert following == ["on", "off"]  # the parent's loop, stopped when the server stops
