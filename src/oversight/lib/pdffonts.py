"""Font subsetting for PDFs without reading the tables the subset throws away.

WeasyPrint embeds each font as a subset of the glyphs a document uses. Without the HarfBuzz
subsetting library (Debian's `libharfbuzz-subset0`) it asks fontTools, telling it to drop the
layout tables (GSUB, GPOS: a PDF viewer places glyphs where the PDF says and never shapes text).
fontTools 4.68 decompiles GSUB and GPOS in full before it drops them; for DejaVu Sans that is two
thirds of the subsetting time, about a sixth of a committee paper's PDF. Dropping those tables
before the subsetter starts gives the same font, byte for byte (`tests/test_pdffonts.py`), in a
third of the time. With `libharfbuzz-subset0` installed, WeasyPrint does not call fontTools and
this is never used.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from fontTools import subset
from fontTools.ttLib import TTFont

_installed = False


def tables_dropped_before_subsetting(font: TTFont, options: subset.Options) -> list[str]:
    """The tables the subsetter would delete unread: asked to drop them, or a legacy `kern` beside GPOS."""
    tables: list[str] = font.keys()
    dropped = [tag for tag in tables if tag.strip() in options.drop_tables]
    if "kern" in font and "GPOS" in font and not options.legacy_kern:
        dropped.append("kern")  # fontTools drops it whenever GPOS exists, so it goes even though GPOS goes too
    return dropped


def _dropping_first(original: Callable[[subset.Subsetter, TTFont], None]) -> Callable[[subset.Subsetter, TTFont], None]:
    @functools.wraps(original)
    def subset_font(subsetter: subset.Subsetter, font: TTFont) -> None:
        for tag in tables_dropped_before_subsetting(font, subsetter.options):
            del font[tag]
        original(subsetter, font)

    return subset_font


def install() -> None:
    """Make every fontTools subset in this process drop unread tables first (once; safe to call again)."""
    global _installed
    if not _installed:
        method: Any = subset.Subsetter.subset
        subset.Subsetter.subset = _dropping_first(method)
        _installed = True
