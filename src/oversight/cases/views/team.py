"""The case team: who is on it and how independent each is, assigning with the check shown, declarations,
the list of independent investigators, and the investigation ownership decision.

Every page answers 404 to anyone outside the case or not allowed the action, exactly as for a case
that does not exist; an excluded person's attempt alerts the PSD lead silently. Each read is logged.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse

from oversight.accounts.sessions import requires_fresh_second_factor
from oversight.forms import add_service_error
from oversight.organisations.models import Organisation
from oversight.request import AuthedRequest

from .. import access, assignments
from ..models import Case, Ownership, TeamMember, TeamRole
from ..team_forms import AssignForm, ConfirmAssignForm, DeclarationForm, OwnershipForm
from . import allowed, case_or_404


def case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


def case_context(request: AuthedRequest, case: Case, **extra: Any) -> dict[str, Any]:
    """What the case heading and its sub-navigation need, and the page's own context."""
    user = request.user
    return {
        "case": case,
        "case_url": case_url(case),
        "can_manage": access.can_manage_team(user, case),
        "can_see_safeguards": access.can_see_safeguards(user, case),
        **extra,
    }


def team(request: AuthedRequest, pk: int) -> HttpResponse:
    case = case_or_404(request, pk, "team page")
    rows = assignments.team_overview(case)
    mine = [row.member for row in rows if access.can_sign_declaration(request.user, row.member)]
    context = case_context(
        request,
        case,
        rows=rows,
        flagged=[row for row in rows if row.flagged],
        to_sign=[member for member in mine if member.declaration_signed_at is None],
        independent_roles=[role.value for role in assignments.INDEPENDENT_ROLES],
        external_force=assignments.external_force(case),
    )
    return render(request, "cases/team_detail.html", context)


def _assign_initial(request: AuthedRequest) -> dict[str, str]:
    return {key: request.GET[key] for key in ("role", "staff_number") if request.GET.get(key)}


def _assignment(data: dict[str, Any]) -> assignments.Assignment:
    return assignments.Assignment(
        role=data.get("role", ""),
        staff_number=data.get("staff_number") or "",
        external_user=data.get("external_user"),
        override=bool(data.get("override")),
        rationale=data.get("rationale") or "",
        confirmed=bool(data.get("confirmed")),
        seen=data.get("seen") or "",
    )


def _check_page(request: AuthedRequest, case: Case, form: ConfirmAssignForm, status: int) -> HttpResponse:
    """The confirm page with the check result; back to step one if the person named cannot be found."""
    external = assignments.external_users(case)
    try:
        check = assignments.preview(case, request.user, _assignment(getattr(form, "cleaned_data", {})))
    except PermissionDenied as denied:
        raise Http404("No such case") from denied
    except ValidationError as error:
        first = AssignForm(request.POST, external=external)
        if first.is_valid():
            add_service_error(first, error)
        return render(request, "cases/team_assign.html", case_context(request, case, form=first), status=400)
    data = request.POST.copy()
    data["seen"] = check.fingerprint  # what the assigner is shown is what they confirm
    form.data = data
    role = TeamRole(_role(form))
    independent = role in assignments.INDEPENDENT_ROLES
    form.show_only(
        override=independent and check.blocked,
        rationale=independent and (check.blocked or check.could_not_run),
        confirmed=independent and check.warned,
    )
    context = case_context(request, case, form=form, check=check, role=role, independent=independent)
    return render(request, "cases/team_confirm.html", context, status=status)


def _role(form: ConfirmAssignForm) -> str:
    return str(form.data.get("role", ""))


def _overriding(request: HttpRequest) -> bool:
    return request.method == "POST" and bool(request.POST.get("override"))


