"""Demo region, continued: the June 2026 GIA session with appeals, and the summer 2026
acceptance campaign for 2026/2027.

`extend_demo(generator)` runs after `DemoGenerator.run()`. It issues ordinary commands with
command ids derived from the generator's seed, so a second run writes nothing new. Participants
are the demo's 9th and 11th graders of 2025/2026, read from their contingent history.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING
from uuid import UUID

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
from domain.appeal_values import AppealKind, Decision, Hearing, NotAcceptedReason
from domain.commission import CommissionMember, CommissionPurpose
from domain.envelope import Actor, BasisDocument, Role
from domain.exam_values import ExamKind, ExamScore
from letopis.ledger import CommandContext

if TYPE_CHECKING:
    from letopis.demo import DemoGenerator

SESSION_YEAR = "2025/2026"
ACCEPTANCE_YEAR = "2026/2027"
RCOI = Actor(user_id="demo-rcoi", role=Role.COMMISSION)
AUTHORITY = Actor(user_id="demo-education-authority", role=Role.COMMISSION)
GIA_ORDER = BasisDocument("order", "01-21/318", date(2026, 3, 2))
ACCEPTANCE_ORDER = BasisDocument("order", "412", date(2026, 5, 15))
# (kind, subject, exam day, reserve day, official results day, max primary score, grade,
#  what the score appeals of the first participants come to)
EXAMS = (
    (ExamKind.EGE, "Русский язык", date(2026, 6, 4), date(2026, 6, 22), date(2026, 6, 18), 50,
     "11", ("up", "not_accepted", "pending")),
    (ExamKind.OGE, "Математика", date(2026, 6, 2), date(2026, 6, 24), date(2026, 6, 16), 31,
     "9", ("down", "rejected", "withdrawn")),
)


def extend_demo(generator: DemoGenerator) -> None:
    """Add the exam session with appeals and the acceptance campaign to the demo region."""
    _ExamSession(generator).run()
    _AcceptanceCampaign(generator).run()


def _members(generator: DemoGenerator, prefix: str, names: tuple[str, ...],
             positions: tuple[str, ...]) -> tuple[CommissionMember, ...]:
    return tuple(CommissionMember(generator.plan.uuid(prefix, i), name, position)
                 for i, (name, position) in enumerate(zip(names, positions, strict=True)))


class _ExamSession:
    def __init__(self, generator: DemoGenerator) -> None:
        self.g = generator
        self.s = generator.s
        self.commission = generator.plan.uuid("gia", "appeal-commission")
        self.members = _members(
            generator, "gia-member",
            ("Андреева Татьяна Николаевна", "Белов Игорь Сергеевич", "Гусева Ольга Павловна"),
            ("председатель", "учитель русского языка", "учитель математики"))

    def ctx(self, on: date, *parts: object, hour: int = 9) -> CommandContext:
        return self.g._ctx(on, "gia", *parts, basis=GIA_ORDER, actor=RCOI, hour=hour)

    def graders(self, grade: str) -> list[UUID]:
        found = []
        for n in range(self.g.plan.learners):
            learner_id = self.g.plan.uuid("learner", n)
            if not self.s.ledger.exists(learner_id):
                continue
            entries = self.s.learners.get(learner_id).entries
            if any(e.placement is not None and e.placement.academic_year == SESSION_YEAR
                   and e.placement.class_or_group[:-1] == grade for e in entries):
                found.append(learner_id)
        return found

    def run(self) -> None:
        chair, *others = self.members
        self.s.commissions.form(self.ctx(date(2026, 3, 2), "commission"), self.commission,
                                CommissionPurpose.GIA_APPEALS,
                                "Апелляционная комиссия Оренбургской области",
                                "Оренбургская область", chair, tuple(others))
        for kind, subject, exam_on, reserve_on, results_day, max_primary, grade, outcomes in EXAMS:
            exam_id = self.g.plan.uuid("gia", "exam", subject)
            reserve_id = self.g.plan.uuid("gia", "reserve", subject)
            self.s.exams.schedule_exam(self.ctx(date(2026, 3, 2), "exam", subject), exam_id,
                                       kind, subject, exam_on, max_primary)
            self.s.exams.schedule_exam(self.ctx(date(2026, 3, 2), "reserve", subject),
                                       reserve_id, kind, subject, reserve_on, max_primary,
                                       is_reserve=True)
            participants = self.graders(grade)
            for learner_id in participants:
                self.s.exams.register_participant(
                    self.ctx(date(2026, 3, 1), "register", subject, learner_id), learner_id,
                    exam_id, f"ППЭ № {5600 + len(subject)}")
            self.appeals(kind, subject, (exam_id, reserve_id), exam_on, results_day,
                         max_primary, participants, outcomes)

    def score(self, kind: ExamKind, max_primary: int, rng: random.Random) -> ExamScore:
        primary = rng.randint(max_primary // 4, max_primary)
        if kind is ExamKind.EGE:
            return ExamScore(primary=primary, test=min(100, primary * 2))
        mark = 2 + min(3, primary * 4 // (max_primary + 1))
        return ExamScore(primary=primary, mark=mark)

    def appeals(self, kind: ExamKind, subject: str, exams: tuple[UUID, UUID], exam_on: date,
                results_day: date, max_primary: int, participants: list[UUID],
                outcomes: tuple[str, ...]) -> None:
        exam_id, reserve_id = exams
        rng = random.Random(f"{self.g.plan.seed}/gia/{subject}")
        # Appeal statements are sealed under the learner's data key: without a master key the
        # demo files no appeals, as it keeps no personal data (docs/privacy.md).
        sealing = self.s.personal_data.configured
        # The first participant appeals against the procedure on the exam day: upheld.
        if participants and sealing:
            self.procedure_appeal(subject, participants[0], exam_id, reserve_id, exam_on)
        for learner_id in participants[1:]:
            self.s.exams.record_result(self.ctx(results_day, "result", subject, learner_id),
                                       learner_id, exam_id, self.score(kind, max_primary, rng))
        self.s.exams.publish_results_day(self.ctx(results_day, "results-day", subject),
                                         exam_id, results_day)
        for outcome, learner_id in zip(outcomes, participants[1:] if sealing else [],
                                       strict=False):
            self.score_appeal(subject, exam_id, results_day, learner_id, outcome)

    def procedure_appeal(self, subject: str, learner_id: UUID, exam_id: UUID,
                         reserve_id: UUID, exam_on: date) -> None:
        appeal_id = self.g.plan.uuid("gia", "appeal", subject, learner_id)
        self.s.exams.file_appeal(self.ctx(exam_on, "appeal", subject, learner_id, hour=14),
                                 appeal_id, learner_id, exam_id, AppealKind.PROCEDURE_VIOLATION,
                                 "во время экзамена в аудитории не работали часы")
        decided_on = self.s.exams.calendar.next_working_day(exam_on)
        self.s.exams.decide_appeal(
            self.ctx(decided_on, "decide", subject, learner_id, hour=16), appeal_id,
            Decision.UPHELD, self.commission, tuple(m.member_id for m in self.members),
            reserve_exam_id=reserve_id)

    def score_appeal(self, subject: str, exam_id: UUID, results_day: date, learner_id: UUID,
                     outcome: str) -> None:
        exams = self.s.exams
        appeal_id = self.g.plan.uuid("gia", "appeal", subject, learner_id)
        filed_on = exams.calendar.next_working_day(results_day)
        exams.file_appeal(self.ctx(filed_on, "appeal", subject, learner_id), appeal_id,
                          learner_id, exam_id, AppealKind.SCORE_DISAGREEMENT,
                          "не согласен с оценкой развёрнутых ответов")
        if outcome == "pending":
            return  # left undecided: the overdue report shows it once its due day has passed
        if outcome == "not_accepted":
            exams.not_accept_appeal(self.ctx(filed_on, "not-accepted", subject, learner_id,
                                             hour=15), appeal_id,
                                    NotAcceptedReason.MATERIALS_CONTENT,
                                    "апелляции по содержанию КИМ не рассматриваются")
            return
        if outcome == "withdrawn":
            exams.withdraw_appeal(self.ctx(filed_on, "withdrawn", subject, learner_id, hour=15),
                                  appeal_id)
            return
        hearing_on = exams.calendar.add_working_days(filed_on, 1)
        exams.schedule_hearing(
            self.ctx(filed_on, "hearing", subject, learner_id, hour=15), appeal_id,
            Hearing(datetime(hearing_on.year, hearing_on.month, hearing_on.day, 7, tzinfo=UTC),
                    None, f"https://vks.example.ru/ak/{appeal_id}"))
        # From the score as first recorded, so a re-run issues the very same command.
        current = exams.participation(learner_id, exam_id).history[0].score
        assert current is not None
        deciders = tuple(m.member_id for m in self.members[:2])
        ctx = self.ctx(hearing_on, "decide", subject, learner_id, hour=11)
        if outcome == "rejected":
            exams.decide_appeal(ctx, appeal_id, Decision.REJECTED, self.commission, deciders)
            return
        step = 1 if outcome == "up" else -1
        exam = exams.exam(exam_id)
        primary = max(0, min(exam.max_primary, current.primary + step))
        if primary == current.primary:
            primary = current.primary - step
        revised = ExamScore(primary=primary,
                            test=None if current.test is None else min(100, primary * 2),
                            mark=current.mark)
        exams.decide_appeal(ctx, appeal_id, Decision.UPHELD, self.commission, deciders,
                            revised_score=revised)


class _AcceptanceCampaign:
    def __init__(self, generator: DemoGenerator) -> None:
        self.g = generator
        self.s = generator.s
        self.visited = 0  # across municipalities, so results vary even with one school each

    def ctx(self, on: date, *parts: object, hour: int = 10) -> CommandContext:
        return self.g._ctx(on, "acceptance", *parts, basis=ACCEPTANCE_ORDER, actor=AUTHORITY,
                           hour=hour)

    def schools(self) -> dict[str, list[UUID]]:
        # The schools of the plan the extensions see (demo.EXTENSION_LEARNERS): one visit a
        # working day from 3 August must end before 1 September.
        by_municipality: dict[str, list[UUID]] = {}
        for i in range(max(3, self.g.plan.learners // 70)):
            org_id = self.g.plan.uuid("organisation", i)
            municipality = self.s.organisations.get(org_id).details.municipality
            by_municipality.setdefault(municipality, []).append(org_id)
        return by_municipality

    def run(self) -> None:
        for municipality, schools in sorted(self.schools().items()):
            self.municipality(municipality, schools)

    def municipality(self, municipality: str, schools: list[UUID]) -> None:
        calendar = self.s.acceptance.calendar
        commission = self.g.plan.uuid("acceptance", "commission", municipality)
        chair, *others = _members(
            self.g, f"acceptance-member/{municipality}",
            ("Волков Андрей Викторович", "Зайцева Ирина Олеговна", "Морозов Денис Ильич"),
            ("заместитель главы администрации", "начальник управления образования",
             "инспектор ОНДиПР"))
        self.s.commissions.form(self.ctx(date(2026, 5, 15), "commission", municipality),
                                commission, CommissionPurpose.SCHOOL_YEAR_ACCEPTANCE,
                                f"Комиссия по приёмке образовательных организаций г. "
                                f"{municipality}", municipality, chair, tuple(others))
        self.s.acceptance.open_campaign(self.ctx(date(2026, 5, 15), "campaign", municipality),
                                        municipality, ACCEPTANCE_YEAR)
        campaign = AcceptanceCampaign.stream_id(municipality, ACCEPTANCE_YEAR)
        day = date(2026, 8, 3)
        visits: list[tuple[UUID, date]] = []
        for school in schools:
            day = calendar.working_day_on_or_after(day)
            visits.append((school, day))
            head = self.s.organisations.get(school).details.short_name
            self.s.acceptance.plan_organisation(
                self.ctx(date(2026, 5, 20), "plan", school), campaign,
                PlanEntry(school, day, commission, f"Администрация г. {municipality}",
                          f"директор {head}"))
            day = calendar.next_working_day(day)
        self.work(campaign, commission, chair.member_id, tuple(m.member_id for m in others),
                  visits)

    def work(self, campaign: UUID, commission: UUID, chair: UUID, members: tuple[UUID, ...],
             visits: list[tuple[UUID, date]]) -> None:
        """Visits (first and repeat) grouped into one protocol per day, then the remedies."""
        calendar = self.s.acceptance.calendar
        days: dict[date, list[ProtocolEntry]] = {}
        remedies: dict[date, list[tuple[UUID, Deficiency]]] = {}
        for school, held_on in visits:
            n, self.visited = self.visited, self.visited + 1
            result = (AcceptanceResult.ACCEPTED, AcceptanceResult.ACCEPTED_WITH_REMARKS,
                      AcceptanceResult.NOT_ACCEPTED)[n % 3]
            if result is AcceptanceResult.ACCEPTED:
                days.setdefault(held_on, []).append(ProtocolEntry(school, result))
                continue
            found = Deficiency(self.g.plan.uuid("acceptance", "deficiency", school),
                               DeficiencyCategory.FIRE_SAFETY if n % 2
                               else DeficiencyCategory.BUILDING,
                               "не завершён ремонт эвакуационного выхода",
                               calendar.add_working_days(held_on, 10))
            days.setdefault(held_on, []).append(ProtocolEntry(school, result, (found,)))
            remedies.setdefault(calendar.add_working_days(held_on, 5), []).append(
                (school, found))
            if result is AcceptanceResult.NOT_ACCEPTED:
                repeat_on = calendar.add_working_days(held_on, 7)
                days.setdefault(repeat_on, []).append(
                    ProtocolEntry(school, AcceptanceResult.ACCEPTED))
        for on in sorted(set(days) | set(remedies)):
            if on in days:
                self.protocol(campaign, commission, chair, members, on, days[on])
            for school, found in remedies.get(on, []):
                self.s.acceptance.confirm_remedies(
                    self.ctx(on, "remedy", school, hour=15), campaign,
                    self.g.plan.uuid("acceptance", "remedy", school), school,
                    (Remedy(found.deficiency_id, on, "акт выполненных работ и фотофиксация"),))

    def protocol(self, campaign: UUID, commission: UUID, chair: UUID, members: tuple[UUID, ...],
                 held_on: date, entries: list[ProtocolEntry]) -> None:
        protocol_id = AcceptanceProtocol.original_id(commission, held_on)
        self.s.acceptance.open_protocol(self.ctx(held_on, "protocol", commission, held_on),
                                        campaign, commission, held_on)
        for entry in entries:
            self.s.acceptance.record_entry(
                self.ctx(held_on, "entry", held_on, entry.organisation_id, hour=12),
                protocol_id, entry)
        self.s.acceptance.sign_protocol(self.ctx(held_on, "sign", commission, held_on, hour=17),
                                        protocol_id, chair, members)
