"""The files a force's system exports, opened without trusting them, and read as rows of text, one at a time.

CSV is decoded as UTF-8 (a byte-order mark dropped) or, failing that, Windows-1252 (older force systems
and Excel's plain "CSV"); a NUL byte means it is not text. XLSX is checked as a zip before openpyxl
sees it, with the same caps the document reader uses (`lib/documents/archive.py`: entry count, declared
sizes, compression ratio), and refused when it carries macros (`xl/vbaProject.bin`, or `.xlsm`) or is
encrypted (an encrypted workbook is an OLE file, not a zip). openpyxl then reads the first sheet in
read-only mode with `data_only=True`: a formula is never evaluated, only the value Excel last saved with
it is read, and text that starts with `=`, `+`, `-` or `@` is text like any other.

Every cell becomes text (a date `YYYY-MM-DD`, a date and time `YYYY-MM-DD HH:MM:SS`, a whole number
without `.0`), so the importer has one reader for both formats. `rows()` can be called again: each call
streams the file from its start, so nothing holds the file.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from oversight.lib.documents import archive
from oversight.lib.documents.shapes import DocumentError
from oversight.lib.screening import declares_entities

SUFFIXES = (".csv", ".xlsx")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_CHUNK = 1024 * 1024


class FileRefused(ValueError):
    """The file cannot be read at all: said in words for the person who uploaded it."""


def check_spreadsheet_upload(name: str, size: int, head: bytes, max_bytes: int) -> None:
    """Refuse a file of the wrong type or size, or whose first bytes do not match its type: the same
    checks `lib/documents/uploads.check_upload` makes for documents, for the two types imported here."""
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsm":
        raise FileRefused("The selected file is a macro-enabled workbook (.xlsm): save it as .xlsx or CSV")
    if suffix not in SUFFIXES:
        raise FileRefused("The selected file must be a CSV or Excel (.xlsx) file")
    if size == 0:
        raise FileRefused("The selected file is empty")
    if size > max_bytes:
        raise FileRefused(f"The selected file must be smaller than {max_bytes // (1024 * 1024)} MB")
    if head.startswith(_OLE):
        raise FileRefused(
            "The selected file is encrypted (password protected) or an old-style .xls workbook: "
            "remove the password and save it as .xlsx or CSV"
        )
    if suffix == ".xlsx" and not head.startswith(_ZIP):
        raise FileRefused("The selected file is called .xlsx but is not an Excel workbook inside")
    if suffix == ".csv" and head.startswith(_ZIP):
        raise FileRefused("The selected file is called .csv but is a zip archive (perhaps a workbook) inside")


@dataclass
class SpreadsheetFile:
    """A checked file on disk or in memory (seekable), readable again and again as rows of text."""

    name: str
    file: IO[bytes]

    @property
    def is_xlsx(self) -> bool:
        return Path(self.name).suffix.lower() == ".xlsx"

    def prepare(self) -> None:
        """The whole-file checks: the zip's caps and contents, or the text's encoding and that every row parses
        as CSV (a field past the csv module's limit, say). FileRefused if not."""
        if self.is_xlsx:
            self._check_zip()
        else:
            self._encoding = _csv_encoding(self.file)
            for _ in self._csv_rows():
                pass

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(row number, cells as text) from the header (row 1) on; blank rows are skipped."""
        self.file.seek(0)
        source = self._xlsx_rows() if self.is_xlsx else self._csv_rows()
        for number, cells in source:
            if any(cell.strip() for cell in cells):
                yield number, cells

    def _csv_rows(self) -> Iterator[tuple[int, list[str]]]:
        encoding = getattr(self, "_encoding", None) or _csv_encoding(self.file)
        self.file.seek(0)
        with _text(self.file, encoding) as text:
            reader = csv.reader(text)
            number = 0
            while True:
                number += 1
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as error:
                    raise FileRefused(f"Row {number} cannot be read as CSV ({error})") from error
                yield number, cells

    def _xlsx_rows(self) -> Iterator[tuple[int, list[str]]]:
        import openpyxl  # a large import, needed only for workbooks

        try:
            book = openpyxl.load_workbook(self.file, read_only=True, data_only=True, keep_links=False)
        except Exception as error:  # openpyxl raises many kinds for a damaged workbook
            raise FileRefused("The selected workbook is damaged and cannot be read") from error
        try:
            sheet = book.worksheets[0]
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [cell_text(value) for value in values]
        finally:
            book.close()

    def _check_zip(self) -> None:
        self.file.seek(0, io.SEEK_END)
        size = self.file.tell()
        self.file.seek(max(0, size - 65_557))
        tail = self.file.read()
        try:
            if archive.entry_count(tail) > archive.MAX_ENTRIES:
                raise FileRefused("The selected file is a compressed archive that would expand far too much")
            self.file.seek(0)
            with zipfile.ZipFile(self.file) as zipped:
                archive.check_declared_sizes(zipped)
                _check_workbook_parts(zipped)
        except FileRefused:
            raise
        except DocumentError as error:
            raise FileRefused(str(error).replace("a Word document", "a workbook")) from error
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
            raise FileRefused("The selected workbook is damaged and cannot be read") from error


def _check_workbook_parts(zipped: zipfile.ZipFile) -> None:
    names = set(zipped.namelist())
    if "xl/workbook.xml" not in names:
        raise FileRefused("The selected file is called .xlsx but is not an Excel workbook inside")
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise FileRefused("The selected workbook contains macros: save it as a plain .xlsx workbook or CSV")
    if any(info.flag_bits & 0x1 for info in zipped.infolist()):
        raise FileRefused("The selected workbook is encrypted: remove the password and save it again")
    if any(info.filename.endswith((".xml", ".rels")) and declares_entities(zipped, info) for info in zipped.infolist()):
        raise FileRefused("The selected workbook contains a document type declaration or entities: it is refused")


def _csv_encoding(file: IO[bytes]) -> str:
    """utf-8-sig when the whole file is UTF-8, else cp1252 when every byte is defined there; else refused."""
    file.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    fallback = codecs.getincrementaldecoder("cp1252")()
    utf8, western = True, True
    while chunk := file.read(_CHUNK):
        if b"\x00" in chunk:
            raise FileRefused("The selected file is not a CSV file: it contains binary data")
        utf8 = utf8 and _decodes(decoder, chunk)
        western = western and _decodes(fallback, chunk)
    if utf8 and _decodes(decoder, b"", final=True):
        return "utf-8-sig"
    if western:
        return "cp1252"
    raise FileRefused("The selected file's text encoding cannot be told: save it as 'CSV UTF-8' and upload it again")


def _decodes(decoder: codecs.IncrementalDecoder, chunk: bytes, *, final: bool = False) -> bool:
    try:
        decoder.decode(chunk, final=final)
    except UnicodeDecodeError:
        return False
    return True


@contextmanager
def _text(file: IO[bytes], encoding: str) -> Iterator[io.TextIOWrapper]:
    text = io.TextIOWrapper(file, encoding=encoding, newline="")
    try:
        yield text
    finally:
        text.detach()  # the caller owns the file


def cell_text(value: Any) -> str:
    """A cell's value as the text the importer reads."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
