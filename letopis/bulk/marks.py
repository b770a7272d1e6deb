"""The bulk path's fast check of `Gradebook.MarkRecorded`, ~99% of a region's events.

Decoding a mark with the mapper and applying it to its gradebook costs ~50 µs; at 100M
events that alone is over an hour. For a gradebook opened in the same file, a mark whose
stored state has exactly the shape the mapper writes (a regular expression cut from the
mapper's own output, letopis/demo_marks.py) is checked without decoding, against a small
per-gradebook record, by the guards `Gradebook.record_mark` runs on the command path:
value on its scale, a current mark's lesson date inside the gradebook's academic year,
a period mark's period valid and recorded once, work kind not blank, mark id new in the
gradebook; plus what decoding would check (real dates, an aware time, a command id).
Anything else (another shape, a correction, an existing gradebook, a gradebook whose
record was evicted) leaves the fast path: see `Checker` and docs/import.md.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime
from string import Formatter

from domain.academic_year import academic_year_bounds
from domain.envelope import Role
from domain.gradebook_values import SCALE_VALUES, MarkKind, PeriodKind, Scale
from letopis.demo_marks import MarkTemplates
from letopis.ledger import Ledger

MARK_TOPIC = "domain.gradebook:Gradebook.MarkRecorded"
OPENED_TOPIC = "domain.gradebook:Gradebook.Opened"
_STRING = r'[^"\\]*'  # a JSON string without escapes
_PATTERNS = {
    "ts": r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{6})?\+00:00", "mark_hex": "[0-9a-f]{32}",
    "lesson": r"\d{4}-\d\d-\d\d", "effective": r"\d{4}-\d\d-\d\d", "value": _STRING,
    "user": _STRING, "command_id": r'[^"\\]+', "source": _STRING,
}
_ROLE = re.escape('"letopis.Role","_data_":"teacher"')
_PERIOD = re.escape('"_data_":"quarter"},"number":1}')
_FIVE_POINT = frozenset(SCALE_VALUES[Scale.FIVE_POINT])
_ROLES = frozenset(r.value for r in Role)
_PERIODS = {k.value: k.periods_in_year for k in PeriodKind}


def _regex(template: str) -> re.Pattern[str]:
    out = []
    seen: set[str] = set()
    for literal, slot, _spec, _conv in Formatter().parse(template):
        out.append(re.escape(literal))
        if slot is None:
            continue
        if slot in seen:  # the event's timestamp is its recorded_at
            out.append(f"(?P={slot})")
        else:
            seen.add(slot)
            out.append(f"(?P<{slot}>{_PATTERNS[slot]})")
    text = "".join(out)
    assert _ROLE in text
    text = text.replace(_ROLE, '"letopis\\.Role","_data_":"(?P<role>[a-z_]+)"')
    if _PERIOD in text:
        text = text.replace(_PERIOD, '"_data_":"(?P<pkind>[a-z_]+)"\\},"number":(?P<pnum>\\d)\\}')
    return re.compile(text)


@dataclass(slots=True)
class Book:
    """What the fast check keeps of a gradebook opened in the file."""

    first: date
    last: date
    mark_ids: set[str] = field(default_factory=set)
    periods: set[tuple[str, str]] = field(default_factory=set)


class MarkShapes:
    """The two mark shapes (current, period) the fast check recognises."""

    def __init__(self, ledger: Ledger) -> None:
        templates = MarkTemplates(ledger)
        self.current = _regex(templates.state[MarkKind.CURRENT]).fullmatch
        self.period = _regex(templates.state[MarkKind.PERIOD]).fullmatch

    def check(self, state: str, book: Book) -> str | None:
        """None if `state` is a well-formed mark the command path would have recorded in
        `book` (and records its id and period there); else why not, or "shape" when the
        state is not one of the two shapes (the caller then checks it the slow way)."""
        found = self.current(state)
        if found is not None:
            lesson = _date(found["lesson"])
            if lesson is None or not book.first <= lesson <= book.last:
                return f"lesson date {found['lesson']} is outside the gradebook's academic year"
        else:
            found = self.period(state)
            if found is None:
                return "shape"
            kind, number = found["pkind"], found["pnum"]
            if not 1 <= int(number) <= _PERIODS.get(kind, 0):
                return f"period {kind} {number} is not a period of the year"
            if (kind, number) in book.periods:
                return f"the period mark for {kind} {number} is already recorded"
            book.periods.add((kind, number))
        if found["value"] not in _FIVE_POINT:
            return f"{found['value']!r} is not a mark on the five_point scale"
        if found["role"] not in _ROLES:
            return f"role {found['role']!r} is not a role"
        if _date(found["effective"]) is None or _time(found["ts"]) is None:
            return "recorded_at or effective_on is not a real date"
        mark_id = found["mark_hex"]
        if mark_id in book.mark_ids:
            return f"mark id {mark_id} is already used in the gradebook"
        book.mark_ids.add(mark_id)
        return None


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _time(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


class Books:
    """Records of the gradebooks opened in the file, the most recently used `capacity` kept
    (a region's file writes a gradebook's marks together; an evicted gradebook leaves the
    fast path)."""

    def __init__(self, capacity: int = 20_000) -> None:
        self.capacity = capacity
        self.books: OrderedDict[object, Book] = OrderedDict()

    def open(self, stream_id: object, academic_year: str) -> None:
        first, last = academic_year_bounds(academic_year)
        self.books[stream_id] = Book(first, last)
        if len(self.books) > self.capacity:
            self.books.popitem(last=False)

    def get(self, stream_id: object) -> Book | None:
        book = self.books.get(stream_id)
        if book is not None:
            self.books.move_to_end(stream_id)
        return book
