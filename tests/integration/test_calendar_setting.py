"""A region loads its own production calendar through LETOPIS_CALENDAR_FILE."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from domain.calendar_ru import RUSSIA, RUSSIA_TEXT
from letopis.bootstrap import build_services
from letopis.cli import EXIT_USAGE, run
from letopis.settings import Settings
from letopis.store import init_store


def test_region_calendar_file_reaches_the_services(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'letopis.sqlite'}"
    init_store(url)
    region_file = tmp_path / "orenburg.calendar"
    region_file.write_text(RUSSIA_TEXT.replace("region ", "region Orenburg ", 1),
                           encoding="utf-8")
    services = build_services(Settings(database_url=url, calendar_file=region_file))
    try:
        assert services.exams.calendar is not RUSSIA
        assert services.exams.calendar.region != RUSSIA.region
        assert services.acceptance.calendar == services.exams.calendar
    finally:
        services.close()


def test_missing_calendar_file_is_a_clear_usage_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("LETOPIS_DATABASE_URL", f"sqlite:///{tmp_path / 'letopis.sqlite'}")
    monkeypatch.setenv("LETOPIS_CALENDAR_FILE", str(tmp_path / "nope.calendar"))
    assert run(["db", "init"]) == 0
    assert run(["history", "learner", str(uuid.uuid4())]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "cannot read the production calendar" in err
    assert "Traceback" not in err
