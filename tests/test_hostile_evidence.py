"""Every hostile file (tests/hostile/) against the paths that keep a file for others to download: evidence
on a tracking record (added, or a new version) and a file answering a national return's question.

Each is refused with a GOV.UK error summary, no row written and no file left in the store, memory
bounded; a good file under a hostile name is kept under its name cleaned and stored under its SHA-256.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.urls import reverse

from oversight.recommendations import services
from oversight.recommendations.models import Evidence, EvidenceVersion, Item, TrackingRecord
from oversight.returns import services as returns
from oversight.returns.models import Answer, QuestionKind, Return
from tests.conftest import client_for
from tests.hostile.corpus import CORPUS, Hostile, good_file
from tests.hostile.harness import Attempt, UploadPath, check, page_message, post_file, refusal
from tests.personas import Personas
from tests.returns_helpers import draft_request, question, send

pytest_plugins = ["tests.returns_fixtures"]
pytestmark = pytest.mark.django_db

DATE = {"effective_on_0": "3", "effective_on_1": "4", "effective_on_2": "2023"}


def _latest_version_name() -> str:
    return EvidenceVersion.objects.order_by("-pk").values_list("original_name", flat=True).first() or ""


@pytest.fixture
def evidence_paths(personas: Personas, tracking: TrackingRecord) -> dict[str, UploadPath]:
    owner = client_for(personas.owner)
    existing = services.add_evidence(
        tracking, personas.owner, title="Plan", effective_on=dt.date(2023, 1, 5),
        upload=SimpleUploadedFile("plan.pdf", good_file("evidence")),
    )  # fmt: skip
    add_url = reverse("recommendations:tracking_evidence_add", args=[tracking.pk])
    version_url = reverse("recommendations:tracking_evidence_version", args=[tracking.pk, existing.pk])

    def add(case: Hostile, _: Path) -> Attempt:
        return page_message(post_file(owner, add_url, {"title": "Evidence", **DATE}, "file", case, "evidence"))

    def version(case: Hostile, _: Path) -> Attempt:
        return page_message(post_file(owner, version_url, {}, "file", case, "evidence"))

    def first_check(upload: UploadedFile) -> Attempt:
        return refusal(lambda: services.check_evidence_file(upload))

    models = (Evidence, EvidenceVersion)
    return {
        "evidence-add-web": UploadPath("evidence-add-web", "evidence", "web", models, add, first_check,
                                       listed_name=_latest_version_name),
        "evidence-version-web": UploadPath("evidence-version-web", "evidence", "web", models, version, first_check,
                                           listed_name=_latest_version_name),
    }  # fmt: skip


@pytest.fixture
def answer_path(personas: Personas, item: Item) -> UploadPath:
    request = draft_request(personas, item)
    returns.add_question(
        request, personas.national_analyst, None, returns.QuestionDraft(QuestionKind.EVIDENCE, "Your specification")
    )
    send(request, personas.national_analyst)
    record = request.returns.get(organisation__memberships__user=personas.opcc_officer)
    field = f"q{question(request, QuestionKind.EVIDENCE).pk}"
    officer = client_for(personas.opcc_officer)

    def submit(case: Hostile, _: Path) -> Attempt:
        version = Return.objects.get(pk=record.pk).version
        url = reverse("returns:answer", args=[record.pk])
        return page_message(post_file(officer, url, {"version": version}, field, case, "evidence"))

    def first_check(upload: UploadedFile) -> Attempt:
        return refusal(lambda: services.check_evidence_file(upload))

    def listed() -> str:
        return Answer.objects.filter(return_record=record).exclude(file="").values_list("file_name", flat=True)[0]

    return UploadPath("returns-answer-web", "evidence", "web", (Answer,), submit, first_check, listed_name=listed)


@pytest.mark.parametrize("case", CORPUS, ids=lambda case: case.id)
@pytest.mark.parametrize("path_id", ["evidence-add-web", "evidence-version-web"])
def test_evidence_paths(path_id: str, case: Hostile, evidence_paths: dict[str, UploadPath], tmp_path: Path) -> None:
    check(evidence_paths[path_id], case, tmp_path)


@pytest.mark.parametrize("case", CORPUS, ids=lambda case: case.id)
def test_returns_answer_file(case: Hostile, answer_path: UploadPath, tmp_path: Path) -> None:
    check(answer_path, case, tmp_path)
