"""`letopis history certificate|appeal`: a certificate by its number, its balances as of a date."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from domain.certificate_values import certificate_id
from letopis.cli import EXIT_REFUSED, EXIT_USAGE, run
from tests.integration.test_replay_audit import CERTIFICATE, LEARNER, build_audit_example


@pytest.fixture
def story(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'letopis.sqlite'}"
    monkeypatch.setenv("LETOPIS_DATABASE_URL", url)
    monkeypatch.delenv("LETOPIS_DATABASE_SCHEMA", raising=False)
    assert run(["db", "init"]) == 0
    build_audit_example(url)
    return url


def history(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(["history", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_balances_before_the_year_end_expiry(story: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = history(capsys, "certificate", CERTIFICATE, "--as-of",
                             "2026-12-31T23:59:59Z")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"certificate {certificate_id(CERTIFICATE)}"
    assert lines[1].endswith("2 events; 1 recorded later not shown")
    tail = lines[lines.index("balances according to the record as of "
                             "2026-12-31T23:59:59+00:00:"):]
    assert tail[1:] == [
        f"  certificate {CERTIFICATE}: active, kind funding (v2)",
        "    credited 2026           30000.00 roubles",
        "    free:2026               30000.00 roubles",
    ]


def test_balances_now_show_the_expiry_as_json(story: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = history(capsys, "certificate", CERTIFICATE, "--format", "json")
    assert code == 0
    state = json.loads(out)["state"]
    assert state["version"] == 3
    assert state["balances"] == [{"account": "expired:2026", "amount": 3_000_000,
                                  "unit": "roubles"}]


def test_a_malformed_number_is_a_usage_error_before_the_store(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    absent = tmp_path / "absent" / "x.sqlite"
    monkeypatch.setenv("LETOPIS_DATABASE_URL", f"sqlite:///{absent}")
    code, out, err = history(capsys, "certificate", "56000123")
    assert (code, out) == (EXIT_USAGE, "")
    assert err == ("letopis: certificate number '56000123' must be a string of exactly "
                   "10 digits\n")
    assert not absent.parent.exists()


def test_an_unknown_certificate_is_refused(story: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = history(capsys, "certificate", "0000000001")
    assert code == EXIT_REFUSED
    assert "is not in the ledger" in err


def test_appeal_history_refuses_a_stream_of_another_kind(
        story: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = history(capsys, "appeal", str(LEARNER))
    assert (code, out) == (EXIT_REFUSED, "")
    assert f"{LEARNER} is not an appeal, it is a learner" in err
