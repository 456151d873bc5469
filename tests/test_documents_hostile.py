"""Files that must not be read, or must be read safely: each refused with a message in words, memory bounded."""

from __future__ import annotations

import gc
import io
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from oversight.lib.documents import DocumentError, DocumentFormat, read_document, read_path
from oversight.lib.documents.archive import MAX_PART_BYTES
from tests.documents_corpus import (
    docx_bytes,
    docx_with_body,
    encrypted_pdf,
    javascript_pdf,
    paragraph_xml,
    simple_pdf,
    zip_with,
)


def refusal(data: bytes, filename: str, **options: int) -> str:
    with pytest.raises(DocumentError) as caught:
        read_document(data, filename, **options)  # type: ignore[arg-type]
    message = str(caught.value)
    assert message.endswith("."), message  # a sentence for a person, not an exception's repr
    return message


def test_an_empty_file_is_refused() -> None:
    assert "empty" in refusal(b"", "report.pdf")


def test_a_file_of_only_whitespace_has_no_text() -> None:
    assert "no text" in refusal(b" \n\n\t \r\n", "notes.txt")


def test_a_file_over_the_limit_is_refused_naming_the_limit() -> None:
    message = refusal(b"x" * (3 * 1024 * 1024), "notes.txt", max_bytes=2 * 1024 * 1024)
    assert message.startswith("This file is 3.0 MB; Oversight reads files up to 2.0 MB.")


def test_read_path_checks_the_size_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.pdf"
    with path.open("wb") as file:
        file.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper, nothing on disk
    tracemalloc.start()
    try:
        with pytest.raises(DocumentError, match=r"Oversight reads files up to 1\.0 MB"):
            read_path(path, max_bytes=1024 * 1024)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1024 * 1024


def test_an_encrypted_pdf_is_refused_asking_for_one_without_a_password() -> None:
    assert "protected by a password" in refusal(encrypted_pdf(), "secret.pdf")


