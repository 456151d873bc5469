"""The workforce register pages: import through the browser, row errors, the template file, who may see them."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import QuerySet
from django.test import Client
from django.urls import reverse

from oversight.organisations.models import Organisation, Role
from oversight.workforce import importer, services
from oversight.workforce.models import ImportOutcome, ImportRun, LineManagement, Person, PersonKind, Posting, Unit
from tests.conftest import client_for
from tests.factories import member
from tests.personas import Personas

HEADER = ",".join(services.COLUMNS)


def row(**values: str) -> str:
    return ",".join(values.get(column, "") for column in services.COLUMNS)


GOOD = [
    row(record="unit", unit="Response Team B", area="Walsall"),
    row(record="unit", unit="CID Team A", area="Walsall"),
    row(record="person", staff_number="1001", name="Asha Khan", kind="officer", rank_or_grade="Sgt"),
    row(record="person", staff_number="1002", name="Ben Jones", kind="officer", rank_or_grade="PC"),
    row(record="person", staff_number="1003", name="Cara Ward", kind="staff", unit="CID Team A", area="Walsall"),
    row(record="posting", staff_number="1001", unit="Response Team B", area="Walsall", started_on="2017-03-01"),
    row(
        record="posting",
        staff_number="1002",
        unit="CID Team A",
        area="Walsall",
        started_on="2016-03-01",
        ended_on="2018-12-31",
    ),
    row(record="posting", staff_number="1002", unit="Response Team B", area="Walsall", started_on="2019-01-01"),
    row(record="line_management", staff_number="1002", manager_staff_number="1001", started_on="2019-01-01"),
]


def csv_file(*rows: str, name: str = "people.csv", bom: bool = False) -> SimpleUploadedFile:
    text = "\r\n".join([HEADER, *rows]) + "\r\n"
    return SimpleUploadedFile(name, text.encode("utf-8-sig" if bom else "utf-8"), content_type="text/csv")


@dataclass
class Managers:
    psd_lead: User
    psd_handler: User
    administrator: User
    avon_psd_lead: User
    investigator: User


def _user(username: str, *roles: tuple[Organisation, Role]) -> User:
    user = User.objects.create_user(username, f"{username}@example.org", first_name=username.title(), last_name="X")
    for organisation, role in roles:
        member(user, organisation, role)
    # A guarded role counts only for a login linked to its register entry (oversight.grants): each
    # manager has one, with no unit or posting, so the imports below add to the register around it.
    Person.objects.create(
        force=roles[0][0], staff_number=f"M-{username}"[:20], name=username, kind=PersonKind.STAFF, user=user
    )
    return user


def imported(force: Organisation) -> QuerySet[Person]:
    """The register entries written by imports: every entry but the managers' own."""
    return Person.objects.filter(force=force, user__isnull=True)


@pytest.fixture
def avon(db: None) -> Organisation:
    return Organisation.objects.get(slug="avon-and-somerset-police")


@pytest.fixture
def managers(wmp: Organisation, avon: Organisation) -> Managers:
    return Managers(
        psd_lead=_user("wmp.psdlead", (wmp, Role.PSD_LEAD)),
        psd_handler=_user("wmp.psdhandler", (wmp, Role.PSD_HANDLER)),
        administrator=_user("wmp.admin", (wmp, Role.ADMINISTRATOR)),
        avon_psd_lead=_user("avon.psdlead", (avon, Role.PSD_LEAD)),
        investigator=_user("wmp.investigator", (wmp, Role.INVESTIGATOR)),
    )


def refused(personas: Personas, managers: Managers) -> dict[str, User]:
    """Everyone who must get a 404 for West Midlands Police's register."""
    return {
        "other force's PSD lead": managers.avon_psd_lead,
        # A handler may be connected to a subject: rewriting the register would unlock the case.
        "PSD case handler": managers.psd_handler,
        "investigator": managers.investigator,
        "OPCC officer": personas.opcc_officer,
        "liaison officer": personas.liaison,
        "administrator of another organisation": personas.administrator,
        "HMICFRS lead": personas.hmicfrs_lead,
        "no role": personas.no_role,
    }


def register_url(force: Organisation) -> str:
    return reverse("workforce:register", args=[force.slug])


def post_file(client: Client, force: Organisation, upload: SimpleUploadedFile) -> object:
    return client.post(register_url(force), {"file": upload})


# --- importing through the page -----------------------------------------------------------------


