"""Reading an NDJSON file as command groups, in file order."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from letopis.bulk.format import ImportRefused, parse_line
from letopis.bulk.target import Group

Advance = Callable[[int], None]


def read_groups(path: Path, advance: Advance | None = None) -> Iterator[Group]:
    """Groups of consecutive lines sharing a command id; `advance(bytes)` per line read."""
    group: Group | None = None
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if advance is not None:
                advance(len(raw))
            if not raw.strip():
                continue
            line = parse_line(number, raw)
            if group is not None and line.command_id == group.command_id:
                if line.command_result is not None and line.command_result != group.result:
                    raise ImportRefused(number, f"command {line.command_id!r}: "
                                        "command_result differs within the command")
                group.lines.append(line)
                continue
            if group is not None:
                yield group
            if line.command_result is None:
                raise ImportRefused(number, f"command {line.command_id!r} starts without "
                                    "command_result")
            group = Group(line.command_id, line.command_result, [line])
    if group is not None:
        yield group
