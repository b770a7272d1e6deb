"""Read model `learner_history`: study paths, cancellations, organisations and the join."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.learner import CANCELLATION_REASON, Learner
from domain.learner_values import EducationLevel, FormOfStudy, LeavingReason
from domain.organisation import Licence, Organisation, OrganisationDetails, OrganisationKind
from domain.sealed import DESTROYED, SEALED
from projections.learner_history import LEARNER_HISTORY, with_organisations
from projections.memory import MemoryRows, Tables
from tests.factories import MetaClock, sealed
from tests.learner_builders import ATTESTAT, CLUB, FIRST, LEARNER, OTHER_SCHOOL, SCHOOL, SECOND
from tests.projection_checks import strict_fold

SEP_1, SEP_10, SEP_15 = date(2026, 9, 1), date(2026, 9, 10), date(2026, 9, 15)
NEXT_SEP_1 = date(2027, 9, 1)
THIRD = UUID(int=1003)
ORDER = {"kind": "order", "number": "15-к", "dated": "2026-08-30"}
REGISTRAR = {"user_id": "registrar-1", "role": "registrar", "organisation_id": None}


def at(minute: int) -> str:
    """The MetaClock's recorded_at of its `minute`-th meta (0 is the first)."""
    return f"2026-09-01T{8 + minute // 60:02d}:{minute % 60:02d}:00+00:00"


class Story:
    """A learner driven through real commands, every event kept in order."""

    def __init__(self) -> None:
        self.metas = MetaClock()
        self.events: list[Any] = []
        self.learner = Learner.register(learner_id=LEARNER, meta=self.metas())
        self.collect()

    def collect(self) -> Story:
        self.events.extend(self.learner.collect_events())
        return self

    def enrol(self, enrolment_id: UUID = FIRST, organisation_id: UUID = SCHOOL,
              class_or_group: str = "5Б", on: date = SEP_1,
              level: EducationLevel = EducationLevel.BASIC_GENERAL,
              academic_year: str = "2026/2027") -> Story:
        self.learner.enrol(enrolment_id=enrolment_id, organisation_id=organisation_id,
                           level=level, class_or_group=class_or_group,
                           academic_year=academic_year, meta=self.metas(effective_on=on))
        return self.collect()

    def transfer(self, class_or_group: str, on: date, academic_year: str = "2026/2027",
                 promotion: bool = False, enrolment_id: UUID = FIRST) -> Story:
        self.learner.transfer_within(enrolment_id=enrolment_id, class_or_group=class_or_group,
                                     academic_year=academic_year, promotion=promotion,
                                     meta=self.metas(effective_on=on))
        return self.collect()

    def cancel(self, version: int, reason: str = "entered in error") -> Story:
        self.learner.cancel(cancelled_version=version,
                            reason=sealed(LEARNER, CANCELLATION_REASON, reason),
                            meta=self.metas(basis=None))
        return self.collect()

    def cancel_v1(self, version: int, reason: str) -> Story:
        """A version-1 cancellation, as stored before reasons were sealed: plain text."""
        self.learner._entry_cancelled(cancelled_version=version, reason=reason,
                                      meta=self.metas(basis=None),
                                      timestamp=self.metas().recorded_at)
        return self.collect()

    def destroy(self) -> Story:
        self.learner.destroy_personal_data(grounds="act 12", categories=("full_name",),
                                           meta=self.metas(basis=None))
        return self.collect()

    def fold(self) -> Tables:
        return strict_fold(LEARNER_HISTORY, self.events)

    def row(self) -> Any:
        return self.fold()["learners"][str(LEARNER)]


def entry(version: int, kind: str, minute: int, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "version": version, "kind": kind, "enrolment_id": str(FIRST),
        "organisation_id": str(SCHOOL), "level": "basic_general", "class_or_group": "5Б",
        "academic_year": "2026/2027", "form_of_study": "full_time", "promotion": None,
        "destination_organisation_id": None, "leaving_reason": None, "document": None,
        "basis": ORDER, "effective_on": "2026-09-01", "recorded_at": at(minute),
        "actor": REGISTRAR, "cancelled": None,
    }
    return base | fields


def placement(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "enrolment_id": str(FIRST), "organisation_id": str(SCHOOL), "level": "basic_general",
        "class_or_group": "5Б", "academic_year": "2026/2027", "form_of_study": "full_time",
        "enrolled_on": "2026-09-01", "placed_on": "2026-09-01",
    }
    return base | fields


def test_registered_learner_has_no_entries() -> None:
    assert Story().row() == {
        "learner_id": str(LEARNER), "registered_at": at(0), "status": "registered",
        "version": 1, "entries": [], "current": {"general": None, "additional": []},
    }


