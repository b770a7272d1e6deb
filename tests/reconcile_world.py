"""A region with six approved claims of one provider, and a statement with one line of each
reconciliation class (tests/integration/test_reconcile.py)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.certificate_values import ChargeKind
from letopis.ledger import Ledger
from tests.funding_world import PAYEE_PARTY, PAYER_PARTY, FundingWorld

SEP, OCT, NOV, DEC = (date(2026, m, 1) for m in (9, 10, 11, 12))
OTHER_INN = "7728168971"  # a valid INN that is not the provider's
UNKNOWN_INN = "5600000019"
STATEMENT_DAY = "20.12.2026"
HEADER = ("Номер платёжного поручения;Дата;Сумма;ИНН плательщика;ИНН/счёт получателя;"
          "Назначение платежа")


class ReconcileWorld:
    """Claims A..F: Sep advance and final, Oct advance and final, Nov advance, Dec advance."""

    SEPTEMBER = SEP

    def __init__(self, ledger: Ledger) -> None:
        self.world = FundingWorld(ledger, prefix="rec").setup()
        contracts = []
        for n in range(3):
            number = self.world.issue(f"00000000{n + 1:02d}")
            contracts.append(self.world.contract(number, f"rec/{n}"))
        c1, c2, c3 = contracts
        self.claims: dict[str, UUID] = {}
        plan = (("A", ChargeKind.ADVANCE, SEP, [c1, c2, c3], date(2026, 9, 2)),
                ("B", ChargeKind.FINAL, SEP, [c1, c2, c3], date(2026, 10, 2)),
                ("C", ChargeKind.ADVANCE, OCT, [c1, c2], date(2026, 10, 2)),
                ("D", ChargeKind.FINAL, OCT, [c1, c2], date(2026, 11, 3)),
                ("E", ChargeKind.ADVANCE, NOV, [c1], date(2026, 11, 3)),
                ("F", ChargeKind.ADVANCE, DEC, [c1, c2, c3], date(2026, 12, 2)))
        for name, kind, month, ids, on in plan:
            request = self.world.request(kind, month, [(c, 10_000) for c in ids])
            self.world.claims.submit(self.world.ctx(on), request)
            claim_id = self.world.claim_id(kind, month)
            self.world.claims.approve(self.world.ctx(date.fromordinal(on.toordinal() + 1)),
                                      claim_id)
            self.claims[name] = claim_id

    def reference(self, name: str) -> str:
        return str(self.claims[name])[:13].upper()

    def approved(self, name: str) -> int:
        return self.world.claims.claim(self.claims[name]).approved

    def statement(self) -> str:
        """One line of each class (CSV, `;`, decimal comma); line numbers 2..9."""
        payer, provider = PAYER_PARTY.inn, PAYEE_PARTY.inn
        lines = [
            f"1;{STATEMENT_DAY};9 600,00;{payer};{provider};Оплата по заявке "
            f"{self.reference('A')} аванс 09.2026",                          # matched
            f"2;{STATEMENT_DAY};1 000,00;{payer};{provider};Счёт {self.reference('B')}",
            f"3;{STATEMENT_DAY};7 000,00;{payer};{provider};Аванс {self.reference('C')}",
            f"1;{STATEMENT_DAY};9 600,00;{payer};{provider};Оплата по заявке "
            f"{self.reference('A')} аванс 09.2026",                          # duplicate
            f"4;{STATEMENT_DAY};1 600,00;{payer};{OTHER_INN};Счёт {self.reference('D')}",
            f"5;{STATEMENT_DAY};123,45;{payer};{UNKNOWN_INN};Возврат средств",
            f"6;{STATEMENT_DAY};3 100,00;{payer};{provider};Аванс ПФДО за 11.2026",
            f"7;{STATEMENT_DAY};12,3,4;{payer};{provider};Аванс ПФДО",       # unparseable
        ]
        return "\n".join([HEADER, *lines]) + "\n"
