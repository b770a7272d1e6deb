"""The bulk path's fast mark check refuses what `MarkService.record_mark` refuses.

Each case changes one mark of a generated region file the way a foreign export could be
wrong, shows that the command path refuses the same mark (a domain error), and that the
import refuses the file naming the row, with nothing written. Marks of another shape leave
the fast path and are replayed in full, still with unique mark ids.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from domain.errors import DomainError
from domain.gradebook_values import MarkKind, MarkValue, Period, PeriodKind, Scale
from letopis.bootstrap import build_services
from letopis.bulk.format import ImportRefused
from letopis.bulk.importer import import_file, open_target
from letopis.demo import DemoPlan, SettableClock
from letopis.demo_files import generate_files
from letopis.ledger import CommandContext
from letopis.settings import Settings
from letopis.store import LedgerRecorder, init_store

MARK = "domain.gradebook:Gradebook.MarkRecorded"
PLAN = DemoPlan(learners=4, years=1, seed=9, weeks_of_marks=3)
Row = dict[str, Any]
MARK_ID = r'("mark_id":\{"_type_":"uuid_hex","_data_":")\w+'


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory) -> list[Row]:
    path = tmp_path_factory.mktemp("marks") / "region.ndjson"
    generate_files(PLAN, path, "ndjson")
    return [json.loads(text) for text in path.read_text().splitlines()]


def _marks(rows: list[Row]) -> list[int]:
    return [i for i, row in enumerate(rows) if row["topic"] == MARK]


def _set(state: str, pattern: str, value: str) -> str:
    changed, n = re.subn(pattern, value, state, count=1)
    assert n == 1, pattern
    return changed


def _value_6(rows: list[Row], i: int) -> int:
    rows[i]["state"] = _set(rows[i]["state"], r'"value":"\d"', '"value":"6"')
    return i


def _lesson_next_year(rows: list[Row], i: int) -> int:
    rows[i]["state"] = _set(rows[i]["state"], r'"lesson_on":\{"_type_":"date_iso","_data_":"2025',
                            '"lesson_on":{"_type_":"date_iso","_data_":"2027')
    return i


def _mark_id_reused(rows: list[Row], i: int) -> int:
    earlier = rows[i - 1]["state"]  # the gradebook's previous mark
    mark_hex = re.search(r'"mark_id":\{"_type_":"uuid_hex","_data_":"(\w+)"', earlier)
    assert mark_hex is not None
    rows[i]["state"] = _set(rows[i]["state"], MARK_ID, r"\g<1>" + mark_hex.group(1))
    return i


def _second_quarter_mark(rows: list[Row], i: int) -> int:
    """Row i becomes the gradebook's quarter mark (new id): the real one, later, is refused."""
    quarter = next(j for j in range(i, len(rows)) if rows[j]["topic"] == MARK
                   and '"kind":{"_type_":"letopis.MarkKind","_data_":"period"' in rows[j]["state"])
    rows[i]["state"] = _set(rows[quarter]["state"], MARK_ID, r"\g<1>" + "ab" * 16)
    return quarter


def _period_5(rows: list[Row], i: int) -> int:
    _second_quarter_mark(rows, i)
    rows[i]["state"] = _set(rows[i]["state"], r'"number":1', '"number":5')
    return i


# Each case: how the file is changed, and the same mistake made on the command path.
CASES: dict[str, tuple[Callable[[list[Row], int], int], dict[str, Any], str]] = {
    "value off the scale": (_value_6, {"value": MarkValue(Scale.FIVE_POINT, "6")},
                            "not a mark on the five_point scale"),
    "lesson outside the year": (_lesson_next_year, {"lesson_on": date(2027, 9, 8)},
                                "outside the gradebook's academic year"),
    "mark id reused": (_mark_id_reused, {"same_mark_id": True}, "already used"),
    "second quarter mark": (_second_quarter_mark,
                            {"kind": MarkKind.PERIOD, "period": Period(PeriodKind.QUARTER, 1),
                             "lesson_on": None, "work_kind": None, "second_period": True},
                            "already recorded"),
    "no such quarter": (_period_5, {"kind": MarkKind.PERIOD, "lesson_on": None,
                                    "period": Period(PeriodKind.QUARTER, 5),
                                    "work_kind": None}, "not a period of the year"),
}


