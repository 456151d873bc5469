"""Pages of protective measures: a force's measures (filtered), a measure with its timeline and clocks,
the forms for each change, breaches, powers not used, and the force's worklist.

Every record is looked up in the person's scope (`access.visible_*`): someone outside it, or shut out
by a PPDA case's lock, gets the same 404 as for a record that does not exist. A change refused by the
statutory rules shows the form again with the reason and the rule's source in the error summary.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from oversight.cases.search import search_cases
from oversight.forms import add_service_error
from oversight.request import AuthedRequest

from . import access, clocks, services
from .forms import (
    BreachForm,
    ChargeForm,
    EndForm,
    ExtendForm,
    FilterForm,
    MeasureForm,
    NotificationForm,
    OutcomeForm,
    ResponseForm,
    ServeForm,
    ToldForm,
    UnusedPowerForm,
    VaryForm,
)
from .models import Breach, Measure, MeasureStatus, UnusedPower
from .worklist import worklist

app_name = "protection"
NOT_AVAILABLE = "Not available"


def _section(request: AuthedRequest) -> None:
    if not access.can_use_protection(request.user):
        raise Http404(NOT_AVAILABLE)


def _measure(request: AuthedRequest, pk: int) -> Measure:
    measure = services.read_measure(request.user, pk)
    if measure is None:
        services.note_refusal(request.user, Measure, pk, "web")
        raise Http404(NOT_AVAILABLE)
    return measure


def _changeable(request: AuthedRequest, pk: int) -> Measure:
    measure = _measure(request, pk)
    if not access.can_change_measure(request.user, measure):
        raise Http404(NOT_AVAILABLE)
    return measure


def _breach(request: AuthedRequest, pk: int) -> Breach:
    breaches = access.visible_breaches(request.user).select_related(
        "measure", "measure__measure_type", "measure__force"
    )
    breach = breaches.filter(pk=pk).first()
    if breach is None or not access.can_record_in_force(request.user, breach.measure.force_id):
        services.note_refusal(request.user, Breach, pk, "web")
        raise Http404(NOT_AVAILABLE)
    return breach


def _power(request: AuthedRequest, pk: int) -> UnusedPower:
    powers = access.visible_unused_powers(request.user).select_related("force", "measure_type", "recorded_by")
    power = powers.filter(pk=pk).first()
    if power is None:
        services.note_refusal(request.user, UnusedPower, pk, "web")
        raise Http404(NOT_AVAILABLE)
    return power


def _form_page(
    request: AuthedRequest, form: forms.Form, title: str, back: str, error: ValidationError | None = None, **extra: Any
) -> HttpResponse:
    """One template for every form: the error summary (with each refusing rule's source), the fields, a button."""
    refusals = getattr(error, "refusals", [])
    context = {"form": form, "title": title, "back": back, "refusals": refusals, **extra}
    return render(request, "protection/form.html", context, status=400 if form.errors else 200)


def _attempt(form: forms.Form, change: Callable[[], Any]) -> tuple[Any, ValidationError | None]:
    """Run one guarded change: refusals by access become a 404; bad input or the rules go on the form."""
    try:
        return change(), None
    except PermissionDenied as denied:
        raise Http404(NOT_AVAILABLE) from denied
    except ValidationError as error:
        add_service_error(form, error, {"reference": "measure_reference"})
        return None, error


# Measures


def measure_list(request: AuthedRequest) -> HttpResponse:
    term = str(request.GET.get("q", ""))
    if term.strip():
        # A name typed here may be a PPDA case's subject: searched as the case search does (whoever asks,
        # before anything else), so an excluded person's search alerts the force's PSD lead, silently.
        search_cases(request.user, term)
    _section(request)
    form = FilterForm(request.GET or None, user=request.user)
    measures = access.visible_measures(request.user).select_related("force", "measure_type")
    if form.is_valid():
        data = form.cleaned_data
        if data.get("kind"):
            measures = measures.filter(measure_type__kind=data["kind"])
        if data.get("status"):
            measures = measures.filter(status=data["status"])
        if data.get("force"):
            measures = measures.filter(force=data["force"])
        if data.get("q"):
            measures = measures.filter(Q(reference__icontains=data["q"]) | Q(restrained_name__icontains=data["q"]))
    counts = access.counted_measures(request.user).values("status")
    context = {
        "measures": measures.order_by("-made_at", "-pk")[:200],
        "filters": form,
        "can_record": bool(access.recording_force_ids(request.user)),
        "counted": counts.count(),
        "can_read": bool(access.reading_force_ids(request.user)),
    }
    return render(request, "protection/measure_list.html", context)


def new_measure(request: AuthedRequest) -> HttpResponse:
    if not access.recording_force_ids(request.user):
        raise Http404(NOT_AVAILABLE)
    form = MeasureForm(request.POST or None, user=request.user)
    error = None
    if request.method == "POST" and form.is_valid():
        created, error = _attempt(form, lambda: services.record_measure(request.user, form.draft()))
        if created is not None:
            messages.success(request, f"{created.measure_type.short_name} {created.reference} recorded")
            if access.can_view_measure(request.user, created):
                return redirect("protection:measure", pk=created.pk)
            return redirect("protection:measures")
    return _form_page(request, form, "Record a protective measure", "protection:measures", error)


def measure_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    measure = _measure(request, pk)
    context = {
        "measure": measure,
        "clocks": clocks.clocks(measure),
        "can_change": access.can_change_measure(request.user, measure),
        "can_report": access.can_record_in_force(request.user, measure.force_id),
        "in_force": measure.status == MeasureStatus.IN_FORCE,
        "events": measure.events.all(),
        "notifications": measure.notifications.all(),
        "breaches": measure.breaches.all(),
        "conditions": measure.conditions.all(),
        "protected": measure.protected.all(),
        "authorisations": measure.authorisations.all(),
        "rule": measure.rule,
    }
    return render(request, "protection/measure_detail.html", context)


def _measure_change(
    request: AuthedRequest, pk: int, form_class: Any, title: str, change: Callable[[Measure, Any], Any]
) -> HttpResponse:
    measure = _changeable(request, pk)
    extra: dict[str, Any] = {"measure": measure} if form_class is VaryForm else {}
    form = form_class(request.POST or None, initial={"version": measure.version}, **extra)
    error = None
    if request.method == "POST" and form.is_valid():
        done, error = _attempt(form, lambda: change(measure, form))
        if done is not None:
            messages.success(request, f"{title}: recorded")
            return redirect("protection:measure", pk=measure.pk)
    return _form_page(request, form, title, "protection:measure", error, back_pk=measure.pk, measure=measure)


def serve(request: AuthedRequest, pk: int) -> HttpResponse:
    return _measure_change(
        request, pk, ServeForm, "Record it as served",
        lambda m, f: services.serve(m, request.user, f.cleaned_data["version"], f.served_at()),
    )  # fmt: skip


def vary(request: AuthedRequest, pk: int) -> HttpResponse:
    def change(measure: Measure, form: Any) -> Measure:
        data = form.cleaned_data
        removed = [int(pk) for pk in data["remove"]]
        return services.vary(
            measure, request.user, data["version"], data["varied_on"], data["add"].splitlines(), removed, data["reason"]
        )

    return _measure_change(request, pk, VaryForm, "Vary the conditions", change)


def extend(request: AuthedRequest, pk: int) -> HttpResponse:
    return _measure_change(
        request, pk, ExtendForm, "Extend it",
        lambda m, f: services.extend(m, request.user, f.cleaned_data["version"], f.draft()),
    )  # fmt: skip


def end(request: AuthedRequest, pk: int) -> HttpResponse:
    return _measure_change(
        request, pk, EndForm, "End it",
        lambda m, f: services.end(m, request.user, f.cleaned_data["version"], f.cleaned_data["ended_on"], f.cleaned_data["reason"]),  # noqa: E501
    )  # fmt: skip


def notify(request: AuthedRequest, pk: int) -> HttpResponse:
    measure = _changeable(request, pk)
    form = NotificationForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        done, error = _attempt(form, lambda: services.record_notification(measure, request.user, form.notification()))
        if done is not None:
            messages.success(request, "What the victim was told is recorded")
            return redirect("protection:measure", pk=measure.pk)
    return _form_page(
        request,
        form,
        "Record what the victim was told",
        "protection:measure",
        error,
        back_pk=measure.pk,
        measure=measure,
    )


# Breaches


def report_breach(request: AuthedRequest, pk: int) -> HttpResponse:
    measure = _measure(request, pk)
    if not access.can_record_in_force(request.user, measure.force_id):
        raise Http404(NOT_AVAILABLE)
    form = BreachForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        done, error = _attempt(form, lambda: services.report_breach(measure, request.user, form.report()))
        if done is not None:
            messages.success(request, "Breach reported. Record the police response when there is one.")
            return redirect("protection:breach", pk=done.pk)
    return _form_page(
        request, form, "Report a breach", "protection:measure", error, back_pk=measure.pk, measure=measure
    )


def breach_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    breach = _breach(request, pk)
    return render(request, "protection/breach_detail.html", {"breach": breach, "measure": breach.measure})


def _breach_change(
    request: AuthedRequest, pk: int, form_class: type[forms.Form], title: str, change: Callable[[Breach, Any], Any]
) -> HttpResponse:
    breach = _breach(request, pk)
    form = form_class(request.POST or None, initial={"version": breach.version})
    error = None
    if request.method == "POST" and form.is_valid():
        done, error = _attempt(form, lambda: change(breach, form))
        if done is not None:
            messages.success(request, f"{title} recorded")
            return redirect("protection:breach", pk=breach.pk)
    return _form_page(request, form, title, "protection:breach", error, back_pk=breach.pk, measure=breach.measure)


def breach_response(request: AuthedRequest, pk: int) -> HttpResponse:
    return _breach_change(
        request, pk, ResponseForm, "Police response",
        lambda b, f: services.record_response(
            b, request.user, f.cleaned_data["version"], f.cleaned_data["response"], f.responded_at(),
            f.cleaned_data["no_action_reason"],
        ),
    )  # fmt: skip


def breach_charge(request: AuthedRequest, pk: int) -> HttpResponse:
    return _breach_change(
        request, pk, ChargeForm, "Charge",
        lambda b, f: services.record_charge(b, request.user, f.cleaned_data["version"], f.cleaned_data["charged_on"], f.cleaned_data["charge"]),  # noqa: E501
    )  # fmt: skip


def breach_outcome(request: AuthedRequest, pk: int) -> HttpResponse:
    return _breach_change(
        request, pk, OutcomeForm, "Outcome",
        lambda b, f: services.record_outcome(b, request.user, f.cleaned_data["version"], f.cleaned_data["outcome"], f.cleaned_data["outcome_on"]),  # noqa: E501
    )  # fmt: skip


# Powers not used


def unused_list(request: AuthedRequest) -> HttpResponse:
    _section(request)
    powers = access.visible_unused_powers(request.user).select_related("force", "measure_type")
    context = {"powers": powers[:200], "can_record": bool(access.recording_force_ids(request.user))}
    return render(request, "protection/unused_list.html", context)


def new_unused(request: AuthedRequest) -> HttpResponse:
    if not access.recording_force_ids(request.user):
        raise Http404(NOT_AVAILABLE)
    form = UnusedPowerForm(request.POST or None, user=request.user)
    error = None
    if request.method == "POST" and form.is_valid():
        created, error = _attempt(form, lambda: services.record_unused_power(request.user, form.draft()))
        if created is not None:
            messages.success(request, "Power not used recorded")
            if access.can_view_unused_power(request.user, created):
                return redirect("protection:unused", pk=created.pk)
            return redirect("protection:unused_list")
    return _form_page(request, form, "Record a power not used", "protection:unused_list", error)


def unused_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    power = _power(request, pk)
    context = {"power": power, "can_change": access.can_change_unused_power(request.user, power)}
    return render(request, "protection/unused_detail.html", context)


def unused_told(request: AuthedRequest, pk: int) -> HttpResponse:
    power = _power(request, pk)
    if not access.can_change_unused_power(request.user, power):
        raise Http404(NOT_AVAILABLE)
    form = ToldForm(request.POST or None, initial={"version": power.version})
    error = None
    if request.method == "POST" and form.is_valid():
        done, error = _attempt(
            form,
            lambda: services.record_victim_told(
                power, request.user, form.cleaned_data["version"], form.told_at(), form.cleaned_data["method"]
            ),
        )
        if done is not None:
            messages.success(request, "Recorded that the victim was told")
            return redirect("protection:unused", pk=power.pk)
    return _form_page(request, form, "Record that the victim was told", "protection:unused", error, back_pk=power.pk)


# The worklist


def worklist_page(request: AuthedRequest) -> HttpResponse:
    if not access.reading_force_ids(request.user):
        raise Http404(NOT_AVAILABLE)
    return render(request, "protection/worklist.html", {"work": worklist(request.user)})


urlpatterns = [
    path("", measure_list, name="measures"),
    path("new/", new_measure, name="new"),
    path("worklist/", worklist_page, name="worklist"),
    path("<int:pk>/", measure_detail, name="measure"),
    path("<int:pk>/serve/", serve, name="serve"),
    path("<int:pk>/vary/", vary, name="vary"),
    path("<int:pk>/extend/", extend, name="extend"),
    path("<int:pk>/end/", end, name="end"),
    path("<int:pk>/victim/", notify, name="notify"),
    path("<int:pk>/breach/", report_breach, name="report_breach"),
    path("breaches/<int:pk>/", breach_detail, name="breach"),
    path("breaches/<int:pk>/response/", breach_response, name="breach_response"),
    path("breaches/<int:pk>/charge/", breach_charge, name="breach_charge"),
    path("breaches/<int:pk>/outcome/", breach_outcome, name="breach_outcome"),
    path("unused/", unused_list, name="unused_list"),
    path("unused/new/", new_unused, name="new_unused"),
    path("unused/<int:pk>/", unused_detail, name="unused"),
    path("unused/<int:pk>/told/", unused_told, name="unused_told"),
]
