"""What every form in Oversight shares: GOV.UK rendering through crispy-forms-gds, GOV.UK error
messages derived from each field's label, the GOV.UK date input, text limits shown with the GOV.UK
character count, and putting a service's ValidationError on a form.

Templates render `{% error_summary form %}` above the heading and `{% crispy form %}` inside
their own <form>, so every form shows the GOV.UK error summary pattern.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.forms.utils import pretty_name

DATE_HINT = "For example, 27 3 2023"

# The years a date in Oversight can fall in: records, reports and service start dates are all
# after 1900, and 2100 leaves room for any deadline; year 0001 or 9999 is always a typing error.
YEARS = (1900, 2100)

# Limits for free text, by what it holds: a line (a name, a reference), a note or reasons,
# a narrative (an update, the text of a recommendation), and a document-length answer.
SHORT_TEXT = 500
TEXT = 2000
LONG_TEXT = 5000
DOCUMENT_TEXT = 20000
# For API text: PostgreSQL text cannot hold a NUL character (forms refuse it through Django's CharField).
NO_NUL = r"^[^\x00]*$"

_QUESTION_WORDS = ("how", "why", "what", "when", "where", "who", "which", "whether", "if")
_ARTICLES = ("the", "a", "an", "your", "their", "its")


def field_name(label: object) -> str:
    """The label as the name of the thing in a sentence's subject: "Meeting date (optional)" -> "Meeting date"."""
    text = re.sub(r"\s*\(optional\)\s*", " ", str(label or "")).strip().rstrip(":?").strip()
    return text or "This"


def _the(label: object) -> str:
    """The label as the object of "Enter ...": "Reasons" -> "the reasons", "Summary" -> "a summary"."""
    name = field_name(label)
    first = name.split()[0]
    if not re.fullmatch(r"[A-Z0-9]{2,}(?:'s)?", first):  # keep HMICFRS, IOPC, IDVA's
        name = name[0].lower() + name[1:]
        first = first.lower()
    if first in _QUESTION_WORDS or first in _ARTICLES:
        return name
    plural = re.search(r"[^su]s$", first) is not None  # "reasons", not "status" or "address"
    if " " in name or "'" in first or plural:
        return f"the {name}"
    return f"{'an' if re.match(r'[aeio]|u(?!s|ni)', name) else 'a'} {name}"


def required_message(field: forms.Field) -> str:
    """The GOV.UK message for a required field left empty, worded by what kind of input it is."""
    widget = field.widget
    if widget.is_hidden:  # the page itself sends it: only an old or altered page leaves it out
        return "Reload the page and try again"
    if isinstance(widget, forms.CheckboxInput):
        return f"Tick the box: {field_name(field.label)}"
    if str(field.label or "").rstrip().endswith("?"):
        return "Select an answer" if isinstance(field, forms.ChoiceField) else "Enter an answer"
    verb = "Select" if isinstance(field, forms.ChoiceField | forms.FileField) else "Enter"
    return f"{verb} {_the(field.label)}"


_DJANGO_REQUIRED = str(forms.Field.default_error_messages["required"])
# Django's own wording echoes the value sent, however long; these name the field instead.
_ECHOING = {
    "invalid_choice": str(forms.ChoiceField.default_error_messages["invalid_choice"]),
    "invalid_pk_value": str(forms.ModelMultipleChoiceField.default_error_messages["invalid_pk_value"]),
}


def govuk_messages(name: str, field: forms.Field) -> None:
    """Replace Django's generic messages ("This field is required.") with ones that name the field."""
    if isinstance(field, forms.MultiValueField):
        return  # the date field words its own
    if not field.label:
        field.label = pretty_name(name)
    messages = field.error_messages
    name = field_name(field.label)
    if str(messages.get("required")) == _DJANGO_REQUIRED:
        messages["required"] = required_message(field)
    for code, django_message in _ECHOING.items():
        if str(messages.get(code)) == django_message:
            messages[code] = f"Select {_the(field.label)} from the choices given"  # noqa: S608 (not SQL)
    if getattr(field, "max_length", None):
        messages.setdefault("max_length", f"{name} must be {field.max_length:,} characters or less")  # type: ignore[attr-defined]
    if (low := getattr(field, "min_value", None)) is not None and (high := getattr(field, "max_value", None)):
        between = f"{name} must be between {low:,} and {high:,}"
        messages.setdefault("min_value", between)
        messages.setdefault("max_value", between)


class GovukFormHelper(FormHelper):
    """Renders each limited text area with the GOV.UK character count, unless the form sets a layout."""

    def __init__(self, form: forms.BaseForm) -> None:
        super().__init__()
        self._form = form
        self._layout: Layout | None = None

    @property
    def layout(self) -> Layout:
        return self._layout or Layout(*(counted(name, field) for name, field in self._form.fields.items()))

    @layout.setter
    def layout(self, layout: Layout | None) -> None:
        self._layout = layout


def counted(name: str, field: forms.Field) -> Field | str:
    """A text area with a limit as the GOV.UK character count ("You can enter up to 2,000 characters")."""
    limit = getattr(field, "max_length", None)
    if not isinstance(field.widget, forms.Textarea) or not limit:
        return name
    # The count lets people paste and then shorten; a maxlength attribute would cut their text silently.
    field.widget.attrs.pop("maxlength", None)
    # crispy-forms-gds appends the count's id to aria-describedby, which must exist.
    field.widget.attrs.setdefault("aria-describedby", f"id_{name}_hint" if field.help_text else "")
    return Field.textarea(name, rows=field.widget.attrs.get("rows", 5), max_characters=limit)


