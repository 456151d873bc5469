"""The tracking record's page and its action pages, for each persona."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from oversight.recommendations import services
from oversight.recommendations.models import (
    Evidence,
    EvidenceKind,
    ExtensionDecision,
    ExtensionKind,
    ExtensionRequest,
    HmicfrsStatus,
    ProgressUpdate,
    SignoffStage,
    TrackingRecord,
    TrackingStatus,
)
from tests.conftest import client_for
from tests.documents_corpus import simple_pdf
from tests.personas import Personas

PDF = simple_pdf([["Evidence"]])  # a PDF that opens: evidence is screened (lib/screening.py)


@pytest.fixture
def full(personas: Personas, tracking: TrackingRecord) -> dict[str, object]:
    """A record with file evidence and a pending extension request, so every URL has an object."""
    evidence = services.add_evidence(
        tracking, personas.owner, title="Training plan", effective_on=dt.date(2023, 1, 5),
        upload=SimpleUploadedFile("Training plan.pdf", PDF),
    )  # fmt: skip
    extension = services.request_extension(tracking, personas.owner, dt.date(2030, 1, 1), "Waiting for partners")
    version = evidence.latest_version()
    assert version is not None
    tracking.refresh_from_db()
    return {"tracking": tracking, "evidence": evidence, "version": version, "extension": extension}


def _urls(full: dict[str, object]) -> dict[str, str]:
    tracking, evidence, version, extension = full["tracking"], full["evidence"], full["version"], full["extension"]
    pk = tracking.pk  # type: ignore[attr-defined]
    return {
        "detail": reverse("recommendations:tracking", args=[pk]),
        "history": reverse("recommendations:tracking_history", args=[pk]),
        "update": reverse("recommendations:tracking_update", args=[pk]),
        "evidence_add": reverse("recommendations:tracking_evidence_add", args=[pk]),
        "evidence_version": reverse("recommendations:tracking_evidence_version", args=[pk, evidence.pk]),  # type: ignore[attr-defined]
        "download": reverse(
            "recommendations:tracking_evidence_download",
            args=[pk, evidence.pk, version.pk],  # type: ignore[attr-defined]
        ),
        "submit": reverse("recommendations:tracking_signoff", args=[pk, "submit"]),
        "pass": reverse("recommendations:tracking_signoff", args=[pk, "pass_to_hmicfrs"]),
        "status": reverse("recommendations:tracking_status", args=[pk]),
        "extension": reverse("recommendations:tracking_extension", args=[pk]),
        "decide": reverse("recommendations:tracking_extension_decide", args=[pk, extension.pk]),  # type: ignore[attr-defined]
        "rag": reverse("recommendations:tracking_rag", args=[pk]),
        "review": reverse("recommendations:tracking_review", args=[pk]),
        "hmicfrs_status": reverse("recommendations:tracking_hmicfrs_status", args=[pk]),
        "edit": reverse("recommendations:tracking_edit", args=[pk]),
        "due_date": reverse("recommendations:tracking_due_date", args=[pk]),
    }


READ_ONLY = {"detail", "history", "download"}


@pytest.mark.parametrize("name", ["other_force", "other_hmicfrs_lead", "administrator", "national_analyst", "no_role"])
def test_people_outside_the_record_get_404_on_every_url(personas: Personas, full: dict[str, object], name: str) -> None:
    client = client_for(getattr(personas, name))
    for label, url in _urls(full).items():
        assert client.get(url).status_code == 404, label
        assert client.post(url, {"version": 1, "text": "x", "reason": "x"}).status_code == 404, label
    assert ProgressUpdate.objects.count() == 0


def test_committee_member_reads_but_every_action_is_404(personas: Personas, full: dict[str, object]) -> None:
    client = client_for(personas.committee_member)
    urls = _urls(full)
    for label, url in urls.items():
        expected = 200 if label in READ_ONLY else 404
        assert client.get(url).status_code == expected, label
        if label not in READ_ONLY:
            assert client.post(url, {"version": 2, "text": "x"}).status_code == 404, label
    page = client.get(urls["detail"]).content.decode()
    assert "Training plan" in page and "Post update" not in page and "Override RAG" not in page
    assert ProgressUpdate.objects.count() == 0


def _buttons(client: Client, url: str) -> set[str]:
    page = client.get(url).content.decode()
    labels = [
        "Post update", "Add evidence", "Submit for sign-off", "Submit to HMICFRS", "Sign off",
        "Edit owner and review date", "Correct due date", "Override RAG", "Record review", "Record HMICFRS status",
        "Change status",
    ]  # fmt: skip
    return {label for label in labels if f">{label}</a>" in page}


def test_each_persona_sees_only_its_buttons(personas: Personas, full: dict[str, object]) -> None:
    detail = _urls(full)["detail"]
    assert _buttons(client_for(personas.owner), detail) == {
        "Post update", "Add evidence", "Submit for sign-off", "Change status",
    }  # fmt: skip
    assert _buttons(client_for(personas.liaison), detail) == {
        "Post update", "Add evidence", "Submit for sign-off", "Change status", "Edit owner and review date",
        "Correct due date", "Override RAG", "Record review",
    }  # fmt: skip
    assert _buttons(client_for(personas.hmicfrs_lead), detail) == {"Record HMICFRS status"}
    assert _buttons(client_for(personas.committee_member), detail) == set()


def test_page_shows_the_item_dates_and_evidence(personas: Personas, full: dict[str, object]) -> None:
    tracking = full["tracking"]
    assert isinstance(tracking, TrackingRecord)
    page = client_for(personas.committee_member).get(_urls(full)["detail"]).content.decode()
    assert tracking.item.text in page and "Within six months" in page
    assert "Public protection" in page and "Owen Patel" in page
    version = full["version"]
    assert version.sha256 in page and "Training plan.pdf" in page  # type: ignore[attr-defined]
    assert "5 January 2023" in page  # the effective date, apart from the upload date
    assert "Waiting for partners" in page and "Awaiting decision" in page
    assert "app-rag app-rag--" in page


def test_owner_posts_update_then_adds_evidence_and_submits(personas: Personas, tracking: TrackingRecord) -> None:
    client = client_for(personas.owner)
    urls = {"update": reverse("recommendations:tracking_update", args=[tracking.pk])}
    response = client.post(urls["update"], {"version": tracking.version, "text": "Training delivered to 200 staff"})
    assert response.status_code == 302
    tracking.refresh_from_db()
    assert tracking.updates.get().text == "Training delivered to 200 staff"
    assert tracking.status == TrackingStatus.IN_PROGRESS
    submit = reverse("recommendations:tracking_signoff", args=[tracking.pk, "submit"])
    refused = client.post(submit, {"version": tracking.version, "reason": "Ready"})
    assert refused.status_code == 400 and "Add at least one piece of evidence" in refused.content.decode()
    link = client.post(
        reverse("recommendations:tracking_evidence_add", args=[tracking.pk]),
        {"title": "Policy", "url": "https://example.org/policy", "effective_on_0": "1", "effective_on_1": "2",
         "effective_on_2": "2023"},
    )  # fmt: skip
    assert link.status_code == 302
    assert Evidence.objects.get().kind == EvidenceKind.LINK
    assert client.post(submit, {"version": tracking.version, "reason": ""}).status_code == 302
    tracking.refresh_from_db()
    assert tracking.signoff == SignoffStage.SUBMITTED
    page = client.get(reverse("recommendations:tracking", args=[tracking.pk])).content.decode()
    assert "moj-timeline" in page and "Training delivered to 200 staff" in page


def test_evidence_file_upload_and_checks(personas: Personas, tracking: TrackingRecord) -> None:
    client = client_for(personas.owner)
    url = reverse("recommendations:tracking_evidence_add", args=[tracking.pk])
    date = {"effective_on_0": "3", "effective_on_1": "4", "effective_on_2": "2023"}
    bad = client.post(url, {"title": "Bad", "file": SimpleUploadedFile("fake.pdf", b"<html>"), **date})
    assert bad.status_code == 400 and "do not match" in bad.content.decode()
    assert not Evidence.objects.exists()
    good = client.post(url, {"title": "Plan", "file": SimpleUploadedFile("plan.pdf", PDF), **date})
    assert good.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.effective_on == dt.date(2023, 4, 3)
    new_version = reverse("recommendations:tracking_evidence_version", args=[tracking.pk, evidence.pk])
    assert client.post(new_version, {"file": SimpleUploadedFile("plan2.pdf", PDF + b"2")}).status_code == 302
    assert list(evidence.versions.values_list("number", flat=True)) == [2, 1]


def test_evidence_needs_a_link_or_a_file_and_a_real_date(personas: Personas, tracking: TrackingRecord) -> None:
    client = client_for(personas.owner)
    url = reverse("recommendations:tracking_evidence_add", args=[tracking.pk])
    response = client.post(
        url, {"title": "Plan", "url": "https://example.org", "effective_on_0": "31", "effective_on_1": "2",
              "effective_on_2": "2023"},
    )  # fmt: skip
    assert response.status_code == 400
    page = response.content.decode()
    assert "Effective date must be a real date" in page and "govuk-error-summary" in page
    assert 'value="https://example.org"' in page  # typed input kept
    neither = client.post(
        url, {"title": "Plan", "effective_on_0": "1", "effective_on_1": "2", "effective_on_2": "2023"}
    )
    assert neither.status_code == 400 and "Enter a link to the evidence or upload a file" in neither.content.decode()
    assert "not both" not in neither.content.decode()
    assert not Evidence.objects.exists()


def test_download_streams_the_file_as_an_attachment(personas: Personas, full: dict[str, object]) -> None:
    response = client_for(personas.hmicfrs_lead).get(_urls(full)["download"])
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    assert response["Content-Disposition"].startswith("attachment;")
    assert (
        "Training%20plan.pdf" in response["Content-Disposition"]
        or "Training plan.pdf" in response["Content-Disposition"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"


def test_download_through_another_record_is_404(personas: Personas, full: dict[str, object], wmp: object) -> None:
    from tests.factories import TrackingRecordFactory

    other = TrackingRecordFactory(organisation=wmp)
    evidence, version = full["evidence"], full["version"]
    url = reverse(
        "recommendations:tracking_evidence_download",
        args=[other.pk, evidence.pk, version.pk],  # type: ignore[attr-defined]
    )
    assert client_for(personas.liaison).get(url).status_code == 404


def _signoff(client: Client, tracking: TrackingRecord, step: str, reason: str = "") -> int:
    tracking.refresh_from_db()
    url = reverse("recommendations:tracking_signoff", args=[tracking.pk, step])
    return client.post(url, {"version": tracking.version, "reason": reason}).status_code


def test_liaison_and_hmicfrs_lead_complete_the_journey(personas: Personas, full: dict[str, object]) -> None:
    tracking = full["tracking"]
    assert isinstance(tracking, TrackingRecord)
    assert _signoff(client_for(personas.owner), tracking, "submit") == 302
    liaison = client_for(personas.liaison)
    detail = reverse("recommendations:tracking", args=[tracking.pk])
    assert {"Submit to HMICFRS", "Submit for sign-off"} & _buttons(liaison, detail) == {"Submit to HMICFRS"}
    assert "Return to the owner</a>" in liaison.get(detail).content.decode()
    assert _signoff(liaison, tracking, "return_to_owner", "") == 400  # reasons required
    tracking.refresh_from_db()
    assert tracking.signoff == SignoffStage.SUBMITTED
    assert _signoff(liaison, tracking, "pass_to_hmicfrs", "Evidence checked") == 302
    lead = client_for(personas.hmicfrs_lead)
    assert "Sign off" in _buttons(lead, detail) and "Sign off" not in _buttons(liaison, detail)
    assert _signoff(client_for(personas.owner), tracking, "sign_off") == 404
    assert _signoff(lead, tracking, "sign_off", "Authorised for closure on the basis of the plan") == 302
    tracking.refresh_from_db()
    assert (tracking.signoff, tracking.status) == (SignoffStage.SIGNED_OFF, TrackingStatus.CLOSED)
    page = lead.get(reverse("recommendations:tracking", args=[tracking.pk])).content.decode()
    assert "Authorised for closure on the basis of the plan" in page
    assert _signoff(lead, tracking, "sign_off") == 404  # no longer an allowed step


def test_hmicfrs_lead_returns_with_reasons(personas: Personas, full: dict[str, object]) -> None:
    tracking = full["tracking"]
    assert isinstance(tracking, TrackingRecord)
    _signoff(client_for(personas.owner), tracking, "submit")
    _signoff(client_for(personas.liaison), tracking, "pass_to_hmicfrs")
    lead = client_for(personas.hmicfrs_lead)
    assert _signoff(lead, tracking, "return_from_hmicfrs", "") == 400
    assert _signoff(lead, tracking, "return_from_hmicfrs", "Show it working in practice") == 302
    tracking.refresh_from_db()
    assert tracking.signoff == SignoffStage.RETURNED and tracking.hmicfrs_status == HmicfrsStatus.BEING_PROGRESSED


def test_stale_version_shows_the_message_and_keeps_typed_input(personas: Personas, tracking: TrackingRecord) -> None:
    stale = tracking.version
    services.update_tracking(tracking, personas.liaison, stale, portfolio="Changed by someone else")
    response = client_for(personas.owner).post(
        reverse("recommendations:tracking_update", args=[tracking.pk]), {"version": stale, "text": "My long update"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Someone else changed this record after you opened it" in page
    assert "My long update" in page
    assert not ProgressUpdate.objects.exists()


def test_liaison_edits_owner_from_members_only(personas: Personas, tracking: TrackingRecord) -> None:
    client = client_for(personas.liaison)
    url = reverse("recommendations:tracking_edit", args=[tracking.pk])
    page = client.get(url).content.decode()
    assert "Sara Kaur – Recommendation owner" in page and "Alan Brook" not in page  # noqa: RUF001
    due = tracking.due_on
    base = {"version": tracking.version, "portfolio": "Crime", "due_on_0": "1", "due_on_1": "6", "due_on_2": "2024",
            "next_review_on_0": "", "next_review_on_1": "", "next_review_on_2": ""}  # fmt: skip
    assert 'name="due_on_0"' not in page
    outsider = client.post(url, {**base, "owner": personas.other_force.pk})
    assert outsider.status_code == 400
    tracking.refresh_from_db()
    assert tracking.owner == personas.owner
    moved = client.post(url, {**base, "owner": personas.second_owner.pk})
    assert moved.status_code == 302
    tracking.refresh_from_db()
    # The due date is not on this form: a posted one is ignored, not saved.
    assert (tracking.owner, tracking.portfolio, tracking.due_on) == (personas.second_owner, "Crime", due)
    assert tracking.next_review_on is None


def test_due_date_is_corrected_only_as_a_recorded_correction(personas: Personas, tracking: TrackingRecord) -> None:
    client = client_for(personas.liaison)
    url = reverse("recommendations:tracking_due_date", args=[tracking.pk])
    original = tracking.due_on
    base = {"version": tracking.version, "reason": "Misread from the report"}
    early = client.post(url, {**base, "new_due_on_0": "1", "new_due_on_1": "1", "new_due_on_2": "2020"})
    assert early.status_code == 400 and "before the report was published" in early.content.decode()
    impossible = client.post(url, {**base, "new_due_on_0": "30", "new_due_on_1": "2", "new_due_on_2": "2024"})
    assert impossible.status_code == 400 and "Correct due date must be a real date" in impossible.content.decode()
    no_reason = client.post(url, {**base, "reason": "", "new_due_on_0": "1", "new_due_on_1": "6",
                                  "new_due_on_2": "2024"})  # fmt: skip
    assert no_reason.status_code == 400
    assert not ExtensionRequest.objects.exists()
    done = client.post(url, {**base, "new_due_on_0": "1", "new_due_on_1": "6", "new_due_on_2": "2024"})
    assert done.status_code == 302
    tracking.refresh_from_db()
    correction = ExtensionRequest.objects.get()
    assert (tracking.due_on, tracking.original_due_on, tracking.slips()) == (dt.date(2024, 6, 1), original, 0)
    assert (correction.kind, correction.current_due_on, correction.decided_by) == (
        ExtensionKind.CORRECTION, original, personas.liaison,
    )  # fmt: skip
    assert client_for(personas.owner).get(url).status_code == 404


def test_extension_request_and_decision(personas: Personas, tracking: TrackingRecord) -> None:
    owner, liaison = client_for(personas.owner), client_for(personas.liaison)
    original = tracking.due_on
    url = reverse("recommendations:tracking_extension", args=[tracking.pk])
    asked = owner.post(url, {"version": tracking.version, "reason": "Partner delay", "requested_due_on_0": "1",
                             "requested_due_on_1": "3", "requested_due_on_2": "2030"})  # fmt: skip
    assert asked.status_code == 302
    extension = ExtensionRequest.objects.get()
    decide = reverse("recommendations:tracking_extension_decide", args=[tracking.pk, extension.pk])
    assert owner.get(decide).status_code == 404
    tracking.refresh_from_db()
    no_reason = liaison.post(decide, {"version": tracking.version, "decision": "approve", "decision_reason": ""})
    assert no_reason.status_code == 400
    assert (
        liaison.post(decide, {"version": tracking.version, "decision": "approve", "decision_reason": "OK"}).status_code
        == 302
    )
    tracking.refresh_from_db()
    extension.refresh_from_db()
    assert extension.decision == ExtensionDecision.APPROVED
    assert tracking.due_on == dt.date(2030, 3, 1) and tracking.original_due_on == original and tracking.slips() == 1
    assert liaison.get(decide).status_code == 404  # decided: no longer pending


def test_rag_override_review_status_and_hmicfrs_status(personas: Personas, tracking: TrackingRecord) -> None:
    liaison = client_for(personas.liaison)
    rag = reverse("recommendations:tracking_rag", args=[tracking.pk])
    assert liaison.post(rag, {"version": tracking.version, "rag": "red", "reason": ""}).status_code == 400
    assert liaison.post(rag, {"version": tracking.version, "rag": "red", "reason": "Partner delay"}).status_code == 302
    tracking.refresh_from_db()
    assert tracking.rag_override == "red"
    page = liaison.get(reverse("recommendations:tracking", args=[tracking.pk])).content.decode()
    today = f"{dt.date.today():%-d %B %Y}"
    assert f"Overridden by Rachel Jones on {today}: Partner delay" in page and "Suggested by the rule" in page
    form = liaison.get(rag).content.decode()
    assert "How the suggested rating is worked out" in form and "Red: the due date has passed." in form
    assert f"Overridden now to Red by Rachel Jones on {today}: Partner delay" in form  # above the empty form
    assert "checked" not in form.split("<form", 1)[1] and ">Partner delay</textarea>" not in form
    review = reverse("recommendations:tracking_review", args=[tracking.pk])
    day = dt.date.today()
    response = liaison.post(review, {"version": tracking.version, "note": "On track", "reviewed_on_0": day.day,
                                     "reviewed_on_1": day.month, "reviewed_on_2": day.year})  # fmt: skip
    assert response.status_code == 302
    assert tracking.reviews.get().note == "On track"
    tracking.refresh_from_db()
    status = reverse("recommendations:tracking_status", args=[tracking.pk])
    owner = client_for(personas.owner)
    assert owner.post(status, {"version": tracking.version, "status": "evidence_gathering"}).status_code == 302
    tracking.refresh_from_db()
    assert tracking.status == TrackingStatus.EVIDENCE_GATHERING
    hmicfrs = reverse("recommendations:tracking_hmicfrs_status", args=[tracking.pk])
    assert liaison.get(hmicfrs).status_code == 404
    lead = client_for(personas.hmicfrs_lead)
    response = lead.post(hmicfrs, {"version": tracking.version, "status": "being_progressed", "comment": "Noted"})
    assert response.status_code == 302
    tracking.refresh_from_db()
    assert tracking.hmicfrs_status == HmicfrsStatus.BEING_PROGRESSED
    assert tracking.hmicfrs_history.get().comment == "Noted"


def test_history_page_shows_changes_to_record_and_evidence(personas: Personas, full: dict[str, object]) -> None:
    tracking = full["tracking"]
    assert isinstance(tracking, TrackingRecord)
    services.update_tracking(tracking, personas.liaison, tracking.version, portfolio="Neighbourhoods")
    page = client_for(personas.committee_member).get(_urls(full)["history"]).content.decode()
    assert "Neighbourhoods" in page and "Training plan" in page


def test_history_is_in_words_for_auditors(personas: Personas, tracking: TrackingRecord) -> None:
    services.update_tracking(tracking, personas.liaison, tracking.version, owner=personas.second_owner,
                             keep_portfolio=True)  # fmt: skip
    tracking.refresh_from_db()
    services.correct_due_date(tracking, personas.liaison, dt.date(2031, 3, 31), "Misread")
    services.override_rag(TrackingRecord.objects.get(pk=tracking.pk), personas.liaison, "red", "Partner delay")
    page = client_for(personas.committee_member).get(reverse("recommendations:tracking_history", args=[tracking.pk]))
    html = page.content.decode()
    assert "Sara Kaur" in html and "Owen Patel" in html  # people by name, not ids
    assert "31 March 2031" in html and "2031-03-31" not in html  # UK dates
    assert ">Due date<" in html and ">RAG rating<" in html and ">Red<" in html
    # The transition rows tell owners and overrides, with their reasons, once each.
    assert "RAG override set: Tracking record" in html and "Reason: Partner delay" in html
    assert "Owner changed: Tracking record" in html and ">The suggested rating<" in html
    assert html.count(">Owner<") == 1 and ">RAG override<" not in html
    assert not re.search(r">\d{4}-\d\d-\d\d", html)  # no ISO dates or raw time stamps
    for machinery in (">version<", ">Version<", ">updated_at<", ">due_on<", ">red<", ">None<", ">Rag override<"):
        assert machinery not in html, machinery


def test_unknown_signoff_step_is_404(personas: Personas, tracking: TrackingRecord) -> None:
    url = reverse("recommendations:tracking_signoff", args=[tracking.pk, "delete_everything"])
    assert client_for(personas.liaison).get(url).status_code == 404
