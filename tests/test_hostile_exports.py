"""Every CSV and XLSX export escapes formulas: text fields planted with `=HYPERLINK(...)`, `+cmd`, `-1+1`,
`@SUM`, and tab- or CR-prefixed formulas come back from each export as text a spreadsheet will not run.

The exports are found from the URL resolver (every route ending .csv or .xlsx), so a new one fails
`test_every_spreadsheet_export_is_checked` until it is checked here.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from oversight.lib.cells import FORMULA_STARTS
from oversight.organisations.models import Organisation, Role
from oversight.protection import import_services
from oversight.protection.models import ImportRun, Measure
from oversight.recommendations.models import Report
from oversight.workforce.models import Person, PersonKind
from tests.conftest import client_for
from tests.factories import ReportFactory, TrackingRecordFactory, member
from tests.hostile.corpus import FORMULAS, protection_csv
from tests.personas import Personas

pytestmark = pytest.mark.django_db

CHECKED = {
    "recommendations:register_csv",
    "recommendations:register_xlsx",
    "protection_imports:errors",
    "workforce:template",  # the template's own example rows: no one's data, checked all the same
}


def _spreadsheet_routes(patterns: list[URLPattern | URLResolver], namespace: str = "") -> set[str]:
    found = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            found |= _spreadsheet_routes(pattern.url_patterns, inner)
        elif str(pattern.pattern).endswith((".csv", ".xlsx")) and pattern.name:
            found.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return found


def test_every_spreadsheet_export_is_checked() -> None:
    assert _spreadsheet_routes(get_resolver().url_patterns) == CHECKED


def _assert_escaped(cells: list[str], planted: list[str]) -> None:
    running = [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    assert not running, f"cells a spreadsheet would run: {running}"
    for value in planted:
        assert "'" + value in cells, f"{value!r} is not in the export as escaped text"


@pytest.fixture
def planted(personas: Personas, wmp: Organisation) -> list[Report]:
    """A tracking record per formula: the formula as the report's title, the item's text and the portfolio;
    the first owned by someone whose first name is a formula."""
    owner = User.objects.create_user("formula.owner", first_name=FORMULAS[1], last_name="")
    member(owner, wmp, Role.OWNER)
    reports = []
    for index, formula in enumerate(FORMULAS):
        report = ReportFactory(title=formula, forces=[wmp])
        TrackingRecordFactory(item__report=report, item__text=formula, portfolio=formula,
                              owner=owner if index == 0 else None)  # fmt: skip
        reports.append(report)
    return reports


def test_the_register_csv_escapes_every_planted_formula(personas: Personas, planted: list[Report]) -> None:
    response = client_for(personas.liaison).get(reverse("recommendations:register_csv"))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    cells = [cell for line in csv.reader(io.StringIO(text, newline="")) for cell in line]
    _assert_escaped(cells, FORMULAS)


def test_the_register_workbook_escapes_every_planted_formula_in_both_sheets(
    personas: Personas, planted: list[Report]
) -> None:
    """The "About this export" sheet names the chosen filter: a report whose title is a formula."""
    client = client_for(personas.liaison)
    for report in planted:
        response = client.get(reverse("recommendations:register_xlsx"), {"report": report.pk})
        assert response.status_code == 200
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
        assert not [cell.coordinate for cell in cells if cell.data_type == "f"], "a cell is a formula"
        _assert_escaped([cell.value for cell in cells if isinstance(cell.value, str)], [report.title])


def test_the_protection_error_report_escapes_the_values_it_quotes(wmp: Organisation, tmp_path: Path) -> None:
    team = User.objects.create_user("formula.team")
    member(team, wmp, Role.PROTECTION_TEAM)
    data = protection_csv(FORMULAS).replace(b"Supt,", b"=1+1,")  # a rank that is a formula: every row refused
    run, report = import_services.run_import(wmp, team, import_services.Upload("f.csv", "0" * 64, io.BytesIO(data)))
    assert not report.ok and not Measure.objects.exists()
    response = client_for(team).get(reverse("protection_imports:errors", args=[wmp.slug, run.pk]))
    assert response.status_code == 200 and ImportRun.objects.filter(pk=run.pk).exists()
    cells = [cell for line in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for cell in line]
    _assert_escaped(cells, ["=1+1"])


def test_the_workforce_template_has_no_cell_a_spreadsheet_would_run(wmp: Organisation) -> None:
    lead = User.objects.create_user("formula.lead")
    member(lead, wmp, Role.PSD_LEAD)
    Person.objects.create(force=wmp, staff_number="M-formula", name="Formula Lead", kind=PersonKind.STAFF, user=lead)
    response = client_for(lead).get(reverse("workforce:template", args=[wmp.slug]))
    assert response.status_code == 200
    cells = [cell for line in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for cell in line]
    _assert_escaped(cells, [])
