"""The worked examples of docs/audit.md, built for real and checked against the document.

`build_audit_example` writes the story the document tells into a store: a school, a learner
registered on 25 August, an enrolment order dated 1 September entered on 5 September into the
wrong class, its cancellation and the right enrolment on 12 October, a mark and its correction,
and the school's renaming from 1 January. Every `$ letopis ...` block of docs/audit.md is then
run against that store, and every line it shows (other than "…") must appear in the real output,
in the same order.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import UUID

import pytest

from domain.certificate_values import CertificateKind
from domain.envelope import Actor, BasisDocument, Role
from domain.gradebook import Gradebook
from domain.gradebook_values import MarkKind, MarkValue, Scale
from domain.learner_values import EducationLevel
from domain.money import Unit
from domain.organisation import OrganisationDetails, OrganisationKind
from letopis.cli import EXIT_USAGE, run
from letopis.clock import FixedClock
from letopis.ledger import CommandContext, Ledger
from letopis.privacy import KeyStore, MasterKey, PersonalDataService, open_keystore
from letopis.services.certificates import CertificateService
from letopis.services.learners import LearnerService
from letopis.services.marks import MarkService
from letopis.services.organisations import OrganisationService
from letopis.store import init_store, open_store
from replay.event_id import event_id

REPO = Path(__file__).resolve().parents[2]
AUDIT_DOC = REPO / "docs" / "audit.md"

SCHOOL = UUID("2c9a4e61-8b3f-4d2a-a7c5-1e6f9b0d8a32")
LEARNER = UUID("7d3b9c2e-4f1a-4b8e-9c6d-2a5e8f1b3c47")
ENROLMENT = UUID("a1e0c6d4-3b7f-4e29-8d15-6c4b2f9e7a01")
RIGHT_ENROLMENT = UUID("b8f2d5a3-9c1e-4a76-b3d8-0e7f4c6a2b19")
MARK = UUID("c5d9e2b7-1a4f-4c83-9e6b-3f8a0d7c5e42")
MARK_FIX = UUID("d3a7f1c9-6e2b-4d58-a0f4-9b1c8e5d3a76")
CORRECTION_CASE = UUID("e6b4c8a2-5d9f-4b13-8c7e-2a0f6d4b9e81")
YEAR = "2026/2027"
SUBJECT = "Математика"
GRADEBOOK = Gradebook.stream_id(LEARNER, SUBJECT, YEAR)
CERTIFICATE = "5600012345"  # сертификат ПФДО

CLERK = Actor(user_id="registrar-ivanova", role=Role.REGISTRAR, organisation_id=SCHOOL)
TEACHER = Actor(user_id="teacher-petrov", role=Role.TEACHER, organisation_id=SCHOOL)
AUTHORITY = Actor(user_id="registry-sidorova", role=Role.ADMINISTRATOR)
ORDER = BasisDocument(kind="order", number="112-к", dated=date(2026, 9, 1))  # приказ
MEMO = BasisDocument(kind="memo", number="7", dated=date(2026, 10, 12))  # служебная записка

DETAILS = OrganisationDetails(
    full_name="Муниципальное общеобразовательное автономное учреждение «Средняя "
              "общеобразовательная школа № 1» г. Оренбурга",
    short_name="МОАУ СОШ № 1", kind=OrganisationKind.SCHOOL, inn="5610012341",
    ogrn="1025600000007", municipality="Оренбург", legal_address="г. Оренбург, ул. Ленина, 1",
    actual_address="г. Оренбург, ул. Ленина, 1")
RENAMED = replace(DETAILS, full_name=DETAILS.full_name.replace("«Средняя общеобразовательная "
                                                               "школа № 1»", "«Лицей № 1»"),
                  short_name="МОАУ Лицей № 1")


def at(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def build_audit_example(url: str, schema: str = "letopis") -> None:
    """Write the story of docs/audit.md into the (initialised) store at `url`."""
    clock = FixedClock(at(8, 20, 9))
    ledger = Ledger(open_store(url, schema), clock)
    keystore = open_keystore(url, schema)
    try:
        write_audit_example(ledger, clock, keystore)
    finally:
        keystore.close()
        ledger.store.close()


def write_audit_example(ledger: Ledger, clock: FixedClock, keystore: KeyStore) -> None:
    """The story, through the ordinary services; `clock` is the ledger's and is set per command.
    The reasons of the cancellation and the correction are sealed under the learner's key (a
    fresh master key: the story never reads them back)."""
    sealer = PersonalDataService(ledger, keystore, MasterKey.generate(), clock)
    organisations, learners, marks = (OrganisationService(ledger), LearnerService(ledger, sealer),
                                      MarkService(ledger, sealer))

    def ctx(when: datetime, command_id: str, effective_on: date, actor: Actor = CLERK,
            basis: BasisDocument | None = None, correlation: UUID | None = None,
            causation: UUID | None = None) -> CommandContext:
        clock.now = when
        source = {CLERK: "contingent", TEACHER: "e-journal", AUTHORITY: "registry"}[actor]
        return CommandContext(actor=actor, command_id=command_id, effective_on=effective_on,
                              basis=basis, correlation_id=correlation, causation_id=causation,
                              source_system=source)

    organisations.register(ctx(at(8, 20, 9), "org-1", date(2026, 8, 20), AUTHORITY),
                           SCHOOL, DETAILS)
    learners.register(ctx(at(8, 25, 9), "learner-1", date(2026, 8, 25)), LEARNER)
    # The order of 1 September, entered on 5 September, with the wrong class.
    learners.enrol(ctx(at(9, 5, 10, 15), "enrol-1", date(2026, 9, 1), basis=ORDER),
                   LEARNER, enrolment_id=ENROLMENT, organisation_id=SCHOOL,
                   level=EducationLevel.BASIC_GENERAL, class_or_group="5Б", academic_year=YEAR)
    # 12 October: the mistake is found; cancelled, and the order entered as it reads.
    learners.cancel(ctx(at(10, 12, 11), "cancel-1", date(2026, 10, 12), basis=MEMO,
                        correlation=CORRECTION_CASE), LEARNER, cancelled_version=2,
                    reason="class entered wrongly: order 112-к enrols into 5А")
    learners.enrol(ctx(at(10, 12, 11, 5), "enrol-2", date(2026, 9, 1), basis=ORDER,
                       correlation=CORRECTION_CASE, causation=event_id(LEARNER, 3)),
                   LEARNER, enrolment_id=RIGHT_ENROLMENT, organisation_id=SCHOOL,
                   level=EducationLevel.BASIC_GENERAL, class_or_group="5А", academic_year=YEAR)
    marks.record_mark(ctx(at(9, 15, 14), "mark-1", date(2026, 9, 15), TEACHER), LEARNER,
                      subject=SUBJECT, academic_year=YEAR, mark_id=MARK, kind=MarkKind.CURRENT,
                      value=MarkValue(Scale.FIVE_POINT, "3"), lesson_on=date(2026, 9, 15),
                      work_kind="контрольная работа")
    marks.correct_mark(ctx(at(9, 16, 8, 30), "mark-1-fix", date(2026, 9, 15), TEACHER),
                       LEARNER, subject=SUBJECT, academic_year=YEAR, mark_id=MARK_FIX,
                       corrects_mark_id=MARK, value=MarkValue(Scale.FIVE_POINT, "4"),
                       reason="the sum of points was miscounted")
    organisations.change_details(
        ctx(at(12, 20, 12), "org-rename", date(2027, 1, 1), AUTHORITY,
            basis=BasisDocument(kind="resolution", number="2150-п", dated=date(2026, 12, 18))),
        SCHOOL, RENAMED)
    write_certificate_example(ledger, ctx)


def write_certificate_example(ledger: Ledger, ctx: Callable[..., CommandContext]) -> None:
    """A certificate issued in September with the year's nominal, which expires at year end."""
    certificates = CertificateService(ledger)
    certificates.establish_group(ctx(at(8, 28, 9), "group-2026", date(2026, 8, 28), AUTHORITY),
                                 municipality="Оренбург", year=2026, nominal=3_000_000,
                                 unit=Unit.ROUBLES, max_certificates=100,
                                 max_nominal_sum=300_000_000)
    certificates.issue(ctx(at(9, 10, 9), "certificate-1", date(2026, 9, 10), AUTHORITY),
                       number=CERTIFICATE, learner_id=LEARNER, kind=CertificateKind.FUNDING,
                       municipality="Оренбург", year=2026)
    certificates.expire_year(ctx(at(1, 10, 9, year=2027), "expire-2026", date(2027, 1, 1),
                                 AUTHORITY), number=CERTIFICATE, year=2026)