@pytest.mark.parametrize(
    "damage",
    [
        lambda pdf: pdf[: len(pdf) // 3],  # cut short
        lambda pdf: b"%PDF-1.7\n" + b"\x00garbage" * 100,  # a header and nothing else
        lambda pdf: pdf.replace(b"/Pages 2 0 R", b"/Pages 99 0 R"),  # no page tree
        lambda pdf: pdf.replace(b" obj", b" obx"),  # no objects at all
    ],
)
def test_a_corrupt_pdf_is_refused_as_damaged(damage) -> None:  # type: ignore[no-untyped-def]
    pdf = simple_pdf([[f"Recommendation {number}: forces should act."] for number in range(3)])
    assert refusal(damage(pdf), "report.pdf").startswith("This PDF is damaged and cannot be read.")


def test_a_scanned_pdf_says_it_needs_text_and_never_returns_nothing() -> None:
    message = refusal(simple_pdf([[]] * 4, image_only=True), "scan.pdf")
    assert message.startswith("This PDF has no text layer: it looks scanned.")
    assert "accessible version" in message


def test_a_pdf_with_javascript_is_read_as_text_only() -> None:
    document = read_document(javascript_pdf(), "active.pdf")
    assert " ".join(document.text.split()) == "Recommendation 1: forces should act. The script must not run."


def test_a_word_document_with_a_doctype_or_entities_is_refused() -> None:
    prolog = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    data = docx_with_body(paragraph_xml("&xxe;"), prolog=prolog)
    message = refusal(data, "attack.docx")
    assert "document type declaration or entities" in message


def test_a_billion_laughs_word_document_is_refused() -> None:
    laughs = '<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
    data = docx_with_body(paragraph_xml("&c;"), prolog=f"<!DOCTYPE w:document [{laughs}]>")
    assert "refused" in refusal(data, "laughs.docx")


def test_a_zip_bomb_called_docx_is_refused_without_inflating_it() -> None:
    bomb = zip_with({"word/document.xml": b"<" + b"a" * (MAX_PART_BYTES + 1024)})
    assert len(bomb) < 1024 * 1024
    tracemalloc.start()
    try:
        message = refusal(bomb, "bomb.docx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "expand to far more than any document" in message
    assert peak < 8 * 1024 * 1024


def test_a_zip_that_lies_about_its_sizes_stops_at_the_cap() -> None:
    """Declared sizes rewritten small: the read still stops, at the declared size or the cap."""
    honest = zip_with({"word/document.xml": docx_xml_of_size(3 * 1024 * 1024)})
    lying = _declare_size(honest, "word/document.xml", 1000)
    message = refusal(lying, "liar.docx")
    assert "damaged" in message or "far more" in message


def docx_xml_of_size(size: int) -> bytes:
    head = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    tail = b"</w:body></w:document>"
    filler = paragraph_xml("x" * 1000).encode()
    return head + filler * ((size - len(head) - len(tail)) // len(filler)) + tail


def _declare_size(data: bytes, name: str, size: int) -> bytes:
    """The same zip with `name`'s uncompressed size rewritten in the local header and the directory."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo(name)
    patched = bytearray(data)
    patched[info.header_offset + 22 : info.header_offset + 26] = size.to_bytes(4, "little")
    directory = data.rfind(b"PK\x01\x02")
    patched[directory + 24 : directory + 28] = size.to_bytes(4, "little")
    return bytes(patched)


def test_a_zip_with_too_many_entries_is_refused() -> None:
    parts = {f"word/media/{number}.xml": b"" for number in range(6000)}
    parts["word/document.xml"] = b"<w:document/>"
    assert "far more than any document" in refusal(zip_with(parts, compression=zipfile.ZIP_STORED), "many.docx")


def test_a_zip_that_is_not_a_word_document_is_refused_by_what_it_is() -> None:
    spreadsheet = zip_with({"xl/workbook.xml": b"<workbook/>", "[Content_Types].xml": b"<Types/>"})
    assert "an Excel spreadsheet" in refusal(spreadsheet, "data.docx")
    assert "a zip archive" in refusal(zip_with({"a.txt": b"hello"}), "bundle.zip")


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (b"%PDF-1.4 ...", "notes.txt", "called notes.txt but it is a PDF"),
        (b"Just some plain text in a file.", "report.pdf", "called report.pdf but it is not a PDF: it is plain text"),
        (b"<!DOCTYPE html><html><body><p>Hi</p></body></html>", "paper.docx", "not a Word document: it is a web page"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "scan.pdf", "a PNG image"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.doc", "old-style Office file"),
        (b"{\\rtf1\\ansi Hello}", "letter.rtf", "Rich Text"),
    ],
)
def test_content_that_does_not_match_its_name_is_refused_naming_both(data: bytes, filename: str, expected: str) -> None:
    assert expected in refusal(data, filename)


def test_a_web_page_saved_as_txt_is_read_as_html_since_both_are_text() -> None:
    document = read_document(b"<!doctype html><html><body><p>The force <b>should</b> act.</p></body></html>", "a.txt")
    assert document.format is DocumentFormat.HTML
    assert document.text == "The force should act."


def test_a_file_without_an_extension_is_read_by_its_content() -> None:
    data = docx_bytes(lambda document: document.add_paragraph("Read by content."))
    assert read_document(data, "upload").text == "Read by content."


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 40,  # every byte value: binary
        b"\x7fELF\x02\x01\x01" + b"\x00" * 200,  # a program
        b"text\x00with\x00nulls\x00" * 50,
    ],
)
def test_binary_content_is_refused_as_not_text(data: bytes) -> None:
    message = refusal(data, "notes.txt")
    assert "readable text" in message or "a program" in message


def test_text_in_an_encoding_that_cannot_be_told_is_refused_not_shown_as_mojibake() -> None:
    # Random high bytes: no encoding makes sense of them.
    noise = bytes((index * 7919) % 128 + 128 for index in range(4000))
    message = refusal(noise, "notes.txt")
    assert "encoded" in message or "readable text" in message


def test_text_in_another_clear_encoding_is_read() -> None:
    russian = "Рекомендация: полиция должна улучшить обучение сотрудников в течение шести месяцев. " * 5
    document = read_document(russian.encode("cp1251"), "note.txt")
    assert "Рекомендация" in document.text


def test_a_deeply_nested_web_page_is_read_or_refused_cleanly() -> None:
    page = b"<html><body>" + b"<div>" * 100_000 + b"deep" + b"</div>" * 100_000 + b"</body></html>"
    try:
        document = read_document(page, "deep.html")
    except DocumentError as error:
        assert str(error).endswith(".")
    else:
        assert "deep" in document.text


def test_a_deeply_nested_word_document_is_read_or_refused_cleanly() -> None:
    nested = "<w:r>" * 50_000 + "<w:t>deep</w:t>" + "</w:r>" * 50_000
    try:
        document = read_document(docx_with_body(f"<w:p>{nested}</w:p>"), "deep.docx")
    except DocumentError as error:
        assert str(error).endswith(".")
    else:
        assert document.text == "deep"


def test_a_500_page_pdf_is_read_page_by_page_with_memory_bounded() -> None:
    """Not timed (speed is measured in bench/): every page reported, and peak Python memory bounded."""
    lines = [f"Line {number} of the inspection findings, set out at length across the page" for number in range(44)]
    pdf = simple_pdf([[*lines[:20], f"Finding {index + 1} is here.", *lines[20:]] for index in range(500)])
    seen: list[int] = []
    gc.collect()
    tracemalloc.start()
    try:
        document = read_document(pdf, "long.pdf", progress=lambda done, total: seen.append(done))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert document.pages == 500
    assert seen == list(range(1, 501))
    assert document.page_of(document.text.index("Finding 250 is here.")) == 250
    # The text itself is ~1.6 MB; peak memory stays within a few times that, not growing per page held open.
    assert peak < 8 * len(document.text) + 16 * 1024 * 1024
