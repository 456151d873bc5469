"""Asking for, approving, refusing and revoking guarded roles: each a guarded function that checks
access, locks, writes, alerts the PSD leads and leaves the trail (the Grant row, the change log).

PermissionDenied means the person may not do this (views answer 404); ValidationError says what
to fix.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from oversight.audit.models import AlertKind, raise_alert
from oversight.organisations.access import needs_link
from oversight.organisations.admin_site import administration_permissions
from oversight.organisations.models import GUARDED_ROLES, Membership, Organisation, Role
from oversight.workforce.models import Person

from . import access
from .models import Grant, GrantState


@dataclass(frozen=True)
class GrantRequest:
    """What the person asking says: who, which role where, why, and their register entry if not yet linked."""

    user: User
    organisation: Organisation
    role: str
    reason: str
    person: Person | None = None


def _who(user: User | None) -> str:
    if user is None:
        return "Nobody recorded"
    return f"{user.get_full_name() or user.get_username()} ({user.get_username()})"


def _linked_person(user: User) -> Person | None:
    return Person.objects.filter(user_id=user.pk).select_related("force").first()


def _entry_errors(role: str, organisation: Organisation, user: User, named: Person | None) -> dict[str, str]:
    """Check the register entry the grant rests on: the login's own, or the one named for it."""
    if not needs_link(role, organisation.kind):
        return {}
    linked = _linked_person(user)
    if linked is not None and named is not None and named.pk != linked.pk:
        return {"staff_number": f"Their login is already linked to {linked.display_name} ({linked.staff_number})."}
    entry = linked or named
    if entry is None:
        return {"staff_number": access.link_problem(role, organisation, None)}
    if linked is None and entry.user_id is not None:
        return {"staff_number": "That register entry is already linked to another login."}
    if problem := access.link_problem(role, organisation, entry.force_id):
        return {"staff_number": problem}
    return {}


def _check_request(request: GrantRequest) -> Person | None:
    errors: dict[str, str] = {}
    if request.role not in GUARDED_ROLES:
        errors["role"] = "Choose a role that opens cases or grants roles."
    if not request.reason.strip():
        errors["reason"] = "Enter why they need the role."
    if not request.user.is_active:
        errors["username"] = "That login is deactivated."
    if errors:
        raise ValidationError(errors)
    if Membership.objects.filter(user=request.user, organisation=request.organisation, role=request.role).exists():
        raise ValidationError({"role": "They already hold this role in this organisation."})
    if Grant.objects.pending().filter(user=request.user, organisation=request.organisation, role=request.role).exists():
        raise ValidationError({"role": "This role has already been asked for them and is waiting for approval."})
    if errors := _entry_errors(request.role, request.organisation, request.user, request.person):
        raise ValidationError(errors)
    return _linked_person(request.user) or request.person


def _alert(kind: str, grant: Grant, by: User, detail: str) -> None:
    """Alert the PSD leads of the organisation, and of the grantee's home force when that is another."""
    raise_alert(kind, grant.organisation, grant, by, detail)
    home = grant.person.force if grant.person is not None else None
    if home is not None and home.pk != grant.organisation_id:
        raise_alert(kind, home, grant, by, detail)


def _describe(grant: Grant) -> str:
    entry = f", register entry {grant.person.display_name} ({grant.person.staff_number})" if grant.person else ""
    return f"{_who(grant.user)} as {grant.get_role_display()} in {grant.organisation.name}{entry}"


def ask(request: GrantRequest, by: User) -> Grant:
    """Ask for a guarded role for someone else; it counts nowhere until a second person approves it."""
    if not access.may_ask(by, request.organisation, request.role, request.user.pk):
        raise PermissionDenied(
            "Only a system administrator or the organisation's PSD lead asks for roles, never their own."
        )
    with transaction.atomic():
        person = _check_request(request)
        grant = Grant.objects.create(
            user=request.user,
            organisation=request.organisation,
            role=request.role,
            person=person,
            granted_by=by,
            reason=request.reason.strip(),
        )
        _alert(AlertKind.ROLE_ASKED, grant, by, f"{_who(by)} asked for {_describe(grant)}. Reason: {grant.reason}")
    return grant


def _locked_pending(grant_id: int, by: User) -> Grant:
    # Only the grant row is locked (PostgreSQL refuses FOR UPDATE on the nullable side of a join).
    related = ("organisation", "person__force", "user", "granted_by")
    grant = Grant.objects.select_for_update(of=("self",)).select_related(*related).get(pk=grant_id)
    if not access.may_decide(by, grant):
        raise PermissionDenied("Only a second person, neither the grantee nor the one who asked, decides a grant.")
    return grant


