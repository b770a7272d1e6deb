"""PostgreSQL binary COPY rows, encoded once during the check pass and spooled to a file.

The check pass already holds every new event's fields; encoding them there means the write
pass streams bytes into COPY (adding only each row's position and transaction id) instead of
parsing the file again and formatting each row in Python.
"""

from __future__ import annotations

import struct
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from letopis.bulk.target import Group

SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
TRAILER = struct.pack(">h", -1)
INT8_OID = 20
_event_head = struct.Struct(">hiqiq")  # 6 fields; position; tx_id
_command_head = struct.Struct(">ii")  # events in the command; bytes of its encoded fields
_length = struct.Struct(">i")
_element = struct.Struct(">iq")
_version = struct.Struct(">iq")  # length 8, then the int8
_row_head = struct.Struct(">ii16siq")  # row length; stream field (16 bytes); version field
_FIXED = 4 + 16 + 12 + 4  # stream field, version field, state's length word
_BUFFER = 1 << 20  # bytes gathered before a write to the spool files


def _field(data: bytes) -> bytes:
    return _length.pack(len(data)) + data


class Spool:
    """New commands and their events, as COPY field bytes, in file order."""

    def __init__(self, path: Path | None = None) -> None:
        """A spool in temporary files, or in `path`.events and `path`.commands (written by a
        check worker, read by the importer: letopis/bulk/parallel.py)."""
        if path is None:
            self.events: BinaryIO = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
            self.commands: BinaryIO = tempfile.TemporaryFile()  # noqa: SIM115
        else:
            self.events = Path(f"{path}.events").open("a+b")  # noqa: SIM115
            self.commands = Path(f"{path}.commands").open("a+b")  # noqa: SIM115
        self._topics: dict[str, bytes] = {}  # topic -> its encoded field
        self._events = bytearray()  # not yet written to `events`
        self._commands = bytearray()

    def add(self, group: Group) -> None:
        out = self._events
        topics = self._topics
        for line in group.lines:
            topic = topics.get(line.topic)
            if topic is None:
                topic = topics[line.topic] = _field(line.topic.encode())
            state = line.state
            # row length, then the fields: stream (16 bytes), version (int8), topic, state
            out += _row_head.pack(_FIXED + len(topic) + len(state), 16, line.stream_id.bytes,
                                  8, line.version)
            out += topic
            out += _length.pack(len(state))
            out += state
        command_id, result = group.command_id.encode(), group.result.encode()
        self._commands += _command_head.pack(len(group.lines), 8 + len(command_id) + len(result))
        self._commands += _length.pack(len(command_id))
        self._commands += command_id
        self._commands += _length.pack(len(result))
        self._commands += result
        if len(out) > _BUFFER:
            self._write()

    def _write(self) -> None:
        if not self._commands:
            return
        self.events.write(self._events)
        self.commands.write(self._commands)
        self._events.clear()
        self._commands.clear()

    def batches(self, size: int) -> Iterator[list[tuple[int, bytes]]]:
        """Lists of (events, command fields) of about `size` events, cut between commands."""
        self._write()
        self.commands.seek(0)
        self.events.seek(0)
        batch: list[tuple[int, bytes]] = []
        count = 0
        while head := self.commands.read(_command_head.size):
            n, length = _command_head.unpack(head)
            batch.append((n, self.commands.read(length)))
            count += n
            if count >= size:
                yield batch
                batch, count = [], 0
        if batch:
            yield batch

    def event_rows(self, count: int, positions: list[int], tx_id: int) -> Iterator[bytes]:
        """The next `count` events as COPY rows, in chunks of about 1 MB."""
        chunk = bytearray(SIGNATURE)
        for i in range(count):
            (length,) = _length.unpack(self.events.read(4))
            chunk += _event_head.pack(6, 8, positions[i], 8, tx_id)
            chunk += self.events.read(length)
            if len(chunk) > 1 << 20:
                yield bytes(chunk)
                chunk = bytearray()
        chunk += TRAILER
        yield bytes(chunk)

    def close(self) -> None:
        self._write()
        self.events.close()
        self.commands.close()


def command_rows(batch: list[tuple[int, bytes]], positions: list[int]) -> bytes:
    out = bytearray(SIGNATURE)
    at = 0
    for n, fields in batch:
        array = struct.pack(">iiiii", 1, 0, INT8_OID, n, 1) + b"".join(
            _element.pack(8, p) for p in positions[at:at + n])
        at += n
        out += struct.pack(">h", 3)
        out += fields
        out += _field(array)
    out += TRAILER
    return bytes(out)
