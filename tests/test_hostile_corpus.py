"""The hostile-file corpus itself: at least 30 cases, each named and described in tests/hostile/README.md,
built the same way every time; and the screening refuses none of the good files each path accepts."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from oversight.lib.screening import FileRefused, kept_name, screen_file
from tests.documents_corpus import docx_bytes, simple_pdf
from tests.hostile.corpus import CORPUS, FAMILIES, SPARSE_SIZE, png

README = Path(__file__).parent / "hostile" / "README.md"


def test_the_corpus_has_at_least_30_cases_with_unique_ids() -> None:
    ids = [case.id for case in CORPUS]
    assert len(ids) >= 30 and len(set(ids)) == len(ids)


def test_the_readme_lists_every_case_with_what_it_is() -> None:
    text = README.read_text(encoding="utf-8")
    for case in CORPUS:
        assert f"| `{case.id}` | {case.what} |" in text, case.id


@pytest.mark.parametrize("case", [case for case in CORPUS if not case.sparse], ids=lambda case: case.id)
def test_each_case_is_built_the_same_every_time(case) -> None:  # type: ignore[no-untyped-def]
    for family in FAMILIES:
        assert case.build(family) == case.build(family)


def test_the_sparse_file_takes_no_disk(tmp_path: Path) -> None:
    path = next(case for case in CORPUS if case.sparse).write(tmp_path, "workforce")
    assert path.stat().st_size == SPARSE_SIZE and path.stat().st_blocks * 512 < 1024 * 1024


def _xlsx() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Name", "Amount"])  # type: ignore[union-attr]
    book.active.append(["Alex", -12.5])  # type: ignore[union-attr]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(out, "JPEG")
    return out.getvalue()


GOOD = {
    "plan.pdf": lambda: simple_pdf([["Recommendation 1: act."]]),
    "plan.docx": lambda: docx_bytes(lambda document: document.add_paragraph("A plan.")),
    "figures.xlsx": _xlsx,
    "chart.png": png,
    "photo.jpg": _jpeg,
    "figures.csv": lambda: b"name,change\r\nAlex,-12.5\r\nSam,+3\r\nKim,-1,000.25\r\n",
    "notes.txt": lambda: "Caf\u00e9 notes: 5 < 6 and a <b>bold</b> claim.".encode(),
    "notes.md": lambda: b"# Plan\n\n- first\n- second\n",
    "page.html": lambda: b"<html><body><p>A saved page</p><script>ignored()</script></body></html>",
}


@pytest.mark.parametrize("name", list(GOOD))
def test_good_files_pass_the_screening(name: str) -> None:
    screen_file(name, io.BytesIO(GOOD[name]()))


def test_a_refusal_is_a_sentence_naming_the_cell() -> None:
    with pytest.raises(FileRefused, match=r"row 2, column 1: '=1\+1'"):
        screen_file("figures.csv", io.BytesIO(b"a,b\r\n=1+1,x\r\n"))


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd.csv", "passwd.csv"),
        ("..\\..\\Windows\\evil.pdf", "evil.pdf"),
        ("report\x1b[31m\r\n\x07.pdf", "report[31m.pdf"),
        ("a" * 400 + ".pdf", "a" * 251 + ".pdf"),
        ("\x00\x01", "file"),
    ],
)
def test_kept_names_have_no_folder_no_control_character_and_255_characters_at_most(given: str, kept: str) -> None:
    assert kept_name(given) == kept