def test_a_good_file_is_imported_and_the_run_recorded(wmp: Organisation, managers: Managers) -> None:
    client = client_for(managers.psd_lead)
    response = post_file(client, wmp, csv_file(*GOOD, bom=True))
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert set(imported(wmp).values_list("staff_number", flat=True)) == {"1001", "1002", "1003"}
    assert Posting.objects.filter(person__force=wmp).count() == 3
    assert LineManagement.objects.get(person__staff_number="1002").manager.staff_number == "1001"
    run = ImportRun.objects.get(force=wmp)
    assert (run.user, run.filename, run.rows, run.outcome) == (managers.psd_lead, "people.csv", 9, "imported")
    assert len(run.sha256) == 64
    page = client.get(register_url(wmp))
    html = page.content.decode()
    assert "govuk-notification-banner--success" in html
    assert "people.csv imported: 3 people (3 new, 0 updated), 2 new units, 3 postings" in html
    # The three imported, and the four West Midlands managers' own entries (staff).
    assert re.search(r"People</dt>\s*<dd[^>]*>7 \(2 officers, 5 staff\)", html)
    assert "Recent imports" in html and "Imported</strong>" in html


def test_importing_again_counts_updates(wmp: Organisation, managers: Managers) -> None:
    client = client_for(managers.psd_lead)
    post_file(client, wmp, csv_file(*GOOD))
    extra = row(record="person", staff_number="1004", name="Dev Shah", kind="officer")
    post_file(client, wmp, csv_file(*GOOD, extra))
    latest = ImportRun.objects.filter(force=wmp).first()
    assert latest is not None
    assert latest.summary.startswith("4 people (1 new, 3 updated), 0 new units")


BAD = [
    *GOOD[:5],
    row(record="posting", staff_number="1001", unit="Traffic", area="Walsall", started_on="2017-03-01"),
    row(record="posting", staff_number="1002", unit="CID Team A", area="Walsall", started_on="2016-03-01"),
    row(record="posting", staff_number="1002", unit="Response Team B", area="Walsall", started_on="2019-01-01"),
    row(record="person", staff_number="1003", name="Cara Ward again", kind="staff"),
    row(record="line_management", staff_number="1002", manager_staff_number="1002", started_on="2019-01-01"),
]


def test_a_bad_file_lists_each_row_error_and_writes_nothing(wmp: Organisation, managers: Managers) -> None:
    response = post_file(client_for(managers.psd_lead), wmp, csv_file(*BAD))
    assert response.status_code == 400  # type: ignore[attr-defined]
    html = response.content.decode()  # type: ignore[attr-defined]
    assert "govuk-error-summary" in html
    assert "nothing was written" in html and "The register has not changed" in html
    assert "Row 10: staff number 1003 appears twice (first on row 6)" in html
    assert "Row 11: 1002 cannot be their own line manager" in html
    assert not imported(wmp).exists()
    assert not Unit.objects.filter(force=wmp).exists()
    assert not Posting.objects.exists()
    run = ImportRun.objects.get(force=wmp)
    assert run.outcome == ImportOutcome.REFUSED


def test_unknown_unit_and_overlapping_postings_are_reported_by_row(wmp: Organisation, managers: Managers) -> None:
    # Rows that are each fine on their own fail the checks across the file; nothing is written.
    rows = [*GOOD[:5], *BAD[5:8]]
    response = post_file(client_for(managers.administrator), wmp, csv_file(*rows))
    html = response.content.decode()  # type: ignore[attr-defined]
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "Row 7: unknown unit &#x27;Traffic, Walsall&#x27;" in html
    assert "Row 9: posting for 1002 overlaps the posting on row 8 (2016-03-01 to now)" in html
    assert not imported(wmp).exists()


def test_a_long_error_list_is_capped(wmp: Organisation, managers: Managers) -> None:
    rows = [row(record="posting", staff_number=f"9{n:03}", unit="Nowhere", started_on="2020-01-01") for n in range(250)]
    response = post_file(client_for(managers.psd_lead), wmp, csv_file(*rows))
    html = response.content.decode()  # type: ignore[attr-defined]
    assert html.count('<li><a href="#id_file">Row ') == 200
    assert "The file has 500 errors" in html
    assert "And 300 more errors not listed here." in html


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("people.xlsx", b"PK\x03\x04rest", content_type="application/vnd.ms-excel"),
            "must be a CSV",
        ),
        (SimpleUploadedFile("people.csv", "record\r\nunit\r\n".encode("utf-16"), content_type="text/csv"), "CSV UTF-8"),
        (SimpleUploadedFile("people.csv", "record,unit\r\nunit,Caf\xe9\r\n".encode("cp1252")), "saved as UTF-8"),
        (SimpleUploadedFile("people.csv", b"", content_type="text/csv"), "empty"),
    ],
)
def test_wrong_files_are_refused_with_a_clear_message(
    wmp: Organisation, managers: Managers, upload: SimpleUploadedFile, message: str
) -> None:
    response = post_file(client_for(managers.psd_lead), wmp, upload)
    assert response.status_code == 400  # type: ignore[attr-defined]
    html = response.content.decode()  # type: ignore[attr-defined]
    assert "govuk-error-summary" in html and message in html
    assert not ImportRun.objects.exists()


