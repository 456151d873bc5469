"""Every hostile file (tests/hostile/) against the imports: the workforce register (page and `oversight
import_workforce`) and protective measures (page, `POST /api/v1/protection/imports` and `oversight
protection import`).

Each is refused with a clear message (a GOV.UK error summary, a 4xx JSON report, or exit status 2), no
register row or measure written, no import recorded as done and no file kept, memory bounded. A valid
file whose text fields start like formulas is imported, each field stored as exactly its text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.test import Client
from django.urls import reverse

from oversight.api.models import ApiToken
from oversight.organisations.models import Organisation, Role
from oversight.protection import import_services
from oversight.protection.import_files import FileRefused
from oversight.protection.import_forms import ImportForm as MeasuresForm
from oversight.protection.models import Breach, Measure
from oversight.protection.models import ImportOutcome as MeasuresOutcome
from oversight.protection.models import ImportRun as MeasuresRun
from oversight.workforce.forms import ImportForm as RegisterForm
from oversight.workforce.models import ImportOutcome, ImportRun, LineManagement, Person, PersonKind, Posting, Unit
from tests.conftest import client_for
from tests.factories import member
from tests.hostile.corpus import CORPUS, Hostile
from tests.hostile.harness import Attempt, UploadPath, api_message, check, page_message, post_file, run_command

pytestmark = pytest.mark.django_db


def _form_refusal(form: object) -> Attempt:
    valid = form.is_valid()  # type: ignore[attr-defined]
    return Attempt(200 if valid else 400, str(form.errors))  # type: ignore[attr-defined]


def _manager(wmp: Organisation) -> User:
    """A PSD lead of West Midlands, linked to a register entry (a guarded role counts only then)."""
    lead = User.objects.create_user("hostile.lead", "hostile.lead@example.org")
    member(lead, wmp, Role.PSD_LEAD)
    Person.objects.create(force=wmp, staff_number="M-hostile", name="Hostile Lead", kind=PersonKind.STAFF, user=lead)
    return lead


@pytest.fixture
def workforce_paths(wmp: Organisation) -> dict[str, UploadPath]:
    client = client_for(_manager(wmp))
    url = reverse("workforce:register", args=[wmp.slug])
    models = (Person, Unit, Posting, LineManagement)

    def web(case: Hostile, _: Path) -> Attempt:
        return page_message(post_file(client, url, {}, "file", case, "workforce"))

    def cli(case: Hostile, folder: Path) -> Attempt:
        return run_command("import_workforce", wmp.slug, str(case.write(folder, "workforce")))

    def first_check(upload: UploadedFile) -> Attempt:
        return _form_refusal(RegisterForm(files={"file": upload}))

    def imported_names() -> list[str]:
        return list(Person.objects.filter(force=wmp, user__isnull=True).values_list("name", flat=True))

    def listed() -> str:
        return ImportRun.objects.order_by("-pk").values_list("filename", flat=True).first() or ""

    def done() -> int:
        return ImportRun.objects.exclude(outcome=ImportOutcome.REFUSED).count()

    return {
        "workforce-web": UploadPath("workforce-web", "workforce", "web", models, web, first_check, listed_name=listed,
                                    stored_texts=imported_names, successful_runs=done),
        # The command records no run: nothing is listed under the file's name.
        "workforce-cli": UploadPath("workforce-cli", "workforce", "cli", models, cli, stored_texts=imported_names,
                                    successful_runs=done),
    }  # fmt: skip


@pytest.fixture
def protection_paths(wmp: Organisation) -> dict[str, UploadPath]:
    team = User.objects.create_user("hostile.protection", "hostile.protection@example.org")
    member(team, wmp, Role.PROTECTION_TEAM)
    client = client_for(team)
    api = Client(headers={"Authorization": f"Bearer {ApiToken.issue(team, 'hostile')[1]}"})
    url = reverse("protection_imports:force", args=[wmp.slug])
    models = (Measure, Breach)

    def web(case: Hostile, _: Path) -> Attempt:
        return page_message(post_file(client, url, {}, "file", case, "protection"))

    def through_api(case: Hostile, _: Path) -> Attempt:
        return api_message(post_file(api, "/api/v1/protection/imports", {}, "file", case, "protection"))

    def cli(case: Hostile, folder: Path) -> Attempt:
        path = case.write(folder, "protection")
        return run_command("protection", "import", "--force", wmp.slug, "--user", team.username, str(path))

    def form_check(upload: UploadedFile) -> Attempt:
        return _form_refusal(MeasuresForm(files={"file": upload}))

    def api_check(upload: UploadedFile) -> Attempt:
        try:
            import_services.checked_upload(upload)
        except FileRefused as refused:
            return Attempt(400, str(refused))
        return Attempt(200, "accepted")

    def restrained() -> list[str]:
        return list(Measure.objects.filter(force=wmp).values_list("restrained_name", flat=True))

    def listed() -> str:
        return MeasuresRun.objects.order_by("-pk").values_list("filename", flat=True).first() or ""

    def done() -> int:
        return MeasuresRun.objects.exclude(outcome=MeasuresOutcome.REFUSED).count()

    common = {"listed_name": listed, "stored_texts": restrained, "successful_runs": done}
    return {
        "protection-web": UploadPath("protection-web", "protection", "web", models, web, form_check, **common),
        "protection-api": UploadPath("protection-api", "protection", "api", models, through_api, api_check, **common),
        "protection-cli": UploadPath("protection-cli", "protection", "cli", models, cli, **common),
    }


@pytest.mark.parametrize("case", CORPUS, ids=lambda case: case.id)
@pytest.mark.parametrize("path_id", ["workforce-web", "workforce-cli"])
def test_workforce_import(path_id: str, case: Hostile, workforce_paths: dict[str, UploadPath], tmp_path: Path) -> None:
    check(workforce_paths[path_id], case, tmp_path)


@pytest.mark.parametrize("case", CORPUS, ids=lambda case: case.id)
@pytest.mark.parametrize("path_id", ["protection-web", "protection-api", "protection-cli"])
def test_protection_import(
    path_id: str, case: Hostile, protection_paths: dict[str, UploadPath], tmp_path: Path
) -> None:
    check(protection_paths[path_id], case, tmp_path)
