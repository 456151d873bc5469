"""The import's forms: the upload (one CSV or XLSX file, checked for type, size and first bytes before
the importer reads it) and the mapping of a force's column headings and measure-type codes to ours."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from oversight.forms import GovukFormMixin

from .import_columns import COLUMNS, FILE_REQUIRED
from .import_files import FileRefused
from .import_services import Upload, checked_upload, max_bytes
from .models import MeasureKind

NOT_IN_FILE = ""


class ImportForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="File of measures and breaches",
        widget=forms.FileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "class": "govuk-file-upload",
            }
        ),
        error_messages={"required": "Select a CSV or Excel file to import", "empty": "The selected file is empty"},
    )
    dry_run = forms.BooleanField(
        label="Check the file only: write nothing", required=False, help_text="Every row is checked and counted"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = max_bytes() // (1024 * 1024)
        self.fields["file"].help_text = f"A CSV (.csv) or Excel workbook (.xlsx), smaller than {limit} MB"

    def clean_file(self) -> Upload:
        upload: UploadedFile = self.cleaned_data["file"]
        try:
            return checked_upload(upload)
        except FileRefused as refused:
            raise ValidationError(str(refused), code="invalid") from refused


def _codes_field_name(kind: str) -> str:
    return f"codes_{kind}"


class MappingForm(GovukFormMixin, forms.Form):
    """For each of our fields, which of the file's headings holds it; for each measure type, the force's codes."""

    def __init__(self, headings: list[str], *args: Any, initial_columns: dict[str, str] | None = None,
                 initial_codes: dict[str, str] | None = None, **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        choices = [(NOT_IN_FILE, "Not in this file"), *((heading, heading) for heading in headings)]
        for column in COLUMNS:
            self.fields[column.name] = forms.ChoiceField(
                label=column.label, choices=choices, required=column.name in FILE_REQUIRED,
                initial=(initial_columns or {}).get(column.name, NOT_IN_FILE),
                error_messages={"required": f"Select the column that holds: {column.label.lower()}"},
            )  # fmt: skip
        codes = _codes_by_kind(initial_codes or {})
        for kind, label in MeasureKind.choices:
            self.fields[_codes_field_name(kind)] = forms.CharField(
                label=f"Your system's codes for a {label} (optional)", required=False, max_length=200,
                help_text="Separate codes with commas, for example NMO, NonMol", initial=codes.get(kind, ""),
            )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen: dict[str, str] = {}
        for column in COLUMNS:
            heading = data.get(column.name) or NOT_IN_FILE
            if heading in chosen.values():
                first = next(name for name, used in chosen.items() if used == heading)
                self.add_error(column.name, f"“{heading}” is already chosen for: {_label(first)}")
            elif heading:
                chosen[column.name] = heading
        data["columns"] = chosen
        data["codes"] = {"measure_type": self._codes()}
        return data

    def _codes(self) -> dict[str, str]:
        codes: dict[str, str] = {}
        for kind, _ in MeasureKind.choices:
            for code in (self.cleaned_data.get(_codes_field_name(kind)) or "").split(","):
                if code.strip():
                    codes[" ".join(code.lower().split())] = kind
        return codes


def _label(name: str) -> str:
    return next(column.label for column in COLUMNS if column.name == name).lower()


def _codes_by_kind(codes: dict[str, str]) -> dict[str, str]:
    by_kind: dict[str, list[str]] = {}
    for code, kind in codes.items():
        by_kind.setdefault(kind, []).append(code)
    return {kind: ", ".join(found) for kind, found in by_kind.items()}
