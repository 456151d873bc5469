"""The filtered register as CSV and XLSX: the same rows the page lists, with each item's text.

Both open cleanly in Excel: the CSV starts with a byte-order mark (else Excel reads UTF-8 as
Windows-1252 and mangles names and dashes); the workbook has column widths, wrapped text, an
auto-filter and frozen headings, and says which filters made it and when it was exported.

Rows come in as an iterable, read from the database in chunks: the CSV is streamed line by line;
the workbook is built from the rows as they come (openpyxl writes the file at the end).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from oversight.lib.cells import safe_cell

from .filters import Row

COLUMNS = (
    "Reference", "Number", "Kind of item", "Item text", "Report", "Kind of report", "Organisation", "Owner",
    "Portfolio", "Local status", "Sign-off", "HMICFRS status", "RAG", "RAG reason", "RAG overridden",
    "Deadline as written", "Due date", "Original due date", "Slips", "Next review", "Overdue", "Review overdue",
    "Urgent",
)  # fmt: skip
# Characters wide; long text columns wrap within their width.
WIDTHS = {"Item text": 60, "Report": 36, "RAG reason": 32, "Organisation": 24, "Owner": 20, "Portfolio": 20,
          "Kind of item": 18, "Kind of report": 18, "Sign-off": 22, "Deadline as written": 20}  # fmt: skip
DEFAULT_WIDTH = 13
BOM = "\ufeff"
# Records read from the database at a time while exporting.
CHUNK_SIZE = 500

Cell = str | int | dt.date | None


def _yes(flag: bool) -> str:
    return "Yes" if flag else "No"


def row_values(row: Row) -> list[Cell]:
    record, item = row.record, row.record.item
    owner = record.owner.get_full_name() or record.owner.get_username() if record.owner else ""
    return [
        item.reference, item.number, item.get_kind_display(), item.text, item.report.title,
        item.report.get_kind_display(), record.organisation.name, owner, record.portfolio,
        record.get_status_display(), record.get_signoff_display(), record.get_hmicfrs_status_display(),
        row.rag.value.title(), row.rag_reason, _yes(bool(record.rag_override)), item.deadline_phrase,
        record.due_on, record.original_due_on, record.slips(), record.next_review_on,
        _yes(row.overdue), _yes(row.review_overdue), _yes(row.urgent),
    ]  # fmt: skip


def _safe(value: Cell) -> Cell:
    """Text a spreadsheet would run as a formula is kept as text (CSV/formula injection: lib/cells.py)."""
    return safe_cell(value) if isinstance(value, str) else value


def filename(extension: str, today: dt.date | None = None) -> str:
    return f"recommendation-register-{(today or dt.date.today()).isoformat()}.{extension}"


class _Line:
    """A file-like object whose `write` hands back the line the CSV writer wrote."""

    def write(self, line: str) -> str:
        return line


def csv_lines(rows: Iterable[Row]) -> Iterator[str]:
    """The CSV, a line at a time: byte-order mark and headings, then one line a row."""
    writer = csv.writer(_Line())
    yield BOM + writer.writerow(COLUMNS)
    for row in rows:
        yield writer.writerow(["" if value is None else _safe(value) for value in row_values(row)])


def to_csv(rows: Iterable[Row]) -> str:
    return "".join(csv_lines(rows))


def _lay_out(sheet: Worksheet, rows: int) -> None:
    for index, name in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(name, DEFAULT_WIDTH)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for line in sheet.iter_rows(min_row=1, max_row=rows + 1):
        for cell in line:
            cell.alignment = wrap
    for name in ("Due date", "Original due date", "Next review"):
        for cell in sheet[get_column_letter(COLUMNS.index(name) + 1)][1:]:
            cell.number_format = "dd/mm/yyyy"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{rows + 1}"
    sheet.freeze_panes = "A2"


def _about(sheet: Worksheet, filters: Sequence[tuple[str, str]], exported_on: dt.date, count: int) -> None:
    sheet.append(["Recommendation register export"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["Exported on", exported_on.strftime("%-d %B %Y")])
    sheet.append(["Items", count])
    sheet.append(["Filters", "No filters: every item you can see" if not filters else ""])
    for heading, label in filters:
        sheet.append([heading, _safe(label)])  # a report's title or an owner's name, chosen as a filter
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 60


def to_xlsx(rows: Iterable[Row], filters: Sequence[tuple[str, str]] = (), exported_on: dt.date | None = None) -> bytes:
    """The register sheet, and an "About this export" sheet naming the filters and the export date."""
    exported_on = exported_on or dt.date.today()
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Register"
    sheet.append(COLUMNS)
    count = 0
    for row in rows:
        sheet.append([_safe(value) for value in row_values(row)])
        count += 1
    _lay_out(sheet, count)
    _about(workbook.create_sheet("About this export"), filters, exported_on, count)
    filter_words = "; ".join(f"{heading}: {label}" for heading, label in filters) or "no filters"
    workbook.properties.title = "Recommendation register"
    workbook.properties.description = f"Exported on {exported_on:%-d %B %Y} with {filter_words}."
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
