"""Forms for a police and crime plan measure (the governing body) and a force's monthly figure."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet

from oversight.forms import GovukDateField, GovukFormMixin
from oversight.organisations.models import Organisation

from .plan_models import ForceFigure, PlanCount, TargetDirection
from .plans import PlanDraft


def _forces(field: forms.Field, forces: QuerySet[Organisation]) -> None:
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = forces.order_by("name")


class PlanMeasureForm(GovukFormMixin, forms.Form):
    force = forms.ModelChoiceField(queryset=Organisation.objects.none(), label="Force", empty_label=None)
    name = forms.CharField(label="Name of the measure", max_length=200)
    counts = forms.ChoiceField(label="What it counts", choices=PlanCount.choices, widget=forms.RadioSelect)
    direction = forms.ChoiceField(
        label="The target is", choices=TargetDirection.choices, initial=TargetDirection.AT_LEAST
    )
    target_percent = forms.DecimalField(label="Target, per cent", min_value=0, max_value=100, decimal_places=1)
    starts_on = GovukDateField(label="From", required_message="Enter the first day of the measure's period")
    ends_on = GovukDateField(label="To", required_message="Enter the last day of the measure's period")

    def __init__(self, *args: Any, forces: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _forces(self.fields["force"], forces)

    def draft(self) -> PlanDraft:
        data = self.cleaned_data
        return PlanDraft(
            data["name"], data["counts"], data["target_percent"], data["starts_on"], data["ends_on"], data["direction"]
        )


class MonthlyFigureForm(GovukFormMixin, forms.Form):
    force = forms.ModelChoiceField(queryset=Organisation.objects.none(), label="Force", empty_label=None)
    figure = forms.ChoiceField(label="Figure", choices=ForceFigure.choices, initial=ForceFigure.DOMESTIC_ABUSE_ARRESTS)
    month = GovukDateField(label="Month", required_message="Enter the month", help_text="The first day, e.g. 1 10 2026")
    value = forms.IntegerField(label="Number", min_value=0)

    def __init__(self, *args: Any, forces: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _forces(self.fields["force"], forces)

    def month_start(self) -> dt.date:
        month: dt.date = self.cleaned_data["month"]
        return month.replace(day=1)
