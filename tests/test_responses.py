"""The 56-day response: starting, writing each part, locking, publishing, exports and access."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from oversight.organisations.models import Organisation
from oversight.recommendations import rendering, services
from oversight.recommendations.models import GoverningBodyResponse, ItemKind, Report, ResponseStatus
from oversight.recommendations.rules import RESPONSE_DAYS
from tests.conftest import client_for
from tests.factories import ItemFactory, ReportFactory
from tests.personas import Personas

REFUSED = ["other_force", "other_hmicfrs_lead", "administrator", "national_analyst", "no_role"]
READERS = ["committee_member", "hmicfrs_lead"]


@pytest.fixture
def report(wmp: Organisation) -> Report:
    report = ReportFactory(title="Finding time for crime", published_on=dt.date(2022, 8, 11), forces=[wmp])
    ItemFactory(report=report, number="2", reference="", text="Supervise acquisitive crime investigations.")
    ItemFactory(report=report, number="10", reference="", text="Adhere to crime scene APP.")
    ItemFactory(report=report, number="1", kind=ItemKind.AREA_FOR_IMPROVEMENT, text="Not in the response.")
    return report


@pytest.fixture
def response(report: Report, wmp: Organisation, personas: Personas) -> GoverningBodyResponse:
    return services.start_response(report, wmp, personas.opcc_officer)


def _url(name: str, response: GoverningBodyResponse) -> str:
    return reverse(f"recommendations:{name}", args=[response.pk])


def _body_data(response: GoverningBodyResponse, version: int | None = None, **overrides: str) -> dict[str, Any]:
    data: dict[str, Any] = {"version": version or response.version, "body_comments": "The PCC welcomes the report."}
    for action in response.actions.all():
        data[f"steps_{action.item_id}"] = f"Steps for {action.item.number}"
        data[f"reason_{action.item_id}"] = ""
    return data | overrides


def _complete(response: GoverningBodyResponse, personas: Personas) -> None:
    actions = {a.item_id: ("Audit and report", "") for a in response.actions.all()}
    response = services.save_response(response, personas.opcc_officer, response.version, body_comments="Welcome.",
                                      actions=actions)  # fmt: skip
    services.save_response(response, personas.liaison, response.version, chief_constable_comments="Accepted.")


# Starting


def test_opcc_officer_sees_the_report_awaiting_and_starts_the_response(
    report: Report, wmp: Organisation, personas: Personas
) -> None:
    client = client_for(personas.opcc_officer)
    listing = client.get(reverse("recommendations:response_list")).content.decode()
    assert "Finding time for crime" in listing and "Start response" in listing
    started = client.post(reverse("recommendations:response_start"), {"report": report.pk, "force": wmp.pk})
    response = GoverningBodyResponse.objects.get(report=report, force=wmp)
    assert started.status_code == 302 and started["Location"] == _url("response", response)
    assert response.due_on == dt.date(2022, 8, 11) + dt.timedelta(days=RESPONSE_DAYS - 1) == dt.date(2022, 10, 5)
    assert sorted(a.item.number for a in response.actions.all()) == ["10", "2"]


@pytest.mark.parametrize("persona", ["liaison", "committee_member", "hmicfrs_lead", *REFUSED])
def test_only_the_opcc_officer_may_start_a_response(
    report: Report, wmp: Organisation, personas: Personas, persona: str
) -> None:
    client = client_for(getattr(personas, persona))
    listing = client.get(reverse("recommendations:response_list")).content.decode()
    assert "Start response" not in listing
    started = client.post(reverse("recommendations:response_start"), {"report": report.pk, "force": wmp.pk})
    assert started.status_code == 404
    assert not GoverningBodyResponse.objects.exists()


def test_list_flags_overdue_drafts_only(response: GoverningBodyResponse, personas: Personas, wmp: Organisation) -> None:
    recent = ReportFactory(title="Published yesterday", published_on=dt.date.today() - dt.timedelta(days=1),
                           forces=[wmp])  # fmt: skip
    services.start_response(recent, wmp, personas.opcc_officer)
    html = client_for(personas.committee_member).get(reverse("recommendations:response_list")).content.decode()
    rows = {title: html.split(title, 1)[1].split("</tr>", 1)[0] for title in ("Finding time", "Published yesterday")}
    assert "Overdue" in rows["Finding time"] and "Overdue" not in rows["Published yesterday"]
    assert response.is_overdue()


# Writing


def test_opcc_officer_writes_the_body_part(response: GoverningBodyResponse, personas: Personas) -> None:
    client = client_for(personas.opcc_officer)
    page = client.get(_url("response", response)).content.decode()
    assert 'name="body_comments"' in page and 'name="chief_constable_comments"' not in page
    data = _body_data(response, chief_constable_comments="Forged by the OPCC")
    assert client.post(_url("response", response), data).status_code == 302
    response.refresh_from_db()
    assert response.body_comments == "The PCC welcomes the report." and response.chief_constable_comments == ""
    assert sorted(a.steps for a in response.actions.all()) == ["Steps for 10", "Steps for 2"]


def test_recommendation_text_is_shown_as_text_never_as_markup_or_template(
    report: Report, wmp: Organisation, personas: Personas
) -> None:
    ItemFactory(report=report, number="3", reference="", text="<b>Bold</b> {{ csrf_token }} {% now 'Y' %}")
    response = services.start_response(report, wmp, personas.opcc_officer)
    page = client_for(personas.opcc_officer).get(_url("response", response)).content.decode()
    assert "&lt;b&gt;Bold&lt;/b&gt; {{ csrf_token }} {% now &#x27;Y&#x27; %}" in page
    assert "Supervise acquisitive crime investigations." in page
    assert page.count('name="csrfmiddlewaretoken"') == 3  # one per form: sign out, save, publish


def test_liaison_officer_writes_the_chief_constables_comments(
    response: GoverningBodyResponse, personas: Personas
) -> None:
    client = client_for(personas.liaison)
    page = client.get(_url("response", response)).content.decode()
    assert 'name="chief_constable_comments"' in page and 'name="body_comments"' not in page
    data = {"version": response.version, "chief_constable_comments": "WMP accepts.", "body_comments": "Forged"}
    assert client.post(_url("response", response), data).status_code == 302
    response.refresh_from_db()
    assert (response.chief_constable_comments, response.body_comments) == ("WMP accepts.", "")


def test_concurrent_save_is_refused_and_nothing_is_lost(response: GoverningBodyResponse, personas: Personas) -> None:
    stale = response.version
    services.save_response(response, personas.liaison, stale, chief_constable_comments="Saved first.")
    refused = client_for(personas.opcc_officer).post(
        _url("response", response), _body_data(response, version=stale, body_comments="My careful draft")
    )
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Someone else changed this record" in page and "My careful draft" in page
    response.refresh_from_db()
    assert response.body_comments == "" and response.chief_constable_comments == "Saved first."


@pytest.mark.parametrize("persona", READERS)
def test_readers_see_the_response_but_cannot_write(
    response: GoverningBodyResponse, personas: Personas, persona: str
) -> None:
    client = client_for(getattr(personas, persona))
    page = client.get(_url("response", response))
    assert page.status_code == 200 and "Finding time for crime" in page.content.decode()
    assert "<textarea" not in page.content.decode() and "Publish response" not in page.content.decode()
    assert client.post(_url("response", response), _body_data(response)).status_code == 404
    assert client.post(_url("response_publish", response), {}).status_code == 404
    assert client.get(_url("response_pdf", response)).content.startswith(b"%PDF")
    response.refresh_from_db()
    assert response.body_comments == ""


# Publishing and exports


def test_publish_is_refused_while_anything_is_missing(response: GoverningBodyResponse, personas: Personas) -> None:
    client = client_for(personas.opcc_officer)
    client.post(_url("response", response), _body_data(response, **{f"steps_{response.actions.first().item_id}": ""}))
    response.refresh_from_db()
    refused = client.post(_url("response_publish", response), {"published_url": "", "version": response.version})
    assert refused.status_code == 400
    message = refused.content.decode()
    assert "Before publishing, add" in message and "the chief constable&#x27;s comments" in message
    response.refresh_from_db()
    assert response.status == ResponseStatus.DRAFT and response.published_on is None


def test_complete_response_publishes_and_exports(response: GoverningBodyResponse, personas: Personas) -> None:
    _complete(response, personas)
    client = client_for(personas.opcc_officer)
    response.refresh_from_db()
    data = {"published_url": "https://example.org/response", "version": response.version}
    asked = client.post(_url("response_publish", response), data)
    assert asked.status_code == 200 and "Are you sure you want to publish" in asked.content.decode()
    assert GoverningBodyResponse.objects.get(pk=response.pk).status == ResponseStatus.DRAFT
    published = client.post(_url("response_publish", response), {**data, "confirmed": "True"})
    assert published.status_code == 302
    response.refresh_from_db()
    transition = response.transitions.get()
    assert (transition.by, transition.from_status, transition.to_status) == (
        personas.opcc_officer, ResponseStatus.DRAFT, ResponseStatus.PUBLISHED,
    )  # fmt: skip
    assert response.status == ResponseStatus.PUBLISHED and response.published_url == "https://example.org/response"
    page = client.get(_url("response", response)).content.decode()
    assert "<textarea" not in page and "Overdue" not in page
    pdf = client.get(_url("response_pdf", response))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    document = Document(io.BytesIO(client.get(_url("response_docx", response)).content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Welcome." in text and "Accepted." in text and "Recommendation 2" in text
    assert text.index("Recommendation 2") < text.index("Recommendation 10")
    assert "Draft" not in text


def test_response_pdf_source_has_every_part(response: GoverningBodyResponse, personas: Personas) -> None:
    _complete(response, personas)
    html = rendering.response_pdf_html(GoverningBodyResponse.objects.get(pk=response.pk))
    assert "Welcome." in html and "Accepted." in html and "Audit and report" in html and "5 October 2022" in html


# Access


def _urls(response: GoverningBodyResponse) -> list[str]:
    return [_url(name, response) for name in ("response", "response_pdf", "response_docx")]


@pytest.mark.parametrize("persona", REFUSED)
def test_people_outside_the_force_get_404_for_every_response_url(
    response: GoverningBodyResponse, personas: Personas, persona: str
) -> None:
    client: Client = client_for(getattr(personas, persona))
    for url in _urls(response):
        assert client.get(url).status_code == 404, url
    assert client.post(_url("response", response), _body_data(response)).status_code == 404
    assert client.post(_url("response_publish", response), {}).status_code == 404
    assert "Finding time for crime" not in client.get(reverse("recommendations:response_list")).content.decode()


def test_owner_sees_the_response_only_once_published(response: GoverningBodyResponse, personas: Personas) -> None:
    client = client_for(personas.owner)
    assert all(client.get(url).status_code == 404 for url in _urls(response))
    _complete(response, personas)
    services.publish_response(GoverningBodyResponse.objects.get(pk=response.pk), personas.opcc_officer)
    assert all(client.get(url).status_code == 200 for url in _urls(response))


# The statutory rules


def test_the_56_days_begin_with_the_day_of_publication(wmp: Organisation, personas: Personas) -> None:
    """s.55(5A): "the period of 56 days beginning with the day on which the report is published"."""
    report = ReportFactory(title="PPDA super-complaint", published_on=dt.date(2022, 6, 30), forces=[wmp])
    response = services.start_response(report, wmp, personas.opcc_officer)
    assert response.due_on == dt.date(2022, 8, 24)


def test_a_late_response_stays_marked_late_once_published(response: GoverningBodyResponse, personas: Personas) -> None:
    _complete(response, personas)
    published = services.publish_response(GoverningBodyResponse.objects.get(pk=response.pk), personas.opcc_officer)
    late = (published.published_on - published.due_on).days  # type: ignore[operator]
    assert late > 0 and published.days_late == late and not published.is_overdue()
    client = client_for(personas.committee_member)
    note = f"Published {late} days after it was due"
    assert note in client.get(_url("response", response)).content.decode()
    assert note in client.get(reverse("recommendations:response_list")).content.decode()
    assert f"{late} days after it was due" in rendering.response_pdf_html(published)


def test_a_response_published_on_its_due_date_is_not_late(report: Report, personas: Personas) -> None:
    response = GoverningBodyResponse(report=report, due_on=dt.date(2022, 10, 5), published_on=dt.date(2022, 10, 5))
    assert response.days_late == 0
    response.published_on = dt.date(2022, 10, 6)
    assert response.days_late == 1


def test_a_response_not_started_by_its_due_date_shows_as_overdue(wmp: Organisation, personas: Personas) -> None:
    ReportFactory(title="Long past", published_on=dt.date(2022, 6, 30), forces=[wmp])
    ReportFactory(title="Just out", published_on=dt.date.today(), forces=[wmp])
    html = client_for(personas.opcc_officer).get(reverse("recommendations:response_list")).content.decode()
    rows = {title: html.split(title, 1)[1].split("</tr>", 1)[0] for title in ("Long past", "Just out")}
    assert "Overdue" in rows["Long past"] and "Not started by its due date" in rows["Long past"]
    assert "Overdue" not in rows["Just out"]


def test_each_recommendation_takes_steps_or_a_reason_not_both(
    response: GoverningBodyResponse, personas: Personas
) -> None:
    item_id = response.actions.first().item_id  # type: ignore[union-attr]
    client = client_for(personas.opcc_officer)
    both = client.post(_url("response", response), _body_data(response, **{f"reason_{item_id}": "No resources"}))
    assert both.status_code == 400 and "not both" in both.content.decode()
    with pytest.raises(ValidationError, match="not both"):
        services.save_response(response, personas.opcc_officer, response.version, actions={item_id: ("a", "b")})
    response.refresh_from_db()
    assert all(action.steps == "" for action in response.actions.all())


def test_published_pdfs_are_tagged_for_accessibility(response: GoverningBodyResponse, personas: Personas) -> None:
    pdf = client_for(personas.opcc_officer).get(_url("response_pdf", response)).content
    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"], sorted(root)
    assert root["/Lang"] == "en-GB"
