"""Several processes charge one certificate at the same moment on PostgreSQL, retrying when they
lose a race: contract requests taking its free balance into reserves, and several providers'
claims charging its contracts. The certificate is never overdrawn and no charge is lost or
applied twice."""

from __future__ import annotations

import multiprocessing as mp
from datetime import UTC, date, datetime
from uuid import UUID, uuid5

from domain.certificate_values import ChargeKind, NoFreeBalance
from domain.funding_accounts import AccountKind
from domain.money import Unit
from letopis.clock import FixedClock, system_clock
from letopis.ledger import ConcurrencyConflict, Ledger
from letopis.services.funding_claims import ClaimRequest
from letopis.services.organisations import OrganisationService
from letopis.store import open_store
from tests.funding_builders import PAYER, PRICE, PROVIDER, SHARE
from tests.funding_world import NS, PROGRAMME, PROVIDER_DETAILS, FundingWorld
from tests.pg import fresh_schema

NUMBER = "0000000777"
WRITERS = 4
REQUESTS_PER_WRITER = 6
AFFORDABLE = 10  # the nominal pays for ten one-month contracts, not for all 24 requests
MONTHS = (date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1))


def _writer(url: str, schema: str, writer: int, start: object,
            results: mp.Queue) -> None:  # type: ignore[type-arg]
    store = open_store(url, schema, pool_size=1)
    world = FundingWorld(Ledger(store, system_clock), prefix=f"writer-{writer}")
    world.certificates.certificate(NUMBER)  # connected and warmed up before the race
    start.wait()  # type: ignore[attr-defined]  # all writers start together
    granted, refused, retries = [], [], 0
    for i in range(REQUESTS_PER_WRITER):
        contract_id = uuid5(NS, f"contract/{writer}/{i}")
        month = MONTHS[i % len(MONTHS)]
        context = world.ctx(name=f"request/{writer}/{i}")
        while True:
            try:
                world.certificates.request_contract(
                    context, contract_id=contract_id, number=NUMBER, programme_id=PROGRAMME,
                    group_name="Группа 1", first_month=month, last_month=month)
                granted.append(str(contract_id))
                break
            except ConcurrencyConflict:
                retries += 1  # the same command id again: reload and retry
            except NoFreeBalance:
                refused.append(str(contract_id))
                break
    results.put((granted, refused, retries))
    store.close()


def test_concurrent_charges_never_overdraw_and_none_is_lost() -> None:
    with fresh_schema() as (url, schema):
        store = open_store(url, schema)
        world = FundingWorld(Ledger(store, FixedClock(datetime(2026, 9, 1, 8, tzinfo=UTC))))
        world.setup(nominal=AFFORDABLE * SHARE)
        world.issue(NUMBER)
        ctx = mp.get_context("spawn")
        results: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
        start = ctx.Barrier(WRITERS)
        procs = [ctx.Process(target=_writer, args=(url, schema, w, start, results))
                 for w in range(WRITERS)]
        for p in procs:
            p.start()
        outcomes = [results.get(timeout=180) for _ in procs]
        for p in procs:
            p.join(timeout=60)
            assert p.exitcode == 0
        granted = {UUID(c) for g, _, _ in outcomes for c in g}
        refused = {UUID(c) for _, r, _ in outcomes for c in r}
        assert len(granted) + len(refused) == WRITERS * REQUESTS_PER_WRITER
        certificate = world.certificates.certificate(NUMBER)
        # Never overdrawn; every granted request has its reserve, nothing else has one.
        assert certificate.free(2026) == 0
        assert len(granted) == AFFORDABLE
        assert set(certificate.contracts) == granted
        assert all(certificate.reserve(c) == SHARE for c in granted)
        assert certificate.total(AccountKind.RESERVE) == AFFORDABLE * SHARE
        assert -certificate.total(AccountKind.NOMINAL) == AFFORDABLE * SHARE
        # Each reserve transfer was applied exactly once: one event per granted request.
        reserved = [e for e in world.ledger.repository.event_store.get(certificate.id)
                    if type(e).__name__ == "ContractReserved"]
        assert len(reserved) == AFFORDABLE
        print(f"retries after conflicts: {sum(r for _, _, r in outcomes)}")  # usually > 0
        store.close()