def test_a_file_over_the_limit_is_refused(wmp: Organisation, managers: Managers, settings: object) -> None:
    settings.WORKFORCE_IMPORT_MAX_BYTES = 1024 * 1024  # type: ignore[attr-defined]
    big = csv_file(*GOOD, *[GOOD[0]] * 40000)
    response = post_file(client_for(managers.psd_lead), wmp, big)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "must be smaller than 1 MB" in response.content.decode()  # type: ignore[attr-defined]
    assert not Unit.objects.exists()


def test_no_file_is_refused(wmp: Organisation, managers: Managers) -> None:
    response = client_for(managers.psd_lead).post(register_url(wmp), {})
    assert response.status_code == 400
    assert "Select a CSV file to import" in response.content.decode()


# --- the template file ----------------------------------------------------------------------------


def test_the_template_is_a_csv_attachment_that_imports_cleanly(
    wmp: Organisation, avon: Organisation, managers: Managers
) -> None:
    response = client_for(managers.psd_lead).get(reverse("workforce:template", args=[wmp.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="workforce-template.csv"'
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["record"] for r in rows} == set(importer.RECORDS)
    assert importer.import_workforce(avon, io.StringIO(text, newline="")).ok


def test_the_template_has_every_column_the_importer_documents() -> None:
    documented = set()
    for line in (importer.__doc__ or "").splitlines():
        cells = line.split("|")
        if len(cells) > 3:
            documented |= set(re.findall(r"`(\w+)`", cells[2]))
    assert documented
    assert documented | {"record"} == set(services.COLUMNS)


# --- who may see the pages --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["psd_lead", "administrator"])
def test_managers_of_the_force_see_it(wmp: Organisation, managers: Managers, who: str) -> None:
    client = client_for(getattr(managers, who))
    index = client.get(reverse("workforce:index")).content.decode()
    assert register_url(wmp) in index
    assert client.get(register_url(wmp)).status_code == 200
    assert client.get(reverse("workforce:template", args=[wmp.slug])).status_code == 200
    assert 'href="/workforce/"' in client.get(reverse("home")).content.decode()


def test_everyone_else_gets_404_everywhere(wmp: Organisation, personas: Personas, managers: Managers) -> None:
    post_file(client_for(managers.psd_lead), wmp, csv_file(*GOOD))
    for name, user in refused(personas, managers).items():
        client = client_for(user)
        index = client.get(reverse("workforce:index"))
        assert register_url(wmp) not in index.content.decode(), name
        assert client.get(register_url(wmp)).status_code == 404, name
        assert client.get(reverse("workforce:template", args=[wmp.slug])).status_code == 404, name
        response = post_file(
            client, wmp, csv_file(GOOD[0], row(record="person", staff_number="666", name="X", kind="staff"))
        )
        assert response.status_code == 404, name  # type: ignore[attr-defined]
        assert (
            'href="/workforce/"' not in client.get(reverse("home")).content.decode() or name == "other force's PSD lead"
        )
    assert not Person.objects.filter(staff_number="666").exists()
    assert ImportRun.objects.count() == 1


def test_the_index_is_404_for_someone_with_no_register(personas: Personas, managers: Managers) -> None:
    for user in (managers.investigator, personas.opcc_officer, personas.liaison, personas.no_role):
        assert client_for(user).get(reverse("workforce:index")).status_code == 404


def test_another_forces_psd_lead_sees_only_their_own(wmp: Organisation, avon: Organisation, managers: Managers) -> None:
    client = client_for(managers.avon_psd_lead)
    index = client.get(reverse("workforce:index")).content.decode()
    assert register_url(avon) in index and register_url(wmp) not in index
    assert client.get(register_url(avon)).status_code == 200


def test_a_governing_body_is_not_a_force(personas: Personas, wmp: Organisation) -> None:
    pcc = wmp.governing_body_on()
    assert pcc is not None
    user = _user("pcc.admin", (pcc, Role.ADMINISTRATOR))
    client = client_for(user)
    assert client.get(reverse("workforce:index")).status_code == 404
    assert client.get(register_url(pcc)).status_code == 404
