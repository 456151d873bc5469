"""Who on a case is told what: the PSD leads, the case handlers, the victim's single points of contact.

Every recipient also passes `notify`'s check that they may see the case now, so an excluded person
(a subject, anyone connected to one, whatever their role) is never told, and nor is anyone whose
place on the team has ended.
"""

from __future__ import annotations

from django.contrib.auth.models import User

from oversight.cases.models import BreakGlass, Case, TeamMember, TeamRole
from oversight.organisations.access import members_of
from oversight.organisations.models import Role

from .models import NotificationKind
from .services import notify


def psd_leads(case: Case) -> list[User]:
    return list(members_of(case.force, Role.PSD_LEAD))


def team(case: Case, *roles: TeamRole) -> list[User]:
    members = TeamMember.objects.active().filter(case=case, role__in=roles).select_related("user")
    return [member.user for member in members]


def tell(people: list[User], kind: NotificationKind, target: Case | BreakGlass, key: str, title: str = "") -> int:
    unique = {person.pk: person for person in people}
    return sum(notify(person, kind, target, key=key, title=title) for person in unique.values())


def break_glass_opened(opened: BreakGlass) -> int:
    """Break-glass access is reviewed by a PSD lead other than the person who opened it: tell them at once."""
    leads = [lead for lead in psd_leads(opened.case) if lead.pk != opened.user_id]
    return tell(leads, NotificationKind.BREAK_GLASS_REVIEW, opened, key=f"break-glass:{opened.pk}")
