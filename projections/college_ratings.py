"""Read model `college_ratings`: each college's admission — programmes and places, applications,
the rating lists as published, and the current rating of each programme.

One table, `college_admissions`, keyed by the admission's stream id (college × academic year):

```json
{"college_id": "…", "academic_year": "2026/2027",
 "programmes": {"09.02.07": {"name": "…", "places": 25, "enrolled": 3}},
 "applications": {"<application id>": {"applicant_id": "…", "status": "confirmed",
                  "average_mark": "4.50", "choices": {"09.02.07": 1},
                  "confirmed_at": "2026-06-20T09:00:00+00:00"}},
 "published": {"09.02.07": {"published_at": "…", "published_on": "2026-08-15",
                            "lines": [LINE, …]}}}
```

A LINE is `{"position", "application_id", "applicant_id", "average_mark", "priority",
"confirmed_at"}`. `rating_list` computes the current list from a row in the same order as the
domain (`domain.college_values.rating`): average mark, highest first; the applicant's priority
for the programme; the moment of confirmation; the application id.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from domain.college_admission import CollegeAdmission
from projections.base import Event, Fold, Projection, Row, Rows

ADMISSIONS = "college_admissions"

_C = CollegeAdmission
_Opened: type[Any] = getattr(_C, "Opened")  # noqa: B009
_Draft: type[Any] = getattr(_C, "DraftSubmitted")  # noqa: B009
_Confirmed: type[Any] = getattr(_C, "ApplicationConfirmed")  # noqa: B009
_Withdrawn: type[Any] = getattr(_C, "ApplicationWithdrawn")  # noqa: B009
_Published: type[Any] = getattr(_C, "RatingPublished")  # noqa: B009
_Ordered: type[Any] = getattr(_C, "EnrolmentOrdered")  # noqa: B009


def _key(event: Event, _rows: Rows) -> str | None:
    return str(event.originator_id) if isinstance(event, _C.Event) else None


def _line(line: Any) -> Row:
    return {"position": line.position, "application_id": str(line.application_id),
            "applicant_id": str(line.applicant_id), "average_mark": str(line.average_mark),
            "priority": line.priority, "confirmed_at": line.confirmed_at.isoformat()}


def _with(row: Row, application_id: Any, **changes: Any) -> Row:
    key = str(application_id)
    return {**row, "applications": {**row["applications"],
                                    key: {**row["applications"][key], **changes}}}


def _apply(row: Row | None, event: Event) -> Row | None:
    if isinstance(event, _Opened):
        return {"college_id": str(event.college_id), "academic_year": event.academic_year,
                "programmes": {p.code: {"name": p.name, "places": p.places, "enrolled": 0}
                               for p in event.programmes},
                "applications": {}, "published": {}}
    if row is None:  # an admission opens before anything else happens to it
        return None
    if isinstance(event, _Draft):
        application = event.application
        return {**row, "applications": {**row["applications"], str(
            application.application_id): {
                "applicant_id": str(application.applicant_id), "status": "draft",
                "average_mark": str(application.average_mark),
                "choices": {c.code: c.priority for c in application.choices},
                "confirmed_at": None}}}
    if isinstance(event, _Confirmed):
        return _with(row, event.application_id, status="confirmed",
                     average_mark=str(event.average_mark),
                     confirmed_at=event.confirmed_at.isoformat())
    if isinstance(event, _Withdrawn):
        return _with(row, event.application_id, status="withdrawn")
    if isinstance(event, _Published):
        return {**row, "published": {**row["published"], event.code: {
            "published_at": event.meta.recorded_at.isoformat(),
            "published_on": event.meta.effective_on.isoformat(),
            "lines": [_line(line) for line in event.lines]}}}
    if isinstance(event, _Ordered):
        new = row
        for application_id in event.application_ids:
            new = _with(new, application_id, status="enrolled")
        programme = row["programmes"][event.code]
        return {**new, "programmes": {**row["programmes"], event.code: {
            **programme, "enrolled": programme["enrolled"] + len(event.application_ids)}}}
    return row


COLLEGE_RATINGS = Projection(
    name="college_ratings",
    folds=(Fold(ADMISSIONS, _key, _apply),),
    description="college admission: applications, current and published rating lists",
    topics=("domain.college_admission:CollegeAdmission.",),
)


def rating_list(row: Row, code: str) -> list[Row]:
    """The programme's current rating list, computed from the row."""
    ranked = sorted(
        ((-Decimal(a["average_mark"]), a["choices"][code], a["confirmed_at"], k, a)
         for k, a in row["applications"].items()
         if a["status"] == "confirmed" and code in a["choices"]),
        key=lambda t: (t[0], t[1], t[2], t[3]))
    return [{"position": n, "application_id": k, "applicant_id": a["applicant_id"],
             "average_mark": a["average_mark"], "priority": priority, "confirmed_at": at}
            for n, (_, priority, at, k, a) in enumerate(ranked, start=1)]
