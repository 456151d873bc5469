"""The workforce import form: one CSV file, checked for type, size and encoding before the importer reads it.

The file is read in chunks, never whole: an upload over Django's in-memory limit stays on disk, and the
importer reads it again as a text stream.
"""

from __future__ import annotations

import codecs
import hashlib
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TextIO

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from oversight.forms import GovukFormMixin
from oversight.lib.screening import kept_name

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
_CHUNK = 64 * 1024


def max_bytes() -> int:
    """The largest file accepted; settings may override it with WORKFORCE_IMPORT_MAX_BYTES."""
    return int(getattr(settings, "WORKFORCE_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


@dataclass(frozen=True)
class CsvUpload:
    """A file that passed the checks: its name, its SHA-256 and its bytes, to be read with `open_text`."""

    filename: str
    sha256: str
    file: IO[bytes]

    @contextmanager
    def open_text(self) -> Iterator[TextIO]:
        """The file as a text stream, UTF-8 with any byte-order mark removed."""
        self.file.seek(0)
        text = io.TextIOWrapper(self.file, encoding="utf-8-sig", newline="")
        try:
            yield text
        finally:
            text.detach()  # the upload, not the wrapper, owns the file


class ImportForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="Workforce file",
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv", "class": "govuk-file-upload"}),
        error_messages={"required": "Select a CSV file to import", "empty": "The selected file is empty"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = max_bytes() // (1024 * 1024)
        self.fields[
            "file"
        ].help_text = f"A CSV file saved as UTF-8 (in Excel: Save as, then 'CSV UTF-8'), smaller than {limit} MB"

    def clean_file(self) -> CsvUpload:
        upload: UploadedFile = self.cleaned_data["file"]
        return checked_csv(upload.name or "", upload.size or 0, upload.file)  # type: ignore[arg-type]


def checked_csv(name: str, size: int, file: IO[bytes]) -> CsvUpload:
    """The form's and the command's checks: a .csv name, not empty, within the size limit, UTF-8 text with no
    NUL byte (read in chunks, never whole). ValidationError says why not."""
    name = kept_name(name)
    if Path(name).suffix.lower() != ".csv":
        raise ValidationError("The selected file must be a CSV file (ending .csv)", code="type")
    if not size:
        raise ValidationError("The selected file is empty", code="empty")
    if size > max_bytes():
        limit = max_bytes() // (1024 * 1024)
        raise ValidationError(f"The selected file must be smaller than {limit} MB", code="size")
    sha256 = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    file.seek(0)
    for chunk in iter(lambda: file.read(_CHUNK), b""):
        sha256.update(chunk)
        _check_text(chunk, decoder)
    _check_text(b"", decoder, final=True)
    return CsvUpload(filename=name, sha256=sha256.hexdigest(), file=file)


def _check_text(chunk: bytes, decoder: codecs.IncrementalDecoder, *, final: bool = False) -> None:
    """Refuse a file that is not text, one chunk at a time: a NUL byte, or bytes that are not UTF-8."""
    if b"\x00" in chunk:
        raise ValidationError("The selected file is not a CSV file. Save it from your spreadsheet as 'CSV UTF-8'")
    try:
        decoder.decode(chunk, final=final)
    except UnicodeDecodeError as error:
        raise ValidationError(
            "The selected file must be saved as UTF-8. In Excel, choose Save as, then 'CSV UTF-8 (Comma delimited)'",
            code="encoding",
        ) from error
