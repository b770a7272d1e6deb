"""A lean HTTP/1.1 load generator for benchmarks that share the machine with the server: raw
asyncio streams (uvloop when installed), keep-alive connections, an open loop at a fixed rate
(no coordinated omission) and a closed loop of N clients."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from collections import Counter
from collections.abc import Callable, Coroutine
from typing import Any

# What to send next: method, path, body (empty for none).
Request = tuple[str, str, bytes]
# Latencies (s), errors, elapsed (s).
Measured = tuple[list[float], int, float]


def pct(values: list[float], q: float) -> float:
    """The q-th percentile in milliseconds."""
    return statistics.quantiles(values, n=100)[int(q) - 1] * 1000 if len(values) > 1 else 0.0


class Http:
    """Raw asyncio streams, idle connections reused, Content-Length bodies only. A connection
    idle longer than the server keeps it (uvicorn: 5 s) is not reused."""

    IDLE_LIMIT = 4.0

    def __init__(self, host: str, port: int, token: str) -> None:
        self.host, self.port = host, port
        self.auth = f"Authorization: Bearer {token}\r\n".encode()
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = []
        self.opened = 0
        self.statuses: Counter[int | str] = Counter()
        self.problems: Counter[str] = Counter()

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        now = time.monotonic()
        while self.idle:
            reader, writer, since = self.idle.pop()
            if now - since < self.IDLE_LIMIT:
                return reader, writer
            writer.close()
        self.opened += 1
        return await asyncio.open_connection(self.host, self.port)

    async def request(self, method: str, path: str, body: bytes = b"") -> int:
        reader, writer = await self._connection()
        head = (f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n").encode() + self.auth
        if body:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n".encode()
        writer.write(head + b"\r\n" + body)
        response = await reader.readuntil(b"\r\n\r\n")
        status = int(response[9:12])
        length = 0
        for line in response.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        content = await reader.readexactly(length)
        self.idle.append((reader, writer, time.monotonic()))
        if status >= 400:  # which problem: its stable code
            self.problems[f"{status} {json.loads(content).get('code')}"] += 1
        return status

    async def outcome(self, request: Request) -> int | str:
        """The status, or the name of the connection error."""
        try:
            result: int | str = await self.request(*request)
        except (OSError, asyncio.IncompleteReadError) as error:
            result = type(error).__name__
        self.statuses[result] += 1
        return result

    def close(self) -> None:
        for _, writer, _ in self.idle:
            writer.close()


async def open_loop(http: Http, next_request: Callable[[], Request], expect: int, rate: int,
                    seconds: float, warm_up: float = 3.0) -> Measured:
    """Requests due at a steady rate whether or not earlier ones finished (no coordinated
    omission); latency counts from the due time, so a late start counts against the server.
    The first `warm_up` seconds at the same rate (connections, pools) are not counted."""
    latencies: list[float] = []
    errors = 0

    async def one(due: float, measured: bool) -> None:
        nonlocal errors
        outcome = await http.outcome(next_request())
        if measured:
            latencies.append(time.perf_counter() - due)
            errors += outcome != expect

    begun = time.perf_counter()
    skipped = int(rate * warm_up)
    tasks = []
    for i in range(skipped + int(rate * seconds)):
        due = begun + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(due, i >= skipped)))
    await asyncio.gather(*tasks)
    return latencies, errors, time.perf_counter() - begun - warm_up


async def closed_loop(http: Http, next_request: Callable[[], Request], expect: int,
                      concurrency: int, seconds: float) -> Measured:
    """`concurrency` clients, each sending its next request when the last one answered."""
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            outcome = await http.outcome(next_request())  # not inside `+=`: it would race
            errors += outcome != expect
            latencies.append(time.perf_counter() - t0)

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return latencies, errors, time.perf_counter() - started


def run(load: Callable[[Http], Coroutine[Any, Any, Measured]], port: int,
        token: str) -> Measured:
    """Run one load against 127.0.0.1:`port` on a fresh event loop; print what it got back."""
    async def main() -> Measured:
        http = Http("127.0.0.1", port, token)
        try:
            return await load(http)
        finally:
            http.close()
            print(f"  statuses {dict(http.statuses)}, problems {dict(http.problems)}, "
                  f"{http.opened} connections", flush=True)

    try:
        import uvloop
    except ImportError:  # not on Windows
        return asyncio.run(main())
    return uvloop.run(main())


def wait_until_answering(port: int, token: str, path: str, timeout: float = 60) -> None:
    async def ready() -> bool:
        http = Http("127.0.0.1", port, token)
        try:
            return await http.request("GET", path) == 200
        except OSError:
            return False
        finally:
            http.close()

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if asyncio.run(ready()):
            return
        time.sleep(0.1)
    raise SystemExit(f"the server did not answer within {timeout:.0f} s")
