"""`letopis dump-events`: every stored event, grouped by command, as import NDJSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TextIO
from uuid import UUID

from letopis.bulk.format import format_line, strip_positions
from letopis.store import LedgerRecorder


def _commands_by_position(store: LedgerRecorder) -> dict[int, tuple[str, str]]:
    """position -> (command id, result without positions), for every recorded command."""
    from letopis.store.sqlite import SQLiteRecorder

    found: dict[int, tuple[str, str]] = {}
    if isinstance(store, SQLiteRecorder):
        with store.datastore.transaction(commit=False) as c:
            c.execute("SELECT command_id, result FROM commands")
            rows = [(r[0], r[1], json.loads(r[1]).get("positions", [])) for r in c.fetchall()]
    else:
        from letopis.store.postgres import PostgresRecorder

        assert isinstance(store, PostgresRecorder)
        with store.pool.connection() as conn:
            rows = conn.execute(
                f'SELECT command_id, result, positions FROM "{store.schema}".commands'  # noqa: S608
                .encode()
            ).fetchall()
    for command_id, result, positions in rows:
        for position in positions:
            found[int(position)] = (command_id, strip_positions(result))
    return found


def dump_lines(store: LedgerRecorder, page: int = 10_000) -> Iterator[str]:
    """NDJSON lines in global order. An event outside any command gets `event:<stream>:<v>`."""
    commands = _commands_by_position(store)
    after = 0
    previous: str | None = None
    while True:
        notifications = store.select_notifications(after + 1, page)
        if not notifications:
            return
        for n in notifications:
            command_id, result = commands.get(
                n.id, (f"event:{n.originator_id}:{n.originator_version}",
                       json.dumps({"streams": {str(n.originator_id): n.originator_version},
                                   "data": {}}, sort_keys=True)))
            yield format_line(command_id, result if command_id != previous else None,
                              UUID(str(n.originator_id)), n.originator_version, n.topic, n.state)
            previous = command_id
            after = n.id


def dump(store: LedgerRecorder, out: TextIO) -> int:
    count = 0
    for line in dump_lines(store):
        out.write(line + "\n")
        count += 1
    return count
