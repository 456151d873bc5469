"""The workforce pages' work: import a checked file and record the run, summarise a register, the template CSV.

Views look the force up through `access.manageable_forces` first; `import_register` checks again.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db.models import Count, Q

from oversight.organisations.models import Organisation

from . import access
from .forms import CsvUpload
from .importer import ImportReport, RowError, import_workforce
from .models import (
    Association,
    CaseInvolvement,
    ImportOutcome,
    ImportRun,
    LineManagement,
    Person,
    PersonKind,
    Posting,
    Unit,
)

RECENT_RUNS = 10


@dataclass(frozen=True)
class ImportResult:
    run: ImportRun
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def import_register(force: Organisation, by: User, upload: CsvUpload) -> ImportResult:
    """Import the file into the force's register (all or nothing) and record who imported what."""
    if not access.can_manage_register(by, force):
        raise PermissionDenied("You cannot import this force's workforce.")
    own = Person.objects.filter(user_id=by.pk, force=force).values_list("staff_number", flat=True).first()
    with upload.open_text() as text:
        report = import_workforce(force, text, own_staff_number=own)
    if not report.ok:
        outcome, summary = ImportOutcome.REFUSED, _describe_errors(report)
    elif report.held:
        outcome, summary = ImportOutcome.HELD, HELD_SUMMARY
    else:
        outcome, summary = ImportOutcome.IMPORTED, describe_counts(report.counts, report.new_people)
    run = ImportRun(
        force=force,
        user=by,
        filename=upload.filename,
        sha256=upload.sha256,
        rows=report.rows,
        outcome=outcome,
        summary=summary,
    )
    if report.held:
        _keep_held(run, upload, report)
    run.save()
    return ImportResult(run=run, errors=report.errors)


# Said to whoever imported the file, who may be shut out of the cases concerned: it names none.
HELD_SUMMARY = (
    "held: it removes connections between people that a second PSD lead must approve before they take "
    "effect. Nothing has been written yet"
)


def _keep_held(run: ImportRun, upload: CsvUpload, report: ImportReport) -> None:
    upload.file.seek(0)
    run.held_file.save(f"{upload.sha256}.csv", File(upload.file), save=False)
    run.held_reasons = sorted({reason for reason, _ in report.held})
    run.held_case_ids = sorted({case for _, case in report.held})


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def describe_counts(counts: dict[str, int], added_people: int) -> str:
    """ "3 people (2 new, 1 updated), 2 new units, ...": what an import added or replaced."""
    people = counts.get("people", 0)
    parts = [
        f"{_plural(people, 'person', 'people')} ({added_people:,} new, {people - added_people:,} updated)",
        f"{_plural(counts.get('units', 0), 'new unit')}",
        _plural(counts.get("postings", 0), "posting"),
        _plural(counts.get("line_management", 0), "line-management row"),
        _plural(counts.get("associations", 0), "association"),
        _plural(counts.get("case_involvements", 0), "case involvement"),
    ]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _describe_errors(report: ImportReport) -> str:
    return f"{_plural(len(report.errors), 'error')}; the first: {report.errors[0]}"


# --- the register's summary -------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterSummary:
    officers: int
    staff: int
    units: int
    postings: int
    line_management: int
    associations: int
    case_involvements: int

    @property
    def people(self) -> int:
        return self.officers + self.staff


def register_summary(force: Organisation) -> RegisterSummary:
    kinds = dict(
        Person.objects.filter(force=force).values_list("kind").annotate(n=Count("pk")).values_list("kind", "n")
    )
    return RegisterSummary(
        officers=kinds.get(PersonKind.OFFICER, 0),
        staff=kinds.get(PersonKind.STAFF, 0),
        units=Unit.objects.filter(force=force).count(),
        postings=Posting.objects.filter(person__force=force).count(),
        line_management=LineManagement.objects.filter(person__force=force).count(),
        associations=Association.objects.filter(person__force=force).count(),
        case_involvements=CaseInvolvement.objects.filter(person__force=force).count(),
    )


def recent_runs(force: Organisation, viewer: User) -> list[ImportRun]:
    """The latest imports. A held file is shown to whoever imported it; the leads who may decide on it find
    it among the held register changes (cases/holds.py), and nobody else learns of it here."""
    held = (ImportOutcome.HELD, ImportOutcome.NOT_APPROVED)
    runs = ImportRun.objects.filter(force=force).exclude(Q(outcome__in=held) & ~Q(user=viewer))
    return list(runs.select_related("user")[:RECENT_RUNS])


# --- the template file --------------------------------------------------------------------------

# Every column `importer` documents, in the order a spreadsheet reads well.
COLUMNS = (
    "record",
    "staff_number",
    "name",
    "kind",
    "rank_or_grade",
    "role",
    "unit",
    "area",
    "service_start",
    "works_with_vulnerable",
    "started_on",
    "ended_on",
    "manager_staff_number",
    "other_staff_number",
    "association_kind",
    "declared_on",
    "note",
    "case_reference",
    "case_role",
)

# One example of each record; a second person so that the line manager and the association exist.
EXAMPLE_ROWS: tuple[dict[str, str], ...] = (
    {"record": "unit", "unit": "Response Team B", "area": "Walsall"},
    {
        "record": "person",
        "staff_number": "EX1001",
        "name": "Asha Khan",
        "kind": "officer",
        "rank_or_grade": "Sgt",
        "role": "Response sergeant",
        "unit": "Response Team B",
        "area": "Walsall",
        "service_start": "2008-09-01",
        "works_with_vulnerable": "no",
    },
    {
        "record": "person",
        "staff_number": "EX1002",
        "name": "Ben Jones",
        "kind": "staff",
        "rank_or_grade": "Grade C",
        "role": "Victim care officer",
        "service_start": "2016-03-01",
        "works_with_vulnerable": "yes",
    },
    {
        "record": "posting",
        "staff_number": "EX1002",
        "unit": "Response Team B",
        "area": "Walsall",
        "started_on": "2019-01-01",
    },
    {
        "record": "line_management",
        "staff_number": "EX1002",
        "manager_staff_number": "EX1001",
        "started_on": "2019-01-01",
    },
    {
        "record": "association",
        "staff_number": "EX1002",
        "other_staff_number": "EX1001",
        "association_kind": "friendship",
        "declared_on": "2020-05-01",
        "note": "Trained together",
    },
    {
        "record": "case_involvement",
        "staff_number": "EX1002",
        "case_reference": "PSD/21/0004",
        "case_role": "witness",
        "started_on": "2021-02-01",
        "ended_on": "2021-09-30",
    },
)

TEMPLATE_FILENAME = "workforce-template.csv"


def template_csv() -> bytes:
    """The header row and the example rows, as UTF-8 with a byte-order mark so that Excel reads it right."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(EXAMPLE_ROWS)
    return out.getvalue().encode("utf-8-sig")
