"""The protection dashboard page (/protection/dashboard/): the scope and period chosen in a GET
form, the figures from `dashboard.dashboard` (the same function the API answers from), each chart
beside a table of its numbers. Someone who may count no force gets the 404 any missing page gets.

The app's `urls.py` appends `urlpatterns` from here, so the dashboard's routes stay in this module.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from oversight.db_routers import reading_from_replica
from oversight.forms import GovukDateField, GovukFormMixin, add_service_error
from oversight.organisations.access import organisation_ids_with_role
from oversight.organisations.models import Organisation, Role
from oversight.request import AuthedRequest

from . import access, charts, plans
from .dashboard import Dashboard, Period, default_period, period_from, scope_for, stages
from .dashboard import dashboard as figures_for
from .plan_forms import MonthlyFigureForm, PlanMeasureForm


class DashboardFilterForm(GovukFormMixin, forms.Form):
    force = forms.ModelChoiceField(queryset=Organisation.objects.none(), label="Force", required=False)
    start = GovukDateField(label="From", required=False, help_text="For example, 1 4 2026")
    end = GovukDateField(label="To", required=False, help_text="For example, 31 3 2027")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["force"]
        assert isinstance(field, forms.ModelChoiceField)
        counted = access.counting_force_ids(user)
        forces = Organisation.objects.forces().order_by("name")
        field.queryset = forces if counted is None else forces.filter(pk__in=counted)
        field.empty_label = "England and Wales" if counted is None else "All your forces"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            data["period"] = period_from(data.get("start"), data.get("end"))
        except ValidationError as error:
            self.add_error("end", error.message_dict["to"])
        return data


def dashboard_page(request: AuthedRequest) -> HttpResponse:
    """The figures for the scope and period asked for (by default: all one may count, twelve months)."""
    if not access.can_use_protection(request.user):
        raise Http404("Not available")
    form = DashboardFilterForm(request.GET or None, user=request.user)
    period: Period = default_period()
    force = None
    if form.is_bound and form.is_valid():
        period, force = form.cleaned_data["period"], form.cleaned_data.get("force")
    if "force" in form.errors:  # a force they may not count: the same answer as one that does not exist
        raise Http404("Not available")
    scope = scope_for(request.user, force.pk if force else None)
    if scope is None:
        raise Http404("Not available")
    with reading_from_replica():  # the scope was decided above, on the primary
        figures = figures_for(request.user, scope, period)
    context = {
        "form": form,
        "figures": figures,
        "can_set_plan": bool(access.governed_force_ids(request.user)),
        "can_enter_figures": bool(access.recording_force_ids(request.user)),
        "can_read": bool(access.reading_force_ids(request.user)),  # the sub-navigation leads to their records
        **_charts(figures),
    }
    return render(request, "protection/dashboard.html", context, status=400 if form.errors else 200)


def _charts(figures: Dashboard) -> dict[str, str]:
    where = f"{figures.scope.label}, {figures.period.start:%-d %B %Y} to {figures.period.end:%-d %B %Y}"
    months = [row.month for row in figures.by_month]
    trend = [
        ("Reported", [row.counts.reported for row in figures.by_month], charts.BLUE),
        ("Arrested", [row.counts.arrested for row in figures.by_month], charts.GREEN),
        ("Charged", [row.counts.charged for row in figures.by_month], charts.GREY),
    ]
    plan = [(r.measure.name, r.percent, float(r.measure.target_percent)) for r in figures.plan]
    return {
        "funnel_chart": charts.funnel_chart(
            list(stages(figures.funnel)), f"Breaches reported, arrested, charged and convicted: {where}"
        ),
        "trend_chart": charts.trend_chart(months, trend, f"Breaches by month of report: {where}"),
        "plan_chart": charts.plan_chart(plan, f"Police and crime plan measures against target: {where}")
        if plan
        else "",
    }


def plan_measure_new(request: AuthedRequest) -> HttpResponse:
    """A governing body's OPCC officer sets a plan measure for a force it governs."""
    bodies = organisation_ids_with_role(request.user, Role.OPCC_OFFICER)
    force_ids = access.governed_force_ids(request.user)
    if not bodies or not force_ids:
        raise Http404("Not available")
    form = PlanMeasureForm(request.POST or None, forces=Organisation.objects.forces().filter(pk__in=force_ids))
    if request.method == "POST" and form.is_valid():
        force = form.cleaned_data["force"]
        body = force.governing_body_on()
        try:
            plans.set_plan_measure(body, force, form.draft(), request.user)
        except PermissionDenied as refused:
            raise Http404("Not available") from refused
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Plan measure “{form.cleaned_data['name']}” set.")
            return redirect("protection:dashboard")
    status = 400 if form.errors else 200
    context = {"form": form, "title": "Set a police and crime plan measure", "button": "Set the measure"}
    return render(request, "protection/plan_form.html", context, status=status)


def monthly_figure(request: AuthedRequest) -> HttpResponse:
    """A force's protection team or PSD enters its monthly figure (domestic abuse arrests)."""
    force_ids = access.recording_force_ids(request.user)
    if not force_ids:
        raise Http404("Not available")
    form = MonthlyFigureForm(request.POST or None, forces=Organisation.objects.forces().filter(pk__in=force_ids))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plans.enter_monthly_figure(data["force"], data["figure"], form.month_start(), data["value"], request.user)
        except PermissionDenied as refused:
            raise Http404("Not available") from refused
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"{data['value']} entered for {form.month_start():%B %Y}.")
            return redirect("protection:dashboard")
    status = 400 if form.errors else 200
    context = {"form": form, "title": "Enter a monthly figure", "button": "Enter the figure"}
    return render(request, "protection/plan_form.html", context, status=status)


urlpatterns = [
    path("dashboard/", dashboard_page, name="dashboard"),
    path("dashboard/plan/new/", plan_measure_new, name="plan_measure_new"),
    path("dashboard/figures/", monthly_figure, name="monthly_figure"),
]
