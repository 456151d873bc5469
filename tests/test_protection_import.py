"""Bulk import of protective measures and breaches (issue 11): good CSV and XLSX files, re-imports that
create nothing, every kind of bad input refused with a row-numbered report and nothing written, the
column mapping saved and reused, the case lock, formulas kept as text, the API and the command, and
who may import (everyone else gets the 404 a missing force gets)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from oversight.api.models import ApiToken
from oversight.cases.models import Case
from oversight.organisations.models import Organisation, Role
from oversight.protection import access, import_services
from oversight.protection.import_files import FileRefused, SpreadsheetFile, check_spreadsheet_upload
from oversight.protection.importer import ImportReport, import_measures
from oversight.protection.models import (
    Breach,
    ImportMapping,
    ImportOutcome,
    ImportRun,
    Measure,
    MeasureStatus,
    Response,
)
from tests.case_personas import CasePersonas, Workforce
from tests.conftest import client_for
from tests.protection_world import user

pytest_plugins = ["tests.case_fixtures"]

HEADER = [
    "record", "reference", "measure_type", "restrained_name", "restrained_staff_number", "authorised_by_name",
    "authorised_by_rank", "court", "made_at", "served_at", "hearing_at", "ends_on", "until_further_order",
    "reported_at", "reported_by", "description", "response", "arrest_at",
]  # fmt: skip


def row(**values: str) -> list[str]:
    return [values.get(name, "") for name in HEADER]


def good_rows() -> list[list[str]]:
    return [
        row(record="measure", reference="DV/1", measure_type="DVPN", restrained_name="John Doe",
            authorised_by_name="Supt Khan", authorised_by_rank="Supt", made_at="2026-11-20 10:00",
            served_at="2026-11-20 11:00", hearing_at="2026-11-21 10:00"),
        row(reference="DV/2", measure_type="dvpo", restrained_name="John Doe", court="Birmingham Magistrates",
            made_at="21/11/2026 14:00", ends_on="2026-12-18"),
        row(reference="NM/1", measure_type="Non-molestation order", restrained_name="Richard Roe",
            court="Family Court at Birmingham", made_at="2026-10-01", until_further_order="yes"),
        row(record="breach", reference="NM/1", measure_type="nmo", reported_at="2026-11-25 10:00",
            reported_by="victim", description="Came to the house", response="arrest", arrest_at="2026-11-25 12:00"),
    ]  # fmt: skip


def csv_bytes(rows: list[list[str]], header: list[str] = HEADER, encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[object]], header: list[str] = HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for values in rows:
        sheet.append([value if value != "" else None for value in values])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def source(data: bytes, name: str = "export.csv") -> SpreadsheetFile:
    return SpreadsheetFile(name, io.BytesIO(data))


@pytest.fixture
def team(wmp: Organisation) -> User:
    return user("wmp.protection", (wmp, Role.PROTECTION_TEAM))


def counted() -> tuple[int, int]:
    return Measure.objects.count(), Breach.objects.count()


def run(force: Organisation, by: User, data: bytes, name: str = "export.csv", **options: object) -> ImportReport:
    mapping = ImportMapping.objects.filter(force=force).first()
    return import_measures(
        force, by, source(data, name), saved_columns=mapping.columns if mapping else None,
        saved_codes=mapping.values if mapping else None, **options,  # type: ignore[arg-type]
    )  # fmt: skip


# --- good files ---------------------------------------------------------------------------------


def test_a_good_csv_is_imported_with_its_rules_and_breach(wmp: Organisation, team: User) -> None:
    report = run(wmp, team, csv_bytes(good_rows()))
    assert report.ok, report.errors
    assert (report.measures.created, report.breaches.created) == (3, 1)
    dvpn = Measure.objects.get(reference="DV/1")
    assert dvpn.measure_type.kind == "dvpn" and dvpn.rule.measure_type_id == dvpn.measure_type_id
    assert dvpn.hearing_due_at is not None and dvpn.status == MeasureStatus.IN_FORCE and dvpn.recorded_by == team
    assert Measure.objects.get(reference="NM/1").until_further_order
    breach = Breach.objects.get()
    assert breach.measure.reference == "NM/1" and breach.response == Response.ARREST
    assert breach.hours_to_arrest == 2.0


def test_a_good_xlsx_is_imported_with_date_cells_read_as_dates(wmp: Organisation, team: User) -> None:
    rows: list[list[object]] = [list(values) for values in good_rows()]
    rows[0][HEADER.index("made_at")] = dt.datetime(2026, 11, 20, 10, 0)
    rows[1][HEADER.index("ends_on")] = dt.date(2026, 12, 18)
    report = run(wmp, team, xlsx_bytes(rows), "export.xlsx")
    assert report.ok, report.errors
    assert counted() == (3, 1)
    assert Measure.objects.get(reference="DV/2").ends_on == dt.date(2026, 12, 18)


def test_a_windows_1252_csv_is_read(wmp: Organisation, team: User) -> None:
    rows = good_rows()[:1]
    rows[0][HEADER.index("restrained_name")] = "Zoë Brontë"
    assert run(wmp, team, csv_bytes(rows, encoding="cp1252")).ok
    assert Measure.objects.get().restrained_name == "Zoë Brontë"


def test_importing_the_same_file_again_creates_nothing_and_a_changed_row_updates(wmp: Organisation, team: User) -> None:
    data = csv_bytes(good_rows())
    assert run(wmp, team, data).ok
    again = run(wmp, team, data)
    assert again.ok and (again.measures.created, again.breaches.created) == (0, 0)
    assert (again.measures.unchanged, again.breaches.unchanged) == (3, 1)
    assert counted() == (3, 1)
    rows = good_rows()
    rows[1][HEADER.index("ends_on")] = "2026-12-10"
    changed = run(wmp, team, csv_bytes(rows))
    assert (changed.measures.created, changed.measures.updated, changed.measures.unchanged) == (0, 1, 2)
    dvpo = Measure.objects.get(reference="DV/2")
    assert dvpo.ends_on == dt.date(2026, 12, 10) and dvpo.version == 2


def test_times_in_the_hour_the_clocks_repeat_are_matched_on_a_second_import(wmp: Organisation, team: User) -> None:
    rows = good_rows()
    rows[2][HEADER.index("made_at")] = "2026-03-29 01:30"  # the hour skipped in spring
    rows[3][HEADER.index("reported_at")] = "2026-10-25 01:30"  # the hour repeated in autumn
    rows[3][HEADER.index("arrest_at")] = "2026-10-25 03:00"
    data = csv_bytes(rows)
    assert run(wmp, team, data).ok
    again = run(wmp, team, data)
    assert again.ok, again.errors
    assert (again.measures.unchanged, again.breaches.unchanged, again.breaches.created) == (3, 1, 0)


def test_a_dry_run_counts_and_writes_nothing(wmp: Organisation, team: User) -> None:
    report = run(wmp, team, csv_bytes(good_rows()), dry_run=True)
    assert report.ok and report.measures.created == 3
    assert counted() == (0, 0)


# --- bad input: a row-numbered report, nothing written ------------------------------------------


def refused(force: Organisation, by: User, rows: list[list[str]]) -> ImportReport:
    before = counted()
    report = run(force, by, csv_bytes(rows))
    assert not report.ok
    assert counted() == before, "nothing is written when any row has an error"
    return report


def reasons(report: ImportReport) -> list[tuple[int, str, str]]:
    return [(error.row, error.column, error.reason) for error in report.errors]


def test_an_unknown_measure_type_is_refused_by_row(wmp: Organisation, team: User) -> None:
    rows = good_rows()
    rows[2][HEADER.index("measure_type")] = "Curfew order"
    report = refused(wmp, team, rows)
    assert [(r, c) for r, c, _ in reasons(report)] == [(4, "measure_type"), (5, "reference")]
    assert report.errors[0].value == "Curfew order" and "measure type" in report.errors[0].reason


def test_served_before_made_and_a_35_day_dvpo_are_refused(wmp: Organisation, team: User) -> None:
    rows = good_rows()
    rows[0][HEADER.index("served_at")] = "2026-11-20 09:00"
    rows[1][HEADER.index("ends_on")] = "2026-12-25"
    report = refused(wmp, team, rows)
    found = reasons(report)
    assert found[0][:2] == (2, "served_at") and "cannot be served before it was made" in found[0][2]
    assert found[1][:2] == (3, "ends_on") and "at most 28 days" in found[1][2]


def test_an_authoriser_below_the_rules_rank_is_refused(wmp: Organisation, team: User) -> None:
    rows = good_rows()
    rows[0][HEADER.index("authorised_by_rank")] = "Insp"
    report = refused(wmp, team, rows)
    assert reasons(report)[0][:2] == (2, "authorised_by_rank") and "superintendent" in reasons(report)[0][2]


def test_dates_in_the_future_and_impossible_dates_are_refused(wmp: Organisation, team: User) -> None:
    rows = good_rows()
    rows[0][HEADER.index("made_at")] = "2099-01-01 10:00"
    rows[1][HEADER.index("made_at")] = "31/02/2026 10:00"
    report = refused(wmp, team, rows)
    assert (2, "made_at", "is in the future") in reasons(report)
    assert any(r == 3 and c == "made_at" and "not a date" in why for r, c, why in reasons(report))


def test_another_forces_rows_are_refused(wmp: Organisation, team: User) -> None:
    header = [*HEADER, "force"]
    rows = [[*values, "Avon and Somerset Constabulary"] for values in good_rows()[:1]]
    before = counted()
    report = run(wmp, team, csv_bytes(rows, header))
    assert [(e.row, e.column) for e in report.errors] == [(2, "force")] and counted() == before


def test_duplicate_rows_are_an_error_naming_both_rows(wmp: Organisation, team: User) -> None:
    rows = good_rows()
    rows.append(list(rows[1]))
    rows.append(list(rows[3]))
    report = refused(wmp, team, rows)
    assert reasons(report) == [
        (6, "reference", "the same measure as row 3 (one row per measure type and reference)"),
        (7, "reported_at", "the same breach as row 5 (one report of a measure's breach a moment)"),
    ]


def test_a_breach_of_an_unknown_measure_is_refused(wmp: Organisation, team: User) -> None:
    rows = [good_rows()[3]]
    report = refused(wmp, team, rows)
    assert reasons(report)[0][:2] == (2, "reference")


def test_one_bad_row_among_many_writes_nothing(wmp: Organisation, team: User) -> None:
    rows = good_rows() * 1
    rows += [row(reference=f"DV/{n}", measure_type="dvpn", restrained_name="A B", authorised_by_rank="Supt",
                 made_at="2026-11-20 10:00") for n in range(10, 3000)]  # fmt: skip
    rows[2500][HEADER.index("authorised_by_rank")] = "PC"
    report = refused(wmp, team, rows)
    assert [error.row for error in report.errors] == [2502]


def test_formulas_are_kept_as_text_and_escaped_in_the_error_report(wmp: Organisation, team: User) -> None:
    rows = good_rows()[:1]
    rows[0][HEADER.index("restrained_name")] = '=HYPERLINK("http://evil.example","x")'
    assert run(wmp, team, csv_bytes(rows)).ok
    assert Measure.objects.get().restrained_name.startswith("=HYPERLINK(")
    bad = good_rows()[:1]
    bad[0][HEADER.index("authorised_by_rank")] = "=1+1"
    run_record, report = import_services.run_import(
        wmp, team, import_services.Upload("bad.csv", "0" * 64, io.BytesIO(csv_bytes(bad)))
    )
    assert not report.ok
    exported = list(csv.reader(io.StringIO(import_services.errors_csv(run_record).lstrip("\ufeff"))))
    assert exported[1][:3] == ["2", "authorised_by_rank", "'=1+1"]
    assert all(not cell.startswith(("=", "+", "-", "@")) for line in exported for cell in line)


def test_a_formula_cell_in_a_workbook_is_never_evaluated(wmp: Organisation, team: User) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    values: list[object] = list(good_rows()[0])
    values[HEADER.index("authorised_by_name")] = "=2+3"  # written as a formula, never calculated by Excel
    sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    assert run(wmp, team, out.getvalue(), "export.xlsx").ok
    assert Measure.objects.get().authorised_by_name == ""  # no cached value: nothing is computed


def test_a_200_mb_file_is_refused_before_it_is_read() -> None:
    with pytest.raises(FileRefused, match="smaller than 50 MB"):
        check_spreadsheet_upload("export.csv", 200 * 1024 * 1024, b"record,r", import_services.max_bytes())


def test_an_oversized_upload_is_refused_against_a_lowered_limit(
    wmp: Organisation, team: User, settings: object
) -> None:
    settings.PROTECTION_IMPORT_MAX_BYTES = 1024 * 1024  # type: ignore[attr-defined]
    data = csv_bytes(good_rows()) + b"#" * (1024 * 1024)
    assert len(data) > 1024 * 1024
    response = client_for(team).post(
        reverse("protection_imports:force", args=[wmp.slug]), {"file": SimpleUploadedFile("big.csv", data)}
    )
    assert response.status_code == 400
    assert "must be smaller than 1 MB" in response.content.decode()
    assert counted() == (0, 0) and not ImportRun.objects.exists()


def _zip(parts: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as zipped:
        for name, data in parts.items():
            zipped.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("export.xlsm", b"PK\x03\x04rest", "macro-enabled"),
        ("export.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "encrypted"),
        ("export.xlsx", b"plain text", "not an Excel workbook"),
        ("export.docx", b"PK\x03\x04", "must be a CSV or Excel"),
        ("export.csv", b"", "empty"),
    ],
)
def test_the_upload_checks_refuse_the_wrong_kinds_of_file(name: str, data: bytes, words: str) -> None:
    with pytest.raises(FileRefused, match=words):
        check_spreadsheet_upload(name, len(data), data[:8], import_services.max_bytes())


def test_a_workbook_with_macros_or_a_zip_bomb_is_refused_and_the_process_unharmed(
    wmp: Organisation, team: User
) -> None:
    macros = _zip({"xl/workbook.xml": b"<workbook/>", "xl/vbaProject.bin": b"\x00" * 100})
    report = run(wmp, team, macros, "export.xlsx")
    assert "contains macros" in report.errors[0].reason
    bomb = _zip({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b"\x00" * (4 * 1024 * 1024)})
    report = run(wmp, team, bomb, "export.xlsx")
    assert "expand" in report.errors[0].reason and counted() == (0, 0)
    assert run(wmp, team, csv_bytes(good_rows())).ok  # and the next import works


def test_a_binary_file_named_csv_is_refused(wmp: Organisation, team: User) -> None:
    report = run(wmp, team, b"record,reference\x00\x01\x02", "export.csv")
    assert report.errors[0].row == 1 and "binary" in report.errors[0].reason


# --- the column mapping -------------------------------------------------------------------------

THEIRS = ["Rec Type", "Order Ref", "Order Type", "Subject", "Auth Rank", "Court Name", "Date Made", "Expiry", "UFO"]


def their_rows() -> list[list[str]]:
    return [
        ["Order", "X-1", "NonMol", "Richard Roe", "", "Family Court", "2026-10-01", "", "Y"],
        ["Order", "X-2", "PROT-DV", "John Doe", "", "Birmingham Magistrates", "2026-11-21 14:00", "2026-12-18", ""],
    ]


def test_unknown_headings_ask_for_a_mapping_which_is_saved_and_reused(wmp: Organisation, team: User) -> None:
    client = client_for(team)
    url = reverse("protection_imports:force", args=[wmp.slug])
    data = csv_bytes(their_rows(), THEIRS)
    response = client.post(url, {"file": SimpleUploadedFile("theirs.csv", data)})
    waiting = ImportRun.objects.get()
    assert waiting.outcome == ImportOutcome.NEEDS_MAPPING and counted() == (0, 0)
    mapping_url = reverse("protection_imports:mapping", args=[wmp.slug, waiting.pk])
    assert response.status_code == 302 and response["Location"] == mapping_url
    page = client.get(mapping_url).content.decode()
    assert "Order Ref" in page and "Match your file" in page
    missing = client.post(mapping_url, {"measure_type": "Order Type"})
    assert missing.status_code == 400 and "Select the column that holds" in missing.content.decode()
    answers = {"record": "Rec Type", "reference": "Order Ref", "measure_type": "Order Type",
               "restrained_name": "Subject", "authorised_by_rank": "Auth Rank", "court": "Court Name",
               "made_at": "Date Made", "ends_on": "Expiry", "until_further_order": "UFO", "codes_nmo": "NonMol",
               "codes_dvpo": "PROT-DV, DVPO2"}  # fmt: skip
    done = client.post(mapping_url, answers)
    assert done.status_code == 302, done.content.decode()[:2000]
    assert counted() == (2, 0)
    saved = ImportMapping.objects.get(force=wmp)
    assert saved.columns["reference"] == "Order Ref" and saved.values["measure_type"]["prot-dv"] == "dvpo"
    assert not ImportRun.objects.get(pk=waiting.pk).pending_file
    # The next file with these headings is imported at once, through the saved mapping.
    rows = [*their_rows(), ["Order", "X-3", "nonmol", "Jane Roe", "", "Family Court", "2026-10-02", "", "Y"]]
    again = client.post(url, {"file": SimpleUploadedFile("theirs.csv", csv_bytes(rows, THEIRS))})
    latest = ImportRun.objects.first()
    assert latest is not None and again["Location"] == reverse("protection_imports:run", args=[wmp.slug, latest.pk])
    assert latest.counts["measures"] == {"created": 1, "updated": 0, "unchanged": 2}


# --- the case lock ------------------------------------------------------------------------------


def test_a_measure_on_a_ppda_case_subject_falls_under_the_cases_lock(
    case_personas: CasePersonas, case_workforce: Workforce, ppda_case: Case
) -> None:
    wmp = case_workforce.wmp
    team = user("wmp.protection", (wmp, Role.PROTECTION_TEAM))
    subject = case_workforce.subject
    rows = good_rows()[:1]
    rows[0][HEADER.index("restrained_staff_number")] = subject.staff_number
    rows[0][HEADER.index("restrained_name")] = subject.name
    assert run(wmp, team, csv_bytes(rows)).ok
    measure = Measure.objects.get()
    assert measure.restrained_person == subject and measure.case == ppda_case
    assert not access.can_view_measure(team, measure)
    assert access.can_view_measure(case_personas.psd_lead, measure)
    # Imported again, with a change: the team cannot touch or learn of it; its row counts as unchanged.
    rows[0][HEADER.index("served_at")] = "2026-11-20 12:00"
    again = run(wmp, team, csv_bytes(rows))
    assert again.ok and (again.measures.created, again.measures.updated, again.measures.unchanged) == (0, 0, 1)
    measure.refresh_from_db()
    assert measure.version == 1


def test_an_unknown_restrained_staff_number_is_refused(wmp: Organisation, team: User) -> None:
    rows = good_rows()[:1]
    rows[0][HEADER.index("restrained_staff_number")] = "NOPE-1"
    assert reasons(refused(wmp, team, rows))[0][:2] == (2, "restrained_staff_number")


# --- pages, API, command, and who may import ----------------------------------------------------


def test_the_result_page_and_the_history_show_counts_or_the_error_table(wmp: Organisation, team: User) -> None:
    client = client_for(team)
    url = reverse("protection_imports:force", args=[wmp.slug])
    ok = client.post(url, {"file": SimpleUploadedFile("good.csv", csv_bytes(good_rows()))})
    page = client.get(ok["Location"]).content.decode()
    assert "What was imported" in page and "Imported" in page
    rows = good_rows()
    rows[1][HEADER.index("ends_on")] = "2026-12-25"
    bad = client.post(url, {"file": SimpleUploadedFile("bad.csv", csv_bytes(rows))})
    result = client.get(bad["Location"])
    assert result.status_code == 400
    text = result.content.decode()
    assert "nothing was written" in text and "at most 28 days" in text
    history = client.get(url).content.decode()
    assert "good.csv" in history and "bad.csv" in history and ImportRun.objects.first().sha256 in history  # type: ignore[union-attr]


def _page(content: bytes) -> str:
    """A page without its per-request CSRF token."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content.decode())


