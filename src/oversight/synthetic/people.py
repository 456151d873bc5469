"""The people who use a generated nation: a handful of logins per force and the national ones.

Per force: the liaison officer and four recommendation owners (senior people of the generated
workforce, their logins linked to their register entries), the professional standards department
(a PSD lead, two case handlers, an appropriate authority, an investigator and a single point of
contact, in a unit of their own, so that no generated case's subject is connected to them), the
protection team, and the governing body's OPCC officer and audit committee member. Nationally:
an HMICFRS force liaison lead per region covering its forces, a national analyst of the APCC and
three system administrators. Roles that open cases, and the administrators', are written with an
approved grant naming who asked and who approved (two administrators, never the holder), as the
two-person rule requires; every login shares one password, given or generated, never the demo's.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.text import slugify

from oversight.grants.models import Grant, GrantState
from oversight.organisations.admin_site import administration_permissions
from oversight.organisations.demo import PASSWORD as DEMO_PASSWORD
from oversight.organisations.models import GUARDED_ROLES, Membership, Organisation, Role
from oversight.workforce.generator import FIRST_NAMES, SURNAMES
from oversight.workforce.models import Person, PersonKind, Posting, Unit

from .plan import Plan

PASSWORD_ENV = "OVERSIGHT_GENERATE_PASSWORD"  # noqa: S105 (the name of a variable, not a password)
MIN_PASSWORD = 12
PSD_UNIT = "Professional Standards Department"
PORTFOLIOS = ("Public Protection", "Force Contact", "Criminal Justice", "Local Policing")
OWNER_RANKS = ("Ch Supt", "Supt", "Director", "Head of Department")


@dataclass(frozen=True)
class Persona:
    """A login of each force: its username suffix, role, and for the PSD its rank and job."""

    suffix: str
    role: Role
    rank: str = ""
    job: str = ""


PSD = (
    Persona("psd.lead", Role.PSD_LEAD, "Det Supt", "Head of Professional Standards"),
    Persona("psd.handler1", Role.PSD_HANDLER, "DS", "Case handler"),
    Persona("psd.handler2", Role.PSD_HANDLER, "DS", "Case handler"),
    Persona("aa", Role.PSD_HANDLER, "Ch Supt", "Appropriate authority"),
    Persona("investigator", Role.INVESTIGATOR, "DI", "Investigator"),
    Persona("spoc", Role.SPOC, "Ch Insp", "Single point of contact"),
)


@dataclass
class ForcePeople:
    """The logins of one force, by what they do."""

    force: Organisation
    liaison: User
    owners: list[tuple[User, str]]
    psd: dict[str, User]
    protection: User
    opcc: User
    committee: User

    @property
    def handlers(self) -> list[User]:
        return [self.psd["psd.handler1"], self.psd["psd.handler2"]]


@dataclass
class Nation:
    """Everyone generated: per force, and the national logins."""

    forces: dict[int, ForcePeople] = field(default_factory=dict)
    hmicfrs: dict[int, User] = field(default_factory=dict)  # force id -> the lead covering it
    analyst: User | None = None
    administrators: list[User] = field(default_factory=list)


def short_name(force: Organisation) -> str:
    """west-midlands-police -> west-midlands: the prefix of the force's usernames."""
    for suffix in ("-police-service", "-police", "-constabulary"):
        if force.slug.endswith(suffix):
            return force.slug.removesuffix(suffix)
    return force.slug


def choose_password(given: str | None) -> tuple[str, bool]:
    """The logins' password: given, else from the environment, else generated. (password, generated?)"""
    password = given or os.environ.get(PASSWORD_ENV, "")
    if password:
        if password == DEMO_PASSWORD:
            raise ValueError("That is the demo's published password: choose another.")
        if len(password) < MIN_PASSWORD:
            raise ValueError(f"The password must be at least {MIN_PASSWORD} characters.")
        return password, False
    return secrets.token_urlsafe(12), True


class _Builder:
    def __init__(self, plan: Plan, password: str) -> None:
        self.plan, self.hashed = plan, make_password(password)
        self.approved_at = timezone.make_aware(dt.datetime.combine(plan.days_ago(400), dt.time(10)))
        self.rng = plan.rng("people")
        self.first, self.last = FIRST_NAMES.split(" "), SURNAMES.split(" ")

    def user(self, username: str, name: str = "", *, staff: bool = False) -> User:
        first, last = (name or f"{self.rng.choice(self.first)} {self.rng.choice(self.last)}").split(" ", 1)
        return User.objects.create(
            username=username, first_name=first, last_name=last, password=self.hashed,
            email=f"{username}@example.org", is_staff=staff, date_joined=self.approved_at,
        )  # fmt: skip

    def member(
        self, user: User, organisation: Organisation, role: Role, portfolio: str = "", nation: Nation | None = None
    ) -> Membership:
        if role not in GUARDED_ROLES:
            return Membership.objects.create(user=user, organisation=organisation, role=role, portfolio=portfolio)
        assert nation is not None
        asked, approved = self._approvers(user, nation)
        membership = Membership.objects.create(
            user=user, organisation=organisation, role=role, granted_by=asked, approved_by=approved,
            approved_at=self.approved_at,
        )  # fmt: skip
        Grant.objects.create(
            user=user, organisation=organisation, role=role, person=getattr(user, "workforce_person", None),
            state=GrantState.APPROVED, granted_by=asked, granted_at=self.approved_at - dt.timedelta(days=1),
            reason="Holds this role in the generated nation.", decided_by=approved, decided_at=self.approved_at,
            decision_reason="Approved as asked.", membership=membership,
        )  # fmt: skip
        return membership

    def _approvers(self, user: User, nation: Nation) -> tuple[User, User]:
        """Two administrators, neither of them the holder: the first asks, the second approves."""
        others = [admin for admin in nation.administrators if admin.pk != user.pk]
        return others[0], others[1]


