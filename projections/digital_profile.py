"""Read model `digital_profile` (цифровой профиль обучающегося): study history, marks, averages.

Tables, in the order their folds run for each event (helpers first: later folds' key functions
read them):

- `placements` (learner id): helper; the current general placement and the spans of study.
- `gradebooks` (gradebook id): helper; whose gradebook it is: learner, subject, academic year.
- `marks` ("{gradebook id}|{mark id}"): helper; each averaged (not current) mark's kind, period
  and current value.
- `profiles` (learner id): status, current placement, history of study, the learner's subjects.
- `subject_marks` (gradebook id): a learner's marks in one subject for one year, corrections
  applied: current marks with their sum and count, period, annual, exam and final marks.
- `class_averages`, `school_averages`: integer sum and count of five-point marks per class or
  school, academic year, subject and period key.

The shapes are in docs/projections.md. Olympiad results are the profile's
`achievements` (projections/digital_profile_achievements.py). State final attestation results,
physical fitness, other achievements and additional education arrive with their own issues.
"""

from __future__ import annotations

from projections.base import Event, Fold, Projection, Row, Rows
from projections.digital_profile_achievements import (
    ACHIEVEMENT_EVENTS,
    OLYMPIAD_TOPIC,
    achievement_learners,
    apply_achievements,
)
from projections.digital_profile_averages import (
    CLASS_AVERAGES,
    CLASS_AVERAGES_FOLD,
    SCHOOL_AVERAGES,
    SCHOOL_AVERAGES_FOLD,
    average,
    averages_for_mark,
    class_average_key,
    mean,
    school_average_key,
)
from projections.digital_profile_marks import (
    GRADEBOOKS,
    GRADEBOOKS_FOLD,
    MARKS,
    MARKS_FOLD,
    SUBJECT_MARKS,
    SUBJECT_MARKS_FOLD,
    Opened,
    mark_key,
    period_key,
)
from projections.digital_profile_study import (
    PLACEMENTS,
    PLACEMENTS_FOLD,
    apply_study,
    open_spans,
)
from projections.learner_history import (
    LEARNER_EVENTS,
    PERSONAL_DATA_DESTROYED,
    personal_data_destroyed,
)

PROFILES = "profiles"

__all__ = [
    "CLASS_AVERAGES", "DIGITAL_PROFILE", "GRADEBOOKS", "MARKS", "PLACEMENTS", "PROFILES",
    "SCHOOL_AVERAGES", "SUBJECT_MARKS", "average", "averages_for_mark", "class_average_key",
    "current_average", "mark_key", "mean", "period_key", "school_average_key",
]


def _profile_key(event: Event, _rows: Rows) -> str | list[str] | None:
    if isinstance(event, ACHIEVEMENT_EVENTS):
        return achievement_learners(event)
    if isinstance(event, LEARNER_EVENTS):
        return str(event.originator_id)
    if isinstance(event, Opened):
        return str(event.learner_id)
    return None


def _apply_profile(row: Row | None, event: Event) -> Row | None:
    if isinstance(event, ACHIEVEMENT_EVENTS):
        if row is None:
            return None  # a learner unknown to the ledger has no profile
        return {**row, "achievements": apply_achievements(row.get("achievements", []),
                                                          row["learner_id"], event)}
    if isinstance(event, Opened):
        base = row if row is not None else _new_profile(str(event.learner_id))
        subject = {"academic_year": event.academic_year, "subject": event.subject,
                   "gradebook_id": str(event.originator_id)}
        subjects = sorted([*base["subjects"], subject],
                          key=lambda s: (s["academic_year"], s["subject"]))
        return {**base, "subjects": subjects}
    base = row if row is not None else _new_profile(str(event.originator_id))
    if isinstance(event, PERSONAL_DATA_DESTROYED):
        return {**base, **personal_data_destroyed(event)}
    study = apply_study(base["study"], event)
    general, additional = open_spans(study)
    status = "enrolled" if general or additional else "left" if study else "registered"
    return {**base, "status": status, "placement": general, "additional": additional,
            "study": study}


def _new_profile(learner_id: str) -> Row:
    return {"learner_id": learner_id, "status": "registered", "placement": None,
            "additional": [], "study": [], "subjects": [], "achievements": []}


DIGITAL_PROFILE = Projection(
    name="digital_profile",
    folds=(PLACEMENTS_FOLD, GRADEBOOKS_FOLD, MARKS_FOLD,
           Fold(PROFILES, _profile_key, _apply_profile),
           SUBJECT_MARKS_FOLD, CLASS_AVERAGES_FOLD, SCHOOL_AVERAGES_FOLD),
    version=3,  # 2: olympiad achievements; 3: `marks` holds only averaged marks
    description="learner's digital profile: study history, marks, class and school averages, "
                "olympiad achievements",
    topics=("domain.learner:Learner.", "domain.gradebook:Gradebook.", OLYMPIAD_TOPIC),
)


def current_average(subject_marks: Row) -> str | None:
    """The average of a `subject_marks` row's five-point current marks, e.g. "4.33"."""
    return mean(subject_marks["current_sum"], subject_marks["current_count"])