@requires_fresh_second_factor(when=_overriding)  # overriding an independence check asks for the factor again
def team_assign(request: AuthedRequest, pk: int) -> HttpResponse:
    case = case_or_404(request, pk, "team assignment page")
    allowed(access.can_manage_team(request.user, case))
    external = assignments.external_users(case)
    if request.method != "POST":
        form = AssignForm(initial=_assign_initial(request), external=external)
        return render(request, "cases/team_assign.html", case_context(request, case, form=form))
    form = ConfirmAssignForm(request.POST, external=external)
    if not form.is_valid() or request.POST.get("stage") != "confirm":
        return _check_page(request, case, form, 200)
    try:
        member = assignments.assign(case, request.user, _assignment(form.cleaned_data))
    except PermissionDenied as denied:
        raise Http404("No such case") from denied
    except ValidationError as error:
        add_service_error(form, error)
        return _check_page(request, case, form, 400)
    name = member.user.get_full_name() or member.user.username
    messages.success(request, f"{name} added to the team as {member.get_role_display()}.")
    return redirect("cases:team", pk=case.pk)


def team_remove(request: AuthedRequest, pk: int, member_id: int) -> HttpResponse:
    case = case_or_404(request, pk, "team page")
    allowed(access.can_manage_team(request.user, case))
    member = get_object_or_404(TeamMember.objects.active().select_related("user"), case=case, pk=member_id)
    if request.method == "POST":
        try:
            assignments.remove_member(case, member.pk, request.user)
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        else:
            messages.success(request, f"{member.user.get_full_name() or member.user} removed from the team.")
        return redirect("cases:team", pk=case.pk)
    return render(request, "cases/team_remove.html", case_context(request, case, member=member))


def team_declare(request: AuthedRequest, pk: int, member_id: int) -> HttpResponse:
    case = case_or_404(request, pk, "independence declaration")
    member = get_object_or_404(TeamMember.objects.active(), case=case, pk=member_id)
    allowed(access.can_sign_declaration(request.user, member))
    form = DeclarationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assignments.sign_declaration(member, request.user)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Declaration signed.")
            return redirect("cases:team", pk=case.pk)
    status = 400 if request.method == "POST" else 200
    context = case_context(request, case, member=member, form=form, text=assignments.DECLARATION_TEXT)
    return render(request, "cases/team_declare.html", context, status=status)


def team_candidates(request: AuthedRequest, pk: int) -> HttpResponse:
    case = case_or_404(request, pk, "independent investigators list")
    allowed(access.can_manage_team(request.user, case))
    found = assignments.candidates(case)
    return render(request, "cases/team_candidates.html", case_context(request, case, found=found))


def ownership(request: AuthedRequest, pk: int) -> HttpResponse:
    case = case_or_404(request, pk, "investigation ownership page")
    allowed(access.can_manage_team(request.user, case))
    forces = Organisation.objects.forces().exclude(pk=case.force_id)
    form = OwnershipForm(request.POST or None, forces=forces)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        choice = assignments.OwnershipChoice(
            ownership=data["ownership"],
            reasons=data["reasons"] or "",
            external_force=data["external_force"],
            victim_asked=data["victim_asked"],
        )
        try:
            assignments.record_ownership(case, request.user, choice)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Investigation ownership decision recorded.")
            return redirect("cases:team", pk=case.pk)
    context = case_context(
        request,
        case,
        form=form,
        reasons=assignments.external_force_recommendation(case),
        decisions=case.ownership_decisions.select_related("decided_by", "external_force"),
        external=Ownership.EXTERNAL,
    )
    return render(request, "cases/team_ownership.html", context, status=400 if request.method == "POST" else 200)


urlpatterns: list[URLPattern] = [
    path("<int:pk>/team/", team, name="team"),
    path("<int:pk>/team/assign/", team_assign, name="team_assign"),
    path("<int:pk>/team/candidates/", team_candidates, name="team_candidates"),
    path("<int:pk>/team/<int:member_id>/remove/", team_remove, name="team_remove"),
    path("<int:pk>/team/<int:member_id>/declaration/", team_declare, name="team_declare"),
    path("<int:pk>/ownership/", ownership, name="ownership"),
]
