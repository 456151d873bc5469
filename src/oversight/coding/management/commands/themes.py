"""`oversight themes suggest --themes THEMES.json --input PASSAGES.jsonl [--coded CODED.jsonl]`.

Prints one JSON line per passage, in input order: {"id": str, "theme": str, "score": float,
"because": str}. A contract checks rely on (issue 10), so keep its shape stable. Every file is read
and checked before anything is printed: bad input gets a message on stderr naming the file (and
line) and exit status 2, with nothing on stdout. No database is touched.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from oversight.lib.themes import suggest
from oversight.lib.themes.inputs import InputError, read_coded, read_passages, read_themes

BAD_INPUT = 2  # argparse's status for bad input; CommandError would give 1


class Command(BaseCommand):
    help = "Suggest a theme for each passage, learning from passages already coded."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="suggest")
        suggest_parser = actions.add_parser("suggest", help="Print one JSON line per passage.")
        suggest_parser.add_argument("--themes", type=Path, required=True, help='[{"name": ..., "description": ...}]')
        suggest_parser.add_argument("--input", type=Path, required=True, help='JSON lines: {"id": ..., "text": ...}')
        suggest_parser.add_argument("--coded", type=Path, help='JSON lines already coded: {"text": ..., "theme": ...}')

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            themes = read_themes(options["themes"])
            passages = read_passages(options["input"])
            coded = read_coded(options["coded"], themes) if options["coded"] else []
        except InputError as error:
            self.stderr.write(str(error))
            sys.exit(BAD_INPUT)
        for suggestion in suggest(themes, passages, coded):
            line = {
                "id": suggestion.id,
                "theme": suggestion.theme,
                "score": suggestion.score,
                "because": suggestion.because,
            }
            self.stdout.write(json.dumps(line, ensure_ascii=False))
