"""The named people used across the suite, each with the memberships their role implies."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User

from oversight.organisations.models import Organisation, Role
from tests.factories import member

PASSWORD = "correct-horse-battery-staple"


@dataclass
class Personas:
    liaison: User
    owner: User
    second_owner: User
    hmicfrs_lead: User
    committee_member: User
    opcc_officer: User
    other_force: User
    other_hmicfrs_lead: User
    administrator: User
    national_analyst: User
    no_role: User

    def refused_tracking(self) -> list[User]:
        """People who must not see West Midlands Police's register at all."""
        return [self.other_force, self.other_hmicfrs_lead, self.administrator, self.national_analyst, self.no_role]


def _person(username: str, first: str, last: str, *roles: tuple[Organisation, Role]) -> User:
    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD, first_name=first, last_name=last)
    for organisation, role in roles:
        member(user, organisation, role)
    return user


def make_personas() -> Personas:
    wmp = Organisation.objects.get(slug="west-midlands-police")
    pcc = wmp.governing_body_on()
    assert pcc is not None
    avon = Organisation.objects.get(slug="avon-and-somerset-police")
    hmicfrs = Organisation.objects.get(slug="hmicfrs")
    apcc = Organisation.objects.get(slug="apcc")
    lead = _person("hmicfrs.lead", "Helen", "Marsh", (hmicfrs, Role.HMICFRS_LEAD))
    lead.memberships.get().covers.add(wmp)
    other_lead = _person("hmicfrs.other", "Omar", "Price", (hmicfrs, Role.HMICFRS_LEAD))
    other_lead.memberships.get().covers.add(avon)
    return Personas(
        liaison=_person("wmp.liaison", "Rachel", "Jones", (wmp, Role.LIAISON_OFFICER)),
        owner=_person("wmp.owner", "Owen", "Patel", (wmp, Role.OWNER)),
        second_owner=_person("wmp.owner2", "Sara", "Kaur", (wmp, Role.OWNER)),
        hmicfrs_lead=lead,
        committee_member=_person(
            "jac.member", "Carol", "Evans", (wmp, Role.COMMITTEE_MEMBER), (pcc, Role.COMMITTEE_MEMBER)
        ),
        opcc_officer=_person("opcc.officer", "Priya", "Shah", (pcc, Role.OPCC_OFFICER)),
        other_force=_person("avon.liaison", "Alan", "Brook", (avon, Role.LIAISON_OFFICER)),
        other_hmicfrs_lead=other_lead,
        administrator=_person("admin", "Ada", "Min", (hmicfrs, Role.ADMINISTRATOR)),
        national_analyst=_person("apcc.analyst", "Nina", "Lowe", (apcc, Role.NATIONAL_ANALYST)),
        no_role=_person("no.role", "Norah", "Role"),
    )
