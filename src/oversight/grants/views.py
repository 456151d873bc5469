"""The Roles pages: grants waiting for a decision, asking for a role, deciding, the roles held, revoking.

Every page asks grants/access.py first; anyone refused gets the same 404 as for a page that does
not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from oversight.forms import add_service_error
from oversight.organisations.models import Membership
from oversight.request import AuthedRequest

from . import access, services
from .forms import AskForm, DecisionForm, RevokeForm
from .models import Grant


def allowed(permitted: bool) -> None:
    if not permitted:
        raise Http404("Not found")


@require_GET
def index(request: AuthedRequest) -> HttpResponse:
    allowed(access.has_grants_section(request.user))
    visible = access.visible_grants(request.user).select_related("user", "organisation", "granted_by", "decided_by")
    context = {
        "to_decide": list(access.decidable_grants(request.user).select_related("user", "organisation", "granted_by")),
        "asked": list(visible.pending().filter(granted_by=request.user)),
        "decided": list(visible.exclude(state="pending")[:20]),
    }
    return render(request, "grants/index.html", context)


@require_http_methods(["GET", "POST"])
def ask(request: AuthedRequest) -> HttpResponse:
    allowed(access.has_grants_section(request.user))
    form = AskForm(request.POST or None, organisations=access.grantable_organisations(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            grant = services.ask(form.request(), request.user)
        except PermissionDenied:
            form.add_error("username", "You cannot ask for a role for yourself: another person must ask for it.")
        except ValidationError as error:
            add_service_error(form, error, redirect={"person": "staff_number"})
        else:
            messages.success(
                request,
                f"You asked for {grant.user.get_full_name() or grant.user.username} to be "
                f"{grant.get_role_display().lower()} in {grant.organisation.name}. A second person must approve it.",
            )
            return redirect("grants:index")
    status = 400 if request.method == "POST" else 200
    return render(request, "grants/ask.html", {"form": form}, status=status)


def _grant(request: AuthedRequest, pk: int) -> Grant:
    related = ("user", "organisation", "person__force", "granted_by", "decided_by", "revoked_by")
    grant = get_object_or_404(Grant.objects.select_related(*related), pk=pk)
    allowed(access.may_see(request.user, grant))
    return grant


@require_http_methods(["GET", "POST"])
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    grant = _grant(request, pk)
    may_decide = access.may_decide(request.user, grant)
    if request.method == "POST":
        allowed(may_decide)
    form = DecisionForm(request.POST or None) if may_decide else None
    if form is not None and request.method == "POST" and form.is_valid():
        decide = services.approve if form.cleaned_data["decision"] == "approve" else services.refuse
        try:
            decide(grant.pk, request.user, form.cleaned_data["reason"])
        except PermissionDenied as denied:
            raise Http404("Not found") from denied
        except ValidationError as error:
            add_service_error(form, error)
        else:
            outcome = "approved" if form.cleaned_data["decision"] == "approve" else "refused"
            messages.success(request, f"Grant {outcome}. The PSD leads have been told.")
            return redirect("grants:index")
    status = 400 if request.method == "POST" else 200
    context = {"grant": grant, "form": form, "names_differ": _names_differ(grant)}
    return render(request, "grants/detail.html", context, status=status)


def _names_differ(grant: Grant) -> bool:
    """The login's name and the register entry's name differ: the approver should check who this is."""
    if grant.person is None:
        return False
    return grant.user.get_full_name().strip().casefold() != grant.person.name.strip().casefold()


@require_GET
def held(request: AuthedRequest) -> HttpResponse:
    allowed(access.has_grants_section(request.user))
    memberships = access.revocable_memberships(request.user).select_related("user", "organisation", "approved_by")
    return render(request, "grants/held.html", {"memberships": memberships.order_by("organisation__name", "role")})


@require_http_methods(["GET", "POST"])
def revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("user", "organisation"), pk=pk)
    allowed(access.may_revoke(request.user, membership))
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.revoke(membership.pk, request.user, form.cleaned_data["reason"])
        except PermissionDenied as denied:
            raise Http404("Not found") from denied
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Role revoked. The PSD leads have been told.")
            return redirect("grants:held")
    status = 400 if request.method == "POST" else 200
    return render(request, "grants/revoke.html", {"membership": membership, "form": form}, status=status)


urlpatterns = [
    path("", index, name="index"),
    path("new/", ask, name="ask"),
    path("<int:pk>/", detail, name="detail"),
    path("held/", held, name="held"),
    path("held/<int:pk>/revoke/", revoke, name="revoke"),
]