# The document's examples, run for real.

ELISION = "…"
_CONSOLE = re.compile(r"```console\n(.*?)```", re.DOTALL)


def console_blocks(text: str) -> list[tuple[list[str], list[str]]]:
    """(argv after `letopis`, expected lines) of every ```console block."""
    blocks = []
    for body in _CONSOLE.findall(text):
        command, *expected = body.rstrip("\n").split("\n")
        assert command.startswith("$ letopis "), command
        blocks.append((shlex.split(command)[2:], expected))
    return blocks


def chunks(expected: list[str]) -> list[list[str]]:
    """Runs of shown lines between "…" lines (which stand for one or more lines left out)."""
    runs: list[list[str]] = [[]]
    for line in expected:
        if line.strip() == ELISION:
            runs.append([])
        else:
            runs[-1].append(line)
    return runs


def assert_shown(expected: list[str], actual: list[str]) -> None:
    """Each run of shown lines appears contiguously and in order; without a leading or
    trailing "…" the output must begin or end with it."""
    runs = chunks(expected)
    position = 0
    for index, shown in enumerate(runs):
        if not shown:
            continue
        starts = [i for i in range(position, len(actual) - len(shown) + 1)
                  if actual[i:i + len(shown)] == shown]
        assert starts, f"not in the output after line {position}: {shown[0]!r}\n" + "\n".join(
            actual)
        if index == 0:
            assert starts[0] == 0, f"the output does not begin with {shown[0]!r}"
        position = starts[0] + len(shown)
        if index == len(runs) - 1:
            assert position == len(actual), f"the output goes on after {shown[-1]!r}"