def test_enrolment_is_an_entry_and_the_current_placement() -> None:
    assert Story().enrol().row() == {
        "learner_id": str(LEARNER), "registered_at": at(0), "status": "enrolled", "version": 2,
        "entries": [entry(2, "enrolled", 1)],
        "current": {"general": placement(), "additional": []},
    }


def test_transfer_within_and_promotion_keep_organisation_and_enrolment_date() -> None:
    story = Story().enrol().transfer("5А", SEP_15).transfer(
        "6А", NEXT_SEP_1, academic_year="2027/2028", promotion=True)
    row = story.row()
    assert row["entries"] == [
        entry(2, "enrolled", 1),
        entry(3, "transferred_within", 2, class_or_group="5А", promotion=False,
              effective_on="2026-09-15"),
        entry(4, "transferred_within", 3, class_or_group="6А", academic_year="2027/2028",
              promotion=True, effective_on="2027-09-01"),
    ]
    assert row["current"]["general"] == placement(class_or_group="6А",
                                                  academic_year="2027/2028",
                                                  placed_on="2027-09-01")


def test_transfer_between_organisations_ends_one_enrolment_and_starts_another() -> None:
    story = Story().enrol()
    story.learner.transfer_between(
        enrolment_id=FIRST, destination_organisation_id=OTHER_SCHOOL, new_enrolment_id=SECOND,
        level=EducationLevel.BASIC_GENERAL, class_or_group="5В", academic_year="2026/2027",
        expel_meta=story.metas(effective_on=SEP_10), enrol_meta=story.metas(effective_on=SEP_15),
        form_of_study=FormOfStudy.PART_TIME)
    row = story.collect().row()
    assert row["entries"][1:] == [
        entry(3, "expelled_by_transfer", 2, destination_organisation_id=str(OTHER_SCHOOL),
              effective_on="2026-09-10"),
        entry(4, "enrolled", 3, enrolment_id=str(SECOND), organisation_id=str(OTHER_SCHOOL),
              class_or_group="5В", form_of_study="part_time", effective_on="2026-09-15"),
    ]
    assert row["current"]["general"] == placement(
        enrolment_id=str(SECOND), organisation_id=str(OTHER_SCHOOL), class_or_group="5В",
        form_of_study="part_time", enrolled_on="2026-09-15", placed_on="2026-09-15")
    assert row["status"] == "enrolled"


def test_leaving_on_completion_keeps_the_document_and_the_class_left() -> None:
    story = Story().enrol().transfer("9А", SEP_10)
    story.learner.leave(enrolment_id=FIRST, reason=LeavingReason.COMPLETION, document=ATTESTAT,
                        meta=story.metas(effective_on=date(2027, 6, 25)))
    row = story.collect().row()
    assert row["entries"][-1] == entry(
        4, "left", 3, class_or_group="9А", leaving_reason="completion",
        document={"kind": ATTESTAT.kind, "series": "", "number": ATTESTAT.number,
                  "issued_on": "2027-06-25"},
        effective_on="2027-06-25")
    assert (row["status"], row["current"]) == ("left", {"general": None, "additional": []})


def test_cancelled_transfer_is_marked_not_removed_and_the_placement_reverts() -> None:
    row = Story().enrol().transfer("5А", SEP_10).cancel(3, "wrong class").row()
    assert row["entries"] == [
        entry(2, "enrolled", 1),
        entry(3, "transferred_within", 2, class_or_group="5А", promotion=False,
              effective_on="2026-09-10",
              cancelled={"by_version": 4, "reason": SEALED, "recorded_at": at(3)}),
    ]
    assert row["current"]["general"] == placement()
    assert (row["status"], row["version"]) == ("enrolled", 4)


def test_a_move_after_a_cancelled_one_builds_on_what_stands() -> None:
    row = (Story().enrol().transfer("5А", SEP_10).cancel(3).transfer("5В", SEP_15)
           .row())
    assert row["entries"][-1] == entry(5, "transferred_within", 4, class_or_group="5В",
                                       promotion=False, effective_on="2026-09-15")
    assert row["current"]["general"] == placement(class_or_group="5В", placed_on="2026-09-15")


def test_cancelled_enrolment_leaves_the_learner_registered() -> None:
    row = Story().enrol().cancel(2).row()
    assert row["status"] == "registered"
    assert row["current"] == {"general": None, "additional": []}
    assert row["entries"][0]["cancelled"] == {"by_version": 3, "reason": SEALED,
                                              "recorded_at": at(2)}


def test_a_sealed_reason_is_a_placeholder_and_reads_destroyed_after_destruction() -> None:
    story = Story().enrol().cancel(2, "Иванова просила")
    assert story.row()["entries"][0]["cancelled"]["reason"] == SEALED
    row = story.destroy().row()
    assert row["entries"][0]["cancelled"]["reason"] == DESTROYED
    assert row["personal_data"] == "destroyed"
    assert "Иванова" not in repr(row)