def create_people(plan: Plan, password: str, advance: Callable[[int], None]) -> Nation:
    builder, nation = _Builder(plan, password), Nation()
    _national(builder, nation, plan)
    for force in plan.forces:
        nation.forces[force.pk] = _force_people(builder, nation, force)
        advance(1)
    return nation


def _national(builder: _Builder, nation: Nation, plan: Plan) -> None:
    hmicfrs, apcc = Organisation.objects.get(slug="hmicfrs"), Organisation.objects.get(slug="apcc")
    nation.administrators = [builder.user(f"national.admin{n}", staff=True) for n in (1, 2, 3)]
    for n, admin in enumerate(nation.administrators):
        others = nation.administrators[n + 1 :] + nation.administrators[:n]
        membership = Membership.objects.create(
            user=admin, organisation=hmicfrs, role=Role.ADMINISTRATOR, granted_by=others[0],
            approved_by=others[1], approved_at=builder.approved_at,
        )  # fmt: skip
        Grant.objects.create(
            user=admin, organisation=hmicfrs, role=Role.ADMINISTRATOR, state=GrantState.APPROVED,
            granted_by=others[0], granted_at=builder.approved_at - dt.timedelta(days=1),
            reason="Administers the generated nation.", decided_by=others[1], decided_at=builder.approved_at,
            decision_reason="Approved as asked.", membership=membership,
        )  # fmt: skip
        admin.user_permissions.set(administration_permissions())
    nation.analyst = builder.user("national.analyst")
    builder.member(nation.analyst, apcc, Role.NATIONAL_ANALYST)
    regions = sorted({force.region for force in plan.forces})
    for region in regions:
        lead = builder.user(f"hmicfrs.{slugify(region)}")
        membership = builder.member(lead, hmicfrs, Role.HMICFRS_LEAD)
        covered = [force for force in plan.forces if force.region == region]
        membership.covers.set(covered)
        nation.hmicfrs.update({force.pk: lead for force in covered})


def _force_people(builder: _Builder, nation: Nation, force: Organisation) -> ForcePeople:
    short = short_name(force)
    seniors = _senior_people(force, builder)
    liaison = builder.user(f"{short}.liaison")
    builder.member(liaison, force, Role.LIAISON_OFFICER)
    _link(seniors.pop(), liaison)
    owners = []
    for n, portfolio in enumerate(PORTFOLIOS, start=1):
        owner = builder.user(f"{short}.owner{n}")
        builder.member(owner, force, Role.OWNER, portfolio)
        if seniors:
            _link(seniors.pop(), owner)
        owners.append((owner, portfolio))
    psd = _psd(builder, nation, force, short)
    protection = builder.user(f"{short}.protection")
    builder.member(protection, force, Role.PROTECTION_TEAM)
    body = force.governing_body_on(builder.plan.on)
    assert body is not None, f"{force} has no governing body on record"
    opcc, committee = builder.user(f"{short}.opcc"), builder.user(f"{short}.jac")
    builder.member(opcc, body, Role.OPCC_OFFICER)
    builder.member(committee, force, Role.COMMITTEE_MEMBER)
    builder.member(committee, body, Role.COMMITTEE_MEMBER)
    return ForcePeople(force, liaison, owners, psd, protection, opcc, committee)


def _senior_people(force: Organisation, builder: _Builder) -> list[Person]:
    """Senior register entries to link the liaison officer's and owners' logins to (last taken first)."""
    seniors = list(
        Person.objects.filter(force=force, rank_or_grade__in=OWNER_RANKS, user__isnull=True).order_by("pk")[:20]
    )
    builder.rng.shuffle(seniors)
    return seniors[:5]


def _link(person: Person, user: User) -> None:
    person.user = user
    person.save(update_fields=["user"])
    user.first_name, user.last_name = [*person.name.split(" ", 1), ""][:2]
    user.save(update_fields=["first_name", "last_name"])


def _psd(builder: _Builder, nation: Nation, force: Organisation, short: str) -> dict[str, User]:
    """The professional standards department: new register entries in a unit of their own."""
    unit = Unit.objects.create(force=force, name=PSD_UNIT, area="")
    people = {}
    for n, persona in enumerate(PSD, start=1):
        user = builder.user(f"{short}.{persona.suffix}")
        years = builder.rng.randint(8, 25)
        joined = builder.plan.days_ago(round(years * 365.25))
        posted = builder.plan.days_ago(builder.rng.randint(200, 1800))
        person = Person.objects.create(
            force=force, staff_number=f"PSD{n:03d}", name=user.get_full_name(), kind=PersonKind.OFFICER,
            rank_or_grade=persona.rank, role=persona.job, unit=unit, service_start=joined, user=user,
        )  # fmt: skip
        Posting.objects.create(person=person, unit=unit, started_on=max(posted, joined))
        builder.member(user, force, persona.role, nation=nation)
        people[persona.suffix] = user
    return people
