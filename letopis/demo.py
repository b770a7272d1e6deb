"""A deterministic synthetic region: organisations, learners, a school year of moves and marks.

`letopis demo generate --learners N --years Y --seed S` issues ordinary domain commands with
command ids derived from the seed, so a second run (or a resumed, interrupted one) writes nothing
new. The same seed always gives the same region.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.envelope import Actor, BasisDocument, Role
from domain.gradebook_values import MarkKind, MarkValue, Period, PeriodKind, Scale
from domain.identifiers import inn_check_digits, ogrn_check_digit
from domain.learner_values import EducationDocument, EducationLevel, LeavingReason
from domain.organisation import Licence, OrganisationDetails, OrganisationKind
from letopis.bootstrap import Services
from letopis.ledger import CommandContext

SUBJECTS = ("Русский язык", "Математика", "Литература", "История", "Физическая культура")
MUNICIPALITIES = ("Оренбург", "Орск", "Бузулук", "Новотроицк")
FIRST_YEAR = 2025
# 1: organisations, learners, marks; 2: + exams, appeals, acceptance; 3: + personalised funding;
# 4: + staff and class teachers, olympiad, card change requests
# 5: + applications and queues (kindergarten round, first-class and college admission)
DEMO_CONTENT_VERSION = 5
SYSTEM = Actor(user_id="demo-generator", role=Role.SYSTEM)
# The other domains' content (exams, funding, staff and olympiad, admissions) covers the first
# learners only: their olympiad, certificate-group and claim streams grow with the learners they
# take, and every command replays its stream, so a 250,000-learner region would never finish.
EXTENSION_LEARNERS = 1_000


class SettableClock:
    """The generator's clock: each command is recorded at its simulated moment."""

    def __init__(self) -> None:
        self.now = datetime(FIRST_YEAR, 9, 1, 9, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@dataclass(frozen=True)
class DemoPlan:
    learners: int
    years: int
    seed: int
    weeks_of_marks: int = 8
    lessons_per_week: int = 1  # per subject; a real school year is ~34 weeks x 2-3 lessons

    def uuid(self, *parts: object) -> UUID:
        return uuid5(NAMESPACE_URL, "letopis-demo/" + "/".join(str(p) for p in (self.seed, *parts)))

    def command_id(self, *parts: object) -> str:
        return "demo/" + "/".join(str(p) for p in (self.seed, *parts))

    @property
    def marker(self) -> str:
        # Bumped when the demo gains a domain: a store loaded by an older version is topped
        # up (every command is idempotent) rather than reported as already loaded.
        return self.command_id(*self.marker_parts)

    @property
    def marker_parts(self) -> tuple[object, ...]:
        lessons = () if self.lessons_per_week == 1 else (f"x{self.lessons_per_week}",)
        return ("complete", self.learners, self.years, self.weeks_of_marks, *lessons,
                f"v{DEMO_CONTENT_VERSION}")


def _inn(rng: random.Random) -> str:
    body = "56" + "".join(str(rng.randint(0, 9)) for _ in range(7))  # 56: Orenburg region
    return body + inn_check_digits(body)


def _ogrn(rng: random.Random) -> str:
    body = "1025600" + "".join(str(rng.randint(0, 9)) for _ in range(5))
    return body + ogrn_check_digit(body)


def _academic_year(start: int) -> str:
    return f"{start}/{start + 1}"


def _level(grade: int) -> EducationLevel:
    if grade <= 4:
        return EducationLevel.PRIMARY_GENERAL
    return EducationLevel.BASIC_GENERAL if grade <= 9 else EducationLevel.SECONDARY_GENERAL


class DemoGenerator:
    def __init__(self, services: Services, clock: SettableClock, plan: DemoPlan) -> None:
        self.s = services
        self.clock = clock
        self.plan = plan
        self.rng = random.Random(plan.seed)
        self.commands = 0

    def already_loaded(self) -> bool:
        return self.s.ledger.store.command_outcome(self.plan.marker) is not None

    def _ctx(self, on: date, *parts: object, basis: BasisDocument | None = None,
             actor: Actor = SYSTEM, hour: int = 9) -> CommandContext:
        self.clock.now = datetime.combine(on, time(hour), tzinfo=UTC) + timedelta(
            seconds=self.commands % 3600)
        self.commands += 1
        return CommandContext(actor=actor, command_id=self.plan.command_id(*parts),
                              effective_on=on, basis=basis, source_system="demo")

    def run(self) -> int:
        """Generate the region; returns the number of commands issued."""
        schools = self._organisations()
        for year_index in range(self.plan.years):
            start = FIRST_YEAR + year_index
            for n in range(self.plan.learners):
                self._learner_year(n, start, year_index, schools)
        self.finish(schools)
        return self.commands

    def finish(self, schools: list[UUID]) -> None:
        """The other domains' content, then the completion marker, after every learner year."""
        full = self.plan
        self.plan = replace(full, learners=min(full.learners, EXTENSION_LEARNERS))
        try:
            for extend in _extensions():
                extend(self)
        finally:
            self.plan = full
        self.s.organisations.record_licence(
            self._ctx(date(FIRST_YEAR, 9, 1), *self.plan.marker_parts),
            schools[0], Licence(number="Л035-01212-56/00000001", issued_on=date(2015, 3, 2),
                                issued_by="Министерство образования Оренбургской области"))

    def _organisations(self) -> list[UUID]:
        count = max(3, self.plan.learners // 70)
        schools = []
        for i in range(count):
            org_id = self.plan.uuid("organisation", i)
            municipality = MUNICIPALITIES[i % len(MUNICIPALITIES)]
            details = OrganisationDetails(
                full_name=f"Муниципальное общеобразовательное автономное учреждение "
                          f"«Средняя общеобразовательная школа № {i + 1}» г. {municipality}",
                short_name=f"МОАУ СОШ № {i + 1}", kind=OrganisationKind.SCHOOL,
                inn=_inn(self.rng), ogrn=_ogrn(self.rng), municipality=municipality,
                legal_address=f"г. {municipality}, ул. Советская, д. {i + 1}",
                actual_address=f"г. {municipality}, ул. Советская, д. {i + 1}",
            )
            self.s.organisations.register(self._ctx(date(FIRST_YEAR, 8, 1), "org", i),
                                          org_id, details)
            schools.append(org_id)
        return schools

    def _learner_year(self, n: int, start: int, year_index: int, schools: list[UUID]) -> None:
        rng = random.Random(f"{self.plan.seed}/{n}")  # per-learner: stable whatever N is
        learner_id = self.plan.uuid("learner", n)
        first_grade = rng.randint(1, 11)
        grade = first_grade + year_index
        school = schools[rng.randrange(len(schools))]
        letter = rng.choice("АБВ")
        enrolment = self.plan.uuid("enrolment", n, 0)
        sept1 = date(start, 9, 1)
        order = BasisDocument(kind="order", number=f"{100 + n % 50}-к", dated=sept1)
        if year_index == 0:
            # Without a master key the demo keeps no personal data (docs/privacy.md).
            personal = ({"demo": True, "full_name": _name(rng)}
                        if self.s.personal_data.configured else None)
            self.s.learners.register(self._ctx(sept1, "learner", n), learner_id, personal)
            self.s.learners.enrol(self._ctx(sept1, "enrol", n, basis=order), learner_id,
                                  enrolment_id=enrolment, organisation_id=school,
                                  level=_level(grade), class_or_group=f"{grade}{letter}",
                                  academic_year=_academic_year(start))
        elif grade > 11:
            return
        else:
            self.s.learners.transfer_within(
                self._ctx(sept1, "promote", n, start, basis=order), learner_id,
                enrolment_id=enrolment, class_or_group=f"{grade}{letter}",
                academic_year=_academic_year(start), promotion=True)
        self._marks(n, learner_id, start, rng)
        if grade == 11:
            june = date(start + 1, 6, 25)
            self.s.learners.leave(
                self._ctx(june, "leave", n, basis=BasisDocument("order", f"{n}-в", june)),
                learner_id, enrolment_id=enrolment, reason=LeavingReason.COMPLETION,
                document=EducationDocument(kind="attestat_secondary", series="05624",
                                           number=f"{n:08d}", issued_on=june))

    def _marks(self, n: int, learner_id: UUID, start: int, rng: random.Random) -> None:
        year = _academic_year(start)
        teacher = Actor(user_id=f"teacher-{n % 17}", role=Role.TEACHER)
        ability = rng.choice((3, 4, 4, 5))
        for subject in SUBJECTS:
            values = []
            for week, lesson_on in enumerate(lessons(start, self.plan)):
                value = max(2, min(5, ability + rng.choice((-1, 0, 0, 1))))
                values.append(value)
                self.s.marks.record_mark(
                    self._ctx(lesson_on, "mark", n, subject, start, week, actor=teacher, hour=12),
                    learner_id, subject=subject, academic_year=year,
                    mark_id=self.plan.uuid("mark", n, subject, start, week),
                    kind=MarkKind.CURRENT, value=MarkValue(Scale.FIVE_POINT, str(value)),
                    lesson_on=lesson_on, work_kind="lesson")
            if values:
                quarter_mark = int(sum(values) / len(values) + 0.5)  # half up
                end = date(start, 10, 31)
                self.s.marks.record_mark(
                    self._ctx(end, "quarter", n, subject, start, actor=teacher, hour=14),
                    learner_id, subject=subject, academic_year=year,
                    mark_id=self.plan.uuid("quarter", n, subject, start), kind=MarkKind.PERIOD,
                    value=MarkValue(Scale.FIVE_POINT, str(quarter_mark)),
                    period=Period(PeriodKind.QUARTER, 1))


def _extensions() -> list[Callable[[DemoGenerator], None]]:
    """Other domains' additions to the demo region, in order."""
    from letopis.demo_admissions import extend_demo as admissions
    from letopis.demo_exams import extend_demo as exams
    from letopis.demo_finance import extend_demo as finance
    from letopis.demo_staff import extend_demo as staff

    return [exams, finance, staff, admissions]


_LESSON_DAYS = (0, 2, 4, 1, 3)  # Monday, Wednesday, Friday, then Tuesday, Thursday


def lessons(start: int, plan: DemoPlan) -> list[date]:
    """Lesson dates of each subject: `lessons_per_week` a week from the first Monday of
    September (the lesson index names the mark: index = week with one lesson a week)."""
    monday = date(start, 9, 1) + timedelta(days=(7 - date(start, 9, 1).weekday()) % 7)
    return [monday + timedelta(weeks=week, days=_LESSON_DAYS[lesson % len(_LESSON_DAYS)])
            for week in range(plan.weeks_of_marks) for lesson in range(plan.lessons_per_week)]


_NAMES = ("Иван", "Мария", "Алексей", "Анна", "Дмитрий", "Елена", "Сергей", "Ольга")
_SURNAMES = ("Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов")


def _name(rng: random.Random) -> str:
    return f"{rng.choice(_SURNAMES)} {rng.choice(_NAMES)}"
