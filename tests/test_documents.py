"""The document reader: each format in, clean text out, the right format told from the content."""

from __future__ import annotations

import difflib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from oversight.lib.documents import CleanDocument, DocumentError, DocumentFormat, clean_pages, read_document, read_path
from tests.documents_corpus import CLEAN_TWIN, PDF_EXTRACT, docx_bytes, html_pdf, simple_pdf, text_as_html


def paragraphs(text: str) -> list[str]:
    """Paragraphs compared as a reader sees them: whitespace and quote styles aside."""
    text = text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return [" ".join(part.split()) for part in re.split(r"\n\s*\n", text) if part.strip()]


def test_the_package_imports_without_django_settings() -> None:
    code = (
        "import sys; import oversight.lib.documents as d; "
        "assert 'django' not in sys.modules, sorted(m for m in sys.modules if m.startswith('django')); "
        "print(d.read_document(b'Hello there.', 'a.txt').text)"
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)  # noqa: S603
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Hello there."


def test_the_seed_pdf_extract_cleans_to_its_clean_twin() -> None:
    text, starts = clean_pages([PDF_EXTRACT.read_text(encoding="utf-8")])
    ours = paragraphs(text)
    # The twin starts with a letterhead the extract lacks, and splits one paragraph at a page break.
    twin = paragraphs(CLEAN_TWIN.read_text(encoding="utf-8"))[2:]
    matcher = difflib.SequenceMatcher(a=ours, b=twin, autojunk=False)
    assert matcher.ratio() > 0.8, "\n".join(difflib.unified_diff(twin, ours, lineterm=""))
    same = sum(block.size for block in matcher.get_matching_blocks())
    assert same >= len(twin) - 5
    assert starts == (0,)
    assert "all non-police and police victims" in text
    assert "- locking of records to the alleged abuser\n- investigation of the crime by a different Force" in text
    assert "a) PCCs considering whether local services" in text


def test_a_clean_text_passes_through_the_cleaner_unchanged() -> None:
    twin = CLEAN_TWIN.read_text(encoding="utf-8")
    text, _ = clean_pages([twin])
    assert paragraphs(text) == paragraphs(twin)


def test_a_pdf_is_read_page_by_page_with_its_page_starts() -> None:
    pdf = simple_pdf([["First page begins here.", "It ends here."], ["Second page text."], ["Third."]])
    seen: list[tuple[int, int]] = []
    document = read_document(pdf, "paper.pdf", progress=lambda done, total: seen.append((done, total)))
    assert document.format is DocumentFormat.PDF
    assert document.pages == 3
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert document.text[document.page_starts[1] :].startswith("Second page text.")
    assert document.page_of(document.text.index("Third.")) == 3


def test_a_word_document_keeps_lists_numbering_and_tables() -> None:
    def build(document) -> None:  # type: ignore[no-untyped-def]
        document.add_heading("Recommendations", level=1)
        document.add_paragraph("By 31 March 2024, chief constables should:")
        document.add_paragraph("review their policy;", style="List Bullet")
        document.add_paragraph("train their staff.", style="List Bullet")
        document.add_paragraph("First numbered step.", style="List Number")
        document.add_paragraph("Second numbered step.", style="List Number")
        table = document.add_table(rows=2, cols=3)
        for cell, text in zip(table.rows[0].cells, ["Ref", "Recommendation", "Due"], strict=True):
            cell.text = text
        for cell, text in zip(table.rows[1].cells, ["R1", "Train staff", "2024-03-31"], strict=True):
            cell.text = text

    document = read_document(docx_bytes(build), "report.docx")
    assert document.format is DocumentFormat.DOCX
    assert (
        document.text
        == (
            "Recommendations\n\nBy 31 March 2024, chief constables should:\n\n"
            "- review their policy;\n- train their staff.\n- First numbered step.\n- Second numbered step.\n\n"
            "Ref | Recommendation | Due\nR1 | Train staff | 2024-03-31"
        )
        or "1. First numbered step.\n2. Second numbered step." in document.text
    )


def test_html_keeps_headings_lists_and_tables_and_drops_navigation() -> None:
    page = b"""<!DOCTYPE html><html><head><title>T</title><style>p{color:red}</style>
    <script>alert('x')</script></head><body><header>Site name</header><nav><a href='/'>Home</a></nav>
    <h1>Area for improvement</h1><p>The force should improve how it
    records <b>crime</b>.<sup>3</sup></p>
    <ol type="a"><li>first part</li><li>second part</li></ol>
    <table><tr><th>Ref</th><th>Due</th></tr><tr><td>AFI 1</td><td>Six months</td></tr></table>
    <footer>Copyright</footer></body></html>"""
    document = read_document(page, "page.html")
    assert document.format is DocumentFormat.HTML
    assert document.text == (
        "Area for improvement\n\nThe force should improve how it records crime.\n\n"
        "a. first part\nb. second part\n\nRef | Due\nAFI 1 | Six months"
    )


