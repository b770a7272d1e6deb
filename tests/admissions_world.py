"""A small region for admissions tests through the services: kindergartens, a school and a
college in Оренбург, with contexts for commands."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.envelope import Actor, BasisDocument, Role
from domain.identifiers import inn_check_digits, ogrn_check_digit
from domain.organisation import OrganisationDetails, OrganisationKind
from letopis.ledger import CommandContext, Ledger
from letopis.services.organisations import OrganisationService

MUNICIPALITY = "Оренбург"
KG_1, KG_2, KG_3 = UUID(int=31), UUID(int=32), UUID(int=33)
SCHOOL, COLLEGE, KG_ORSK = UUID(int=41), UUID(int=51), UUID(int=39)
CLERK = Actor(user_id="uo-queue-1", role=Role.REGISTRAR)
ORDER = BasisDocument(kind="order", number="88-д", dated=date(2026, 8, 20))


def details(n: int, kind: OrganisationKind, municipality: str = MUNICIPALITY
            ) -> OrganisationDetails:
    inn_body, ogrn_body = f"56{n:07d}", f"1025600{n:05d}"
    return OrganisationDetails(
        full_name=f"Организация № {n} ({kind.value})", short_name=f"№ {n}", kind=kind,
        inn=inn_body + inn_check_digits(inn_body), ogrn=ogrn_body + ogrn_check_digit(ogrn_body),
        municipality=municipality, legal_address="ул. Ленина, 1", actual_address="ул. Ленина, 1")


class Commands:
    """Contexts with fresh command ids."""

    def __init__(self, prefix: str = "c") -> None:
        self.prefix, self.n = prefix, 0

    def __call__(self, on: date = date(2026, 2, 1), basis: BasisDocument | None = None,
                 command_id: str | None = None) -> CommandContext:
        self.n += 1
        return CommandContext(actor=CLERK, command_id=command_id or f"{self.prefix}{self.n}",
                              effective_on=on, basis=basis)


def register_organisations(ledger: Ledger) -> None:
    organisations = OrganisationService(ledger)
    ctx = Commands("org")
    for org in (KG_1, KG_2, KG_3):
        organisations.register(ctx(), org, details(org.int, OrganisationKind.KINDERGARTEN))
    organisations.register(ctx(), KG_ORSK, details(KG_ORSK.int, OrganisationKind.KINDERGARTEN,
                                                   "Орск"))
    organisations.register(ctx(), SCHOOL, details(SCHOOL.int, OrganisationKind.SCHOOL))
    organisations.register(ctx(), COLLEGE, details(COLLEGE.int, OrganisationKind.COLLEGE))
