"""`oversight extract PATH --kind report|response|register [--published YYYY-MM-DD] [--json]`.

Reads a document and prints what the extraction rules propose, without touching the database.
The JSON is a contract other tools and checks rely on (issue 9), so keep its shape stable:

- report:   {"items": [{"kind", "ref", "text", "addressees", "deadline_text", "due", "urgent"}]}
- response: {"actions": [{"text", "status"}]}
- register: {"entries": [{...the report item's fields..., "history": [{"on", "status", "comment"}]}]}

A file it cannot read gets a message on stderr and exit status 2 (argparse's status for bad
input; `CommandError` would give 1).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import textwrap
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from oversight.lib import documents
from oversight.lib.extraction import extract_register, extract_report, extract_response
from oversight.lib.extraction.contract import action_json, entry_json, item_json

UNREADABLE = 2


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise ValueError(f"'{value}' is not a date as YYYY-MM-DD") from error


class Command(BaseCommand):
    help = "Read a report, response or register page and print the items or actions it proposes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The document: PDF, DOCX, HTML, Markdown or plain text.")
        parser.add_argument("--kind", choices=["report", "response", "register"], required=True)
        parser.add_argument("--published", type=_date, default=None, help="The report's publication date (YYYY-MM-DD).")
        parser.add_argument("--json", action="store_true", help="Print JSON (the stable contract) instead of a table.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            text = read_text(path)
        except documents.DocumentError as error:
            self.stderr.write(f"Cannot read {path}: {error}")
            sys.exit(UNREADABLE)
        kind, published = options["kind"], options["published"]
        if kind == "report":
            result = {"items": [item_json(item) for item in extract_report(text, published)]}
        elif kind == "response":
            result = {"actions": [action_json(action) for action in extract_response(text)]}
        else:
            result = {"entries": [entry_json(entry) for entry in extract_register(text, published)]}
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(_table(result))


def read_text(path: Path) -> str:
    """The document's clean text, as the upload page reads it (lib.documents)."""
    return documents.read_path(path, max_bytes=settings.INGEST_MAX_BYTES).text


def _table(result: dict[str, list[dict[str, Any]]]) -> str:
    """A readable table: one block per proposal, its fields on the first line, its text wrapped below."""
    rows = next(iter(result.values()))
    if not rows:
        return "Nothing found."
    lines = []
    for number, row in enumerate(rows, start=1):
        if "status" in row and "kind" not in row:
            head = f"{number:>3}  {row['status']}"
        else:
            due = row["due"] or ("urgent" if row["urgent"] else row["deadline_text"] or "-")
            to = ", ".join(row["addressees"]) or "-"
            head = f"{number:>3}  {row['kind']:<21} ref {row['ref'] or '-':<8} due {due:<12} to {to}"
        lines.append(head)
        lines.extend(
            textwrap.wrap(" ".join(row["text"].split()), width=100, initial_indent="     ", subsequent_indent="     ")
        )
        for status in row.get("history", []):
            lines.append(f"       {status['on']}  {status['status'] or 'not reviewed'}: {status['comment'][:80]}")
    return "\n".join(lines)
