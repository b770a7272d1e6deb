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
        "domain.learner:Learner.PersonalDataDestroyed": 1,
        "domain.gradebook:Gradebook.Opened": 1,
        "domain.gradebook:Gradebook.MarkRecorded": 1,
        "domain.gradebook:Gradebook.MarkCorrected": 1,
        "domain.commission:Commission.Formed": 1,
        "domain.commission:Commission.MemberAppointed": 1,
        "domain.commission:Commission.MemberDismissed": 1,
        "domain.commission:Commission.ChairChanged": 1,
        "domain.exam:Exam.Scheduled": 1,
        "domain.exam:Exam.ResultsDayPublished": 1,
        "domain.exam:ExamParticipation.Registered": 1,
        "domain.exam:ExamParticipation.ResultRecorded": 1,
        "domain.exam:ExamParticipation.AppealLodged": 1,
        "domain.exam:ExamParticipation.ResultAnnulled": 1,
        "domain.exam:ExamParticipation.ResitGranted": 1,
        "domain.exam:ExamParticipation.ScoreRevised": 1,
        "domain.appeal:Appeal.Filed": 1,
        "domain.appeal:Appeal.NotAccepted": 1,
        "domain.appeal:Appeal.HearingScheduled": 1,
        "domain.appeal:Appeal.Withdrawn": 1,
        "domain.appeal:Appeal.Decided": 1,
        "domain.acceptance:AcceptanceCampaign.Opened": 1,
        "domain.acceptance:AcceptanceCampaign.OrganisationPlanned": 1,
        "domain.acceptance:AcceptanceCampaign.PlannedDateChanged": 1,
        "domain.acceptance:AcceptanceCampaign.ProtocolFiled": 1,
        "domain.acceptance:AcceptanceCampaign.RemediesConfirmed": 1,
        "domain.acceptance_protocol:AcceptanceProtocol.Opened": 1,
        "domain.acceptance_protocol:AcceptanceProtocol.EntryRecorded": 1,
        "domain.acceptance_protocol:AcceptanceProtocol.Signed": 1,
        "domain.certificate_group:CertificateGroup.Established": 1,
        "domain.certificate_group:CertificateGroup.CertificateAdmitted": 1,
        "domain.certificate:Certificate.Issued": 1,
        "domain.certificate:Certificate.NominalCredited": 1,
        "domain.certificate:Certificate.KindChanged": 1,
        "domain.certificate:Certificate.Suspended": 1,
        "domain.certificate:Certificate.Resumed": 1,
        "domain.certificate:Certificate.Closed": 1,
        "domain.certificate:Certificate.ContractReserved": 1,
        "domain.certificate:Certificate.ReserveReleased": 1,
        "domain.certificate:Certificate.MonthCharged": 1,
        "domain.certificate:Certificate.MonthSettled": 1,
        "domain.certificate:Certificate.ChargeReversed": 1,
        "domain.certificate:Certificate.YearExpired": 1,
        "domain.programme:Programme.Certified": 1,
        "domain.programme:Programme.PricesChanged": 1,
        "domain.programme:Programme.Withdrawn": 1,
        "domain.contract:Contract.Requested": 1,
        "domain.contract:Contract.Confirmed": 1,
        "domain.contract:Contract.Activated": 1,
        "domain.contract:Contract.Refused": 1,
        "domain.contract:Contract.Terminated": 1,
        "domain.claim:Claim.Opened": 1,
        "domain.claim:Claim.Submitted": 1,
        "domain.claim:Claim.Approved": 1,
        "domain.claim:Claim.Rejected": 1,
        "domain.claim:Claim.PaymentRecorded": 1,
        "domain.payment:Payment.Recorded": 1,
    }