def _provider_run(url: str, schema: str, provider: int, start: object,
                  results: mp.Queue) -> None:  # type: ignore[type-arg]
    """One provider's claims (an advance for each month) against the shared certificate."""
    store = open_store(url, schema, pool_size=1)
    world = FundingWorld(Ledger(store, system_clock), prefix=f"provider-{provider}")
    contract_id = uuid5(NS, f"contract/provider/{provider}")
    start.wait()  # type: ignore[attr-defined]
    retries = 0
    for month in MONTHS:
        request = ClaimRequest(ChargeKind.ADVANCE, PAYER, _provider_id(provider), month,
                               [(contract_id, 0)])
        context = world.ctx(month.replace(day=3), name=f"advance/{provider}/{month}")
        while True:
            try:
                world.claims.submit(context, request)
                break
            except ConcurrencyConflict:
                retries += 1
    results.put(retries)
    store.close()


def _provider_id(provider: int) -> UUID:
    return PROVIDER if provider == 0 else uuid5(NS, f"provider/{provider}")


def test_concurrent_claims_of_several_providers_charge_one_certificate_exactly() -> None:
    with fresh_schema() as (url, schema):
        store = open_store(url, schema)
        world = FundingWorld(Ledger(store, FixedClock(datetime(2026, 9, 1, 8, tzinfo=UTC))))
        world.setup(nominal=WRITERS * len(MONTHS) * SHARE)
        world.issue(NUMBER)
        for provider in range(WRITERS):
            if provider:
                world_org(world, provider)
            contract_id = uuid5(NS, f"contract/provider/{provider}")
            world.certificates.request_contract(
                world.ctx(), contract_id=contract_id, number=NUMBER,
                programme_id=uuid5(NS, f"programme/{provider}") if provider else PROGRAMME,
                group_name="Группа 1", first_month=MONTHS[0], last_month=MONTHS[-1])
            world.certificates.confirm_contract(world.ctx(), contract_id)
            world.certificates.activate_contract(world.ctx(), contract_id)
        ctx = mp.get_context("spawn")
        results: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
        start = ctx.Barrier(WRITERS)
        procs = [ctx.Process(target=_provider_run, args=(url, schema, p, start, results))
                 for p in range(WRITERS)]
        for p in procs:
            p.start()
        retries = [results.get(timeout=180) for _ in procs]
        for p in procs:
            p.join(timeout=60)
            assert p.exitcode == 0
        certificate = world.certificates.certificate(NUMBER)
        advance = SHARE * 8 // 10
        # Every provider's every month charged exactly once: none lost, none doubled.
        assert certificate.total(AccountKind.SPENT) == WRITERS * len(MONTHS) * advance
        for provider in range(WRITERS):
            funds = certificate.contracts[uuid5(NS, f"contract/provider/{provider}")]
            assert sorted(funds.advances) == list(MONTHS)
        assert -certificate.total(AccountKind.NOMINAL) == sum(certificate.total(k) for k in (
            AccountKind.SPENT, AccountKind.RESERVE, AccountKind.FREE, AccountKind.EXPIRED))
        print(f"retries after conflicts: {sum(retries)}")  # usually > 0
        store.close()


def world_org(world: FundingWorld, provider: int) -> None:
    """Another provider with the same programme."""
    OrganisationService(world.ledger).register(world.ctx(), _provider_id(provider),
                                               PROVIDER_DETAILS)
    world.certificates.certify_programme(
        world.ctx(), programme_id=uuid5(NS, f"programme/{provider}"),
        provider_id=_provider_id(provider), title="Шахматы", unit=Unit.ROUBLES,
        price_per_month=PRICE, normative_price=SHARE)
