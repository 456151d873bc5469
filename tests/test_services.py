"""The register's guarded state changes: who may make them, from where, and what is refused."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from oversight.lib.rag import Rag
from oversight.organisations.models import Organisation
from oversight.recommendations import services
from oversight.recommendations.models import (
    Evidence,
    EvidenceVersion,
    ExtensionDecision,
    HmicfrsStatus,
    Item,
    ReportKind,
    SignoffStage,
    TrackingRecord,
    TrackingStatus,
    Transition,
    TransitionAction,
)
from oversight.recommendations.services import ConcurrentEditError, TransitionNotAllowed
from tests.documents_corpus import simple_pdf
from tests.factories import ReportFactory
from tests.personas import Personas

PDF = simple_pdf([["A plan"]])  # a PDF that opens: evidence is screened (lib/screening.py)


def pdf(name: str = "plan.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _with_evidence(tracking: TrackingRecord, by: User) -> TrackingRecord:
    services.add_evidence(tracking, by, title="Policy", effective_on=dt.date(2023, 1, 5), url="https://example.org/p")
    return tracking


def _at(tracking: TrackingRecord, stage: str) -> TrackingRecord:
    status = {
        SignoffStage.SUBMITTED: TrackingStatus.PENDING_SIGNOFF,
        SignoffStage.WITH_HMICFRS: TrackingStatus.PENDING_SIGNOFF,
        SignoffStage.SIGNED_OFF: TrackingStatus.CLOSED,
        SignoffStage.RETURNED: TrackingStatus.EVIDENCE_GATHERING,
    }.get(stage, TrackingStatus.IN_PROGRESS)
    TrackingRecord.objects.filter(pk=tracking.pk).update(signoff=stage, status=status)
    tracking.refresh_from_db()
    return tracking


def _actor(personas: Personas, action: str) -> User:
    return {
        TransitionAction.SUBMIT: personas.owner,
        TransitionAction.RETURN_TO_OWNER: personas.liaison,
        TransitionAction.PASS_TO_HMICFRS: personas.liaison,
        TransitionAction.SIGN_OFF: personas.hmicfrs_lead,
        TransitionAction.RETURN_FROM_HMICFRS: personas.hmicfrs_lead,
    }[action]


@pytest.mark.parametrize("stage", SignoffStage.values)
@pytest.mark.parametrize("action", list(services.RULES))
def test_each_step_is_allowed_only_from_its_stages(
    personas: Personas, tracking: TrackingRecord, action: str, stage: str
) -> None:
    _with_evidence(tracking, personas.owner)
    _at(tracking, stage)
    rule = services.RULES[action]
    by = _actor(personas, action)
    if stage == SignoffStage.SIGNED_OFF and action == TransitionAction.SUBMIT:
        # A closed item takes no contributions at all: refused before the stage is even looked at.
        with pytest.raises(PermissionDenied):
            services.transition(tracking, by, action, "Reasons", tracking.version)
        return
    if stage in rule.from_stages:
        done = services.transition(tracking, by, action, "Reasons given", tracking.version)
        assert (done.signoff, done.status) == (rule.to_stage, rule.to_status)
        row = Transition.objects.get(tracking=tracking)
        assert (row.action, row.from_signoff, row.to_signoff, row.by) == (action, stage, rule.to_stage, by)
        assert done.version == tracking.version + 1
    else:
        with pytest.raises(TransitionNotAllowed):
            services.transition(tracking, by, action, "Reasons given", tracking.version)
        assert not Transition.objects.exists()
        tracking.refresh_from_db()
        assert tracking.signoff == stage


@pytest.mark.parametrize(
    ("action", "stage", "refused"),
    [
        (TransitionAction.SUBMIT, SignoffStage.NOT_SUBMITTED, ["committee_member", "hmicfrs_lead", "second_owner"]),
        (TransitionAction.PASS_TO_HMICFRS, SignoffStage.SUBMITTED, ["owner", "committee_member", "hmicfrs_lead"]),
        (TransitionAction.RETURN_TO_OWNER, SignoffStage.SUBMITTED, ["owner", "hmicfrs_lead", "other_force"]),
        (TransitionAction.SIGN_OFF, SignoffStage.WITH_HMICFRS, ["liaison", "owner", "other_hmicfrs_lead"]),
        (TransitionAction.RETURN_FROM_HMICFRS, SignoffStage.WITH_HMICFRS, ["liaison", "committee_member"]),
    ],
)
def test_each_step_refuses_the_wrong_people(
    personas: Personas, tracking: TrackingRecord, action: str, stage: str, refused: list[str]
) -> None:
    _with_evidence(tracking, personas.owner)
    _at(tracking, stage)
    for name in refused:
        with pytest.raises(PermissionDenied):
            services.transition(tracking, getattr(personas, name), action, "Reasons", None)
        assert action not in services.allowed_actions(getattr(personas, name), tracking)
    assert not Transition.objects.exists()
    assert action in services.allowed_actions(_actor(personas, action), tracking)


@pytest.mark.parametrize("action", [TransitionAction.RETURN_TO_OWNER, TransitionAction.RETURN_FROM_HMICFRS])
def test_returning_needs_reasons(personas: Personas, tracking: TrackingRecord, action: str) -> None:
    stage = services.RULES[action].from_stages[0]
    _at(tracking, stage)
    with pytest.raises(TransitionNotAllowed, match="reasons"):
        services.transition(tracking, _actor(personas, action), action, "   ", None)
    tracking.refresh_from_db()
    assert tracking.signoff == stage and not Transition.objects.exists()


def test_submitting_needs_evidence(personas: Personas, tracking: TrackingRecord) -> None:
    with pytest.raises(TransitionNotAllowed, match="evidence"):
        services.submit_for_signoff(tracking, personas.owner)
    tracking.refresh_from_db()
    assert tracking.signoff == SignoffStage.NOT_SUBMITTED
    _with_evidence(tracking, personas.owner)
    assert services.submit_for_signoff(tracking, personas.owner).signoff == SignoffStage.SUBMITTED


def test_the_whole_journey_mirrors_the_hmicfrs_register(personas: Personas, tracking: TrackingRecord) -> None:
    _with_evidence(tracking, personas.owner)
    services.submit_for_signoff(tracking, personas.owner)
    services.pass_to_hmicfrs(tracking, personas.liaison)
    done = services.sign_off(tracking, personas.hmicfrs_lead, "Authorised for closure on the basis of the policy")
    assert done.status == TrackingStatus.CLOSED and done.closed_on is not None
    assert done.hmicfrs_status == HmicfrsStatus.COMPLETE
    assert [e.status for e in done.hmicfrs_history.order_by("pk")] == [
        HmicfrsStatus.AWAITING_REVIEW,
        HmicfrsStatus.COMPLETE,
    ]
    assert done.rag() == Rag.BLUE


def test_two_saves_from_the_same_version_keep_the_first(personas: Personas, tracking: TrackingRecord) -> None:
    opened = tracking.version
    services.update_tracking(tracking, personas.liaison, opened, portfolio="First")
    with pytest.raises(ConcurrentEditError):
        services.update_tracking(tracking, personas.liaison, opened, portfolio="Second")
    tracking.refresh_from_db()
    assert tracking.portfolio == "First" and tracking.version == opened + 1


@pytest.mark.parametrize(
    "change",
    [
        lambda t, p, v: services.override_rag(t, p.liaison, "red", "Slipping", version=v),
        lambda t, p, v: services.record_review(t, p.liaison, "Reviewed", version=v),
        lambda t, p, v: services.set_work_status(t, p.owner, TrackingStatus.EVIDENCE_GATHERING, version=v),
        lambda t, p, v: services.post_update(t, p.owner, "Progress", version=v),
        lambda t, p, v: services.request_extension(t, p.owner, dt.date(2030, 1, 1), "Needs time", version=v),
        lambda t, p, v: services.record_hmicfrs_status(t, p.hmicfrs_lead, "being_progressed", "", version=v),
        lambda t, p, v: services.transition(t, p.owner, TransitionAction.SUBMIT, "", v),
    ],
)
def test_every_versioned_change_refuses_a_stale_copy(
    personas: Personas, tracking: TrackingRecord, change: object
) -> None:
    stale = tracking.version
    services.update_tracking(tracking, personas.liaison, stale, portfolio="Changed meanwhile")
    with pytest.raises(ConcurrentEditError):
        change(tracking, personas, stale)  # type: ignore[operator]
    tracking.refresh_from_db()
    assert tracking.version == stale + 1
    assert not tracking.updates.exists() and not tracking.extensions.exists() and not tracking.reviews.exists()
    assert not tracking.hmicfrs_history.exists() and tracking.rag_override == ""
    assert not tracking.transitions.exists() and tracking.signoff == SignoffStage.NOT_SUBMITTED


def test_file_evidence_keeps_sha256_and_numbers_versions(personas: Personas, tracking: TrackingRecord) -> None:
    evidence = services.add_evidence(
        tracking, personas.owner, title="Plan", effective_on=dt.date(2023, 2, 1), upload=pdf("Plan v1.pdf")
    )
    second = PDF + b"% second\n"
    version_2 = services.add_evidence_version(evidence, personas.owner, pdf("Plan v2.pdf", second))
    versions = list(evidence.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2] and version_2.number == 2
    assert versions[0].sha256 == hashlib.sha256(PDF).hexdigest()
    assert versions[1].sha256 == hashlib.sha256(second).hexdigest()
    assert versions[0].original_name == "Plan v1.pdf" and versions[0].size == len(PDF)
    assert versions[0].file.read() == PDF
    assert evidence.effective_on == dt.date(2023, 2, 1)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("run.exe", b"MZ\x90\x00"), "must be one of"),
        (SimpleUploadedFile("fake.pdf", b"<html>not a pdf</html>"), "do not match"),
        (SimpleUploadedFile("fake.docx", b"%PDF-1.7"), "do not match"),
        (SimpleUploadedFile("empty.pdf", b""), "empty"),
    ],
)
def test_refused_files_write_nothing(
    personas: Personas, tracking: TrackingRecord, upload: SimpleUploadedFile, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        services.add_evidence(tracking, personas.owner, title="Bad", effective_on=dt.date(2023, 1, 1), upload=upload)
    assert not Evidence.objects.exists() and not EvidenceVersion.objects.exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.*"))


def test_too_large_file_refused(personas: Personas, tracking: TrackingRecord, settings: pytest.FixtureRequest) -> None:
    settings.EVIDENCE_MAX_BYTES = 10  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match="smaller than"):
        services.add_evidence(tracking, personas.owner, title="Big", effective_on=dt.date(2023, 1, 1), upload=pdf())
    assert not Evidence.objects.exists()


def test_a_new_version_of_the_wrong_type_is_refused(personas: Personas, tracking: TrackingRecord) -> None:
    evidence = services.add_evidence(
        tracking, personas.owner, title="Plan", effective_on=dt.date(2023, 2, 1), upload=pdf()
    )
    with pytest.raises(ValidationError):
        services.add_evidence_version(evidence, personas.owner, SimpleUploadedFile("x.pdf", b"nope"))
    assert evidence.versions.count() == 1


def test_extension_approval_moves_due_date_and_counts_slips(personas: Personas, tracking: TrackingRecord) -> None:
    original = tracking.due_on
    assert original is not None
    first = services.request_extension(tracking, personas.owner, original + dt.timedelta(days=30), "Training delayed")
    services.decide_extension(first, personas.liaison, True, "Reasonable")
    tracking.refresh_from_db()
    assert tracking.due_on == original + dt.timedelta(days=30) and tracking.original_due_on == original
    assert tracking.slips() == 1
    second = services.request_extension(tracking, personas.owner, original + dt.timedelta(days=60), "Again")
    services.decide_extension(second, personas.liaison, False, "No: finish it")
    tracking.refresh_from_db()
    assert tracking.due_on == original + dt.timedelta(days=30) and tracking.slips() == 1
    third = services.request_extension(tracking, personas.owner, original + dt.timedelta(days=90), "Really")
    services.decide_extension(third, personas.liaison, True, "Last time")
    tracking.refresh_from_db()
    assert tracking.slips() == 2 and tracking.original_due_on == original
    assert TrackingRecord.objects.extended().filter(pk=tracking.pk).exists()


def test_extension_refusals(personas: Personas, tracking: TrackingRecord) -> None:
    assert tracking.due_on is not None
    with pytest.raises(ValidationError, match="after the current"):
        services.request_extension(tracking, personas.owner, tracking.due_on, "Same day")
    asked = services.request_extension(tracking, personas.owner, tracking.due_on + dt.timedelta(days=9), "Time")
    with pytest.raises(ValidationError, match="already awaiting"):
        services.request_extension(tracking, personas.owner, tracking.due_on + dt.timedelta(days=19), "More")
    with pytest.raises(ValidationError):
        services.decide_extension(asked, personas.liaison, True, "  ")
    with pytest.raises(PermissionDenied):
        services.decide_extension(asked, personas.owner, True, "I approve my own")
    services.decide_extension(asked, personas.liaison, True, "Fine")
    with pytest.raises(TransitionNotAllowed):
        services.decide_extension(asked, personas.liaison, False, "Changed my mind")
    asked.refresh_from_db()
    assert asked.decision == ExtensionDecision.APPROVED


def test_rag_override_needs_a_reason_and_can_be_cleared(personas: Personas, tracking: TrackingRecord) -> None:
    with pytest.raises(ValidationError, match="reason"):
        services.override_rag(tracking, personas.liaison, "red", "")
    tracking.refresh_from_db()
    assert tracking.rag_override == ""
    services.override_rag(tracking, personas.liaison, "amber", "Partner agency delay")
    tracking.refresh_from_db()
    assert tracking.rag() == Rag.AMBER and tracking.rag_override_reason == "Partner agency delay"
    services.override_rag(tracking, personas.liaison, "", "")
    tracking.refresh_from_db()
    assert tracking.rag_override == "" and tracking.rag_override_reason == ""
    with pytest.raises(PermissionDenied):
        services.override_rag(tracking, personas.owner, "green", "I think so")


def test_owner_must_belong_to_the_organisation(personas: Personas, tracking: TrackingRecord) -> None:
    with pytest.raises(ValidationError, match="in the organisation"):
        services.update_tracking(tracking, personas.liaison, tracking.version, owner=personas.other_force)
    services.update_tracking(tracking, personas.liaison, tracking.version, owner=personas.second_owner,
                             keep_portfolio=True)  # fmt: skip
    tracking.refresh_from_db()
    assert tracking.owner == personas.second_owner


def test_due_date_moves_only_through_the_extension_history(personas: Personas, tracking: TrackingRecord) -> None:
    published = tracking.item.report.published_on
    with pytest.raises(ValueError, match="Cannot change due_on"):
        services.update_tracking(tracking, personas.liaison, tracking.version, due_on=published)
    with pytest.raises(ValidationError, match="before the report"):
        services.correct_due_date(tracking, personas.liaison, published - dt.timedelta(days=1), "Typo")
    with pytest.raises(PermissionDenied):
        services.correct_due_date(tracking, personas.owner, published, "Typo")
    services.correct_due_date(tracking, personas.liaison, published + dt.timedelta(days=400), "Typo")
    tracking.refresh_from_db()
    assert tracking.due_on == published + dt.timedelta(days=400) and tracking.slips() == 0
    assert TrackingRecord.objects.with_related().get(pk=tracking.pk).slips() == 0
    assert not TrackingRecord.objects.extended().exists()


def test_first_update_moves_an_open_item_into_progress(personas: Personas, tracking: TrackingRecord) -> None:
    services.post_update(tracking, personas.owner, "Started")
    tracking.refresh_from_db()
    assert tracking.status == TrackingStatus.IN_PROGRESS
    with pytest.raises(PermissionDenied):
        services.post_update(tracking, personas.committee_member, "Read-only")


def test_review_sets_next_review_three_months_on(personas: Personas, tracking: TrackingRecord) -> None:
    services.record_review(tracking, personas.liaison, "On track", reviewed_on=dt.date(2024, 1, 31))
    tracking.refresh_from_db()
    assert tracking.next_review_on == dt.date(2024, 4, 30)


def test_add_report_needs_forces_or_all(personas: Personas, wmp: Organisation) -> None:
    fields = {"title": "PEEL", "kind": ReportKind.PEEL, "published_on": dt.date(2023, 3, 1)}
    with pytest.raises(ValidationError):
        services.add_report(personas.liaison, covers_all_forces=False, forces=[], **fields)
    report = services.add_report(personas.liaison, covers_all_forces=False, forces=[wmp], **fields)
    assert list(report.forces.all()) == [wmp]
    with pytest.raises(PermissionDenied):
        services.add_report(personas.owner, covers_all_forces=True, **fields)


def test_add_item_opens_tracking_records_and_refuses_bad_deadlines(personas: Personas, wmp: Organisation) -> None:
    report = ReportFactory(forces=[wmp], published_on=dt.date(2022, 6, 30))
    item = services.add_item(
        report, personas.liaison, kind="recommendation", text="Do it", deadline_phrase="By March 2023"
    )
    assert item.due_on == dt.date(2023, 3, 31)
    assert list(item.tracking_records.values_list("organisation", flat=True)) == [wmp.pk]
    for phrase in ("By March 2020", "Eventually"):
        with pytest.raises(ValidationError):
            services.add_item(report, personas.liaison, kind="recommendation", text="x", deadline_phrase=phrase)
    assert Item.objects.filter(report=report).count() == 1


def test_a_new_owner_brings_their_portfolio_or_is_asked_for_one(personas: Personas, tracking: TrackingRecord) -> None:
    assert tracking.portfolio == "Public protection"
    with pytest.raises(ValidationError, match="Enter the portfolio Sara Kaur leads"):
        services.update_tracking(tracking, personas.liaison, tracking.version, owner=personas.second_owner)
    membership = personas.second_owner.memberships.get()
    membership.portfolio = "Serious acquisitive crime"
    membership.save()
    services.update_tracking(tracking, personas.liaison, tracking.version, owner=personas.second_owner)
    tracking.refresh_from_db()
    assert (tracking.owner, tracking.portfolio) == (personas.second_owner, "Serious acquisitive crime")
    services.update_tracking(tracking, personas.liaison, tracking.version, owner=personas.owner, portfolio="Crime")
    tracking.refresh_from_db()
    assert tracking.portfolio == "Crime"
