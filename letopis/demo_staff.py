"""Demo region, continued: the staff of each school with a class teacher for every class, the
school stage of the 2025/2026 maths olympiad with results, a request and an appeal, last year's
results imported, and one organisation card change request of each outcome.

`extend_demo(generator)` runs after `DemoGenerator.run()`'s learners, with command ids derived
from the generator's seed: a second run writes nothing new. Classes and participants are read
from the demo learners' contingent history.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from domain.envelope import Actor, BasisDocument, Role
from domain.olympiad import Olympiad
from domain.olympiad_values import AppealOutcome, ImportedResult, ResultStatus, Stage, StageLevel
from domain.organisation_change_request import FieldChange
from domain.staff_values import Position
from letopis.demo import SUBJECTS
from letopis.ledger import CommandContext

if TYPE_CHECKING:
    from letopis.demo import DemoGenerator

OPERATOR = Actor(user_id="demo-operator", role=Role.ADMINISTRATOR)
OLYMPIAD_ORDER = BasisDocument("order", "01-21/744", date(2025, 9, 3))
SUBJECT, MAX_SCORE = "Математика", 50
LYCEUM = "Муниципальное общеобразовательное автономное учреждение «Лицей № 1» г. Оренбург"
GYMNASIUM = "Муниципальное общеобразовательное автономное учреждение «Гимназия № 1» г. Оренбург"
_SURNAMES = ("Андреева", "Белова", "Волкова", "Громова", "Денисова", "Егорова", "Жукова",
             "Зайцева", "Ильина", "Козлова", "Лебедева", "Морозова", "Никитина", "Орлова")
_NAMES = ("Анна Сергеевна", "Ольга Петровна", "Елена Ивановна", "Татьяна Викторовна",
          "Ирина Николаевна", "Марина Александровна")


def extend_demo(generator: DemoGenerator) -> None:
    """Add staff, class teachers, the olympiad and card change requests to the demo region."""
    classes = _classes(generator)
    for i, school in enumerate(_schools(generator)):
        _staff(generator, i, school, classes.get(school, {}))
    _olympiad(generator, classes)
    _card_changes(generator)


def _schools(g: DemoGenerator) -> list[UUID]:
    return [g.plan.uuid("organisation", i) for i in range(max(3, g.plan.learners // 70))]


def _classes(g: DemoGenerator) -> dict[UUID, dict[str, dict[str, list[UUID]]]]:
    """school -> academic year -> class -> learners, from the demo learners' placements."""
    found: dict[UUID, dict[str, dict[str, list[UUID]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list)))
    for n in range(g.plan.learners):
        learner_id = g.plan.uuid("learner", n)
        if not g.s.ledger.exists(learner_id):
            continue
        for entry in g.s.learners.get(learner_id).entries:
            p = entry.placement
            if p is not None and learner_id not in found[p.organisation_id][p.academic_year][
                    p.class_or_group]:
                found[p.organisation_id][p.academic_year][p.class_or_group].append(learner_id)
    return found


def _staff(g: DemoGenerator, i: int, school: UUID,
           years: dict[str, dict[str, list[UUID]]]) -> None:
    rng = random.Random(f"{g.plan.seed}/staff/{i}")
    hired_on = date(2025, 8, 25)
    order = BasisDocument("order", f"{40 + i}-лс", hired_on)
    hr = Actor(user_id=f"demo-hr-{i}", role=Role.ADMINISTRATOR, organisation_id=school)
    class_names = sorted({c for by_class in years.values() for c in by_class},
                         key=lambda c: (int(c[:-1]), c[-1]))
    posts = [Position("директор")] + [Position("учитель", (s,)) for s in SUBJECTS]
    posts += [Position("учитель начальных классов", ("Русский язык", "Математика"))
              for _ in range(max(0, len(class_names) - len(SUBJECTS)))]
    people = []
    for k, position in enumerate(posts):
        person = g.plan.uuid("staff", i, k)
        name = f"{_SURNAMES[rng.randrange(len(_SURNAMES))]} {rng.choice(_NAMES)}"
        g.s.staff.hire(g._ctx(hired_on, "staff", "hire", i, k, basis=order, actor=hr),
                       school, person, name, position)
        if k > 0:
            people.append(person)
    for year, by_class in sorted(years.items()):
        start = date(int(year[:4]), 9, 1)
        appointment = BasisDocument("order", f"{60 + i}-о", start)
        for k, class_name in enumerate(sorted(by_class)):
            g.s.staff.assign_class_teacher(
                g._ctx(start, "staff", "class-teacher", i, year, class_name, basis=appointment,
                       actor=hr), school, class_name, year, people[k % len(people)])


