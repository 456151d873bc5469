"""The victim's pages on a PPDA case: read, and each change through one service function.

Every page finds its case through victims/access.py, which logs the read against the case and
answers 404 to anyone who cannot see it (and to anyone who can see it but may not make the change).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone

from oversight.cases.models import Case
from oversight.forms import add_service_error
from oversight.request import AuthedRequest

from . import access, services
from .forms import (
    ContactForm,
    DashForm,
    MaracForm,
    MaracUpdateForm,
    OicDecisionForm,
    OicRequestForm,
    PreferencesForm,
    ReferralForm,
    ReferralUpdateForm,
    RightStatusForm,
)
from .models import ContactPreferences, MaracReferral, OicChangeRequest, OicOutcome, SupportReferral
from .rules import RIGHT_NUMBERS, right_title

Data = dict[str, Any]


def case_page(request: AuthedRequest, case_pk: int) -> HttpResponse:
    user = request.user
    case = access.read_case(user, case_pk, "victim page")
    context = {
        "case": case,
        "victim": case.victim,
        **vars(services.victim_page(case, timezone.localdate())),
        "can_write": access.can_write(user, case),
        "can_decide": access.can_decide_oic_change(user, case),
        "can_read_log": access.can_read_log(user, case),
    }
    return render(request, "victims/case.html", context)


def preferences_history(request: AuthedRequest, case_pk: int) -> HttpResponse:
    case = access.read_case(request.user, case_pk, "victim: communication preferences history")
    context = {
        "case": case,
        "history": services.preferences_history(case),
        "can_read_log": access.can_read_log(request.user, case),
    }
    return render(request, "victims/preferences_history.html", context)


def overdue(request: AuthedRequest) -> HttpResponse:
    rows = access.log_list(request.user, services.overdue_contacts(request.user, timezone.localdate()), "overdue list")
    return render(request, "victims/overdue.html", {"rows": rows})


# --- one pattern for every change: check, parse, call the service, re-render on a clear error ---


@dataclass
class Action:
    title: str
    button: str
    done: str
    form: forms.Form
    perform: Callable[[Data], object]
    hint: str = ""
    context: Data = field(default_factory=dict)


def _run(request: AuthedRequest, case: Case, action: Action) -> HttpResponse:
    form = action.form
    if request.method == "POST" and form.is_valid():
        try:
            action.perform(form.cleaned_data)
        except PermissionDenied as denied:
            raise Http404("No such case") from denied
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, action.done)
            return redirect("victims:case", case_pk=case.pk)
    context = {"case": case, "action": action, "form": form, **action.context}
    return render(request, "victims/action.html", context, status=400 if request.method == "POST" else 200)


def _bound(request: AuthedRequest, form_class: type[forms.Form], initial: Data | None = None) -> forms.Form:
    if request.method == "POST":
        return form_class(request.POST, initial=initial)
    return form_class(initial=initial)


def _writable(request: AuthedRequest, case_pk: int, what: str) -> Case:
    return access.write_case(request.user, case_pk, f"victim: {what}")


_PREFERENCE_FIELDS = [name for name in PreferencesForm.base_fields if name != "expected_number"]


def _preferences_initial(current: ContactPreferences | None) -> Data:
    if current is None:
        return {"expected_number": 0}
    initial = {name: getattr(current, name) for name in _PREFERENCE_FIELDS if name != "note"}
    return {**initial, "expected_number": current.number}


def preferences_edit(request: AuthedRequest, case_pk: int) -> HttpResponse:
    case = _writable(request, case_pk, "change communication preferences")
    current = services.current_preferences(case)

    def perform(data: Data) -> object:
        new = services.PreferencesInput(**{name: data[name] for name in _PREFERENCE_FIELDS})
        return services.record_preferences(case, new, request.user, data["expected_number"])

    hint = "The earlier preferences are kept: this records a new set, dated and with your name."
    form = _bound(request, PreferencesForm, _preferences_initial(current))
    action = Action("Communication preferences", "Save preferences", "Preferences saved", form, perform, hint)
    return _run(request, case, action)


def contact_add(request: AuthedRequest, case_pk: int) -> HttpResponse:
    case = _writable(request, case_pk, "record a contact")

    def perform(data: Data) -> object:
        return services.record_contact(case, request.user, **data)

    current = services.current_preferences(case)
    hint = f"The victim chose: {current.get_channel_display().lower()}." if current else "No preferences recorded."
    form = _bound(request, ContactForm)
    return _run(request, case, Action("Record a contact with the victim", "Save contact", "Contact recorded",
                                      form, perform, hint))  # fmt: skip


def oic_request_add(request: AuthedRequest, case_pk: int) -> HttpResponse:
    case = _writable(request, case_pk, "record a request to change the officer in the case")

    def perform(data: Data) -> object:
        return services.request_oic_change(case, request.user, **data)

    form = _bound(request, OicRequestForm)
    title = "Request to change the officer in the case"
    return _run(request, case, Action(title, "Save request", "Request recorded", form, perform))


def oic_decide(request: AuthedRequest, case_pk: int, pk: int) -> HttpResponse:
    case = access.decide_case(request.user, case_pk, "victim: decide a change of officer in the case")
    oic = OicChangeRequest.objects.filter(case=case, pk=pk, outcome=OicOutcome.PENDING).first()
    if oic is None:
        raise Http404("No such request")

    def perform(data: Data) -> object:
        return services.decide_oic_change(oic, request.user, outcome=data["outcome"], reasons=data["reasons"])

    form = _bound(request, OicDecisionForm)
    context = {"oic": oic}
    return _run(request, case, Action("Decide the request to change the officer in the case", "Save decision",
                                      "Decision recorded", form, perform, context=context))  # fmt: skip


def referral_add(request: AuthedRequest, case_pk: int) -> HttpResponse:
    case = _writable(request, case_pk, "refer to a support service")

    def perform(data: Data) -> object:
        return services.refer_to_support(case, request.user, **data)

    form = _bound(request, ReferralForm, {"status": "awaiting", "out_of_area": "no"})
    return _run(
        request, case, Action("Refer to a support service", "Save referral", "Referral recorded", form, perform)
    )


def referral_update(request: AuthedRequest, case_pk: int, pk: int) -> HttpResponse:
    case = _writable(request, case_pk, "update a support referral")
    referral = SupportReferral.objects.filter(case=case, pk=pk).first()
    if referral is None:
        raise Http404("No such referral")

    def perform(data: Data) -> object:
        return services.update_referral(
            referral, request.user, status=data["status"], notes=data["notes"], expected_version=data["version"]
        )

    initial = {"status": referral.status, "notes": referral.notes, "version": referral.version}
    form = _bound(request, ReferralUpdateForm, initial)
    title = f"Referral to {referral.service_name}"
    return _run(request, case, Action(title, "Save", "Referral updated", form, perform))


def marac_add(request: AuthedRequest, case_pk: int) -> HttpResponse:
    case = _writable(request, case_pk, "record a MARAC referral")

    def perform(data: Data) -> object:
        return services.refer_to_marac(case, request.user, **data)

    form = _bound(request, MaracForm, {"closed_panel": "yes"})
    hint = "The suspect is police: a closed panel limits who attends the MARAC."
    return _run(
        request, case, Action("MARAC referral", "Save referral", "MARAC referral recorded", form, perform, hint)
    )


def marac_update(request: AuthedRequest, case_pk: int, pk: int) -> HttpResponse:
    case = _writable(request, case_pk, "update a MARAC referral")
    marac = MaracReferral.objects.filter(case=case, pk=pk).first()
    if marac is None:
        raise Http404("No such referral")

    def perform(data: Data) -> object:
        return services.update_marac(marac, request.user, meeting_on=data["meeting_on"],
                                     outcome_notes=data["outcome_notes"], expected_version=data["version"])  # fmt: skip

    initial = {"meeting_on": marac.meeting_on, "outcome_notes": marac.outcome_notes, "version": marac.version}
    form = _bound(request, MaracUpdateForm, initial)
    return _run(request, case, Action("MARAC meeting and outcome", "Save", "MARAC referral updated", form, perform))


def dash_add(request: AuthedRequest, case_pk: int) -> HttpResponse:
    case = _writable(request, case_pk, "record a DASH risk level")

    def perform(data: Data) -> object:
        return services.record_dash(case, request.user, **data)

    form = _bound(request, DashForm)
    return _run(request, case, Action("DASH risk level", "Save", "Risk level recorded", form, perform))


def code_right(request: AuthedRequest, case_pk: int, number: int) -> HttpResponse:
    if number not in RIGHT_NUMBERS:
        access.read_case(request.user, case_pk, "victim: Victims' Code right")
        raise Http404("No such right")
    case = _writable(request, case_pk, f"Victims' Code right {number}")

    def perform(data: Data) -> object:
        return services.set_right_status(case, request.user, right=number, **data)

    history = services.right_history(case, number)
    initial = {"status": history[0].status, "evidence": history[0].evidence} if history else {}
    form = _bound(request, RightStatusForm, initial)
    title = f"Right {number}: {right_title(number)}"
    hint = "A new status is recorded beside the earlier ones, which are kept."
    action = Action(title, "Save status", "Status recorded", form, perform, hint, context={"right_history": history})
    return _run(request, case, action)


urlpatterns: list[URLPattern] = [
    path("overdue/", overdue, name="overdue"),
    path("cases/<int:case_pk>/", case_page, name="case"),
    path("cases/<int:case_pk>/preferences/", preferences_edit, name="preferences"),
    path("cases/<int:case_pk>/preferences/history/", preferences_history, name="preferences_history"),
    path("cases/<int:case_pk>/contacts/add/", contact_add, name="contact_add"),
    path("cases/<int:case_pk>/officer-change/add/", oic_request_add, name="oic_add"),
    path("cases/<int:case_pk>/officer-change/<int:pk>/decide/", oic_decide, name="oic_decide"),
    path("cases/<int:case_pk>/referrals/add/", referral_add, name="referral_add"),
    path("cases/<int:case_pk>/referrals/<int:pk>/", referral_update, name="referral_update"),
    path("cases/<int:case_pk>/marac/add/", marac_add, name="marac_add"),
    path("cases/<int:case_pk>/marac/<int:pk>/", marac_update, name="marac_update"),
    path("cases/<int:case_pk>/dash/add/", dash_add, name="dash_add"),
    path("cases/<int:case_pk>/code/<int:number>/", code_right, name="code_right"),
]
