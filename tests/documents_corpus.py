"""Files for the document reader's tests, made on the spot: real PDFs and Word files, and hostile ones.

Nothing large is committed: a 500-page PDF, a zip bomb or an encrypted PDF is generated in
milliseconds by the functions here.
"""

from __future__ import annotations

import io
import zipfile
from html import escape
from pathlib import Path

SEEDS = Path("/work/shared/seeds")
PDF_EXTRACT = SEEDS / "wm-pcc-response-ppda-super-complaint.pdf-extract.txt"
CLEAN_TWIN = SEEDS / "wm-pcc-response-ppda-super-complaint.txt"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def simple_pdf(pages: list[list[str]], *, catalog_extra: str = "", image_only: bool = False) -> bytes:
    """A PDF written by hand: each page's lines set in Helvetica top to bottom, 14 points apart.

    `image_only` draws a grey image and no text on every page, as a scanner would.
    """
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")
    tree = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    image = add(
        b"<< /Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8 "
        b"/Length 64 >>\nstream\n" + bytes(range(64)) + b"\nendstream"
    )
    kids = []
    for lines in pages:
        if image_only:
            stream = b"q 500 0 0 700 50 70 cm /Im1 Do Q"
        else:
            shown = " T* ".join(f"({_escape(line)}) Tj" for line in lines)
            stream = f"BT /F1 11 Tf 14 TL 72 770 Td {shown} ET".encode("cp1252")
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                b"/Resources << /Font << /F1 %d 0 R >> /XObject << /Im1 %d 0 R >> >> >>" % (tree, content, font, image)
            )
        )
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {tree} 0 R {catalog_extra} >>".encode()
    objects[tree - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids),
        len(kids),
    )
    return _assemble(objects, catalog)


def _assemble(objects: list[bytes], root: int) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref))
    return out.getvalue()


def encrypted_pdf(password: str = "secret") -> bytes:  # noqa: S107 (a test file's password)
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(simple_pdf([["A confidential paper."]]))))
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def javascript_pdf() -> bytes:
    """A PDF that asks to run a script when opened; the reader must only read its text."""
    action = "/OpenAction << /S /JavaScript /JS (app.alert\\('opened'\\); this.submitForm\\('http://x'\\);) >>"
    return simple_pdf([["Recommendation 1: forces should act.", "The script must not run."]], catalog_extra=action)


def html_pdf(html: str, *, header: str = "", footer_page_numbers: bool = True) -> bytes:
    """A PDF as a word processor would print it: running header and "Page n of m" footer (WeasyPrint)."""
    from weasyprint import CSS, HTML

    margin = f"@top-center {{ content: '{header}' }}" if header else ""
    if footer_page_numbers:
        margin += "@bottom-right { content: 'Page ' counter(page) ' of ' counter(pages) }"
    css = CSS(
        string=f"@page {{ size: A4; margin: 2cm; {margin} }} body {{ font: 11pt/1.35 serif }} p {{ margin: 0 0 9pt }}"
    )
    return bytes(HTML(string=html).write_pdf(stylesheets=[css]))


def docx_bytes(build) -> bytes:  # type: ignore[no-untyped-def]
    """A Word document made with python-docx: `build(document)` adds the content."""
    from docx import Document

    document = Document()
    build(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def zip_with(parts: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as zipped:
        for name, data in parts.items():
            zipped.writestr(name, data)
    return out.getvalue()


def docx_with_body(body_xml: str, *, prolog: str = "") -> bytes:
    """A minimal DOCX whose document.xml holds `body_xml` (and `prolog` before the root, e.g. a DTD)."""
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body_xml}</w:body></w:document>"
    )
    return zip_with({"[Content_Types].xml": b"<Types/>", "word/document.xml": document.encode()})


def paragraph_xml(text: str) -> str:
    return f"<w:p><w:r><w:t xml:space='preserve'>{text}</w:t></w:r></w:p>"


def text_as_html(text: str) -> str:
    """Clean text as the web page a word processor would print: paragraphs, and lists where lines start "- "."""
    parts = []
    for block in text.split("\n\n"):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            parts.append("<ul>" + "".join(f"<li>{escape(line[2:])}</li>" for line in lines) + "</ul>")
        else:
            parts.append(f"<p>{escape(' '.join(lines))}</p>")
    return "<html><body>" + "".join(parts) + "</body></html>"
