"""Retention of documents read in: listed only to those who review their reading once past the period,
erased with their file and proposals, the items confirmed from them kept (without the link back)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from oversight.audit import verify
from oversight.audit.models import TrailEntry, TrailKind
from oversight.ingest import services as ingest_services
from oversight.ingest.models import Proposal, SourceDocument
from oversight.organisations.models import Organisation
from oversight.recommendations.models import Item, Report
from oversight.retention import services
from oversight.retention.rules import RecordType, rule_for
from tests.conftest import client_for
from tests.factories import ReportFactory
from tests.ingest_fixtures import store
from tests.personas import Personas

pytest_plugins = ["tests.ingest_fixtures"]
pytestmark = pytest.mark.usefixtures("stand_ins", "immediate_tasks")

REASON = "Confirmed more than two years ago; the register holds what was read from it."


@pytest.fixture
def report(wmp: Organisation) -> Report:
    return ReportFactory(title="Stalking inspection", forces=[wmp], published_on=dt.date(2022, 6, 30))


@pytest.fixture
def document(personas: Personas, wmp: Organisation, report: Report) -> SourceDocument:
    """A report read in and confirmed: its items are in the register."""
    found = SourceDocument.objects.get(pk=store(personas.liaison, wmp, report).pk)
    for proposal in found.proposals.all():
        if proposal.needs_due_date:
            ingest_services.drop_proposal(proposal, personas.liaison, SourceDocument.objects.get(pk=found.pk).version)
    ingest_services.confirm_document(found, personas.liaison, SourceDocument.objects.get(pk=found.pk).version)
    return SourceDocument.objects.get(pk=found.pk)


def age(document: SourceDocument, years: float) -> None:
    when = timezone.now() - dt.timedelta(days=int(366 * years))
    SourceDocument.objects.filter(pk=document.pk).update(confirmed_at=when, read_at=when - dt.timedelta(hours=1))


def url(document: SourceDocument) -> str:
    return f"/retention/documents/{document.pk}/erase/"


def stored(document: SourceDocument) -> Path:
    return Path(settings.MEDIA_ROOT) / document.file.name


def test_the_reviewer_lists_and_deletes_a_document_past_retention_keeping_its_items(
    personas: Personas, document: SourceDocument, django_capture_on_commit_callbacks: Any
) -> None:
    years = rule_for(RecordType.SOURCE_DOCUMENT).months // 12
    age(document, years + 0.5)
    items = list(Item.objects.filter(source_proposals__document=document).values_list("pk", "text"))
    assert items and stored(document).exists()
    client = client_for(personas.liaison)
    assert "report.txt" in client.get("/retention/").content.decode()
    assert "Delete this document and its reading?" in client.get(url(document)).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(document), {"reason": REASON})

    assert response.status_code == 302
    assert not SourceDocument.objects.filter(pk=document.pk).exists()
    assert not Proposal.objects.filter(document_id=document.pk).exists()
    assert not stored(document).exists()
    assert list(Item.objects.filter(pk__in=[pk for pk, _ in items]).values_list("pk", "text")) == items
    tracking = Item.objects.get(pk=items[0][0]).tracking_records.get(organisation=document.organisation)
    page = client.get(reverse("recommendations:tracking", args=[tracking.pk]))
    assert page.status_code == 200 and items[0][1] in page.content.decode()
    assert "From report.txt" not in page.content.decode()
    erasure = TrailEntry.objects.get(kind=TrailKind.ERASURE, source="ingest.sourcedocument", source_id=document.pk)
    assert "wmp.liaison" in erasure.detail and REASON in erasure.detail and "report.txt" not in erasure.detail
    assert verify.verify_trail().broken is None


def test_only_its_own_file_goes(
    personas: Personas, document: SourceDocument, wmp: Organisation, report: Report,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    again = store(personas.liaison, wmp, report)  # the same bytes, read in again
    age(document, 3)
    with django_capture_on_commit_callbacks(execute=True):
        services.erase_document(document.pk, personas.liaison, REASON)
    assert not SourceDocument.objects.filter(pk=document.pk).exists()
    assert not stored(document).exists() and stored(again).exists()
    assert SourceDocument.objects.filter(pk=again.pk).exists()


def test_a_document_within_its_period_or_still_being_read_is_not_deleted(
    personas: Personas, document: SourceDocument
) -> None:
    age(document, 1)
    client = client_for(personas.liaison)
    assert "report.txt" not in client.get("/retention/").content.decode()
    assert "It may be deleted from" in client.get(url(document)).content.decode()
    response = client.post(url(document), {"reason": REASON})
    assert (
        response.status_code == 400 and "has not reached the end of its retention period" in response.content.decode()
    )
    age(document, 3)
    SourceDocument.objects.filter(pk=document.pk).update(status="reading")
    assert "It is still being read" in client.get(url(document)).content.decode()
    assert client.post(url(document), {"reason": REASON}).status_code == 400
    before = TrailEntry.objects.filter(kind=TrailKind.ERASURE).count()
    assert SourceDocument.objects.filter(pk=document.pk).exists() and stored(document).exists()
    assert TrailEntry.objects.filter(kind=TrailKind.ERASURE).count() == before == 0


def test_a_reason_is_required_and_nothing_is_written_without_one(personas: Personas, document: SourceDocument) -> None:
    age(document, 3)
    response = client_for(personas.liaison).post(url(document), {"reason": " "})
    assert response.status_code == 400 and "Enter the reason for deleting it" in response.content.decode()
    assert SourceDocument.objects.filter(pk=document.pk).exists()
    assert not TrailEntry.objects.filter(kind=TrailKind.ERASURE).exists()


@pytest.mark.parametrize("name", ["owner", "second_owner", "committee_member", "other_force", "opcc_officer",
                                  "administrator", "no_role"])  # fmt: skip
def test_no_one_else_reaches_the_document_here(personas: Personas, document: SourceDocument, name: str) -> None:
    age(document, 3)
    client = client_for(getattr(personas, name))
    refused = client.post(url(document), {"reason": REASON})
    missing = client.post("/retention/documents/999999/erase/", {"reason": REASON})
    assert refused.status_code == missing.status_code == 404
    assert client.get(url(document)).status_code == 404
    index = client.get("/retention/")
    assert index.status_code == 404 or "report.txt" not in index.content.decode()
    with pytest.raises(PermissionDenied):
        services.erase_document(document.pk, getattr(personas, name), REASON)
    assert SourceDocument.objects.filter(pk=document.pk).exists() and stored(document).exists()
    assert not TrailEntry.objects.filter(kind=TrailKind.ERASURE).exists()
