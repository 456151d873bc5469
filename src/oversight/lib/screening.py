"""Files kept and handed back to people (evidence, documents read in), screened by what they hold, not their name.

The type and first-bytes checks each upload path makes already refuse a renamed program or image.
This is the deeper look before a file is stored: an Office file is a zip opened without trusting it
(entry count, declared sizes and ratios, encryption, macros, a DOCTYPE or entities in its XML), a
PDF must open, without a password, and carry no scripts, launch actions or attached files, an
image must be whole with nothing hidden after its end, and a text or CSV file must be text (no
NUL byte, a known encoding, not a web page or SVG with script, and, for CSV, no cell a spreadsheet
would run as a formula). Any file that is also a zip archive (a polyglot) is refused.

Plain Python, no Django: `screen_file(name, file)` raises `FileRefused` with a sentence for the person
who chose the file. Memory stays bounded: text is read in chunks, XML parts only up to their prolog,
and the whole file is held only for a PDF, within the caller's size limit.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import PurePath
from typing import IO, Any

from oversight.lib.documents import archive
from oversight.lib.documents.shapes import DocumentError

_CHUNK = 1024 * 1024
_PROLOG_BYTES = 4096  # a DOCTYPE must come before the root element, so it is in the first bytes of a part
_ZIP_END = b"PK\x05\x06"
_ZIP_TAIL = 65_557  # the end-of-directory record plus the longest comment

# The part each zipped Office type must hold, so a zip renamed .docx is not kept as a Word document.
OFFICE_MAIN_PART = {
    ".docx": "word/document.xml",
    ".xlsx": "xl/workbook.xml",
    ".pptx": "ppt/presentation.xml",
    ".odt": "content.xml",
}
TEXT_SUFFIXES = frozenset({".txt", ".csv", ".md", ".html", ".htm"})
MARKUP_SUFFIXES = frozenset({".html", ".htm"})  # web pages read for their text: scripts in them never run
_IMAGE_ENDS = {".png": b"IEND\xaeB`\x82", ".jpg": b"\xff\xd9", ".jpeg": b"\xff\xd9"}
_ACTIVE_MARKUP = re.compile(r"<\s*(?:script|svg|iframe|object|embed)\b|\bjavascript:", re.I)
_PDF_ACTIONS = frozenset({"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToE", "/RichMediaExecute"})
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?%?$")


class FileRefused(ValueError):
    """The file will not be kept; the message says why, in words for the person who chose it."""


def kept_name(name: str, default: str = "file") -> str:
    """The name a file is listed under: its own name without any folder (either slash), control or other
    unprintable characters, or excess length (255 characters, its extension kept). Files are stored
    under their SHA-256, never under this name."""
    base = PurePath(name.replace("\\", "/")).name
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip() or default
    stem, suffix = PurePath(cleaned).stem, PurePath(cleaned).suffix
    return stem[: 255 - len(suffix)] + suffix


def screen_file(name: str, file: IO[bytes]) -> None:
    """Refuse a file whose content is hostile or not what its name says; leave `file` at its start."""
    suffix = PurePath(name).suffix.lower()
    try:
        _refuse_zip_polyglot(file, suffix)
        if suffix in OFFICE_MAIN_PART:
            _screen_office(file, suffix)
        elif suffix == ".pdf":
            _screen_pdf(file)
        elif suffix in _IMAGE_ENDS:
            _screen_image(file, suffix)
        elif suffix in TEXT_SUFFIXES:
            _screen_text(file, suffix)
    finally:
        file.seek(0)


def _tail(file: IO[bytes]) -> bytes:
    file.seek(0, io.SEEK_END)
    size = file.tell()
    file.seek(max(0, size - _ZIP_TAIL))
    return file.read()


def _refuse_zip_polyglot(file: IO[bytes], suffix: str) -> None:
    if suffix in OFFICE_MAIN_PART or _ZIP_END not in _tail(file):
        return
    raise FileRefused(
        "The selected file is also a zip archive hidden inside another type: it cannot be kept. "
        "Save it again from the program that made it"
    )


# --- Office files: zips ---------------------------------------------------------------------------


def _screen_office(file: IO[bytes], suffix: str) -> None:
    kind = {".docx": "a Word document", ".xlsx": "an Excel workbook", ".pptx": "a PowerPoint file",
            ".odt": "an OpenDocument text"}  # fmt: skip
    try:
        if archive.entry_count(_tail(file)) > archive.MAX_ENTRIES:
            raise FileRefused(_BOMB)
        file.seek(0)
        with zipfile.ZipFile(file) as zipped:
            archive.check_declared_sizes(zipped)
            _check_parts(zipped, suffix, kind[suffix])
    except FileRefused:
        raise
    except DocumentError as error:
        raise FileRefused(_BOMB if "expand" in str(error) else _damaged(kind[suffix])) from error
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, ValueError, OSError, EOFError) as error:
        raise FileRefused(_damaged(kind[suffix])) from error


_BOMB = "The selected file is a compressed archive that would expand to far more than any document: it is refused"


def _damaged(kind: str) -> str:
    return f"The selected file is called {kind} but it is damaged or is not one inside. Save it again and upload that"


def _check_parts(zipped: zipfile.ZipFile, suffix: str, kind: str) -> None:
    infos = zipped.infolist()
    names = {info.filename for info in infos}
    if OFFICE_MAIN_PART[suffix] not in names:
        raise FileRefused(_damaged(kind))
    if any(info.flag_bits & 0x1 for info in infos):
        raise FileRefused("The selected file is encrypted (password protected): remove the password and save it again")
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise FileRefused("The selected file contains macros: save it without them (as .docx, .xlsx or .pptx)")
    for info in infos:
        if info.filename.lower().endswith((".xml", ".rels")) and declares_entities(zipped, info):
            raise FileRefused(
                "The selected file contains a document type declaration or entities, which Office files do not "
                "need and attacks use: it is refused"
            )


def declares_entities(zipped: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Does the XML part open with a DOCTYPE or entity declarations (XXE, billion laughs)? Only its prolog is read."""
    with zipped.open(info) as part:
        prolog = part.read(_PROLOG_BYTES)
    return b"<!DOCTYPE" in prolog.upper() or b"<!ENTITY" in prolog.upper()