def test_a_version_1_plain_reason_reads_as_stored_even_after_destruction() -> None:
    row = Story().enrol().cancel_v1(2, "ошибка оператора").destroy().row()
    assert row["entries"][0]["cancelled"]["reason"] == "ошибка оператора"


def test_additional_enrolments_stand_beside_the_general_one() -> None:
    story = Story().enrol().enrol(SECOND, CLUB, "робототехника", SEP_10,
                                  level=EducationLevel.ADDITIONAL)
    story.enrol(THIRD, CLUB, "шахматы", SEP_15, level=EducationLevel.ADDITIONAL)
    story.learner.leave(enrolment_id=FIRST, reason=LeavingReason.LEARNER_OR_PARENTS_INITIATIVE,
                        document=None, meta=story.metas(effective_on=SEP_15))
    row = story.collect().row()
    club = placement(enrolment_id=str(SECOND), organisation_id=str(CLUB), level="additional",
                     class_or_group="робототехника", enrolled_on="2026-09-10",
                     placed_on="2026-09-10")
    chess = club | {"enrolment_id": str(THIRD), "class_or_group": "шахматы",
                    "enrolled_on": "2026-09-15", "placed_on": "2026-09-15"}
    assert row["current"] == {"general": None, "additional": [club, chess]}
    assert row["status"] == "enrolled"
    assert row["entries"][-1]["leaving_reason"] == "learner_or_parents_initiative"


# organisations and the join


def details(short_name: str) -> OrganisationDetails:
    return OrganisationDetails(
        full_name=f"Муниципальное общеобразовательное учреждение «{short_name}»",
        short_name=short_name, kind=OrganisationKind.SCHOOL, inn="7707083893",
        ogrn="1027700132195", municipality="Оренбург", legal_address="ул. Ленина, 1",
        actual_address="ул. Ленина, 1")


def card(short_name: str, closed: bool = False) -> dict[str, Any]:
    return {"short_name": short_name,
            "full_name": f"Муниципальное общеобразовательное учреждение «{short_name}»",
            "kind": "school", "municipality": "Оренбург", "closed": closed}


def organisation_events(metas: MetaClock) -> list[Any]:
    school = Organisation.register(organisation_id=SCHOOL, details=details("СОШ № 1"),
                                   meta=metas())
    other = Organisation.register(organisation_id=OTHER_SCHOOL, details=details("СОШ № 2"),
                                  meta=metas())
    school.change_details(details=details("Лицей № 1"), meta=metas())
    school.record_licence(licence=Licence(number="Л035-01", issued_on=SEP_1, issued_by="МО"),
                          meta=metas())
    other.reorganise(form="присоединение", successor_ids=(SCHOOL,), meta=metas())
    other.close(reason="присоединена к лицею", meta=metas(effective_on=SEP_15))
    return [*school.collect_events(), *other.collect_events()]


def test_organisations_keep_the_card_readers_name_organisations_by() -> None:
    organisations = strict_fold(LEARNER_HISTORY, organisation_events(MetaClock()))[
        "organisations"]
    assert organisations == {
        str(SCHOOL): {"organisation_id": str(SCHOOL), **card("Лицей № 1"), "closed": False,
                      "closed_on": None, "successor_ids": []},
        str(OTHER_SCHOOL): {"organisation_id": str(OTHER_SCHOOL), **card("СОШ № 2"),
                            "closed": True, "closed_on": "2026-09-15",
                            "successor_ids": [str(SCHOOL)]},
    }


def test_with_organisations_joins_current_names_into_entries_and_placements() -> None:
    story = Story()
    story.enrol()
    story.learner.transfer_between(
        enrolment_id=FIRST, destination_organisation_id=OTHER_SCHOOL, new_enrolment_id=SECOND,
        level=EducationLevel.BASIC_GENERAL, class_or_group="5В", academic_year="2026/2027",
        expel_meta=story.metas(effective_on=SEP_10), enrol_meta=story.metas(effective_on=SEP_10))
    story.collect()
    tables = strict_fold(LEARNER_HISTORY,
                         [*organisation_events(MetaClock()), *story.events])
    rows = MemoryRows(tables)
    joined = with_organisations(tables["learners"][str(LEARNER)], rows)
    assert [(e["organisation"], e["destination_organisation"]) for e in joined["entries"]] == [
        (card("Лицей № 1"), None),
        (card("Лицей № 1"), card("СОШ № 2", closed=True)),
        (card("СОШ № 2", closed=True), None),
    ]
    assert joined["current"]["general"]["organisation"] == card("СОШ № 2", closed=True)
    # The stored row is untouched; an organisation not (yet) registered joins as None.
    assert "organisation" not in tables["learners"][str(LEARNER)]["entries"][0]
    alone = with_organisations(story.row(), MemoryRows({}))
    assert alone["entries"][0]["organisation"] is None
