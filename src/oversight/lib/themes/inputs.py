"""Reading the command line's files: THEMES.json, PASSAGES.jsonl and CODED.jsonl.

Every fault is an `InputError` naming the file and, for JSON lines, the line, so that the person
who made the file can find it. JSON lines are read one at a time, never the whole file at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from oversight.lib.themes.model import Coded, Passage, Theme

# JSON nested deeper than Python's recursion limit cannot be read; no themes or passages file needs it.
TOO_DEEP = "it is nested too deeply (lists or objects inside one another)"


class InputError(ValueError):
    """A file the command cannot use, with a message for the person who gave it."""


def read_themes(path: Path) -> list[Theme]:
    """THEMES.json: a non-empty list of {"name": str, "description": str}, names unique."""
    try:
        with path.open(encoding="utf-8") as file:
            data = json.load(file)
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"Cannot read {path}: {_reason(error)}") from error
    except json.JSONDecodeError as error:
        raise InputError(
            f"{path} is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from error
    except RecursionError as error:
        raise InputError(f"{path} is not valid JSON for this command: {TOO_DEEP}") from error
    _check_unicode(data, f"{path}")
    if not isinstance(data, list):
        raise InputError(f'{path} must be a JSON list of themes: [{{"name": ..., "description": ...}}]')
    if not data:
        raise InputError(f"{path} has no themes: give at least one.")
    themes = [_theme(path, position, entry) for position, entry in enumerate(data, start=1)]
    names = [theme.name for theme in themes]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise InputError(f"{path} names a theme more than once: {', '.join(duplicates)}")
    return themes


def _theme(path: Path, position: int, entry: Any) -> Theme:
    if not isinstance(entry, dict) or not _text(entry.get("name")) or not isinstance(entry.get("description"), str):
        raise InputError(f'{path}: theme {position} needs "name" (text, not empty) and "description" (text)')
    return Theme(name=entry["name"], description=entry["description"])


def read_passages(path: Path) -> list[Passage]:
    """PASSAGES.jsonl: one {"id": str, "text": str} per line, ids unique; blank lines skipped."""
    passages: list[Passage] = []
    seen: dict[str, int] = {}
    for number, entry in json_lines(path):
        if not isinstance(entry, dict) or not _text(entry.get("id")) or not isinstance(entry.get("text"), str):
            raise InputError(f'{path}, line {number}: a passage needs "id" (text, not empty) and "text" (text)')
        if entry["id"] in seen:
            raise InputError(f"{path}, line {number}: id {entry['id']!r} was already used on line {seen[entry['id']]}")
        seen[entry["id"]] = number
        passages.append(Passage(id=entry["id"], text=entry["text"]))
    return passages


def read_coded(path: Path, themes: list[Theme]) -> list[Coded]:
    """CODED.jsonl: one {"text": str, "theme": str} per line, every theme one of THEMES."""
    names = {theme.name for theme in themes}
    coded: list[Coded] = []
    for number, entry in json_lines(path):
        if not isinstance(entry, dict) or not isinstance(entry.get("text"), str) or not _text(entry.get("theme")):
            raise InputError(f'{path}, line {number}: a coded passage needs "text" (text) and "theme" (text)')
        if entry["theme"] not in names:
            raise InputError(f"{path}, line {number}: theme {entry['theme']!r} is not one of the themes given")
        coded.append(Coded(text=entry["text"], theme=entry["theme"]))
    return coded


def json_lines(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, parsed value) for each line that is not blank."""
    try:
        with path.open(encoding="utf-8") as file:
            for number, line in enumerate(file, start=1):
                if line.strip():
                    yield number, _parsed(path, number, line)
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"Cannot read {path}: {_reason(error)}") from error


def _parsed(path: Path, number: int, line: str) -> Any:
    try:
        value = json.loads(line)
    except json.JSONDecodeError as error:
        raise InputError(f"{path}, line {number} is not valid JSON ({error.msg}, column {error.colno})") from error
    except RecursionError as error:
        raise InputError(f"{path}, line {number} is not valid JSON for this command: {TOO_DEEP}") from error
    _check_unicode(value, f"{path}, line {number}")
    return value


def _check_unicode(value: Any, where: str) -> None:
    """Refuse text JSON can carry but Unicode cannot: a lone surrogate escape such as "\\udc80". It
    could not be printed back as UTF-8, so an id would come back changed (RFC 8259, section 8.2)."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as error:
        escape = f"\\u{ord(error.object[error.start]):04x}"
        raise InputError(f"{where} has text that is not valid Unicode (a lone surrogate escape, {escape})") from error
    except RecursionError as error:
        raise InputError(f"{where} is not valid JSON for this command: {TOO_DEEP}") from error


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _reason(error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        return f"not UTF-8 text (byte {error.start})"
    return getattr(error, "strerror", None) or str(error)
