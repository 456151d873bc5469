"""Who may ask for, decide and revoke guarded roles: ALL such decisions are made here.

A system administrator (an administrator's role anywhere, counted like any other, or a superuser
made on the command line) may act in any active organisation; the PSD lead of an organisation in
that organisation only. Never for themselves: nobody asks for their own role, decides a grant to
themselves or one they asked for, or revokes their own role. Anyone else gets a 404 for every
grant page, as if it did not exist.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from oversight.organisations.access import AnyUser, is_administrator, link_allows, organisation_ids_with_role
from oversight.organisations.models import GUARDED_ROLES, Membership, Organisation, Role

from .models import Grant, GrantQuerySet, GrantState


def is_system_administrator(user: AnyUser) -> bool:
    return user.is_authenticated and is_administrator(user)


def led_organisation_ids(user: AnyUser) -> set[int]:
    """Organisations whose PSD lead this person is: where a lead may grant."""
    return organisation_ids_with_role(user, Role.PSD_LEAD)


def may_grant_in(user: AnyUser, organisation: Organisation) -> bool:
    """Whether this person may ask for or decide guarded roles in the organisation (for others)."""
    if not user.is_authenticated or not organisation.is_active:
        return False
    return is_system_administrator(user) or organisation.pk in led_organisation_ids(user)


def has_grants_section(user: AnyUser) -> bool:
    """Show "Roles" in the navigation? Reads only the memberships cached on the user."""
    return is_system_administrator(user) or bool(led_organisation_ids(user))


def grantable_organisations(user: AnyUser) -> QuerySet[Organisation]:
    """The organisations a grant by this person may name."""
    active = Organisation.objects.filter(is_active=True)
    if is_system_administrator(user):
        return active
    return active.filter(pk__in=led_organisation_ids(user))


def may_ask(user: AnyUser, organisation: Organisation, role: str, grantee_id: int) -> bool:
    """Ask for `role` in `organisation` for someone else."""
    return role in GUARDED_ROLES and grantee_id != user.pk and may_grant_in(user, organisation)


def may_decide(user: AnyUser, grant: Grant) -> bool:
    """Approve or refuse: a second person, neither the grantee nor the one who asked."""
    return (
        grant.state == GrantState.PENDING
        and user.pk not in (grant.user_id, grant.granted_by_id)
        and may_grant_in(user, grant.organisation)
    )


def may_see(user: AnyUser, grant: Grant) -> bool:
    """The grant's page: anyone who may grant in its organisation, but not the grantee."""
    return grant.user_id != user.pk and may_grant_in(user, grant.organisation)


def may_revoke(user: AnyUser, membership: Membership) -> bool:
    """Take a guarded role away from someone else: one person suffices, and it alerts."""
    return (
        membership.role in GUARDED_ROLES
        and membership.user_id != user.pk
        and may_grant_in(user, membership.organisation)
    )


def _in_reach(user: AnyUser) -> Q:
    if is_system_administrator(user):
        return Q(organisation__is_active=True)
    return Q(organisation__is_active=True, organisation_id__in=led_organisation_ids(user))


def visible_grants(user: AnyUser) -> GrantQuerySet:
    """Grants in the organisations this person may grant in, less their own."""
    if not has_grants_section(user):
        return Grant.objects.none()
    return Grant.objects.filter(_in_reach(user)).exclude(Q(user_id=user.pk))


def decidable_grants(user: AnyUser) -> GrantQuerySet:
    """Pending grants this person may approve or refuse."""
    return visible_grants(user).pending().exclude(granted_by_id=user.pk)


def revocable_memberships(user: AnyUser) -> QuerySet[Membership]:
    """Guarded roles held by others in the organisations this person may grant in."""
    if not has_grants_section(user):
        return Membership.objects.none()
    return Membership.objects.filter(_in_reach(user), role__in=GUARDED_ROLES).exclude(Q(user_id=user.pk))


def link_problem(role: str, organisation: Organisation, person_force_id: int | None) -> str:
    """Why the register entry does not allow the role (blank when it does)."""
    if link_allows(role, organisation, person_force_id):
        return ""
    if person_force_id is None:
        return (
            "Their login is not linked to an entry in the workforce register. Give their staff number, "
            "so that the cases they are connected to stay closed to them."
        )
    return (
        f"Their workforce register entry is in another force. Only an investigator may hold a role in "
        f"{organisation.name} with a register entry elsewhere."
    )
