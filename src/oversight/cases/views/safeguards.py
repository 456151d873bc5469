"""The safeguards around a case's lock: break-glass access and its review, yearly restriction reviews,
and the PSD lead's alerts inbox.

A refused person gets 404 as for a case that does not exist; the break-glass form answers an unknown
reference and a forbidden one with the same words.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_POST

from oversight.accounts.sessions import posted, requires_fresh_second_factor
from oversight.forms import add_service_error
from oversight.request import AuthedRequest
from oversight.workforce.connections import direct_links

from .. import access, safeguards
from ..models import BreakGlass, Case, Exclusion, restriction_review_due
from ..rules import BREAK_GLASS_HOURS
from ..team_forms import BreakGlassForm, BreakGlassReviewForm, LiftExclusionForm, RestrictionReviewForm
from . import allowed, case_or_404, refusals_alert
from .team import case_context, case_url


def safeguards_page(request: AuthedRequest, pk: int) -> HttpResponse:
    case = case_or_404(request, pk, "safeguards page")
    allowed(access.can_see_safeguards(request.user, case))
    now = timezone.now()
    openings = case.break_glass.select_related("user", "reviewed_by")
    exclusions = list(case.exclusions.select_related("person", "lifted_by", "case"))
    context = case_context(
        request,
        case,
        openings=[(o, o.expires_at > now and o.revoked_at is None) for o in openings],
        reviews=case.restriction_reviews.select_related("reviewed_by"),
        due_on=restriction_review_due(case),
        overdue=safeguards.restriction_overdue(case),
        can_review_restriction=access.can_review_restriction(request.user, case),
        reviewable={o.pk for o in openings if access.can_review_break_glass(request.user, case, o.user_id)},
        exclusions=exclusions,
        liftable={e.pk for e in exclusions if access.can_lift_exclusion(request.user, e)},
        reviewable_lifts={e.pk for e in exclusions if access.can_review_exclusion_lift(request.user, e)},
    )
    return render(request, "cases/safeguard_detail.html", context)


@requires_fresh_second_factor(when=posted)  # ASVS 4.0.3 V3.7.1: a sensitive action asks for the factor again
def break_glass(request: AuthedRequest) -> HttpResponse:
    reference = request.POST.get("reference", "") if request.method == "POST" else ""
    with refusals_alert(request, lambda: safeguards.case_of_reference(reference), "break-glass by reference"):
        allowed(access.can_open_cases(request.user))  # professional standards staff; the case is checked on submit
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            opened = safeguards.break_glass(data["reference"], data["reason"] or "", request.user)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if opened.access is not None:
                until = timezone.localtime(opened.access.expires_at)
                messages.success(request, f"Break-glass access opened until {until:%H:%M on %d %B %Y}.")
            return redirect(case_url(opened.case))
    status = 400 if request.method == "POST" else 200
    return render(
        request, "cases/safeguard_break_glass.html", {"form": form, "hours": BREAK_GLASS_HOURS}, status=status
    )


def review_break_glass(request: AuthedRequest, pk: int, opening_id: int) -> HttpResponse:
    case = case_or_404(request, pk, "break-glass review")
    opening = get_object_or_404(BreakGlass.objects.select_related("user"), case=case, pk=opening_id)
    allowed(access.can_review_break_glass(request.user, case, opening.user_id) and opening.reviewed_at is None)
    form = BreakGlassReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            safeguards.review_break_glass(opening, request.user, justified=data["justified"], finding=data["finding"])
        except PermissionDenied as denied:
            raise Http404("No such case") from denied
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Break-glass review recorded.")
            return redirect("cases:safeguards", pk=case.pk)
    status = 400 if request.method == "POST" else 200
    context = case_context(request, case, form=form, opening=opening)
    return render(request, "cases/safeguard_review.html", context, status=status)


def _exclusion(request: AuthedRequest, pk: int, exclusion_id: int, what: str) -> tuple[Case, Exclusion]:
    case = case_or_404(request, pk, what)
    exclusion = get_object_or_404(Exclusion.objects.select_related("person", "lifted_by"), case=case, pk=exclusion_id)
    exclusion.case = case
    return case, exclusion


def lift_exclusion(request: AuthedRequest, pk: int, exclusion_id: int) -> HttpResponse:
    case, exclusion = _exclusion(request, pk, exclusion_id, "lifting an exclusion")
    allowed(access.can_lift_exclusion(request.user, exclusion))
    form = LiftExclusionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            safeguards.lift_exclusion(exclusion, request.user, form.cleaned_data["reason"] or "")
        except PermissionDenied as denied:
            raise Http404("No such case") from denied
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, f"The exclusion of {exclusion.person} is lifted. Another PSD lead will review it."
            )
            return redirect("cases:safeguards", pk=case.pk)
    return _exclusion_page(request, case, exclusion, form, "Lift an exclusion", "Lift the exclusion")


def review_exclusion(request: AuthedRequest, pk: int, exclusion_id: int) -> HttpResponse:
    case, exclusion = _exclusion(request, pk, exclusion_id, "reviewing a lifted exclusion")
    allowed(access.can_review_exclusion_lift(request.user, exclusion))
    form = BreakGlassReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            safeguards.review_exclusion_lift(
                exclusion, request.user, justified=data["justified"], finding=data["finding"]
            )
        except PermissionDenied as denied:
            raise Http404("No such case") from denied
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Review of the lifted exclusion recorded.")
            return redirect("cases:safeguards", pk=case.pk)
    return _exclusion_page(request, case, exclusion, form, "Review a lifted exclusion", "Record the review")


def _exclusion_page(
    request: AuthedRequest, case: Case, exclusion: Exclusion, form: Any, heading: str, button: str
) -> HttpResponse:
    links = [link.sentence for link in direct_links(exclusion.person_id, case.subject_ids())]
    context = case_context(request, case, form=form, exclusion=exclusion, links=links, heading=heading, button=button)
    return render(request, "cases/safeguard_exclusion.html", context, status=400 if form.is_bound else 200)


def review_restriction(request: AuthedRequest, pk: int) -> HttpResponse:
    case = case_or_404(request, pk, "restriction review")
    allowed(access.can_review_restriction(request.user, case))
    form = RestrictionReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review = safeguards.review_restriction(case, request.user, finding=form.cleaned_data["finding"])
        except PermissionDenied as denied:
            raise Http404("No such case") from denied
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Restriction review recorded. The next is due by {review.next_due_on:%d %B %Y}.")
            return redirect("cases:safeguards", pk=case.pk)
    status = 400 if request.method == "POST" else 200
    context = case_context(request, case, form=form, due_on=restriction_review_due(case))
    return render(request, "cases/safeguard_restriction.html", context, status=status)


def alerts(request: AuthedRequest) -> HttpResponse:
    allowed(access.can_see_alerts(request.user))
    unread = list(access.visible_alerts(request.user).unacknowledged().select_related("actor", "organisation"))
    case_type = ContentType.objects.get_for_model(Case)
    ids = {alert.object_id for alert in unread if alert.content_type_id == case_type.pk}
    # Each alert links to its case only where the lead may open it (visible_alerts already hides
    # the cases the lead is excluded from).
    cases = access.visible_cases(request.user).filter(pk__in=ids).in_bulk()
    linked = {alert.pk: cases.get(alert.object_id) for alert in unread if alert.content_type_id == case_type.pk}
    rows = [(alert, linked.get(alert.pk)) for alert in unread]
    rows_with_urls = [(alert, case, case_url(case) if case else "") for alert, case in rows]
    return render(request, "cases/alert_list.html", {"rows": rows_with_urls})


@require_POST
def acknowledge(request: AuthedRequest, alert_id: int) -> HttpResponse:
    with refusals_alert(request, lambda: safeguards.case_of_alert(alert_id), "an alert about the case"):
        allowed(access.can_see_alerts(request.user))
        try:
            safeguards.acknowledge_alert(alert_id, request.user)
        except PermissionDenied as denied:
            raise Http404("No such alert") from denied
    messages.success(request, "Alert acknowledged.")
    return redirect("cases:alerts")


urlpatterns: list[URLPattern] = [
    path("<int:pk>/safeguards/", safeguards_page, name="safeguards"),
    path("<int:pk>/safeguards/break-glass/<int:opening_id>/review/", review_break_glass, name="break_glass_review"),
    path("<int:pk>/safeguards/restriction-review/", review_restriction, name="restriction_review"),
    path("<int:pk>/safeguards/exclusions/<int:exclusion_id>/lift/", lift_exclusion, name="exclusion_lift"),
    path("<int:pk>/safeguards/lifted-exclusions/<int:exclusion_id>/review/", review_exclusion, name="exclusion_review"),
    path("break-glass/", break_glass, name="break_glass"),
    path("alerts/", alerts, name="alerts"),
    path("alerts/<int:alert_id>/acknowledge/", acknowledge, name="alert_acknowledge"),
]