def test_chunks_and_matching_can_fail() -> None:
    assert chunks(["a", "…", "b", "  …"]) == [["a"], ["b"], []]
    assert_shown(["a", "…", "c"], ["a", "b", "c"])
    for expected in (["b", "…"], ["a", "c"], ["…", "b"], ["c", "…", "a"]):
        with pytest.raises(AssertionError):
            assert_shown(expected, ["a", "b", "c"])


@pytest.fixture
def audit_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    init_store(url)
    build_audit_example(url)
    monkeypatch.setenv("LETOPIS_DATABASE_URL", url)
    monkeypatch.delenv("LETOPIS_DATABASE_SCHEMA", raising=False)
    return url


def test_every_example_in_docs_audit_is_the_real_output(
        audit_store: str, capsys: pytest.CaptureFixture[str]) -> None:
    blocks = console_blocks(AUDIT_DOC.read_text(encoding="utf-8"))
    assert len(blocks) >= 9
    for argv, expected in blocks:
        code = run(argv)
        out, err = capsys.readouterr()
        is_error = expected[0].startswith("letopis: ")
        assert code == (EXIT_USAGE if is_error else 0), (argv, err)
        assert_shown(expected, (err if is_error else out).rstrip("\n").split("\n"))


def test_the_story_names_the_streams_the_document_names() -> None:
    text = AUDIT_DOC.read_text(encoding="utf-8")
    for stream in (LEARNER, SCHOOL, GRADEBOOK):
        assert str(stream) in text
    assert str(event_id(LEARNER, 2)) in text
