"""The workforce import form: one CSV file, checked for type, size and encoding before the importer reads it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from oversight.forms import GovukFormMixin

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def max_bytes() -> int:
    """The largest file accepted; settings may override it with WORKFORCE_IMPORT_MAX_BYTES."""
    return int(getattr(settings, "WORKFORCE_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


@dataclass(frozen=True)
class CsvUpload:
    """A file that passed the checks: its name, its SHA-256 and its text (any byte-order mark removed)."""

    filename: str
    sha256: str
    text: str


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
        name = Path(upload.name or "").name
        if Path(name).suffix.lower() != ".csv":
            raise ValidationError("The selected file must be a CSV file (ending .csv)", code="type")
        if not upload.size:
            raise ValidationError("The selected file is empty", code="empty")
        if upload.size > max_bytes():
            limit = max_bytes() // (1024 * 1024)
            raise ValidationError(f"The selected file must be smaller than {limit} MB", code="size")
        content = b"".join(upload.chunks())
        return CsvUpload(filename=name[:255], sha256=hashlib.sha256(content).hexdigest(), text=_decode(content))


def _decode(content: bytes) -> str:
    if b"\x00" in content:
        raise ValidationError("The selected file is not a CSV file. Save it from your spreadsheet as 'CSV UTF-8'")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            "The selected file must be saved as UTF-8. In Excel, choose Save as, then 'CSV UTF-8 (Comma delimited)'",
            code="encoding",
        ) from error
