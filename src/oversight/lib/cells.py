"""Text written into a spreadsheet cell (a CSV or XLSX export) kept as text, never run as a formula.

Spreadsheets run a cell starting with `=`, `+`, `-` or `@` (and, in some, a tab or carriage return
before one) as a formula: CSV or formula injection. Such a cell gets a leading apostrophe, which
spreadsheets show as text and do not display.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value
