"""The committee paper's PDF made faster without changing it: tagged, the same in every thread, charts
cached by what they show, fonts subset to the same bytes."""

from __future__ import annotations

import datetime as dt
import io
import threading
from pathlib import Path

import matplotlib
import pytest
from fontTools import subset
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from oversight.lib import pdffonts
from oversight.organisations.models import Organisation
from oversight.recommendations import rendering
from oversight.recommendations.models import Committee, CommitteeMeeting, TrackingRecord
from oversight.recommendations.papers import Paper, build_paper

DEJAVU = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"  # has GSUB, GPOS and kern


@pytest.fixture
def paper(tracking: TrackingRecord, wmp: Organisation) -> Paper:
    body = wmp.governing_body_on()
    assert body is not None
    committee = Committee.objects.create(name="Joint Audit Committee", organisation=body)
    committee.forces.set([wmp])
    meeting = CommitteeMeeting.objects.create(committee=committee, held_on=dt.date(2022, 9, 29), agenda_item="07")
    return build_paper(meeting)


def _pdf_pages_and_structure(pdf: bytes) -> tuple[int, bool, str]:
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    marked = "/StructTreeRoot" in root and bool(root["/MarkInfo"]["/Marked"])
    metadata = reader.xmp_metadata.stream.get_data().decode() if reader.xmp_metadata else ""  # type: ignore[union-attr]
    return len(reader.pages), marked, metadata


def test_paper_pdf_stays_tagged_pdf_ua(paper: Paper) -> None:
    pages, marked, metadata = _pdf_pages_and_structure(rendering.paper_pdf(paper))
    assert pages >= 1 and marked
    assert "pdfuaid:part" in metadata  # declared PDF/UA-1, as commissioners publish it


def test_a_second_thread_renders_the_same_paper(paper: Paper) -> None:
    """The font configuration is kept per thread: a render in another thread has its own and agrees."""
    here = rendering.paper_pdf(paper)
    there: list[bytes] = []
    worker = threading.Thread(target=lambda: there.append(rendering.paper_pdf(paper)))
    worker.start()
    worker.join()
    assert there and _pdf_pages_and_structure(there[0]) == _pdf_pages_and_structure(here)
    assert len(PdfReader(io.BytesIO(here)).pages[0].extract_text()) > 0


def test_cached_chart_is_the_chart_drawn_afresh(paper: Paper) -> None:
    content = rendering.chart_content(paper)
    assert rendering.open_items_chart_png(paper) == rendering.draw_chart_png(content)


def test_a_chart_with_other_counts_is_not_taken_from_the_cache(paper: Paper) -> None:
    as_at, counts = rendering.chart_content(paper)
    other = (as_at, ((counts[0][0], counts[0][1] + 1), *counts[1:])) if counts else (as_at, (("Open", 1),))
    rendering.open_items_chart_png(paper)
    assert rendering._cached_chart_png(other) != rendering._cached_chart_png(rendering.chart_content(paper))
    assert rendering._cached_chart_png((as_at + dt.timedelta(days=1), counts)) != rendering.open_items_chart_png(paper)


def _subset_as_weasyprint_does(subsetter_class: type[subset.Subsetter], glyphs: set[int]) -> bytes:
    """WeasyPrint 70's fontTools options (pdf/fonts.py), with the file's own timestamp kept."""
    options = subset.Options(retain_gids=True, passthrough_tables=True, ignore_missing_glyphs=True, hinting=False,
                             desubroutinize=True, notdef_outline=False)  # fmt: skip
    options.drop_tables += ["GSUB", "GPOS", "SVG"]
    subsetter = subsetter_class(options)
    subsetter.populate(gids=glyphs)
    font = TTFont(io.BytesIO(DEJAVU.read_bytes()), recalcTimestamp=False)
    subsetter.subset(font)
    saved = io.BytesIO()
    font.save(saved)
    return saved.getvalue()


def test_fonts_subset_to_the_same_bytes_when_unread_tables_go_first() -> None:
    pdffonts.install()
    patched = subset.Subsetter
    original = type("Original", (patched,), {"subset": patched.subset.__wrapped__})  # type: ignore[attr-defined]
    glyphs = {0, 3, *range(36, 93), 2806, 2821}  # space, letters, digits, punctuation and the "fi" ligature
    expected = _subset_as_weasyprint_does(original, glyphs)
    assert _subset_as_weasyprint_does(patched, glyphs) == expected
    kept = TTFont(io.BytesIO(expected))
    assert "GPOS" not in kept and "kern" not in kept and "glyf" in kept  # what the subset drops, either way


def test_tables_dropped_first_are_only_those_the_subsetter_drops() -> None:
    font = TTFont(str(DEJAVU))
    options = subset.Options()
    options.drop_tables += ["GSUB", "GPOS"]
    assert sorted(pdffonts.tables_dropped_before_subsetting(font, options)) == ["GPOS", "GSUB", "kern"]
    options.legacy_kern = True
    assert "kern" not in pdffonts.tables_dropped_before_subsetting(font, options)
