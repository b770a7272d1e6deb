"""Monthly claim run on PostgreSQL: advance claims for N active contracts.

    python -m bench.claims --contracts 50000 --per-claim 500 --claims-per-tx 4

Setup (not timed): one payer, N / per-claim providers with a programme each, a certificate
group, N funded certificates each with an active September–December contract, written in
batches. Timed: the September advance-claim run. Each transaction submits `claims-per-tx`
claims (one per provider) through `FundingClaimService.submit_many`: one Claim stream opened and
submitted per provider, one `MonthCharged` per contract on its certificate. The service reads
the contracts and certificates of a transaction in bulk (`Ledger.load_many`: each stream's
snapshot and the events after it, one query per kind); their versions still guard the save.
The transactions run in `--workers` processes (letopis/claim_run.py; default 2, 1: in this
process, where `--profile` works). `--keep` then `--reuse` runs again on a kept setup.
"""

from __future__ import annotations

import argparse
import cProfile
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from uuid import NAMESPACE_URL, UUID, uuid5

import psycopg
from eventsourcing.domain import Aggregate

from bench.claims_baselines import (
    CpuMeter,
    claim_run_rows,
    last_position,
    library_save,
    per_event,
    raw_write,
)
from bench.claims_registry import financial_registry_catch_up
from bench.schemas import DEFAULT_URL, drop_store, settle
from domain.certificate import Certificate
from domain.certificate_values import CertificateKind, ChargeKind, certificate_id, leg
from domain.contract import Contract
from domain.envelope import Actor, Meta, Role
from domain.money import Unit, months_between
from domain.organisation import OrganisationDetails, OrganisationKind
from letopis.claim_run import Command, WorkerReport, run_claims
from letopis.ledger import CommandContext, Ledger
from letopis.services.certificates import CertificateService
from letopis.services.funding_claims import ClaimRequest, FundingClaimService
from letopis.services.organisations import OrganisationService
from letopis.store import init_store, open_store

FINANCE = Actor(user_id="bench", role=Role.FINANCE)
SEPTEMBER = date(2026, 9, 1)
MONTHS = months_between(SEPTEMBER, date(2026, 12, 1))
PRICE, NORMATIVE, NOMINAL = 500_000, 400_000, 3_000_000
DETAILS = OrganisationDetails(
    full_name="Организация дополнительного образования", short_name="ОДО",
    kind=OrganisationKind.ADDITIONAL_EDUCATION, inn="7707083893", ogrn="1027700132195",
    municipality="Оренбург", legal_address="ул. Ленина, 1", actual_address="ул. Ленина, 1")


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 9, 1, 8, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(microseconds=1)
        return self.now


def uid(*parts: object) -> UUID:
    return uuid5(NAMESPACE_URL, "letopis-bench/" + "/".join(map(str, parts)))


def ctx(command_id: str, on: date = SEPTEMBER) -> CommandContext:
    return CommandContext(actor=FINANCE, command_id=command_id, effective_on=on)