def refused_people(case_personas: CasePersonas) -> Iterator[tuple[str, User]]:
    avon = Organisation.objects.get(slug="avon-and-somerset-police")
    yield "another force's team", user("avon.protection", (avon, Role.PROTECTION_TEAM))
    yield "the OPCC officer", case_personas.opcc_officer
    yield "someone with no role", user("nobody")


def test_everyone_but_the_forces_recorders_gets_the_404_of_a_missing_force(
    case_personas: CasePersonas, case_workforce: Workforce
) -> None:
    wmp = case_workforce.wmp
    team = user("wmp.protection", (wmp, Role.PROTECTION_TEAM))
    client_for(team).post(
        reverse("protection_imports:force", args=[wmp.slug]),
        {"file": SimpleUploadedFile("good.csv", csv_bytes(good_rows()))},
    )
    done = ImportRun.objects.get()
    urls = [
        reverse("protection_imports:force", args=[wmp.slug]),
        reverse("protection_imports:run", args=[wmp.slug, done.pk]),
        reverse("protection_imports:errors", args=[wmp.slug, done.pk]),
        reverse("protection_imports:mapping", args=[wmp.slug, done.pk]),
    ]
    for who, person in refused_people(case_personas):
        client = client_for(person)
        for url in urls:
            response = client.get(url)
            missing = client.get(url.replace(wmp.slug, "no-such-force"))  # the page shows its own address
            assert response.status_code == missing.status_code == 404, (who, url)
            assert _page(response.content) == _page(missing.content.replace(b"no-such-force", wmp.slug.encode()))
        posted = client.post(urls[0], {"file": SimpleUploadedFile("good.csv", csv_bytes(good_rows()))})
        assert posted.status_code == 404, who
    anonymous = Client().get(urls[1])
    assert anonymous.status_code == 302 and "/accounts/login" in anonymous["Location"]
    assert Measure.objects.count() == 3