def _reason(reason: str, message: str) -> str:
    if not reason.strip():
        raise ValidationError({"reason": message})
    return reason.strip()


def _link(grant: Grant) -> None:
    """Link the login to the named register entry, if it is not linked yet; refuse if either changed since."""
    if not needs_link(grant.role, grant.organisation.kind):
        return
    linked = _linked_person(grant.user)
    if linked is not None:
        if grant.person_id not in (None, linked.pk):
            raise ValidationError("Their login has since been linked to another register entry: refuse this grant.")
        grant.person = linked
    elif grant.person is None:
        raise ValidationError(access.link_problem(grant.role, grant.organisation, None))
    elif Person.objects.filter(pk=grant.person.pk, user__isnull=True).update(user=grant.user) != 1:
        raise ValidationError("That register entry has since been linked to another login: refuse this grant.")
    assert grant.person is not None
    if problem := access.link_problem(grant.role, grant.organisation, grant.person.force_id):
        raise ValidationError(problem)


def approve(grant_id: int, by: User, reason: str) -> Membership:
    """The second person approves: the membership is written and counts from now."""
    with transaction.atomic():
        grant = _locked_pending(grant_id, by)
        reason = _reason(reason, "Enter why you approve it.")
        if not grant.user.is_active:
            raise ValidationError("That login has been deactivated since: refuse this grant.")
        if Membership.objects.filter(user=grant.user, organisation=grant.organisation, role=grant.role).exists():
            raise ValidationError("They already hold this role: refuse this grant.")
        _link(grant)
        now = timezone.now()
        membership = Membership.objects.create(
            user=grant.user,
            organisation=grant.organisation,
            role=grant.role,
            granted_by=grant.granted_by,
            approved_by=by,
            approved_at=now,
        )
        grant.state, grant.decided_by, grant.decided_at = GrantState.APPROVED, by, now
        grant.decision_reason, grant.membership = reason, membership
        grant.save()
        if grant.role == Role.ADMINISTRATOR:
            _give_admin_site(grant.user)
        detail = f"{_who(by)} approved {_describe(grant)}, asked for by {_who(grant.granted_by)}. Reason: {reason}"
        _alert(AlertKind.ROLE_APPROVED, grant, by, detail)
    return membership


def refuse(grant_id: int, by: User, reason: str) -> Grant:
    with transaction.atomic():
        grant = _locked_pending(grant_id, by)
        reason = _reason(reason, "Enter why you refuse it.")
        grant.state, grant.decided_by, grant.decided_at, grant.decision_reason = (
            GrantState.REFUSED, by, timezone.now(), reason,
        )  # fmt: skip
        grant.save()
        detail = f"{_who(by)} refused {_describe(grant)}, asked for by {_who(grant.granted_by)}. Reason: {reason}"
        _alert(AlertKind.ROLE_REFUSED, grant, by, detail)
    return grant


def revoke(membership_id: int, by: User, reason: str) -> Grant:
    """Take a guarded role away: the membership goes, its grant row keeps the trail."""
    with transaction.atomic():
        locked = Membership.objects.select_for_update(of=("self",)).select_related("organisation", "user")
        membership = locked.get(pk=membership_id)
        if not access.may_revoke(by, membership):
            raise PermissionDenied("Only a system administrator or the organisation's PSD lead revokes others' roles.")
        reason = _reason(reason, "Enter why the role is revoked.")
        grant = Grant.objects.filter(membership=membership).first() or Grant(
            user=membership.user,
            organisation=membership.organisation,
            role=membership.role,
            person=_linked_person(membership.user),
            granted_by=None,
            granted_at=membership.approved_at or timezone.now(),
            reason="Held before grants were kept.",
        )
        grant.state, grant.revoked_by, grant.revoked_at, grant.revocation_reason = (
            GrantState.REVOKED, by, timezone.now(), reason,
        )  # fmt: skip
        grant.membership = None
        grant.save()
        membership.delete()
        if (
            grant.role == Role.ADMINISTRATOR
            and not Membership.objects.filter(user=grant.user, role=Role.ADMINISTRATOR).exists()
        ):
            _take_admin_site(grant.user)
        _alert(AlertKind.ROLE_REVOKED, grant, by, f"{_who(by)} revoked {_describe(grant)}. Reason: {reason}")
    return grant


def _give_admin_site(user: User) -> None:
    """An approved administrator manages people and organisations in the admin site."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.add(*administration_permissions())


def _take_admin_site(user: User) -> None:
    user.is_staff = False
    user.save(update_fields=["is_staff"])
    user.user_permissions.remove(*administration_permissions())
