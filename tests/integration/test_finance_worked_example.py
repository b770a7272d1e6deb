"""docs/finance.md's worked example, command by command, on SQLite and PostgreSQL: after each
row, the certificate's free, reserved, spent and expired money is what the document says."""

from __future__ import annotations

from datetime import date
from uuid import uuid5

from domain.certificate_values import CertificateKind, ChargeKind
from domain.funding_accounts import AccountKind
from letopis.ledger import Ledger
from tests.funding_world import NS, FundingWorld

RUB = 100  # kopecks
NUMBER = "0000002026"
LEARNER = uuid5(NS, "learner/worked-example")
SEP, OCT, NOV = date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)


def test_one_certificate_through_2026(ledger: Ledger) -> None:
    world = FundingWorld(ledger).setup(nominal=30_000 * RUB)
    world.learners.register(world.ctx(date(2026, 1, 1)), LEARNER)
    world.certificates.issue(world.ctx(date(2026, 1, 1)), number=NUMBER, learner_id=LEARNER,
                             kind=CertificateKind.FUNDING, municipality="Орск", year=2026)

    def row(free: int, reserved: int, spent: int, expired: int) -> None:
        c = world.certificates.certificate(NUMBER)
        assert (c.free(2026), c.total(AccountKind.RESERVE), c.total(AccountKind.SPENT),
                c.total(AccountKind.EXPIRED)) == (free * RUB, reserved * RUB, spent * RUB,
                                                  expired * RUB)
        assert -c.total(AccountKind.NOMINAL) == (free + reserved + spent + expired) * RUB

    def submit(kind: ChargeKind, month: date, on: date, delivered_bp: int = 0) -> None:
        world.claims.submit(world.ctx(on), world.request(kind, month, [(contract, delivered_bp)]))

    def approve(kind: ChargeKind, month: date, on: date) -> None:
        world.claims.approve(world.ctx(on), world.claim_id(kind, month))

    row(30_000, 0, 0, 0)  # 1: the opening entry
    contract = world.contract(NUMBER, "robotics")
    row(14_000, 16_000, 0, 0)  # 2: reserve (and the parents' co-payment)
    submit(ChargeKind.ADVANCE, SEP, date(2026, 9, 2))
    row(14_000, 12_800, 3_200, 0)  # 3: September's advance
    approve(ChargeKind.ADVANCE, SEP, date(2026, 9, 3))
    submit(ChargeKind.FINAL, SEP, date(2026, 10, 5), delivered_bp=9_000)
    row(14_000, 12_400, 3_600, 0)  # 4: September as delivered (90%), net of the advance
    approve(ChargeKind.FINAL, SEP, date(2026, 10, 6))
    row(14_400, 12_000, 3_600, 0)  # 5: approved: the undelivered 10% returns
    submit(ChargeKind.FINAL, OCT, date(2026, 11, 5), delivered_bp=10_000)
    approve(ChargeKind.FINAL, OCT, date(2026, 11, 6))
    row(14_400, 8_000, 7_600, 0)  # 6: October, all delivered
    submit(ChargeKind.ADVANCE, NOV, date(2026, 11, 5))
    approve(ChargeKind.ADVANCE, NOV, date(2026, 11, 6))
    row(14_400, 4_800, 10_800, 0)  # 7: November's advance
    world.certificates.terminate_contract(world.ctx(date(2026, 11, 20)), contract, "moved")
    row(18_400, 800, 10_800, 0)  # 8: terminated at the end of November: December returns
    submit(ChargeKind.FINAL, NOV, date(2026, 12, 7), delivered_bp=9_000)
    row(18_400, 400, 11_200, 0)  # 9: November as delivered
    approve(ChargeKind.FINAL, NOV, date(2026, 12, 8))
    row(18_800, 0, 11_200, 0)  # 10: approved: the undelivered part returns
    world.certificates.expire_year(world.ctx(date(2027, 1, 1)), number=NUMBER, year=2026)
    row(0, 0, 11_200, 18_800)  # 11: the year's unused money expires
