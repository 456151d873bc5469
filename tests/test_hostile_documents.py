"""Every hostile file (tests/hostile/) against the paths that read a document: the register's documents in
(the upload page and `oversight ingest`) and a national return's pre-fill from a published response.

Each is refused before anything is stored (not later, when the background job reads it), with a GOV.UK
error summary on the page or exit status 2 and the reason from the command; memory bounded.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse

from oversight.ingest import services
from oversight.ingest.models import Proposal, SourceDocument
from oversight.organisations.models import Organisation
from oversight.recommendations.models import Report
from oversight.returns.models import Answer, Return
from oversight.returns.prefill import read_upload
from tests.conftest import client_for
from tests.factories import ReportFactory
from tests.hostile.corpus import CORPUS, Hostile
from tests.hostile.harness import Attempt, UploadPath, check, page_message, post_file, refusal, run_command
from tests.personas import Personas

pytest_plugins = ["tests.returns_fixtures"]
pytestmark = pytest.mark.django_db


def _listed() -> str:
    return SourceDocument.objects.order_by("-pk").values_list("original_name", flat=True).first() or ""


@pytest.fixture
def report(wmp: Organisation) -> Report:
    return ReportFactory(title="Stalking inspection", forces=[wmp], published_on=dt.date(2022, 6, 30))


@pytest.fixture
def ingest_paths(personas: Personas, wmp: Organisation, report: Report) -> dict[str, UploadPath]:
    liaison = personas.liaison
    client = client_for(liaison)
    models = (SourceDocument, Proposal, Report)

    def web(case: Hostile, _: Path) -> Attempt:
        data = {"kind": "report", "organisation": wmp.pk, "report": report.pk}
        return page_message(post_file(client, reverse("ingest:upload"), data, "file", case, "document"))

    def cli(case: Hostile, folder: Path) -> Attempt:
        path = case.write(folder, "document")
        return run_command("ingest", str(path), "--kind", "report", "--organisation", wmp.slug, "--by",
                           liaison.username, "--report", str(report.pk), "--verbosity", "0")  # fmt: skip

    def first_check(upload: UploadedFile) -> Attempt:
        file = File(upload, upload.name)
        return refusal(lambda: services.store_document(liaison, file, kind="report", organisation=wmp, report=report))

    return {
        "ingest-upload-web": UploadPath("ingest-upload-web", "document", "web", models, web, first_check,
                                        listed_name=_listed),
        "ingest-cli": UploadPath("ingest-cli", "document", "cli", models, cli, listed_name=_listed),
    }  # fmt: skip


@pytest.fixture
def prefill_path(personas: Personas, wm_return: Return) -> UploadPath:
    client = client_for(personas.opcc_officer)

    def submit(case: Hostile, _: Path) -> Attempt:
        version = Return.objects.get(pk=wm_return.pk).version
        url = reverse("returns:prefill", args=[wm_return.pk])
        return page_message(post_file(client, url, {"version": version}, "file", case, "document"))

    def first_check(upload: UploadedFile) -> Attempt:
        return refusal(lambda: read_upload(upload))

    # The document is read for its text and never kept: nothing is listed.
    return UploadPath("returns-prefill-web", "document", "web", (Answer,), submit, first_check)


@pytest.mark.parametrize("case", CORPUS, ids=lambda case: case.id)
@pytest.mark.parametrize("path_id", ["ingest-upload-web", "ingest-cli"])
def test_documents_in(path_id: str, case: Hostile, ingest_paths: dict[str, UploadPath], tmp_path: Path) -> None:
    check(ingest_paths[path_id], case, tmp_path)


@pytest.mark.parametrize("case", CORPUS, ids=lambda case: case.id)
def test_returns_prefill(case: Hostile, prefill_path: UploadPath, tmp_path: Path) -> None:
    check(prefill_path, case, tmp_path)
