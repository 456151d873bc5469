"""The documents-in API and the `oversight ingest` command."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from oversight.ingest.models import ReadingStatus, SourceDocument
from oversight.organisations.models import Organisation
from oversight.recommendations.models import Report
from tests.documents_corpus import simple_pdf
from tests.factories import ReportFactory
from tests.ingest_fixtures import REPORT_TEXT, store
from tests.personas import Personas
from tests.test_api import api_client
from tests.test_ingest_access import ALLOWED, REFUSED

pytest_plugins = ["tests.ingest_fixtures"]

pytestmark = pytest.mark.usefixtures("stand_ins", "immediate_tasks")

BASE = "/api/v1/ingest/documents"


@pytest.fixture
def report(wmp: Organisation) -> Report:
    return ReportFactory(title="Stalking inspection", forces=[wmp], published_on=dt.date(2022, 6, 30))


@pytest.fixture
def document(personas: Personas, wmp: Organisation, report: Report) -> SourceDocument:
    return store(personas.liaison, wmp, report)


@pytest.mark.parametrize("name", ALLOWED)
def test_the_organisations_people_read_documents_and_proposals(
    personas: Personas, document: SourceDocument, name: str
) -> None:
    client = api_client(getattr(personas, name))
    listed = client.get(BASE).json()
    assert [d["id"] for d in listed["items"]] == [document.pk]
    detail = client.get(f"{BASE}/{document.pk}").json()
    assert detail["status"] == "read" and detail["sha256"] == document.sha256
    first = detail["proposals"][1]
    assert first["text"] == "Within six months, chief constables should record stalking."
    assert first["due_on"] == "2022-12-30" and first["addressees"] == ["chief_constables", "college"]
    assert first["cause_of_concern_id"] == detail["proposals"][0]["id"]
    assert REPORT_TEXT[first["span_start"] : first["span_end"]] == first["text"]
    assert client.get(f"{BASE}/{document.pk}/status").json()["percent"] == 100


@pytest.mark.parametrize("name", REFUSED)
def test_people_outside_get_404_and_an_empty_list(personas: Personas, document: SourceDocument, name: str) -> None:
    client = api_client(getattr(personas, name))
    assert client.get(BASE).json()["items"] == []
    for suffix in ("", "/status"):
        refused = client.get(f"{BASE}/{document.pk}{suffix}")
        missing = client.get(f"{BASE}/{document.pk + 999}{suffix}")
        assert refused.status_code == missing.status_code == 404
        assert refused.json() == missing.json()


def test_without_a_token_nothing_is_answered(document: SourceDocument) -> None:
    assert Client().get(f"{BASE}/{document.pk}").status_code == 401


def test_the_endpoints_are_in_the_openapi_document(personas: Personas) -> None:
    paths = api_client(personas.liaison).get("/api/openapi.json").json()["paths"]
    assert {"/api/v1/ingest/documents", "/api/v1/ingest/documents/{document_id}",
            "/api/v1/ingest/documents/{document_id}/status"} <= set(paths)  # fmt: skip


def test_the_command_stores_and_reads_a_document_with_a_new_report(
    personas: Personas, wmp: Organisation, tmp_path: Path
) -> None:
    path = tmp_path / "peel-2024.txt"
    path.write_text(REPORT_TEXT)
    out, err = StringIO(), StringIO()
    call_command(
        "ingest", str(path), "--kind", "report", "--new-report-title", "PEEL 2024", "--published", "2024-03-01",
        "--report-kind", "peel", "--organisation", wmp.slug, "--by", personas.liaison.username, stdout=out, stderr=err,
    )  # fmt: skip
    document = SourceDocument.objects.get()
    assert document.status == ReadingStatus.READ and document.report is not None
    assert document.report.title == "PEEL 2024" and document.published_on == dt.date(2024, 3, 1)
    assert "4 proposals to review at /documents/" in out.getvalue()


def test_the_command_refuses_a_person_outside_with_status_2(personas: Personas, wmp: Organisation, report: Report,
                                                            tmp_path: Path) -> None:  # fmt: skip
    path = tmp_path / "report.txt"
    path.write_text(REPORT_TEXT)
    with pytest.raises(CommandError, match="may not read documents in") as refused:
        call_command("ingest", str(path), "--kind", "report", "--report", str(report.pk), "--organisation", wmp.slug,
                     "--by", personas.other_force.username)  # fmt: skip
    assert refused.value.returncode == 2
    assert not SourceDocument.objects.exists()


def test_the_command_says_why_a_file_could_not_be_read(
    personas: Personas, wmp: Organisation, report: Report, tmp_path: Path
) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(simple_pdf([["A page the stand-in reader below cannot read."]]))
    from oversight.lib import documents

    def unreadable(*args: object, **kwargs: object) -> None:
        raise documents.DocumentError("This PDF has no text in it: it needs text, not scanned images.")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(documents, "read_document", unreadable, raising=False)
        with pytest.raises(CommandError, match="needs text") as failed:
            call_command("ingest", str(path), "--kind", "report", "--report", str(report.pk), "--organisation",
                         wmp.slug, "--by", personas.liaison.username)  # fmt: skip
    assert failed.value.returncode == 2
    assert SourceDocument.objects.get().status == ReadingStatus.FAILED
