"""The demo's people: one login per role of the brief, and the liaison officers of the other forces."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.utils import timezone

from oversight.organisations.admin_site import administration_permissions
from oversight.organisations.demo import PASSWORD, Login
from oversight.organisations.models import Membership, Organisation, Role

MARKER_USERNAME = "wmp.liaison"

WMP, WEST_MERCIA, STAFFS, WARKS, AVON = (
    "west-midlands-police",
    "west-mercia-police",
    "staffordshire-police",
    "warwickshire-police",
    "avon-and-somerset-police",
)
WM_PCC = "governing-body:west-midlands-police"  # resolved through the force's governing body


@dataclass(frozen=True)
class Person:
    key: str
    username: str
    name: str
    role: Role
    organisation: str
    can: str
    portfolio: str = ""
    also: tuple[tuple[str, Role], ...] = ()
    covers: tuple[str, ...] = ()
    is_staff: bool = False


OTHER_FORCES = (WEST_MERCIA, STAFFS, WARKS, AVON)
OWNER_CAN = "Posts progress updates and evidence on their items, asks for extensions, submits for sign-off"
PEOPLE = (
    Person("liaison", "wmp.liaison", "Hannah Clarke", Role.LIAISON_OFFICER, WMP,
           "Keeps the register: assigns owners, decides extensions, records reviews and RAG overrides, checks "
           "submissions and passes them to HMICFRS; writes the chief constable's comments; prepares the JAC paper"),
    Person("ppu", "wmp.ppu", "Daniel Okafor", Role.OWNER, WMP, OWNER_CAN, portfolio="Public Protection Unit"),
    Person("contact", "wmp.contact", "Laura Bennett", Role.OWNER, WMP, OWNER_CAN, portfolio="Force Contact"),
    Person("cjs", "wmp.cjs", "Imran Hussain", Role.OWNER, WMP, OWNER_CAN, portfolio="Criminal Justice Services"),
    Person("local", "wmp.local", "Gareth Price", Role.OWNER, WMP, OWNER_CAN, portfolio="Local Policing"),
    Person("psd", "wmp.psd", "Siobhan Walsh", Role.OWNER, WMP, OWNER_CAN,
           portfolio="Professional Standards Department"),
    Person("fll", "hmicfrs.fll", "Martin Doyle", Role.HMICFRS_LEAD, "hmicfrs",
           "Reviews WMP's evidence: signs items off or returns them with reasons; records the inspectorate's status",
           covers=(WMP,)),
    Person("jac", "jac.member", "Patricia Lowe", Role.COMMITTEE_MEMBER, WMP,
           "Reads WMP's register, the PCC's responses and the Joint Audit Committee papers; changes nothing",
           also=((WM_PCC, Role.COMMITTEE_MEMBER),)),
    Person("opcc", "opcc.scrutiny", "Amir Chaudhry", Role.OPCC_OFFICER, WM_PCC,
           "Reads WMP's register; writes and publishes the PCC's 56-day responses"),
    Person("wmerc", "wmerc.liaison", "Tom Hale", Role.LIAISON_OFFICER, WEST_MERCIA,
           "Keeps West Mercia Police's register; sees nothing of West Midlands Police's"),
    Person("analyst", "apcc.analyst", "Grace Ellis", Role.NATIONAL_ANALYST, "apcc",
           "Adds reports and items; reads published reports; sees no force's register; sends national returns "
           "and follows who has answered (/returns/)"),
    Person("admin", "admin", "Sam Carter", Role.ADMINISTRATOR, "hmicfrs",
           "Manages people and organisations in the admin site (/admin/); asks for and approves roles that "
           "open cases on the Roles page (never their own); sees no register and no case", is_staff=True),
    Person("staffs", "staffs.liaison", "Kate Morris", Role.LIAISON_OFFICER, STAFFS,
           "Keeps Staffordshire Police's register"),
    Person("warks", "warks.liaison", "Ben Ashworth", Role.LIAISON_OFFICER, WARKS,
           "Keeps Warwickshire Police's register"),
    Person("avon", "avon.liaison", "Ruth Coleman", Role.LIAISON_OFFICER, AVON,
           "Keeps Avon and Somerset Police's register"),
    Person("fll2", "hmicfrs.fll2", "Joy Adeyemi", Role.HMICFRS_LEAD, "hmicfrs",
           "Reviews evidence for West Mercia, Staffordshire, Warwickshire, Avon and Somerset", covers=OTHER_FORCES),
)  # fmt: skip


def _organisation(reference: str) -> Organisation:
    if reference == WM_PCC:
        body = _organisation(WMP).governing_body_on(dt.date(2022, 9, 29))
        assert body is not None, "West Midlands Police has no governing body on record"
        return body
    return Organisation.objects.get(slug=reference)


def _create_people() -> dict[str, User]:
    hashed = make_password(PASSWORD)  # hashed once: the demo password is the same for everyone
    # Demo only: the roles are written as approved (the administrator's role is guarded: see oversight.grants).
    approved = timezone.now()
    people = {}
    for person in PEOPLE:
        first, last = person.name.split(" ", 1)
        user = User.objects.create(
            username=person.username, first_name=first, last_name=last, password=hashed,
            email=f"{person.username}@example.org", is_staff=person.is_staff,
        )  # fmt: skip
        membership = Membership.objects.create(
            user=user, organisation=_organisation(person.organisation), role=person.role, portfolio=person.portfolio,
            approved_at=approved,
        )  # fmt: skip
        membership.covers.set([_organisation(slug) for slug in person.covers])
        for organisation, role in person.also:
            Membership.objects.create(
                user=user, organisation=_organisation(organisation), role=role, approved_at=approved
            )
        if person.is_staff:
            user.user_permissions.set(administration_permissions())
        people[person.key] = user
    return people


def logins() -> list[Login]:
    """The register demo's logins, one row per person, for `oversight load_demo` to print."""
    return [Login(p.username, _role_label(p), _organisation_label(p), p.can) for p in PEOPLE]


def _role_label(person: Person) -> str:
    return f"Owner: {person.portfolio}" if person.portfolio else person.role.label


def _organisation_label(person: Person) -> str:
    label = " and ".join(
        [_organisation_name(person.organisation), *(_organisation_name(org) for org, _ in person.also)]
    )
    if person.covers:
        covered = _organisation_name(person.covers[0]) if len(person.covers) == 1 else f"{len(person.covers)} forces"
        label += f", covering {covered}"
    return label


def _organisation_name(reference: str) -> str:
    names = {WM_PCC: "West Midlands PCC", "hmicfrs": "HMICFRS", "apcc": "APCC"}
    return names.get(reference) or reference.replace("-", " ").title().replace(" And ", " and ")
