"""Bad import files are refused with the offending line named, and nothing is written.

The whole file is checked before the first batch: a bad line near the end must leave the
store untouched even with a batch size that would have committed earlier lines.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from letopis.bootstrap import build_services
from letopis.bulk.dump import dump
from letopis.bulk.format import ImportRefused
from letopis.bulk.importer import import_file, open_target
from letopis.cli import EXIT_REFUSED, run
from letopis.demo import DemoGenerator, DemoPlan, SettableClock
from letopis.settings import Settings
from letopis.store import LedgerRecorder, init_store, open_store


@pytest.fixture(scope="module")
def lines(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("bad")
    url = f"sqlite:///{tmp / 'source.sqlite'}"
    init_store(url)
    clock = SettableClock()
    services = build_services(Settings(database_url=url), clock)
    DemoGenerator(services, clock, DemoPlan(learners=6, years=1, seed=5,
                                            weeks_of_marks=0)).run()
    path = tmp / "region.ndjson"
    with path.open("w") as out:
        dump(services.ledger.store, out)
    services.close()
    return [json.loads(text) for text in path.read_text().splitlines()]


def _write(path: Path, lines: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def _import(store: LedgerRecorder, url: str, schema: str, path: Path) -> Any:
    with open_target(store, url, schema) as target:
        return import_file(store, target, path, batch_size=10)


def _last_with(lines: list[dict[str, Any]], test: Callable[[dict[str, Any]], bool]) -> int:
    return max(i for i, line in enumerate(lines) if test(line))


def _refused(store: LedgerRecorder, store_url: tuple[str, str], path: Path,
             match: str) -> None:
    before = store.count_events()
    with pytest.raises(ImportRefused, match=match):
        _import(store, *store_url, path)
    assert store.count_events() == before


def test_a_version_gap_is_refused(lines: list[dict[str, Any]], store: LedgerRecorder,
                                  store_url: tuple[str, str], tmp_path: Path) -> None:
    bad = [dict(line) for line in lines]
    i = _last_with(bad, lambda line: line["version"] > 1)
    bad[i]["version"] += 1
    _refused(store, store_url, _write(tmp_path / "gap.ndjson", bad),
             rf"line {i + 1}: stream .* leaves a gap")


def test_a_duplicate_stream_version_is_refused(lines: list[dict[str, Any]],
                                               store: LedgerRecorder,
                                               store_url: tuple[str, str],
                                               tmp_path: Path) -> None:
    copy = dict(lines[-1], command_id="another", command_result=lines[-1].get(
        "command_result") or _result_of(lines, len(lines) - 1))
    _refused(store, store_url, _write(tmp_path / "dup.ndjson", [*lines, copy]),
             rf"line {len(lines) + 1}: stream .* duplicates")


def _result_of(lines: list[dict[str, Any]], i: int) -> str:
    while "command_result" not in lines[i]:
        i -= 1
    result: str = lines[i]["command_result"]
    return result


def test_an_unknown_topic_is_refused(lines: list[dict[str, Any]], store: LedgerRecorder,
                                     store_url: tuple[str, str], tmp_path: Path) -> None:
    bad = [dict(line) for line in lines]
    bad[-1]["topic"] = "domain.learner:Learner.Vanished"
    _refused(store, store_url, _write(tmp_path / "topic.ndjson", bad),
             rf"line {len(bad)}: unknown topic")


def test_an_undecodable_state_is_refused(lines: list[dict[str, Any]], store: LedgerRecorder,
                                         store_url: tuple[str, str], tmp_path: Path) -> None:
    bad = [dict(line) for line in lines]
    bad[-1]["state"] = '{"meta": '
    _refused(store, store_url, _write(tmp_path / "state.ndjson", bad),
             rf"line {len(bad)}: state does not decode")


def test_a_state_the_aggregate_cannot_take_is_refused(
        lines: list[dict[str, Any]], store: LedgerRecorder, store_url: tuple[str, str],
        tmp_path: Path) -> None:
    bad = [dict(line) for line in lines]
    i = _last_with(bad, lambda line: line["version"] > 1)
    state = json.loads(bad[i]["state"])
    bad[i]["state"] = json.dumps({k: v for k, v in state.items() if k == "meta"})
    _refused(store, store_url, _write(tmp_path / "fields.ndjson", bad), rf"line {i + 1}: ")


def test_changed_content_under_a_used_command_id_is_refused(
        lines: list[dict[str, Any]], store: LedgerRecorder, store_url: tuple[str, str],
        tmp_path: Path) -> None:
    half = len(lines) // 2
    while "command_result" not in lines[half]:
        half += 1  # cut at a command boundary
    _import(store, *store_url, _write(tmp_path / "first.ndjson", lines[:half]))
    bad = [dict(line) for line in lines]
    state = json.loads(bad[0]["state"])
    state["meta"]["source_system"] = "elsewhere"
    bad[0]["state"] = json.dumps(state)

    _refused(store, store_url, _write(tmp_path / "changed.ndjson", bad),
             r"line 1: command id .* already recorded in the store with different content")
    # The new second half was not written either.
    assert store.command_outcome(lines[-1]["command_id"]) is None


def test_cli_refuses_with_one_line_and_exit_3(lines: list[dict[str, Any]], tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'target.sqlite'}"
    init_store(url)
    monkeypatch.setenv("LETOPIS_DATABASE_URL", url)
    bad = [dict(line) for line in lines]
    bad[-1]["topic"] = "nowhere:Nothing"
    path = _write(tmp_path / "bad.ndjson", bad)

    assert run(["import", str(path), "--quiet"]) == EXIT_REFUSED
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"letopis: import refused, nothing written: line {len(bad)}: ")
    good = _write(tmp_path / "good.ndjson", lines)
    assert run(["import", str(good), "--quiet"]) == 0
    store = open_store(url)
    try:
        assert store.count_events() == len(lines)
    finally:
        store.close()
    out = tmp_path / "again.ndjson"
    assert run(["dump-events", "--out", str(out)]) == 0
    assert [json.loads(t) for t in out.read_text().splitlines()] == lines
