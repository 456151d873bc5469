"""Who may import a force's workforce register and see its summary: ALL such decisions are made here.

Administrators and PSD leads of the force itself, by their membership in that force. Not PSD case
handlers: the register decides who is connected to whom, and so who is locked out of which case;
a handler connected to a subject must not be able to rewrite it. Nobody else, a superuser or an
administrator of another organisation included: every workforce URL is a 404 for them, as if the
force's register did not exist.
"""

from __future__ import annotations

from oversight.organisations.access import AnyUser, memberships_of, organisation_ids_with_role
from oversight.organisations.models import Organisation, OrganisationQuerySet, Role

MANAGER_ROLES = (Role.ADMINISTRATOR, Role.PSD_LEAD)


def manageable_force_ids(user: AnyUser) -> set[int]:
    """The organisations where the user holds a role that manages a register (forces are filtered below)."""
    return organisation_ids_with_role(user, *MANAGER_ROLES)


def manageable_forces(user: AnyUser) -> OrganisationQuerySet:
    """The forces whose register the user may import and see; look a force up only through this."""
    return Organisation.objects.forces().filter(pk__in=manageable_force_ids(user)).order_by("name")


def can_manage_register(user: AnyUser, force: Organisation) -> bool:
    return force.is_force and force.pk in manageable_force_ids(user)


def can_manage_any_register(user: AnyUser) -> bool:
    """Whether to show "Workforce" in the navigation; reads only the memberships cached on the user."""
    return any(m.role in MANAGER_ROLES and m.organisation.is_force for m in memberships_of(user))
