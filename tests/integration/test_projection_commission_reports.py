"""Read model `commission_reports` on the stored engine, SQLite and PostgreSQL: an acceptance
season driven through the services, caught up in small pages and incrementally, equals the
in-memory fold, and its reports equal the services' domain reports."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from uuid import UUID

import pytest

from domain.acceptance import AcceptanceCampaign
from domain.acceptance_protocol import AcceptanceProtocol
from domain.acceptance_values import (
    AcceptanceResult,
    Deficiency,
    DeficiencyCategory,
    PlanEntry,
    ProtocolEntry,
    Remedy,
)
from domain.calendar_ru import RUSSIA
from domain.commission import CommissionMember, CommissionPurpose
from domain.envelope import Actor, BasisDocument, Role
from domain.identifiers import inn_check_digits, ogrn_check_digit
from domain.organisation import OrganisationDetails, OrganisationKind
from letopis.ledger import CommandContext, Ledger
from letopis.services.acceptance import AcceptanceService
from letopis.services.commissions import CommissionService
from letopis.services.organisations import OrganisationService
from projections.base import Event, Row
from projections.commission_reports import (
    CAMPAIGNS,
    COMMISSION_REPORTS,
    PUBLIC_CAMPAIGNS,
    campaign_key,
    municipal,
    overdue,
    regional,
)
from projections.engine import Engine
from projections.memory import fold_events
from projections.runner import build_engine
from tests.unit.test_projection_commission_reports import regional_json, report_json

AUTHORITY = Actor(user_id="uo-orenburg-1", role=Role.COMMISSION)
ORDER = BasisDocument(kind="order", number="412", dated=date(2026, 5, 20))
YEAR = "2026/2027"
CHAIR = CommissionMember(UUID(int=701), "Кузнецов Павел Андреевич", "заместитель главы")
MEMBER = CommissionMember(UUID(int=702), "Смирнова Елена Викторовна", "инспектор ОНДиПР")
ORENBURG_COMMISSION, ORSK_COMMISSION = UUID(int=601), UUID(int=602)
SCHOOLS = [UUID(int=n) for n in (1, 2, 3, 4)]  # 1-3 in Оренбург, 4 in Орск
MON_10, TUE_11, WED_12, THU_20 = (date(2026, 8, 10), date(2026, 8, 11), date(2026, 8, 12),
                                  date(2026, 8, 20))
DAYS = [date(2026, 8, 9), MON_10, date(2026, 8, 14), date(2026, 8, 18), date(2026, 8, 26),
        date(2026, 9, 1)]


def fire(n: int, remedy_by: date) -> Deficiency:
    return Deficiency(UUID(int=900 + n), DeficiencyCategory.FIRE_SAFETY,
                      "не исправна автоматическая пожарная сигнализация", remedy_by)


def ctx(command_id: str, on: date = date(2026, 6, 1)) -> CommandContext:
    return CommandContext(actor=AUTHORITY, command_id=command_id, effective_on=on, basis=ORDER)


def details(n: int, municipality: str) -> OrganisationDetails:
    inn_body, ogrn_body = f"56{n:07d}", f"1025600{n:05d}"
    return OrganisationDetails(
        full_name=f"МОАУ «СОШ № {n}»", short_name=f"СОШ № {n}", kind=OrganisationKind.SCHOOL,
        inn=inn_body + inn_check_digits(inn_body), ogrn=ogrn_body + ogrn_check_digit(ogrn_body),
        municipality=municipality, legal_address="ул. Ленина, 1", actual_address="ул. Ленина, 1")


class Season:
    def __init__(self, ledger: Ledger) -> None:
        self.service = AcceptanceService(ledger, RUSSIA)
        self.n = 0
        organisations, commissions = OrganisationService(ledger), CommissionService(ledger)
        for n, org in enumerate(SCHOOLS, start=1):
            organisations.register(ctx(f"org-{n}"), org,
                                   details(n, "Орск" if n == 4 else "Оренбург"))
        for commission, area in ((ORENBURG_COMMISSION, "Оренбург"), (ORSK_COMMISSION, "Орск")):
            commissions.form(ctx(f"commission-{area}"), commission,
                             CommissionPurpose.SCHOOL_YEAR_ACCEPTANCE, f"Комиссия: {area}",
                             area, CHAIR, (MEMBER,))
        self.orenburg = AcceptanceCampaign.stream_id("Оренбург", YEAR)
        self.orsk = AcceptanceCampaign.stream_id("Орск", YEAR)
        self.service.open_campaign(ctx("campaign-1"), "Оренбург", YEAR)
        for n, org in enumerate(SCHOOLS[:3]):
            self.service.plan_organisation(ctx(f"plan-{n}"), self.orenburg, PlanEntry(
                org, date(2026, 8, 10 + n), ORENBURG_COMMISSION, "Управление образования",
                f"директор школы № {n + 1}"))

    def protocol(self, held_on: date, *entries: ProtocolEntry, amends: UUID | None = None,
                 protocol_id: UUID | None = None, sign: bool = True) -> UUID:
        self.n += 1
        tag = f"{held_on.isoformat()}-{self.n}"
        self.service.open_protocol(ctx(f"open-{tag}", held_on), self.orenburg,
                                   ORENBURG_COMMISSION, held_on, amends=amends,
                                   protocol_id=protocol_id)
        pid = protocol_id or AcceptanceProtocol.original_id(ORENBURG_COMMISSION, held_on)
        for entry in entries:
            self.service.record_entry(ctx(f"entry-{tag}-{entry.organisation_id}", held_on),
                                      pid, entry)
        if sign:
            self.service.sign_protocol(ctx(f"sign-{tag}", held_on), pid, CHAIR.member_id,
                                       (MEMBER.member_id,))
        return pid

    def first_half(self) -> None:
        refused = ProtocolEntry(SCHOOLS[0], AcceptanceResult.NOT_ACCEPTED,
                                (fire(1, date(2026, 8, 17)),))
        original = self.protocol(MON_10, refused,
                                 ProtocolEntry(SCHOOLS[1], AcceptanceResult.ACCEPTED))
        self.protocol(MON_10, dataclasses.replace(refused, deficiencies=(
            fire(2, date(2026, 8, 17)), fire(3, date(2026, 8, 31)))),
            ProtocolEntry(SCHOOLS[1], AcceptanceResult.ACCEPTED),
            amends=original, protocol_id=UUID(int=801))
        self.service.reschedule(ctx("move-c"), self.orenburg, SCHOOLS[2], date(2026, 8, 24),
                                "ремонт кровли")

    def second_half(self) -> None:
        self.service.confirm_remedies(ctx("remedy", date(2026, 8, 19)), self.orenburg,
                                      UUID(int=1), SCHOOLS[0],
                                      (Remedy(UUID(int=902), date(2026, 8, 19), "акт № 17"),))
        self.protocol(THU_20, ProtocolEntry(SCHOOLS[0], AcceptanceResult.ACCEPTED))
        self.protocol(WED_12, ProtocolEntry(SCHOOLS[2], AcceptanceResult.ACCEPTED), sign=False)
        self.service.open_campaign(ctx("campaign-2"), "Орск", YEAR)
        self.service.plan_organisation(ctx("plan-orsk"), self.orsk, PlanEntry(
            SCHOOLS[3], date(2026, 8, 13), ORSK_COMMISSION, "УО Орска", "директор"))


class StoreRows:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get(self, table: str, key: str) -> Row | None:
        return self.engine.store.read(COMMISSION_REPORTS.name, table, key)


@pytest.fixture
def engine(ledger: Ledger, store_url: tuple[str, str]) -> Iterator[Engine]:
    url, schema = store_url
    built, close = build_engine(ledger, url, schema, page_size=3)
    yield built
    close()


def all_events(ledger: Ledger) -> list[Event]:
    return [ledger.mapper.to_domain_event(n)
            for n in ledger.recorder.select_notifications(None, 100_000)]


def test_stored_commission_reports_equal_the_fold_and_the_domain(ledger: Ledger,
                                                                 engine: Engine) -> None:
    season = Season(ledger)
    season.first_half()
    engine.catch_up(COMMISSION_REPORTS)
    season.second_half()  # more events after the first catch-up: incremental
    engine.catch_up(COMMISSION_REPORTS)

    expected = fold_events(COMMISSION_REPORTS, all_events(ledger))
    for table in COMMISSION_REPORTS.tables:
        assert dict(engine.store.scan(COMMISSION_REPORTS.name, table)) == expected[table], table

    rows = StoreRows(engine)
    orenburg = rows.get(CAMPAIGNS, campaign_key("Оренбург", YEAR))
    assert orenburg is not None
    assert orenburg["by_result"] == {"accepted": 2, "accepted_with_remarks": 0,
                                     "not_accepted": 0}
    assert [(d["deficiency_id"], d["remedied_on"]) for d in orenburg["deficiencies"]] == [
        (str(UUID(int=902)), "2026-08-19"), (str(UUID(int=903)), None)]
    assert len(orenburg["pending"]) == 1  # the unsigned protocol of the 12th does not count
    for on in DAYS:
        for table in (CAMPAIGNS, PUBLIC_CAMPAIGNS):
            for campaign_id in (season.orenburg, season.orsk):
                row = rows.get(table, str(campaign_id))
                assert row is not None
                assert municipal(row, on) == report_json(
                    season.service.municipal_report(campaign_id, on))
            assert regional(rows, YEAR, on, table) == regional_json(
                season.service.regional_report(YEAR, on))
    assert [d["deficiency_id"] for d in overdue([orenburg], date(2026, 9, 1))] == [
        str(UUID(int=903))]

    engine.rebuild(COMMISSION_REPORTS)
    for table in COMMISSION_REPORTS.tables:
        assert dict(engine.store.scan(COMMISSION_REPORTS.name, table)) == expected[table], table
