"""Who holds which role where: the building blocks every app's access module uses."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from .models import Membership, Organisation, Role

AnyUser = AbstractBaseUser | AnonymousUser


def memberships_of(user: AnyUser) -> list[Membership]:
    """The user's memberships, cached on the user object for the request."""
    if not user.is_authenticated:
        return []
    cached: list[Membership] | None = getattr(user, "_oversight_memberships", None)
    if cached is None:
        cached = list(Membership.objects.for_user(user).prefetch_related("covers"))
        setattr(user, "_oversight_memberships", cached)  # noqa: B010 (a per-request cache on the user object)
    return cached


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
