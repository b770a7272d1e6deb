"""Demo region, continued: applications and queues of 2026.

- The kindergarten e-queue of Оренбург: twelve children apply in February (some with a
  privilege and its document), are confirmed; one suspends, one withdraws; the 1 June round
  allocates the places three kindergartens declared; one family declines and the freed place is
  offered by hand to the next child; accepted places end in enrolments on 1 September.
- First-class admission at the first demo school: catchment children in April, one child too
  young admitted on the founder's exception, a refusal, the order of 2 July, and a child from
  outside the catchment area in July.
- College admission: drafts from the personal account in June, confirmation with the
  originals, a withdrawal, the rating lists published on 15 August and the enrolment order.

Command ids derive from the generator's seed: a second run writes nothing new.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import UUID

from domain.college_values import ProgrammeChoice, ProgrammePlaces
from domain.envelope import Actor, BasisDocument, Role
from domain.first_class_values import ApplicantCategory, RefusalReason
from domain.kindergarten_round import AllocationRound
from domain.kindergarten_values import (
    FreePlaces,
    PrivilegeCategory,
    PrivilegeDocument,
    QueueTerms,
)
from domain.organisation import OrganisationDetails, OrganisationKind
from letopis.ledger import CommandContext

if TYPE_CHECKING:
    from letopis.demo import DemoGenerator

MUNICIPALITY, YEAR = "Оренбург", "2026/2027"
ROUND_DAY, SEPT = date(2026, 6, 1), date(2026, 9, 1)
QUEUE_CLERK = Actor(user_id="demo-queue-operator", role=Role.REGISTRAR)
COMMISSION = Actor(user_id="demo-queue-commission", role=Role.COMMISSION)
PRIVILEGES = (PrivilegeCategory.NONE, PrivilegeCategory.NONE, PrivilegeCategory.SIBLING,
              PrivilegeCategory.NONE, PrivilegeCategory.FIRST_PRIORITY)
PROGRAMMES = (ProgrammePlaces("09.02.07", "Информационные системы и программирование", 3),
              ProgrammePlaces("15.01.05", "Сварщик (ручной и частично механизированной "
                                          "сварки (наплавки))", 4))


def extend_demo(generator: DemoGenerator) -> None:
    """Add a kindergarten round, a first-class admission and a college admission."""
    _Admissions(generator).run()


class _Admissions:
    def __init__(self, generator: DemoGenerator) -> None:
        self.g, self.s, self.plan = generator, generator.s, generator.plan
        self.rng = random.Random(f"{self.plan.seed}/admissions")

    def ctx(self, on: date, *parts: object, basis: BasisDocument | None = None,
            actor: Actor = QUEUE_CLERK, hour: int = 10) -> CommandContext:
        return self.g._ctx(on, "admissions", *parts, basis=basis, actor=actor, hour=hour)

    def run(self) -> None:
        from letopis.demo import _inn, _ogrn

        orgs: dict[str, list[UUID]] = {}
        for kind, titles in ((OrganisationKind.KINDERGARTEN, ("Детский сад № 5 «Солнышко»",
                                                               "Детский сад № 12 «Берёзка»",
                                                               "Детский сад № 31 «Радуга»")),
                             (OrganisationKind.COLLEGE, ("Оренбургский колледж связи",))):
            for i, title in enumerate(titles):
                org_id = self.plan.uuid("admissions", kind.value, i)
                self.s.organisations.register(
                    self.ctx(date(2026, 1, 15), "org", kind.value, i), org_id,
                    OrganisationDetails(
                        full_name=f"МДОАУ «{title}»" if kind is OrganisationKind.KINDERGARTEN
                        else f"ГАПОУ «{title}»", short_name=title, kind=kind,
                        inn=_inn(self.rng), ogrn=_ogrn(self.rng), municipality=MUNICIPALITY,
                        legal_address=f"г. Оренбург, ул. Чкалова, д. {3 + i}",
                        actual_address=f"г. Оренбург, ул. Чкалова, д. {3 + i}"))
                orgs.setdefault(kind.value, []).append(org_id)
        self.kindergarten_queue(orgs["kindergarten"])
        self.first_class()
        self.college(orgs["college"][0])

    def kindergarten_queue(self, kindergartens: list[UUID]) -> None:
        kg = self.s.kindergarten
        children = [self.plan.uuid("kg-child", n) for n in range(12)]
        for n, child in enumerate(children):
            privilege = PRIVILEGES[n % len(PRIVILEGES)]
            prefs = tuple(kindergartens[(n + k) % 3] for k in range(1 + n % 3))
            on = date(2026, 2, 2) + timedelta(days=n)
            kg.register(self.ctx(on, "kg-apply", n), child, QueueTerms(
                MUNICIPALITY, prefs, SEPT if n != 7 else date(2027, 9, 1),
                "3-4" if n % 4 else "2-3", privilege,
                None if privilege is PrivilegeCategory.NONE else PrivilegeDocument(
                    "удостоверение", f"{n:04d}-У", date(2025, 12, 1))))
            kg.confirm(self.ctx(on + timedelta(days=3), "kg-confirm", n), child)
        kg.suspend(self.ctx(date(2026, 3, 2), "kg-suspend"), children[5],
                   "по заявлению: до 2027 года")
        kg.withdraw(self.ctx(date(2026, 3, 3), "kg-withdraw"), children[9], "переезд")
        protocol = BasisDocument("protocol", "3", ROUND_DAY)
        kg.open_round(self.ctx(ROUND_DAY, "kg-round", actor=COMMISSION, basis=protocol),
                      MUNICIPALITY, ROUND_DAY, SEPT,
                      (FreePlaces(kindergartens[0], "3-4", 2),
                       FreePlaces(kindergartens[1], "3-4", 2),
                       FreePlaces(kindergartens[2], "3-4", 1),
                       FreePlaces(kindergartens[0], "2-3", 1)))
        round_id = AllocationRound.stream_id(MUNICIPALITY, ROUND_DAY)
        kg.allocate(self.ctx(ROUND_DAY, "kg-allocate", actor=COMMISSION, basis=protocol),
                    round_id)
        # Decisions below read only what the round recorded, so a second run repeats them.
        recorded = kg.round(round_id)
        offers = list(recorded.allocated_offers)
        accepted = [o.child_id for o in offers[:-1]]
        for n, offer in enumerate(offers):
            kg.answer_offer(self.ctx(date(2026, 6, 5), "kg-answer", n), offer.child_id,
                            accepted=offer is not offers[-1],
                            reason="" if offer is not offers[-1] else "выбрали другой сад")
        if offers:
            freed, served = offers[-1], {o.application_id for o in offers}
            nxt = next((e for e in recorded.queue or () if e.application_id not in served
                        and e.age_group == freed.age_group and e.desired_start <= SEPT), None)
            if nxt is not None:
                kg.offer_place(self.ctx(date(2026, 6, 8), "kg-hand-offer", actor=COMMISSION),
                               round_id, nxt.child_id, freed.organisation_id,
                               "место освободилось после отказа")
                kg.answer_offer(self.ctx(date(2026, 6, 9), "kg-hand-answer"), nxt.child_id,
                                accepted=True)
                accepted.append(nxt.child_id)
        order = BasisDocument("order", "214-д", SEPT)
        for n, child in enumerate(accepted):
            kg.enrol(self.ctx(SEPT, "kg-enrol", n, basis=order), child,
                     enrolment_id=self.plan.uuid("kg-enrolment", n),
                     group="Младшая группа «Пчёлка»", academic_year=YEAR)

    def first_class(self) -> None:
        fc, school = self.s.first_class, self.plan.uuid("organisation", 0)
        fc.open(self.ctx(date(2026, 3, 20), "fc-open"), school, YEAR, places=25)
        children = [self.plan.uuid("fc-child", n) for n in range(6)]
        apps = [self.plan.uuid("fc-application", n) for n in range(6)]
        founder = BasisDocument("founder_decision", "317", date(2026, 4, 6))
        fc.grant_age_exception(self.ctx(date(2026, 4, 6), "fc-exception", basis=founder),
                               school, YEAR, children[4])
        births = (date(2019, 10, 3), date(2019, 12, 20), date(2020, 1, 9), date(2019, 5, 30),
                  date(2020, 4, 1), date(2019, 11, 11))
        for n in range(5):
            fc.receive(self.ctx(date(2026, 4, 1) + timedelta(days=n), "fc-apply", n), school,
                       YEAR, application_id=apps[n], child_id=children[n],
                       category=ApplicantCategory.PRIORITY if n == 2
                       else ApplicantCategory.CATCHMENT, birth_date=births[n])
        fc.refuse(self.ctx(date(2026, 4, 20), "fc-refuse"), school, YEAR, apps[3],
                  RefusalReason.INCOMPLETE_DOCUMENTS, "не представлено свидетельство о "
                  "регистрации по месту жительства")
        order = BasisDocument("order", "112-у", date(2026, 7, 2))
        fc.order_admission(self.ctx(date(2026, 7, 2), "fc-order", basis=order), school, YEAR,
                           (apps[0], apps[1], apps[2], apps[4]), "1А")
        fc.receive(self.ctx(date(2026, 7, 7), "fc-apply", 5), school, YEAR,
                   application_id=apps[5], child_id=children[5],
                   category=ApplicantCategory.OTHER, birth_date=births[5])
        later = BasisDocument("order", "131-у", date(2026, 7, 10))
        fc.order_admission(self.ctx(date(2026, 7, 10), "fc-order-2", basis=later), school,
                           YEAR, (apps[5],), "1Б")

    def college(self, college: UUID) -> None:
        ca = self.s.college_admission
        ca.open(self.ctx(date(2026, 6, 1), "col-open"), college, YEAR, PROGRAMMES)
        codes = [p.code for p in PROGRAMMES]
        applicants = [self.plan.uuid("col-applicant", n) for n in range(9)]
        apps = [self.plan.uuid("col-application", n) for n in range(9)]
        for n, applicant in enumerate(applicants):
            mark = Decimal(self.rng.randint(340, 500)) / 100
            choices = (codes[n % 2], codes[(n + 1) % 2])[:1 + n % 3 // 2]
            ca.submit_draft(self.ctx(date(2026, 6, 20) + timedelta(days=n % 5), "col-draft", n),
                            college, YEAR, application_id=apps[n], applicant_id=applicant,
                            choices=tuple(ProgrammeChoice(c, k) for k, c in
                                          enumerate(choices, start=1)), average_mark=mark)
            if n != 8:  # the last one never comes with the originals: stays a draft
                ca.confirm(self.ctx(date(2026, 7, 1) + timedelta(days=n), "col-confirm", n),
                           college, YEAR, apps[n], ("аттестат об основном общем образовании",
                                                    "паспорт"), mark)
        ca.withdraw(self.ctx(date(2026, 8, 3), "col-withdraw"), college, YEAR, apps[6],
                    "поступил в другой колледж")
        for code in codes:
            ca.publish_rating(self.ctx(date(2026, 8, 15), "col-publish", code), college, YEAR,
                              code)
        order = BasisDocument("order", "301-к", date(2026, 8, 25))
        admission = ca.admission(college, YEAR)
        taken: set[UUID] = set()
        for code in codes:
            programme = admission.programmes[code]
            chosen = [line.application_id for line in admission.published[code]
                      if line.application_id not in taken][:programme.places]
            taken.update(chosen)
            if chosen:
                ca.order_enrolment(self.ctx(date(2026, 8, 25), "col-order", code, basis=order),
                                   college, YEAR, code, tuple(chosen), f"{code}-26")