def test_the_api_imports_or_refuses_with_the_same_report(wmp: Organisation, team: User) -> None:
    token = ApiToken.issue(team, "import")[1]
    client = Client(headers={"Authorization": f"Bearer {token}"})
    url = "/api/v1/protection/imports"
    checked = client.post(url, {"file": SimpleUploadedFile("good.csv", csv_bytes(good_rows())), "dry_run": "true"})
    assert checked.status_code == 200 and checked.json()["counts"]["measures"]["created"] == 3
    assert counted() == (0, 0)
    rows = good_rows()
    rows[0][HEADER.index("authorised_by_rank")] = "PC"
    bad = client.post(url, {"file": SimpleUploadedFile("bad.csv", csv_bytes(rows))})
    assert bad.status_code == 400 and bad.json()["errors"][0]["row"] == 2 and counted() == (0, 0)
    good = client.post(url, {"file": SimpleUploadedFile("good.csv", csv_bytes(good_rows()))})
    assert good.status_code == 200 and good.json()["outcome"] == "imported" and counted() == (3, 1)
    schema = json.loads(client.get("/api/openapi.json").content)
    assert "/api/v1/protection/imports" in schema["paths"]


def test_the_api_refuses_other_people_as_if_there_were_nothing(case_personas: CasePersonas, wmp: Organisation) -> None:
    for _, person in refused_people(case_personas):
        token = ApiToken.issue(person, "import")[1]
        client = Client(headers={"Authorization": f"Bearer {token}"})
        response = client.post(
            "/api/v1/protection/imports",
            {"file": SimpleUploadedFile("good.csv", csv_bytes(good_rows())), "force": wmp.slug},
        )
        assert response.status_code == 404
    assert Client().post("/api/v1/protection/imports").status_code == 401
    assert counted() == (0, 0)


def test_the_command_imports_and_exits_2_with_the_report_on_bad_input(
    wmp: Organisation, team: User, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_bytes(csv_bytes(good_rows()))
    rows = good_rows()
    rows[1][HEADER.index("ends_on")] = "2026-12-25"
    bad.write_bytes(csv_bytes(rows))
    with pytest.raises(CommandError) as refused_run:
        call_command("protection", "import", "--force", wmp.slug, "--user", team.username, str(bad))
    assert refused_run.value.returncode == 2
    assert "Row 3 ends_on '2026-12-25'" in capsys.readouterr().err
    call_command("protection", "import", "--force", wmp.slug, "--user", team.username, "--dry-run", str(good))
    assert counted() == (0, 0)
    call_command("protection", "import", "--force", wmp.slug, "--user", team.username, str(good))
    assert counted() == (3, 1)