class GovukFormMixin:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = GovukFormHelper(self)  # type: ignore[arg-type]
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        # Templates write their own {% csrf_token %} inside the <form> they own.
        self.helper.disable_csrf = True

    def full_clean(self) -> None:
        # Worded at validation time so fields added or relabelled in a form's __init__ are covered.
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            govuk_messages(name, field)
        super().full_clean()  # type: ignore[misc]

    def add_error(self, field: str | None, error: Any) -> None:
        """Also an error found after the date field's own checks (by the form or a service) links to the day."""
        super().add_error(field, error)  # type: ignore[misc]
        for name, date_field in self.fields.items():  # type: ignore[attr-defined]
            if isinstance(date_field, GovukDateField) and name in self.errors:  # type: ignore[attr-defined]
                date_field.link_to_day(list(self.errors[name]))  # type: ignore[attr-defined]


def text_area(
    label: str, *, required: bool = True, hint: str = "", rows: int = 4, max_length: int = TEXT, **kwargs: Any
) -> forms.CharField:
    """A multi-line text field with a limit, which the page shows as a GOV.UK character count."""
    widget = forms.Textarea(attrs={"rows": rows})
    return forms.CharField(
        label=label, required=required, help_text=hint, max_length=max_length, widget=widget, **kwargs
    )


def limit_length(field: forms.Field, max_length: int) -> None:
    """Give a field its form did not limit (Django's sign-in and password fields) a maximum length."""
    field.max_length = max_length  # type: ignore[attr-defined]
    field.validators.append(MaxLengthValidator(max_length))


# The largest id a database's integer column holds (a signed 64-bit integer).
MAX_ID = 2**63 - 1


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses an id beyond the database's integers as not one of the choices (SQLite would raise OverflowError)."""

    def clean(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else []:
            try:
                number = int(pk)
            except (TypeError, ValueError):
                continue  # Django's own check refuses it
            if not -MAX_ID - 1 <= number <= MAX_ID:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().clean(value)


PARTS = ("day", "month", "year")


class GovukDateField(DateInputField):
    """The GOV.UK date input (day, month, year) with the GOV.UK messages, each linked to the part to fix."""

    def __init__(self, *, required_message: str = "", years: tuple[int, int] = YEARS, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", DATE_HINT)
        kwargs.setdefault("require_all_fields", False)
        super().__init__(**kwargs)
        self.required_message = required_message
        self.years = years

    def clean(self, value: Any) -> dt.date | None:
        for part in self.fields:
            part.widget.errors = []
        if self.disabled and not isinstance(value, list | tuple):
            value = self.widget.decompress(value)
        values = list(value) if isinstance(value, list | tuple) else []
        parts = [str(part or "").strip() for part in [*values, None, None, None][:3]]
        out = self._date(parts)
        self.validate(out)
        self.run_validators(out)
        return out

    def _date(self, parts: list[str]) -> dt.date | None:
        name = field_name(self.label)
        if not any(parts):
            if self.required:
                raise self._error(0, self.required_message or f"Enter {_the(self.label)}", "required")
            return None
        missing = [PARTS[index] for index, part in enumerate(parts) if not part]
        if missing:
            raise self._error(PARTS.index(missing[0]), f"{name} must include a {' and '.join(missing)}", "incomplete")
        not_numbers = [index for index, part in enumerate(parts) if not re.fullmatch(r"[0-9]+", part)]
        if not_numbers:
            raise self._error(not_numbers[0], f"{name} must be a real date", "invalid_date")
        day, month, year = parts
        if len(day) > 2 or len(month) > 2:
            raise self._error(0 if len(day) > 2 else 1, f"{name} must be a real date", "invalid_date")
        if len(year) != 4:
            raise self._error(2, "Year must include 4 numbers", "invalid_year")
        low, high = self.years
        if not low <= int(year) <= high:
            raise self._error(2, f"Year must be between {low} and {high}", "year_range")
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError as error:
            raise self._error(0 if int(month) <= 12 else 1, f"{name} must be a real date", "invalid_date") from error

    def _error(self, part: int, message: str, code: str) -> ValidationError:
        """The error, shown once and linked to the part to fix (the error summary links to its input)."""
        self.fields[part].widget.errors = [message]
        return ValidationError(message, code=code)

    def link_to_day(self, messages: list[str]) -> None:
        """Errors not about one part (a date refused for what it means) link to the day, GOV.UK's first input.

        Without a part, the summary would link to the date's own id, which names no input, and focus would
        stay on the link."""
        if not any(getattr(part.widget, "errors", None) for part in self.fields):
            self.fields[0].widget.errors = messages


def add_service_error(form: forms.Form, error: ValidationError, redirect: dict[str, str] | None = None) -> None:
    """Put a service's ValidationError on the form: on its field if the form has one, else on top."""
    redirect = redirect or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        target = redirect.get(field, field)
        form.add_error(target if target in form.fields else None, errors)
