"""The GOV.UK error summary links every error on a date input to an input: its own part, else the day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.template import Context, Template

from oversight.forms import GovukDateField, GovukFormMixin, add_service_error

SUMMARY = Template("{% load crispy_forms_gds %}{% error_summary form %}")


class MeetingForm(GovukFormMixin, forms.Form):
    held_on = GovukDateField(label="Meeting date")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("held_on") and data["held_on"].year < 2000:
            self.add_error("held_on", "The meeting date must be in 2000 or later")
        return data


def _summary(form: forms.Form) -> str:
    return SUMMARY.render(Context({"form": form}))


def _posted(day: str, month: str, year: str) -> MeetingForm:
    form = MeetingForm({"held_on_0": day, "held_on_1": month, "held_on_2": year})
    form.is_valid()
    return form


def test_an_error_of_one_part_links_to_that_part() -> None:
    assert 'href="#id_held_on_1">Meeting date must include a month' in _summary(_posted("1", "", "2024"))
    assert 'href="#id_held_on_2">Year must include 4 numbers' in _summary(_posted("1", "2", "24"))


def test_an_error_the_form_finds_in_a_date_links_to_the_day() -> None:
    form = _posted("1", "2", "1999")
    assert 'href="#id_held_on_0">The meeting date must be in 2000 or later' in _summary(form)
    assert 'href="#id_held_on"' not in _summary(form)  # the date's own id names no input


def test_an_error_a_service_finds_in_a_date_links_to_the_day() -> None:
    form = _posted("1", "2", "2024")
    assert form.cleaned_data["held_on"] == dt.date(2024, 2, 1)
    add_service_error(form, ValidationError({"held_on": "A meeting is already held on that day"}))
    summary = _summary(form)
    assert 'href="#id_held_on_0">A meeting is already held on that day' in summary
    assert summary.count("A meeting is already held on that day") == 1