# --- PDF ------------------------------------------------------------------------------------------


def _screen_pdf(file: IO[bytes]) -> None:
    from oversight.lib.documents.pdf import open_pdf  # PDFium: the reader the documents use

    file.seek(0)
    data = file.read()
    try:
        open_pdf(data).close()
    except DocumentError as error:
        raise FileRefused(str(error).rstrip(".")) from error
    found = _pdf_active_content(data)
    if found:
        raise FileRefused(
            f"The selected PDF contains {found}, which could run when someone opens it: save or print it again "
            "as a plain PDF and upload that"
        )


_PDF_DAMAGED = "The selected PDF is damaged and cannot be checked. Save it again as PDF and upload that"


def _pdf_active_content(data: bytes) -> str:
    """What active content the PDF carries, in words, or "" for none."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        root: Any = reader.trailer["/Root"].get_object()
        if _has_action(root.get("/OpenAction")) or "/AA" in root:
            return "an action that runs when it opens"
        found: Any = root.get("/Names")
        names = found.get_object() if found is not None else {}
        if "/JavaScript" in names:
            return "JavaScript"
        if "/EmbeddedFiles" in names:
            return "attached files"
        acroform = root.get("/AcroForm")
        if acroform is not None and "/XFA" in acroform.get_object():
            return "an XFA form"
        return _page_actions(reader)
    except (PyPdfError, KeyError, ValueError, TypeError, AttributeError, RecursionError, zlib.error) as error:
        raise FileRefused(_PDF_DAMAGED) from error


def _page_actions(reader: Any) -> str:
    for page in reader.pages:
        if "/AA" in page:
            return "an action that runs when a page opens"
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/FileAttachment":
                return "attached files"
            if _has_action(annotation.get("/A")):
                return "a link that runs a script or a program"
    return ""


def _has_action(action: Any) -> bool:
    if action is None:
        return False
    action = action.get_object()
    if isinstance(action, dict):
        return action.get("/S") in _PDF_ACTIONS or _has_action(action.get("/Next"))
    if isinstance(action, list) and action and not isinstance(action[0], int):  # /Next: several actions
        return any(_has_action(item) for item in action)
    return False  # a destination (a page to show), not an action


# --- Images ---------------------------------------------------------------------------------------


def _screen_image(file: IO[bytes], suffix: str) -> None:
    from PIL import Image, UnidentifiedImageError

    if _hides_something_after_its_end(file, _IMAGE_ENDS[suffix], strict=suffix == ".png"):
        raise FileRefused("The selected image is cut short or has something hidden after its end: it is refused")
    file.seek(0)
    try:
        with Image.open(file) as image:
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as error:
        raise FileRefused("The selected image is damaged or too large to be an image: it is refused") from error


def _hides_something_after_its_end(file: IO[bytes], end: bytes, *, strict: bool) -> bool:
    """A PNG must end with its IEND chunk. A JPEG may carry a camera's trailer after its end marker (some
    phones write one), but no markup: a page or script after the image is a polyglot."""
    tail = _tail(file)
    if strict:
        return not tail.endswith(end)
    at = tail.rfind(end)
    return at < 0 or bool(_ACTIVE_MARKUP.search(tail[at + len(end) :].decode("latin-1")))


# --- Text and CSV ---------------------------------------------------------------------------------


def _screen_text(file: IO[bytes], suffix: str) -> None:
    encoding = text_encoding(file)
    if suffix not in MARKUP_SUFFIXES and any(_ACTIVE_MARKUP.search(text) for text in _texts(file, encoding)):
        raise FileRefused(
            "The selected file is a web page or SVG image with script in it, not plain text: it is refused"
        )
    if suffix == ".csv":
        cell = first_formula_cell(file, encoding)
        if cell:
            raise FileRefused(
                f"The selected CSV has a cell that spreadsheet programs would run as a formula ({cell}). "
                "Put an apostrophe in front of it, or upload the file as PDF"
            )


def text_encoding(file: IO[bytes]) -> str:
    """utf-16 after its byte-order mark; else utf-8-sig when the whole file is UTF-8, else cp1252 when every
    byte is defined there. Refused otherwise, and for a NUL byte outside UTF-16 (binary, not text)."""
    file.seek(0)
    wide = file.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    candidates = ["utf-16"] if wide else ["utf-8-sig", "cp1252"]
    decoders = {name: codecs.getincrementaldecoder(name)() for name in candidates}
    file.seek(0)
    for chunk in iter(lambda: file.read(_CHUNK), b""):
        if not wide and b"\x00" in chunk:
            raise FileRefused("The selected file is not text: it contains binary data")
        decoders = {name: decoder for name, decoder in decoders.items() if _decodes(decoder, chunk)}
    for name, decoder in decoders.items():
        if _decodes(decoder, b"", final=True):
            return name
    raise FileRefused("The selected file's text encoding cannot be told: save it as UTF-8 and upload it again")


def _texts(file: IO[bytes], encoding: str) -> Iterator[str]:
    """The text in pieces, each overlapping the last by a little, so a word split between two is still seen."""
    file.seek(0)
    decoder, tail = codecs.getincrementaldecoder(encoding)(errors="replace"), ""
    for chunk in iter(lambda: file.read(_CHUNK), b""):
        text = tail + decoder.decode(chunk)
        yield text
        tail = text[-64:]


def _decodes(decoder: codecs.IncrementalDecoder, chunk: bytes, *, final: bool = False) -> bool:
    try:
        decoder.decode(chunk, final=final)
    except UnicodeDecodeError:
        return False
    return True


def first_formula_cell(file: IO[bytes], encoding: str) -> str:
    """ "row 3, column 2: =HYPERLINK(..." for the first cell a spreadsheet would run, or ""."""
    for row, column, value in _cells(file, encoding):
        if value.startswith(FORMULA_STARTS) and not _NUMBER.match(value.strip()):
            return f"row {row}, column {column}: {value[:30]!r}"
    return ""


def _cells(file: IO[bytes], encoding: str) -> Iterator[tuple[int, int, str]]:
    file.seek(0)
    text = io.TextIOWrapper(file, encoding=encoding, newline="")
    try:
        for row, cells in enumerate(csv.reader(text), start=1):
            for column, value in enumerate(cells, start=1):
                yield row, column, value
    except csv.Error as error:
        raise FileRefused(f"The selected CSV cannot be read ({error})") from error
    finally:
        text.detach()
