"""Who may read documents in: every persona tried on every route of the app, refusals as 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.urls import URLPattern, reverse

from oversight.ingest import access
from oversight.ingest import views as ingest_views
from oversight.ingest.models import DocumentKind, Proposal, SourceDocument
from oversight.organisations.models import Organisation
from oversight.recommendations.models import Report
from tests.conftest import client_for
from tests.factories import ReportFactory
from tests.ingest_fixtures import store
from tests.personas import Personas

pytest_plugins = ["tests.ingest_fixtures"]

pytestmark = pytest.mark.usefixtures("stand_ins", "immediate_tasks")

# Who reviews West Midlands Police's documents: its liaison officer, and the HMICFRS lead covering it.
ALLOWED = ("liaison", "hmicfrs_lead")
REFUSED = (
    "owner", "second_owner", "committee_member", "opcc_officer", "other_force", "other_hmicfrs_lead",
    "administrator", "national_analyst", "no_role",
)  # fmt: skip
# People with no organisation whose documents they may read in are not offered the upload page at all.
NO_UPLOAD = ("owner", "second_owner", "committee_member", "administrator", "no_role")


@pytest.fixture
def report(wmp: Organisation) -> Report:
    return ReportFactory(title="Stalking inspection", forces=[wmp], published_on=dt.date(2022, 6, 30))


@pytest.fixture
def document(personas: Personas, wmp: Organisation, report: Report) -> SourceDocument:
    return store(personas.liaison, wmp, report)


def _routes(document: SourceDocument) -> list[str]:
    """Every route of the app taking an id, from the URL patterns, pointed at a real object."""
    proposal = Proposal.objects.filter(document=document).first()
    assert proposal is not None
    urls = []
    for pattern in ingest_views.urlpatterns:
        assert isinstance(pattern, URLPattern)
        if "<int:pk>" not in str(pattern.pattern):
            continue
        target = proposal.pk if str(pattern.pattern).startswith("proposals/") else document.pk
        urls.append(reverse(f"ingest:{pattern.name}", args=[target]))
    assert len(urls) == 10
    return urls


@pytest.mark.parametrize("name", REFUSED)
def test_people_outside_get_404_on_every_route_and_change_nothing(
    personas: Personas, document: SourceDocument, name: str
) -> None:
    client = client_for(getattr(personas, name))
    version = SourceDocument.objects.get(pk=document.pk).version
    for url in _routes(document):
        # A button's route answers GET with 405 before any lookup, for every id alike: nothing leaks.
        post_only = url.endswith(("/drop/", "/merge/", "/confirm/", "/read-again/"))
        assert client.get(url).status_code == (405 if post_only else 404), url
        assert client.post(url, {"version": version, "before": "Within"}).status_code == 404, url
    assert SourceDocument.objects.get(pk=document.pk).version == version
    assert not Proposal.objects.filter(document=document).exclude(decision="pending").exists()


@pytest.mark.parametrize("name", ALLOWED)
def test_the_people_of_the_organisation_see_every_page(personas: Personas, document: SourceDocument, name: str) -> None:
    client = client_for(getattr(personas, name))
    for url in _routes(document):
        if not url.endswith(("/drop/", "/merge/", "/confirm/", "/read-again/")):
            assert client.get(url).status_code == 200, url


def test_a_refusal_is_the_page_a_missing_document_gets(
    personas: Personas, document: SourceDocument, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("django.middleware.csrf._get_new_csrf_string", lambda: "a" * 32)
    client = client_for(personas.other_force)
    refused = client.get(reverse("ingest:review", args=[document.pk]))
    missing = client.get(reverse("ingest:review", args=[document.pk + 1000]))
    assert refused.status_code == missing.status_code == 404
    assert refused.content == missing.content
    assert {k: v for k, v in refused.headers.items() if k != "Set-Cookie"} == {
        k: v for k, v in missing.headers.items() if k != "Set-Cookie"
    }


@pytest.mark.parametrize("name", NO_UPLOAD)
def test_the_upload_page_is_not_there_for_people_with_no_documents(personas: Personas, name: str) -> None:
    client = client_for(getattr(personas, name))
    assert client.get(reverse("ingest:upload")).status_code == 404
    assert "Documents</a>" not in client.get(reverse("home")).content.decode()


def test_the_document_list_shows_only_the_persons_organisations(personas: Personas, document: SourceDocument) -> None:
    assert document.original_name in client_for(personas.liaison).get(reverse("ingest:documents")).content.decode()
    for name in REFUSED:
        page = client_for(getattr(personas, name)).get(reverse("ingest:documents")).content.decode()
        assert document.original_name not in page, name


@pytest.mark.parametrize(
    ("name", "kind", "allowed"),
    [
        ("liaison", DocumentKind.REPORT, True),
        ("hmicfrs_lead", DocumentKind.REGISTER, True),
        ("opcc_officer", DocumentKind.RESPONSE, False),  # a response of West Midlands Police is read in by its body
        ("other_force", DocumentKind.REPORT, False),
        ("other_hmicfrs_lead", DocumentKind.REPORT, False),
        ("national_analyst", DocumentKind.REPORT, False),
        ("administrator", DocumentKind.REPORT, False),
        ("committee_member", DocumentKind.RESPONSE, False),
        ("owner", DocumentKind.REPORT, False),
        ("no_role", DocumentKind.RESPONSE, False),
    ],
)
def test_who_may_upload_for_west_midlands_police(
    personas: Personas, wmp: Organisation, name: str, kind: str, allowed: bool
) -> None:
    user: User = getattr(personas, name)
    assert access.can_upload_document(user, wmp, kind) is allowed


def test_governing_body_officers_read_responses_in_but_not_reports(personas: Personas, wmp: Organisation) -> None:
    body = wmp.governing_body_on()
    assert body is not None
    assert access.can_upload_document(personas.opcc_officer, body, DocumentKind.RESPONSE)
    assert not access.can_upload_document(personas.opcc_officer, body, DocumentKind.REPORT)
