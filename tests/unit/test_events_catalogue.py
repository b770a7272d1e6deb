"""Golden test: docs/events.md lists exactly the event types the code stores."""

from __future__ import annotations

from pathlib import Path

from letopis.catalogue import event_types, render_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "events.md"


def test_events_doc_matches_the_code() -> None:
    assert DOC.read_text(encoding="utf-8") == render_markdown(), (
        "docs/events.md is out of date: run `letopis docs events` and review the diff"
    )


def test_topics_are_pinned() -> None:
    topics = {e.topic: e.version for e in event_types()}
    assert topics == {
        "domain.organisation:Organisation.Registered": 1,
        "domain.organisation:Organisation.DetailsChanged": 1,
        "domain.organisation:Organisation.LicenceRecorded": 1,
        "domain.organisation:Organisation.AccreditationRecorded": 1,
        "domain.organisation:Organisation.Reorganised": 1,
        "domain.organisation:Organisation.Closed": 1,
        "domain.learner:Learner.Registered": 1,
        "domain.learner:Learner.Enrolled": 2,
        "domain.learner:Learner.TransferredWithin": 1,
        "domain.learner:Learner.ExpelledByTransfer": 1,
        "domain.learner:Learner.Left": 1,
        "domain.learner:Learner.EntryCancelled": 1,
        "domain.gradebook:Gradebook.Opened": 1,
        "domain.gradebook:Gradebook.MarkRecorded": 1,
        "domain.gradebook:Gradebook.MarkCorrected": 1,
    }