def test_markdown_loses_its_markup_and_keeps_its_lists() -> None:
    text = (
        "# Update\n\n**Agenda Item 07**\n\nThe remaining two<sup>1</sup> continue, see [the report](http://x).\n\n"
        "- difficulties in initial reporting;\n- failures in investigation;\n\n1. First\n2. Second\n\n"
        "| Ref | Status |\n| --- | --- |\n| R1 | Complete |\n"
    )
    document = read_document(text.encode(), "update.md")
    assert document.format is DocumentFormat.MARKDOWN
    assert document.text == (
        "Update\n\nAgenda Item 07\n\nThe remaining two continue, see the report.\n\n"
        "- difficulties in initial reporting;\n- failures in investigation;\n\n1. First\n2. Second\n\n"
        "Ref | Status\nR1 | Complete"
    )


@pytest.mark.parametrize(
    ("encoded", "label"),
    [
        ("Caf\u00e9 \u2013 the force\u2019s plan.".encode(), "utf-8"),
        (b"\xef\xbb\xbf" + "Caf\u00e9 \u2013 the force\u2019s plan.".encode(), "utf-8 with BOM"),
        ("Caf\u00e9 \u2013 the force\u2019s plan.".encode("utf-16"), "utf-16 with BOM"),
        ("Caf\u00e9 \u2013 the force\u2019s plan.".encode("utf-16-le"), "utf-16 without BOM"),
        ("Caf\u00e9 \u2013 the force\u2019s plan.".encode("cp1252"), "windows-1252"),
    ],
)
def test_plain_text_in_the_encodings_it_arrives_in(encoded: bytes, label: str) -> None:
    document = read_document(encoded, "notes.txt")
    assert document.text == "Caf\u00e9 \u2013 the force's plan.", label


def test_read_path_reads_a_file_from_disk(tmp_path: Path) -> None:
    path = tmp_path / "response.txt"
    path.write_text("Steps I intend to take:\n\n- review the policy.\n", encoding="utf-8")
    document = read_path(path)
    assert isinstance(document, CleanDocument)
    assert document.text == "Steps I intend to take:\n\n- review the policy."


def test_a_word_document_called_pdf_is_refused_naming_both() -> None:
    data = docx_bytes(lambda document: document.add_paragraph("Hello."))
    with pytest.raises(DocumentError, match=r"called report\.pdf but it is a Word document"):
        read_document(data, "report.pdf")


def test_a_pdf_rendered_from_the_seed_reads_back_as_its_paragraphs() -> None:
    twin = CLEAN_TWIN.read_text(encoding="utf-8").split("\n\n", 2)[2]  # without the letterhead
    twin = twin.replace("safeguarding of\n\nall victims", "safeguarding of all victims")  # the twin's own slip
    pdf = html_pdf(text_as_html(twin), header="West Midlands PCC response")
    document = read_document(pdf, "response.pdf")
    assert document.pages >= 3
    assert "West Midlands PCC response" not in document.text
    assert "Page 1 of" not in document.text
    assert paragraphs(document.text) == paragraphs(twin)


@pytest.mark.parametrize(
    ("name", "size", "head", "message"),
    [
        ("report.exe", 10, b"MZ", "must be a PDF, Word (.docx), HTML, Markdown or text file"),
        ("report.pdf", 0, b"", "is empty"),
        ("report.pdf", 2 * 1024 * 1024 + 1, b"%PDF-1.7", "smaller than 2 MB"),
        ("report.pdf", 10, b"PK\x03\x04", "is not a PDF file inside"),
        ("report.docx", 10, b"%PDF-1.7", "is not a DOCX file inside"),
    ],
)
def test_an_upload_is_refused_before_it_is_read(name: str, size: int, head: bytes, message: str) -> None:
    from oversight.lib.documents import check_upload

    with pytest.raises(DocumentError, match=re.escape(message)):
        check_upload(name, size, head, max_bytes=2 * 1024 * 1024)


def test_an_upload_of_each_accepted_type_passes_the_check() -> None:
    from oversight.lib.documents import ACCEPTED_SUFFIXES, check_upload

    heads = {".pdf": b"%PDF-1.7", ".docx": b"PK\x03\x04"}
    for suffix in ACCEPTED_SUFFIXES:
        check_upload(f"report{suffix}", 10, heads.get(suffix, b"\xff\xfeR\x00"), max_bytes=100)