def chunks(items: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def setup(ledger: Ledger, contracts: int, per_claim: int, batch: int) -> list[list[UUID]]:
    """Write the region; returns the contract ids of each provider."""
    organisations, certificates = OrganisationService(ledger), CertificateService(ledger)
    organisations.register(ctx("payer"), uid("payer"), DETAILS)
    certificates.establish_group(ctx("group"), municipality="Оренбург", year=2026,
                                 nominal=NOMINAL, unit=Unit.ROUBLES, max_certificates=contracts,
                                 max_nominal_sum=NOMINAL * contracts)
    providers = (contracts + per_claim - 1) // per_claim
    for p in range(providers):
        organisations.register(ctx(f"provider/{p}"), uid("provider", p), DETAILS)
        certificates.certify_programme(
            ctx(f"programme/{p}"), programme_id=uid("programme", p),
            provider_id=uid("provider", p), title="Робототехника", unit=Unit.ROUBLES,
            price_per_month=PRICE, normative_price=NORMATIVE)
    for numbers in chunks(range(contracts), batch):
        def action(meta: Meta, numbers: Sequence[int] = numbers) -> list[Aggregate]:
            group = certificates.group("Оренбург", 2026)
            written: list[Aggregate] = [group]
            for n in numbers:
                provider = n // per_claim
                certificate = Certificate.issue(number=f"{n:010d}", learner_id=uid("learner", n),
                                                kind=CertificateKind.FUNDING,
                                                municipality="Оренбург", meta=meta)
                group.admit(certificate_id=certificate.id, meta=meta)
                certificate.credit_nominal(year=2026, amount=NOMINAL, unit=Unit.ROUBLES,
                                           transfer_id=leg(certificate.id, "opening/2026"),
                                           meta=meta)
                contract = Contract.request(
                    contract_id=uid("contract", n), certificate_id=certificate.id,
                    programme_id=uid("programme", provider), provider_id=uid("provider", provider),
                    group_name="Группа 1", first_month=SEPTEMBER, last_month=MONTHS[-1],
                    price_per_month=PRICE, certificate_share=NORMATIVE, meta=meta)
                contract.confirm(meta=meta)
                contract.activate(meta=meta)
                certificate.reserve_for_contract(
                    contract_id=contract.id, months=MONTHS, unit=Unit.ROUBLES,
                    certificate_share=NORMATIVE, price_per_month=PRICE,
                    operation_id=contract.id, meta=meta)
                written += [certificate, contract]
            return written

        ledger.execute(ctx(f"setup/{numbers[0]}"), "bench_setup", {"from": numbers[0]}, action)
    return provider_contracts(contracts, per_claim)


def provider_contracts(contracts: int, per_claim: int) -> list[list[UUID]]:
    """The contract ids of each provider, as `setup` makes them."""
    providers = (contracts + per_claim - 1) // per_claim
    return [[uid("contract", n) for n in range(p * per_claim, min(contracts, (p + 1) * per_claim))]
            for p in range(providers)]


def forget_claim_run(url: str, schema: str) -> bool:
    """Make a kept schema as it was after setup: delete the claim run's events and command
    outcomes, and every snapshot (retaken, possibly in a newer format), then vacuum, so that
    no run reads past the dead rows of the one before. False when there is no setup."""
    s = f'"{schema}"'
    with psycopg.connect(url, autocommit=True) as conn:
        found = conn.execute(b"SELECT to_regclass(%s)", (f"{s}.commands",)).fetchone()
        if found is None or found[0] is None or conn.execute(
                f"SELECT 1 FROM {s}.commands WHERE command_id = 'payer'".encode()).fetchone() \
                is None:
            return False
        with conn.transaction():
            conn.execute(f"DELETE FROM {s}.events WHERE position IN (SELECT unnest(positions) "
                         f"FROM {s}.commands WHERE command_id LIKE 'advance/%%')".encode())
            conn.execute(f"DELETE FROM {s}.commands WHERE command_id LIKE 'advance/%%'"
                         .encode())
            conn.execute(f"TRUNCATE {s}.snapshots".encode())
        conn.execute(f"VACUUM (ANALYZE) {s}.events, {s}.commands, {s}.snapshots".encode())
    return True


def run_commands(providers: list[list[UUID]], claims_per_tx: int) -> list[Command]:
    """The advance-claim run's commands: `claims_per_tx` claims (one per provider) each."""
    commands: list[Command] = []
    for first in range(0, len(providers), claims_per_tx):
        batch = range(first, min(len(providers), first + claims_per_tx))
        commands.append((ctx(f"advance/{first}", date(2026, 9, 2)), [
            ClaimRequest(ChargeKind.ADVANCE, uid("payer"), uid("provider", p), SEPTEMBER,
                         [(c, 0) for c in providers[p]]) for p in batch]))
    return commands


def claim_run(ledger: Ledger, commands: list[Command],
              profile: str | None = None) -> tuple[float, float]:
    """The advance-claim run in this process; returns (seconds reading, seconds deciding and
    saving)."""
    service = FundingClaimService(ledger)
    reading = 0.0
    load_many = ledger.load_many

    def timed_load_many(ids: Iterable[UUID]) -> dict[UUID, Aggregate]:
        nonlocal reading
        started = time.perf_counter()
        try:
            return load_many(ids)
        finally:
            reading += time.perf_counter() - started

    ledger.load_many = timed_load_many  # type: ignore[method-assign,assignment]
    started = time.perf_counter()
    profiler = cProfile.Profile() if profile else None
    if profiler is not None:
        profiler.enable()
    try:
        for context, requests in commands:
            service.submit_many(context, requests)
    finally:
        if profiler is not None and profile is not None:
            profiler.disable()
            profiler.dump_stats(profile)
        del ledger.load_many
    return reading, time.perf_counter() - started - reading


def claim_run_in_workers(url: str, schema: str, commands: list[Command], workers: int,
                         meter: CpuMeter) -> tuple[tuple[float, float], list[WorkerReport]]:
    """The run split across `workers` processes (letopis/claim_run.py); returns the CPU
    sample (this process plus the workers; their backends) taken before the workers close
    their connections, and the workers' reports."""
    client_before = time.process_time()

    def open_service() -> tuple[FundingClaimService, Callable[[], None]]:
        store = open_store(url, schema, pool_size=2)
        return FundingClaimService(Ledger(store, Clock())), store.close

    server: list[float] = []
    reports = run_claims(open_service, commands, workers=workers,
                         before_exit=lambda: server.append(meter.server()))
    client = time.process_time() - client_before + sum(r.cpu_seconds for r in reports)
    return (client, server[0]), reports


def baselines(ledger: Ledger, url: str, schema: str, after: int, batch: int,
              run: tuple[float, tuple[float, float]], meter: CpuMeter) -> None:
    """The claim run's own events written again without deciding anything (same run)."""
    rows = claim_run_rows(url, schema, after)
    meta = ledger.meta(ctx("baseline", date(2026, 9, 2)))
    rate, (client, server) = run
    print(f"  CPU per event: claim run {client + server:.0f} us (client {client:.0f}, "
          f"PostgreSQL {server:.0f})")
    for label, (baseline, (b_client, b_server)) in (
        ("raw multi-row INSERT", raw_write(url, schema, rows, batch, False, meter)),
        ("raw COPY", raw_write(url, schema, rows, batch, True, meter)),
        ("library Application.save(*aggregates)", library_save(url, schema, meta, len(rows),
                                                               batch, meter)),
        ("library Application.save(*aggregates) of trivial aggregates (the issue's reference)",
         library_save(url, schema, meta, len(rows), batch, meter, trivial=True)),
    ):
        cost = b_client + b_server
        print(f"  baseline {label}, {batch} events per transaction: {baseline:,.0f} events/s, "
              f"{cost:.0f} us CPU per event (client {b_client:.0f}, PostgreSQL {b_server:.0f})"
              f"; claim run = {rate / baseline:.2f}x its events/s, "
              f"{(client + server) / cost:.2f}x its CPU per event")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--contracts", type=int, default=50_000)
    parser.add_argument("--per-claim", type=int, default=500, help="contracts per provider")
    parser.add_argument("--claims-per-tx", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2,
                        help="processes the claim run is split across (1: this process)")
    parser.add_argument("--setup-batch", type=int, default=500)
    parser.add_argument("--library-events", type=int, default=5_000,
                        help="events for the library ProjectionRunner baseline (0: skip)")
    parser.add_argument("--keep", action="store_true", help="keep the schema afterwards")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse a kept schema's setup (implies --keep): the previous claim "
                             "run's events and outcomes are deleted, snapshots retaken")
    parser.add_argument("--profile", metavar="FILE", default=None,
                        help="write a cProfile of the claim run (not of setup) to FILE")
    parser.add_argument("--schema", default=None,
                        help="schema to create (dropped first); default bench_claims_<time>")
    parser.add_argument("--no-snapshots", action="store_true",
                        help="read every stream from its first event (no snapshots)")
    parser.add_argument("--no-registry", action="store_true",
                        help="skip the financial_registry rebuild")
    args = parser.parse_args(argv)
    schema = args.schema or f"bench_claims_{int(time.time())}"
    meter = CpuMeter(args.url)  # names this process's connections: before the first one
    reused = args.reuse and args.schema is not None and forget_claim_run(args.url, schema)
    if not reused:
        with psycopg.connect(args.url, autocommit=True) as conn:
            drop_store(conn, schema)
        init_store(args.url, schema)
    store = open_store(args.url, schema)
    ledger = Ledger(store, Clock())
    try:
        started = time.perf_counter()
        providers = provider_contracts(args.contracts, args.per_claim) if reused else \
            setup(ledger, args.contracts, args.per_claim, args.setup_batch)
        setup_events, setup_position = store.count_events(), last_position(args.url, schema)
        print(f"setup: {setup_events} events in {time.perf_counter() - started:.1f} s")
        if not args.no_snapshots:
            started = time.perf_counter()
            taken = ledger.take_snapshots(
                [*(certificate_id(f"{n:010d}") for n in range(args.contracts)),
                 *(c for contracts in providers for c in contracts)])
            print(f"snapshots of certificates and contracts (not timed): {taken} in "
                  f"{time.perf_counter() - started:.1f} s")
        settle(args.url, schema)  # not timed: vacuumed and analyzed, as a month-old store
        commands = run_commands(providers, args.claims_per_tx)
        cpu = meter.sample()
        started = time.perf_counter()
        if args.workers <= 1:
            loading, deciding = claim_run(ledger, commands, args.profile)
            elapsed = time.perf_counter() - started
            after = meter.sample()
        else:
            sample, reports = claim_run_in_workers(args.url, schema, commands, args.workers,
                                                   meter)
            elapsed = time.perf_counter() - started
            after = (cpu[0] + sample[0], sample[1])
        events = store.count_events() - setup_events
        cost = per_event(cpu, after, events)
        print(f"claim run: {args.contracts} contracts, {len(providers)} claims, "
              f"{args.claims_per_tx} claims per transaction, {args.workers} worker(s)")
        print(f"  {events} events in {elapsed:.2f} s = {events / elapsed:,.0f} events/s", end="")
        if args.workers <= 1:
            print(f" (reading {loading:.2f} s; deciding and saving {deciding:.2f} s = "
                  f"{events / deciding:,.0f} events/s)")
        else:
            print(" (workers: " + "; ".join(
                f"{r.commands} transactions, {r.events} events, {r.retries} retried, "
                f"{r.cpu_seconds:.2f} s CPU" for r in reports) + ")")
        baselines(ledger, args.url, schema, setup_position, events // max(1, len(providers))
                  * args.claims_per_tx, (events / elapsed, cost), meter)
        if not args.no_registry:
            financial_registry_catch_up(ledger, args.url, schema, args.library_events)
    finally:
        store.close()
        if not (args.keep or args.reuse):
            with psycopg.connect(args.url, autocommit=True) as conn:
                drop_store(conn, schema)


if __name__ == "__main__":
    main()
