"""The pages of documents in: upload with its checks, progress, the review screen and its steps."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from oversight.ingest.models import Decision, ReadingStatus, SourceDocument
from oversight.organisations.models import Organisation
from oversight.recommendations.models import Item, Report
from tests.conftest import client_for
from tests.factories import ReportFactory
from tests.ingest_fixtures import REPORT_TEXT, store
from tests.personas import Personas

pytest_plugins = ["tests.ingest_fixtures"]

pytestmark = pytest.mark.usefixtures("stand_ins", "immediate_tasks")


@pytest.fixture
def report(wmp: Organisation) -> Report:
    return ReportFactory(title="Stalking inspection", forces=[wmp], published_on=dt.date(2022, 6, 30))


@pytest.fixture
def document(personas: Personas, wmp: Organisation, report: Report) -> SourceDocument:
    return SourceDocument.objects.get(pk=store(personas.liaison, wmp, report).pk)


def _upload(client: Client, wmp: Organisation, **fields: object) -> object:
    data = {"kind": "report", "organisation": wmp.pk, "report": "new", "new_report_title": "Stalking",
            "new_report_kind": "peel", "new_report_published_0": "30", "new_report_published_1": "6",
            "new_report_published_2": "2022"}  # fmt: skip
    data |= fields
    return client.post(reverse("ingest:upload"), data)


def test_upload_with_a_new_report_reads_it_and_shows_the_proposals(personas: Personas, wmp: Organisation) -> None:
    client = client_for(personas.liaison)
    response = _upload(client, wmp, file=SimpleUploadedFile("peel.txt", REPORT_TEXT.encode()))
    document = SourceDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("ingest:document", args=[document.pk])  # type: ignore[attr-defined]
    assert document.report is not None and document.report.title == "Stalking"
    assert list(document.report.forces.all()) == [wmp]
    page = client.get(reverse("ingest:document", args=[document.pk])).content.decode()
    assert "We found 4 proposals" in page
    review = client.get(reverse("ingest:review", args=[document.pk])).content.decode()
    assert "<mark>Within six months, chief constables should record stalking.</mark>" in review
    assert "We could not work out a date from 'By autumn 2024': enter the due date" in review


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.exe", b"MZ\x90\x00", "must be a PDF, Word (.docx), HTML, Markdown or text file"),
        ("report.pdf", b"not a pdf at all", "is not a PDF file inside"),
        ("report.txt", b"", "The selected file is empty"),
    ],
)
def test_a_bad_file_is_refused_with_the_error_summary_and_nothing_stored(
    personas: Personas, wmp: Organisation, name: str, content: bytes, message: str
) -> None:
    response = _upload(client_for(personas.liaison), wmp, file=SimpleUploadedFile(name, content))
    page = response.content.decode()  # type: ignore[attr-defined]
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "govuk-error-summary" in page and message in page
    assert not SourceDocument.objects.exists() and not Report.objects.filter(title="Stalking").exists()


def test_a_file_over_the_limit_is_refused(personas: Personas, wmp: Organisation, settings: object) -> None:
    settings.INGEST_MAX_BYTES = 1024 * 1024  # type: ignore[attr-defined]
    big = SimpleUploadedFile("big.txt", b"a" * (1024 * 1024 + 1))
    response = _upload(client_for(personas.liaison), wmp, file=big)
    assert "must be smaller than 1 MB" in response.content.decode()  # type: ignore[attr-defined]
    assert not SourceDocument.objects.exists()


def test_a_new_report_needs_its_details(personas: Personas, wmp: Organisation) -> None:
    file = SimpleUploadedFile("peel.txt", REPORT_TEXT.encode())
    response = _upload(client_for(personas.liaison), wmp, file=file, new_report_title="", new_report_kind="")
    page = response.content.decode()  # type: ignore[attr-defined]
    assert "Enter the title of the new report" in page and "Select the kind of the new report" in page


def test_the_status_endpoint_reports_progress_in_numbers_and_words(
    personas: Personas, wmp: Organisation, report: Report
) -> None:
    document = store(personas.liaison, wmp, report, queue=False)
    SourceDocument.objects.filter(pk=document.pk).update(status=ReadingStatus.READING, pages_done=5, pages_total=20)
    client = client_for(personas.liaison)
    status = client.get(reverse("ingest:status", args=[document.pk])).json()
    assert status == {"status": "reading", "status_text": "Being read", "pages_done": 5, "pages_total": 20,
                      "percent": 25, "progress_text": "Read 5 of 20 pages", "finished": False,
                      "failure_reason": ""}  # fmt: skip
    page = client.get(reverse("ingest:document", args=[document.pk])).content.decode()
    assert 'aria-live="polite"' in page and 'value="25"' in page and 'http-equiv="refresh"' in page


def test_a_failed_document_shows_its_reason(personas: Personas, wmp: Organisation, report: Report) -> None:
    document = store(personas.liaison, wmp, report, queue=False)
    SourceDocument.objects.filter(pk=document.pk).update(status=ReadingStatus.FAILED, failure_reason="It needs text.")
    page = client_for(personas.liaison).get(reverse("ingest:document", args=[document.pk])).content.decode()
    assert "We could not read this document" in page and "It needs text." in page


def test_edit_recomputes_the_due_date_from_the_phrase(personas: Personas, document: SourceDocument) -> None:
    unread = document.proposals.get(reference="2")
    data = {"version": document.version, "item_kind": "recommendation", "reference": "2", "text": unread.text,
            "addressees": ["chief_constables"], "deadline_phrase": "Within three months"}  # fmt: skip
    response = client_for(personas.liaison).post(reverse("ingest:edit", args=[unread.pk]), data)
    assert response.status_code == 302
    unread.refresh_from_db()
    assert unread.due_on == dt.date(2022, 9, 30) and unread.deadline_understood


def test_a_stale_page_is_refused_and_nothing_is_overwritten(personas: Personas, document: SourceDocument) -> None:
    first, second = document.proposals.all()[1:3]
    stale = document.version
    client = client_for(personas.liaison)
    client.post(reverse("ingest:drop", args=[first.pk]), {"version": stale})
    data = {"version": stale, "item_kind": "recommendation", "reference": "X", "text": "Overwritten",
            "deadline_phrase": ""}  # fmt: skip
    response = client.post(reverse("ingest:edit", args=[second.pk]), data)
    assert response.status_code == 400 and "Someone else changed this document" in response.content.decode()
    second.refresh_from_db()
    assert second.text != "Overwritten"


def test_merge_split_drop_and_confirm(personas: Personas, document: SourceDocument) -> None:
    client = client_for(personas.liaison)
    _concern, first, unread, afi = document.proposals.all()

    def version() -> int:
        return SourceDocument.objects.get(pk=document.pk).version

    client.post(reverse("ingest:merge", args=[unread.pk]), {"version": version()})
    merged = document.proposals.get(pk=unread.pk)
    assert merged.text.endswith("The force should tell victims about progress.")
    assert merged.span_end == afi.span_end and not document.proposals.filter(pk=afi.pk).exists()

    client.post(reverse("ingest:split", args=[merged.pk]), {"version": version(), "before": "The force should"})
    merged.refresh_from_db()
    assert merged.text == "By autumn 2024, forces should train call handlers."
    second = document.proposals.get(position=merged.position + 1)
    assert second.passage == "The force should tell victims about progress."

    assert second.needs_due_date  # the second part keeps the deadline as written, still unread
    client.post(reverse("ingest:drop", args=[merged.pk]), {"version": version()})
    edit = {"version": version(), "item_kind": "afi", "text": second.text, "deadline_phrase": "by autumn 2024",
            "due_on_0": "30", "due_on_1": "11", "due_on_2": "2024"}  # fmt: skip
    assert client.post(reverse("ingest:edit", args=[second.pk]), edit).status_code == 302
    response = client.post(reverse("ingest:confirm", args=[document.pk]), {"version": version()})
    assert response.status_code == 302
    assert Item.objects.filter(report=document.report).count() == 3
    assert document.proposals.get(pk=merged.pk).decision == Decision.DROPPED
    created = document.proposals.get(pk=first.pk).item
    assert created is not None
    record = created.tracking_records.get(organisation=document.organisation)
    page = client.get(reverse("recommendations:tracking", args=[record.pk])).content.decode()
    assert f"From report.txt, page {document.proposals.get(pk=first.pk).page}" in page
    assert reverse("ingest:passage", args=[first.pk]) in page
    # An owner sees the item, and where it came from, but no link to a document they may not open.
    owner_page = client_for(personas.owner).get(reverse("recommendations:tracking", args=[record.pk]))
    assert owner_page.status_code == 200
    assert "From report.txt, page" in owner_page.content.decode()
    assert reverse("ingest:passage", args=[first.pk]) not in owner_page.content.decode()
    assert client_for(personas.owner).get(reverse("ingest:passage", args=[first.pk])).status_code == 404