def _olympiad(g: DemoGenerator, classes: dict[UUID, dict[str, dict[str, list[UUID]]]]) -> None:
    year = "2025/2026"
    olympiad_id = Olympiad.stream_id(year, SUBJECT)

    def ctx(on: date, *parts: object) -> CommandContext:
        return g._ctx(on, "olympiad", *parts, basis=OLYMPIAD_ORDER, actor=OPERATOR)

    o = g.s.olympiads
    o.announce(ctx(date(2025, 9, 5), "announce"), year, SUBJECT)
    graders: list[tuple[UUID, UUID, int]] = []
    for i, school in enumerate(_schools(g)):
        stage = Stage(g.plan.uuid("olympiad-stage", i), StageLevel.SCHOOL,
                      f"МОАУ СОШ № {i + 1}", date(2025, 10, 7), MAX_SCORE)
        o.plan_stage(ctx(date(2025, 9, 5), "plan", i), olympiad_id, stage)
        o.hold_stage(ctx(date(2025, 10, 8), "hold", i), olympiad_id,
                     stage.stage_id, stage.planned_on)
        rng = random.Random(f"{g.plan.seed}/olympiad/{i}")
        entrants = [(learner, int(c[:-1])) for c, learners in sorted(classes.get(
            school, {}).get(year, {}).items()) for learner in learners if int(c[:-1]) >= 4]
        scored = []
        for learner, grade in entrants[::3]:
            o.apply(ctx(date(2025, 9, 20), "apply", learner), olympiad_id,
                    learner, school, grade)
            scored.append((rng.randint(5, MAX_SCORE), learner))
            graders.append((learner, stage.stage_id, grade))
        for rank, (score, learner) in enumerate(sorted(scored, reverse=True)):
            status = (ResultStatus.PARTICIPANT if score * 2 <= MAX_SCORE or rank > 2 else
                      ResultStatus.WINNER if rank == 0 else ResultStatus.PRIZE_WINNER)
            o.record_result(ctx(date(2025, 10, 15), "result", learner),
                            olympiad_id, stage.stage_id, learner, str(score), status)
    if not graders:
        return
    learner, stage_id, grade = graders[0]
    o.request_results(ctx(date(2025, 10, 16), "see", learner), olympiad_id,
                      stage_id, learner)
    appeal = g.plan.uuid("olympiad-appeal", learner)
    o.file_appeal(ctx(date(2025, 10, 16), "appeal", learner), olympiad_id,
                  appeal, stage_id, learner, "не согласен с оценкой задачи 4")
    first = g.s.olympiads.olympiad(olympiad_id).results[(stage_id, learner)]
    o.decide_appeal(ctx(date(2025, 10, 17), "decide", learner), olympiad_id,
                    appeal, AppealOutcome.SCORE_UNCHANGED, first.score, first.status)
    past = Stage(g.plan.uuid("olympiad-stage", "2024"), StageLevel.MUNICIPAL, "Оренбург",
                 date(2024, 11, 20), 100)
    o.import_results(ctx(date(2025, 9, 10), "import"), "2024/2025",
                     SUBJECT, past, past.planned_on,
                     (ImportedResult(learner, max(4, grade - 1), "71", ResultStatus.WINNER),),
                     "протокол муниципального этапа 2024 г. (архив)")


def _card_changes(g: DemoGenerator) -> None:
    """The school edits its actual address itself; its renaming goes through requests (the
    full name only: other demo commands quote the short name)."""
    school = _schools(g)[0]
    user = Actor(user_id="demo-school-1", role=Role.ADMINISTRATOR, organisation_id=school)
    changes = g.s.organisation_changes
    on = date(2025, 10, 1)
    changes.set_editable_fields(g._ctx(on, "card", "policy", actor=OPERATOR),
                                ("actual_address",))
    changes.edit_card(g._ctx(on, "card", "edit", actor=user), school,
                      (FieldChange("actual_address", "г. Оренбург, ул. Советская, д. 1, корп. 2"),))
    for k, (outcome, name) in enumerate((("approve", LYCEUM), ("reject", GYMNASIUM))):
        request = g.plan.uuid("card-request", k)
        changes.submit_request(g._ctx(on, "card", "request", k, actor=user), request, school,
                               (FieldChange("full_name", name),), "переименование")
        ctx = g._ctx(on, "card", outcome, k, actor=OPERATOR)
        if outcome == "approve":
            changes.approve(ctx, request)
        else:
            changes.reject(ctx, request, "нет приказа учредителя о переименовании")
