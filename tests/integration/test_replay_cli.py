"""`letopis history` run in-process against a temporary SQLite store holding the audit story.

Bad --as-of / --effective-on values are usage errors (exit 2) with one "letopis: ..." line,
found before the store is even opened.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from letopis.cli import EXIT_REFUSED, EXIT_USAGE, run
from replay.event_id import event_id
from tests.integration.test_replay_audit import (
    GRADEBOOK,
    LEARNER,
    MARK,
    SCHOOL,
    build_audit_example,
)


@pytest.fixture
def story(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'letopis.sqlite'}"
    monkeypatch.setenv("LETOPIS_DATABASE_URL", url)
    monkeypatch.delenv("LETOPIS_DATABASE_SCHEMA", raising=False)
    assert run(["db", "init"]) == 0
    build_audit_example(url)
    return url


@pytest.fixture
def no_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A URL naming a store that does not exist: an argument error must come first."""
    path = tmp_path / "absent" / "letopis.sqlite"
    monkeypatch.setenv("LETOPIS_DATABASE_URL", f"sqlite:///{path}")
    return path


def history(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(["history", *args])
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(err: str) -> str:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("letopis: ")
    return lines[0]


@pytest.mark.parametrize(("value", "says"), [
    ("yesterday", "--as-of 'yesterday' is not an ISO 8601 date and time"),
    ("2026-13-01T00:00", "--as-of '2026-13-01T00:00' is not an ISO 8601 date and time"),
    ("2026-10-10", "--as-of '2026-10-10' is a date without a time"),
    ("", "--as-of '' is not an ISO 8601 date and time"),
])
def test_a_bad_as_of_is_a_usage_error(no_store: Path, capsys: pytest.CaptureFixture[str],
                                      value: str, says: str) -> None:
    code, out, err = history(capsys, "learner", str(LEARNER), "--as-of", value)
    assert code == EXIT_USAGE
    assert out == ""
    line = one_error_line(err)
    assert says in line
    assert "2026-10-10T23:59:59Z" in line  # says what would work
    assert not no_store.parent.exists()  # refused before any store was touched


def test_a_bad_as_of_is_a_usage_error_with_a_store_too(
        story: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = history(capsys, "learner", str(LEARNER), "--as-of", "10.10.2026")
    assert code == EXIT_USAGE
    assert out == ""
    assert "--as-of '10.10.2026'" in one_error_line(err)


@pytest.mark.parametrize("value", ["1 Sep", "2026-09-31", "2026-09-01T00:00"])
def test_a_bad_effective_on_is_a_usage_error(no_store: Path, capsys: pytest.CaptureFixture[str],
                                             value: str) -> None:
    code, out, err = history(capsys, "learner", str(LEARNER), "--effective-on", value)
    assert code == EXIT_USAGE
    assert out == ""
    assert f"--effective-on {value!r} is not a date" in one_error_line(err)


def test_effective_on_is_refused_for_a_gradebook(no_store: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = history(capsys, "gradebook", str(GRADEBOOK), "--effective-on", "2026-09-01")
    assert code == EXIT_USAGE
    assert "not a gradebook" in one_error_line(err)


def test_a_stream_of_another_kind_is_refused(story: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = history(capsys, "learner", str(SCHOOL))
    assert code == EXIT_REFUSED
    assert out == ""
    assert f"{SCHOOL} is not a learner, it is an organisation" in one_error_line(err)


def test_history_now(story: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = history(capsys, "learner", str(LEARNER))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[:2] == [f"learner {LEARNER}", "the record as it stands now: 4 events"]
    assert [line.split()[0] for line in lines if line.startswith("v")] == [
        "v1", "v2", "v3", "v4"]
    assert f"    event id        {event_id(LEARNER, 4)}" in lines
    assert "in force" not in out  # no --effective-on, no answer


def test_history_as_of_10_october_with_the_placement_on_1_september(
        story: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = history(capsys, "learner", str(LEARNER), "--as-of", "2026-10-10T23:59:59Z",
                           "--effective-on", "2026-09-01")
    assert code == 0
    lines = out.splitlines()
    assert lines[1] == ("the record as of 2026-10-10T23:59:59+00:00: 2 events; "
                        "2 recorded later not shown")
    assert "Learner.EntryCancelled" not in out
    assert lines[-5] == ("in force on 2026-09-01 according to the record as of "
                         "2026-10-10T23:59:59+00:00:")
    assert ", class 5Б, " in lines[-3]
    assert lines[-2].endswith(f"by v2 (event {event_id(LEARNER, 2)})")


def test_as_of_offsets_and_naive_times_mean_the_same_moment(
        story: str, capsys: pytest.CaptureFixture[str]) -> None:
    # 11:00 UTC is the cancellation's recorded time: inclusive, in any notation.
    for moment in ("2026-10-12T11:00:00Z", "2026-10-12T14:00:00+03:00", "2026-10-12T11:00"):
        code, out, _ = history(capsys, "learner", str(LEARNER), "--as-of", moment,
                               "--format", "json")
        assert code == 0
        body = json.loads(out)
        assert body["as_of"] == "2026-10-12T11:00:00+00:00"
        assert [e["version"] for e in body["events"]] == [1, 2, 3]


def test_json_answers_now_versus_then(story: str, capsys: pytest.CaptureFixture[str]) -> None:
    def placed(*extra: str) -> dict[str, object] | None:
        code, out, _ = history(capsys, "learner", str(LEARNER), "--effective-on", "2026-09-01",
                               "--format", "json", *extra)
        assert code == 0
        general: dict[str, object] | None = json.loads(out)["in_force"]["general"]
        return general

    now = placed()
    assert now is not None
    assert now["version"] == 4
    then = placed("--as-of", "2026-10-10T23:59:59Z")
    assert then is not None
    assert then["version"] == 2
    assert then["event_id"] == str(event_id(LEARNER, 2))
    assert placed("--as-of", "2026-09-04T23:59:59Z") is None  # the order was not yet entered


def test_gradebook_history_shows_the_correction(story: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = history(capsys, "gradebook", str(GRADEBOOK), "--format", "json")
    assert code == 0
    fix = json.loads(out)["events"][2]
    assert fix["event_type"] == "Gradebook.MarkCorrected"
    assert fix["corrects"] == {"version": 2, "event_id": str(event_id(GRADEBOOK, 2)),
                               "event_type": "Gradebook.MarkRecorded", "mark_id": str(MARK),
                               "previous_value": {"scale": "five_point", "value": "3"}}


def test_organisation_details_on_a_date(story: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = history(capsys, "organisation", str(SCHOOL), "--effective-on", "2027-01-01")
    assert code == 0
    assert "    short name      МОАУ Лицей № 1" in out.splitlines()
    code, out, _ = history(capsys, "organisation", str(SCHOOL), "--effective-on", "2027-01-01",
                           "--as-of", "2026-12-01T00:00:00Z")
    assert code == 0
    assert "    short name      МОАУ СОШ № 1" in out.splitlines()


def test_nothing_recorded_yet_is_an_answer_not_an_error(
        story: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = history(capsys, "learner", str(LEARNER), "--as-of", "2026-08-01T00:00:00Z",
                             "--effective-on", "2026-09-01")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[1] == ("the record as of 2026-08-01T00:00:00+00:00: 0 events; "
                        "4 recorded later not shown")
    assert lines[-2:] == ["  general education: none", "  additional education: none"]
