"""What every form in Oversight shares: GOV.UK rendering through crispy-forms-gds, the GOV.UK date
input, and putting a service's ValidationError on the form.

Templates render `{% error_summary form %}` above the heading and `{% crispy form %}` inside
their own <form>, so every form shows the GOV.UK error summary pattern.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Size
from django import forms
from django.core.exceptions import ValidationError

DATE_HINT = "For example, 27 3 2023"


class GovukFormMixin:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        # Templates write their own {% csrf_token %} inside the <form> they own.
        self.helper.disable_csrf = True


class GovukDateField(DateInputField):
    """The GOV.UK date input (day, month, year) with messages that say what to fix."""

    def __init__(self, *, required_message: str = "Enter the day, month and year", **kwargs: Any) -> None:
        kwargs.setdefault("help_text", DATE_HINT)
        kwargs.setdefault("require_all_fields", False)
        super().__init__(**kwargs)
        self.error_messages["incomplete"] = "Enter the day, month and year"
        self.error_messages["required"] = required_message

    def compress(self, data_list: list[str]) -> dt.date | None:
        if not data_list or not all(data_list):
            return None
        day, month, year = data_list
        if len(year) != 4:
            raise ValidationError(f"The year must include 4 numbers. {DATE_HINT}", code="invalid_year")
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError as error:
            raise ValidationError(f"Enter a real date. {DATE_HINT}", code="invalid_date") from error


def add_service_error(form: forms.Form, error: ValidationError, redirect: dict[str, str] | None = None) -> None:
    """Put a service's ValidationError on the form: on its field if the form has one, else on top."""
    redirect = redirect or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        target = redirect.get(field, field)
        form.add_error(target if target in form.fields else None, errors)
