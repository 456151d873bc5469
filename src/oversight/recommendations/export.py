"""The filtered register as CSV and XLSX: the same rows the page lists, with each item's text."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .filters import Row

COLUMNS = (
    "Reference", "Number", "Kind of item", "Item text", "Report", "Kind of report", "Organisation", "Owner",
    "Portfolio", "Local status", "Sign-off", "HMICFRS status", "RAG", "RAG reason", "RAG overridden",
    "Deadline as written", "Due date", "Original due date", "Slips", "Next review", "Overdue", "Review overdue",
)  # fmt: skip

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
        _yes(row.overdue), _yes(row.review_overdue),
    ]  # fmt: skip


def _safe(value: Cell) -> Cell:
    """Text a spreadsheet would run as a formula is kept as text (CSV/formula injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def filename(extension: str, today: dt.date | None = None) -> str:
    return f"recommendation-register-{(today or dt.date.today()).isoformat()}.{extension}"


def to_csv(rows: Sequence[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(["" if value is None else _safe(value) for value in row_values(row)])
    return buffer.getvalue()


def to_xlsx(rows: Sequence[Row]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Register"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_safe(value) for value in row_values(row)])
    for name in ("Due date", "Original due date", "Next review"):
        for cell in sheet[get_column_letter(COLUMNS.index(name) + 1)][1:]:
            cell.number_format = "dd/mm/yyyy"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
