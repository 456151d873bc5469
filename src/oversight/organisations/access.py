"""Who holds which role where: the building blocks every app's access module uses.

Every reader of memberships goes through `memberships_of` (or `Membership.objects.counting()` in a
query), so a membership counts only when its organisation is active and, for a guarded role (one
that opens cases, or an administrator's), when a second person approved it and its holder's login
is linked to their workforce register entry (`link_allows`). A pending grant is not a membership
at all: it lives in oversight.grants until approved.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db.models import QuerySet

from .models import CASE_ROLES, GUARDED_ROLES, Membership, Organisation, OrganisationKind, Role

AnyUser = AbstractBaseUser | AnonymousUser


def memberships_of(user: AnyUser) -> list[Membership]:
    """The user's memberships that count (`Membership.objects.counting`), cached on the user object for the request."""
    if not user.is_authenticated:
        return []
    cached: list[Membership] | None = getattr(user, "_oversight_memberships", None)
    if cached is None:
        cached = list(Membership.objects.for_user(user).counting().prefetch_related("covers"))
        setattr(user, "_oversight_memberships", cached)  # noqa: B010 (a per-request cache on the user object)
    return cached


def members_of(organisation: Organisation, *roles: Role) -> QuerySet[User]:
    """Active people whose membership of the organisation counts (of one of `roles`, if given): for
    lists of people to choose from, instead of joining `memberships` directly."""
    counting = Membership.objects.counting().filter(organisation=organisation)
    if roles:
        counting = counting.filter(role__in=roles)
    return User.objects.filter(is_active=True, pk__in=counting.values("user_id"))


def organisations_of(user: AnyUser) -> list[Organisation]:
    seen: dict[int, Organisation] = {}
    for membership in memberships_of(user):
        seen.setdefault(membership.organisation_id, membership.organisation)
    return sorted(seen.values(), key=lambda org: org.name)


def has_role(user: AnyUser, role: Role, organisation: Organisation | None = None) -> bool:
    return any(
        m.role == role and (organisation is None or m.organisation_id == organisation.pk) for m in memberships_of(user)
    )


def organisation_ids_with_role(user: AnyUser, *roles: Role) -> set[int]:
    return {m.organisation_id for m in memberships_of(user) if m.role in roles}


def covered_force_ids(user: AnyUser, role: Role) -> set[int]:
    """Forces a cross-organisation role (an HMICFRS lead) is assigned to."""
    return {force.pk for m in memberships_of(user) if m.role == role for force in m.covers.all()}


def is_administrator(user: AnyUser) -> bool:
    return has_role(user, Role.ADMINISTRATOR) or bool(getattr(user, "is_superuser", False))


def can_switch_to(user: AnyUser, organisation: Organisation) -> bool:
    return any(m.organisation_id == organisation.pk for m in memberships_of(user))


def needs_link(role: str, organisation_kind: str) -> bool:
    """Whether holding `role` needs the login linked to a workforce register entry: every role that
    reaches cases, and an administrator of a force (who manages its register)."""
    return role in CASE_ROLES or (role == Role.ADMINISTRATOR and organisation_kind == OrganisationKind.FORCE)


def link_allows(role: str, organisation: Organisation, home_force_id: int | None) -> bool:
    """Whether a login whose register entry is in `home_force_id` (None: not linked) may hold `role`
    in `organisation`: in its own force, or for an investigator, in another force too (an external
    investigator is excluded by their home force's register). `Membership.objects.counting` is the
    same rule in SQL."""
    if role not in GUARDED_ROLES or not needs_link(role, organisation.kind):
        return True
    if home_force_id is None:
        return False
    return home_force_id == organisation.pk or role == Role.INVESTIGATOR
