"""Reading an import file (NDJSON, or a directory of Parquet parts) as command groups, in order."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from letopis.bulk.files import Advance, read_lines
from letopis.bulk.format import ImportRefused, Line
from letopis.bulk.target import Group


def read_groups(path: Path, advance: Advance | None = None) -> Iterator[Group]:
    """Groups of consecutive rows sharing a command id; `advance(bytes)` as the file is read."""
    return groups_of(read_lines(path, advance))


def groups_of(lines: Iterable[Line]) -> Iterator[Group]:
    """`lines` cut into groups of consecutive rows sharing a command id."""
    group: Group | None = None
    for line in lines:
        number = line.number
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