def _command_path_refuses(tmp: Path, change: dict[str, Any]) -> None:
    url = f"sqlite:///{tmp / 'commands.sqlite'}"
    init_store(url)
    clock = SettableClock()
    services = build_services(Settings(database_url=url), clock)
    try:
        learner = UUID(int=1)
        services.learners.register(_ctx("c0"), learner, None)
        mark: dict[str, Any] = {"subject": "Математика", "academic_year": "2025/2026",
                                "mark_id": UUID(int=7), "kind": MarkKind.CURRENT,
                                "value": MarkValue(Scale.FIVE_POINT, "4"),
                                "lesson_on": date(2025, 9, 8), "work_kind": "lesson",
                                "period": None}
        first = dict(mark)
        if change.pop("second_period", False):
            first.update(kind=MarkKind.PERIOD, lesson_on=None, work_kind=None,
                         period=Period(PeriodKind.QUARTER, 1))
        services.marks.record_mark(_ctx("c1"), learner, **first)
        if not change.pop("same_mark_id", False):
            mark["mark_id"] = UUID(int=8)
        mark.update(change)
        with pytest.raises(DomainError):
            services.marks.record_mark(_ctx("c2"), learner, **mark)
    finally:
        services.close()


def _teacher() -> Any:
    from domain.envelope import Actor, Role

    return Actor(user_id="teacher-1", role=Role.TEACHER)


def _ctx(command_id: str) -> CommandContext:
    return CommandContext(actor=_teacher(), command_id=command_id, effective_on=date(2025, 9, 8))


@pytest.mark.parametrize("case", list(CASES))
def test_the_import_refuses_a_mark_the_command_path_refuses(
        case: str, rows: list[Row], store: LedgerRecorder, store_url: tuple[str, str],
        tmp_path: Path) -> None:
    change_file, change_command, message = CASES[case]
    _command_path_refuses(tmp_path, dict(change_command))
    changed = [dict(row) for row in rows]
    # Late in the file: earlier batches would have committed.
    refused = change_file(changed, _marks(changed)[-3])
    path = tmp_path / "bad.ndjson"
    path.write_text("".join(json.dumps(row) + "\n" for row in changed))

    with pytest.raises(ImportRefused, match=f"line {refused + 1}: .*{message}"), \
            open_target(store, *store_url) as bulk:
        import_file(store, bulk, path, batch_size=10)

    assert store.count_events() == 0


def _other_shape(rows: list[Row]) -> tuple[list[Row], int]:
    changed = [dict(row) for row in rows]
    target = _marks(changed)[-3]
    # Another source system, with an escaped character: not the fast shape.
    changed[target]["state"] = _set(changed[target]["state"], r'"source_system":"demo"',
                                    '"source_system":"d\\\\u00e9mo"')
    return changed, target


def test_a_mark_of_another_shape_is_replayed_in_full(
        rows: list[Row], store: LedgerRecorder, store_url: tuple[str, str],
        tmp_path: Path) -> None:
    changed, _ = _other_shape(rows)
    path = tmp_path / "other.ndjson"
    path.write_text("".join(json.dumps(row) + "\n" for row in changed))

    with open_target(store, *store_url) as bulk:
        report = import_file(store, bulk, path, batch_size=10)

    assert report.events == store.count_events() == len(rows)
    assert report.deferred_streams == 1
    assert report.fast_marks == len(_marks(rows)) - 3  # the changed mark and the two after it


def test_a_replayed_gradebook_still_refuses_a_reused_mark_id(
        rows: list[Row], store: LedgerRecorder, store_url: tuple[str, str],
        tmp_path: Path) -> None:
    changed, target = _other_shape(rows)
    _mark_id_reused(changed, target)
    path = tmp_path / "other-reused.ndjson"
    path.write_text("".join(json.dumps(row) + "\n" for row in changed))

    with pytest.raises(ImportRefused, match=f"line {target + 1}: .*already used"), \
            open_target(store, *store_url) as bulk:
        import_file(store, bulk, path, batch_size=10)

    assert store.count_events() == 0
