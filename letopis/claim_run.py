"""The monthly claim run as a job: its transactions split across worker processes.

A run is a list of commands, each a `FundingClaimService.submit_many` of a few claims (one
transaction). The run is CPU-bound in Python while PostgreSQL's backends stay light, so on a
host with several cores the commands are split into contiguous parts, one per worker process,
each with its own ledger and connections. Nothing is shared but the store:

- the append function takes positions under the store's allocation lock, so the global order
  stays safe to follow whatever the number of writers (an append that fails leaves a gap
  readers know never fills: docs/architecture.md);
- every rule stays with the aggregates: a certificate charged by two workers at once (a child
  with contracts at providers of two parts) is written by one of them, the other's append fails
  on the stream's version (`ConcurrencyConflict`, nothing written) and that command is run
  again, reading the certificate afresh;
- commands are idempotent by their command id, so a run can be started again after a crash
  and only what is missing is written.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection

from letopis.ledger import CommandContext, ConcurrencyConflict
from letopis.services.funding_claims import ClaimRequest, FundingClaimService

Command = tuple[CommandContext, Sequence[ClaimRequest]]
# Opens a service on its own connections in the calling process; returns it with its closer.
ServiceFactory = Callable[[], tuple[FundingClaimService, Callable[[], None]]]


class ClaimRunFailed(RuntimeError):
    """A worker stopped on an error; commands it committed before stay committed."""


@dataclass(frozen=True)
class WorkerReport:
    """What one worker did: commands run, events they wrote, conflicts retried, its CPU time."""

    commands: int
    events: int
    retries: int
    cpu_seconds: float


def run_commands(service: FundingClaimService, commands: Sequence[Command], *,
                 retries: int = 10) -> WorkerReport:
    """Run `commands` one after another in this process; a command that lost a race on a
    stream (nothing written) is run again, up to `retries` times in all."""
    started, events, retried = time.process_time(), 0, 0
    for context, requests in commands:
        for attempt in range(retries + 1):
            try:
                outcome = service.submit_many(context, requests)
            except ConcurrencyConflict:
                if attempt == retries:
                    raise
                retried += 1
                continue
            events += len(outcome.positions)
            break
    return WorkerReport(len(commands), events, retried, time.process_time() - started)


def split(commands: Sequence[Command], parts: int) -> list[Sequence[Command]]:
    """`commands` in `parts` contiguous slices of nearly equal length (none empty)."""
    parts = max(1, min(parts, len(commands)))
    size, extra = divmod(len(commands), parts)
    slices, start = [], 0
    for part in range(parts):
        end = start + size + (1 if part < extra else 0)
        slices.append(commands[start:end])
        start = end
    return slices


def run_claims(open_service: ServiceFactory, commands: Sequence[Command], *, workers: int = 2,
               before_exit: Callable[[], None] | None = None) -> list[WorkerReport]:
    """Run `commands` in `workers` processes (in this one when `workers` is 1); returns each
    worker's report. `before_exit` runs here once every worker has finished but before the
    workers close their connections (a benchmark samples its database's CPU there)."""
    parts = split(commands, workers)
    if len(parts) <= 1:
        service, close = open_service()
        try:
            report = [run_commands(service, parts[0] if parts else [])]
            if before_exit is not None:
                before_exit()
            return report
        finally:
            close()
    context = multiprocessing.get_context("fork")  # the factory and commands are not pickled
    pipes: list[Connection] = []
    processes = []
    for part in parts:
        ours, theirs = context.Pipe()
        # The worker closes its copies of the parent's ends, so that a worker that dies is
        # seen as EOF by the parent.
        process = context.Process(target=_worker,
                                  args=(open_service, part, theirs, [*pipes, ours]),
                                  daemon=True)
        process.start()
        theirs.close()
        pipes.append(ours)
        processes.append(process)
    try:
        results = [pipe.recv() for pipe in pipes]
        if before_exit is not None:
            before_exit()
    except EOFError:
        raise ClaimRunFailed("a claim-run worker died without a report") from None
    finally:
        for pipe in pipes:
            # An explicit word, not EOF: a worker forked later holds copies of earlier pipes.
            with contextlib.suppress(OSError):
                pipe.send(None)  # the worker may close its connections and exit
            pipe.close()
        for process in processes:
            process.join()
    failures = [r for r in results if isinstance(r, str)]
    if failures:
        raise ClaimRunFailed("; ".join(failures))
    return [r for r in results if isinstance(r, WorkerReport)]


def _worker(open_service: ServiceFactory, commands: Sequence[Command], pipe: Connection,
            parents_ends: Sequence[Connection]) -> None:
    for end in parents_ends:
        end.close()
    service, close = open_service()
    try:
        try:
            result: WorkerReport | str = run_commands(service, commands)
        except Exception as error:  # reported to the parent, which raises it
            result = f"{type(error).__name__}: {error}"
        pipe.send(result)
        with contextlib.suppress(EOFError):
            pipe.recv()  # the parent's word that it no longer needs our connections
    finally:
        close()
        pipe.close()
