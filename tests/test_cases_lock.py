"""Property: nobody excluded from a case ever learns it exists, through any page, search, count or the API.

Hypothesis builds small random workforces (units, postings with overlapping dates, line-management
trees, declared associations), a case against random subjects, and a login for each person with
random roles (PSD lead, administrator, team place). Whether each person is excluded is worked out
here from the generated rows with the connection rules written out plainly, not with the code under
test; then every route is tried as that person.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from oversight.api.models import ApiToken
from oversight.audit.models import Alert, AlertKind
from oversight.cases import access
from oversight.cases.models import Arrival, Case, TeamMember, TeamRole
from oversight.cases.services import NewCase, open_case
from oversight.organisations.models import Organisation, Role
from oversight.workforce.models import Association, AssociationKind, LineManagement, Person, PersonKind, Posting, Unit
from tests.conftest import client_for
from tests.factories import member

TODAY = dt.date.today()
YEARS = 5  # the connection window (workforce/rules.py CONNECTION_YEARS), restated for the reference
VICTIM = "Vera Quince"
ROLES = ("none", "psd_lead", "administrator", "team", "team+administrator", "psd_lead+administrator")

Period = tuple[dt.date, dt.date | None]


def _window_start() -> dt.date:
    try:
        return TODAY.replace(year=TODAY.year - YEARS)
    except ValueError:
        return TODAY.replace(year=TODAY.year - YEARS, day=28)


def _period(days_ago: int, length: int | None) -> Period:
    start = TODAY - dt.timedelta(days=days_ago)
    return start, None if length is None else start + dt.timedelta(days=length)


@dataclass
class World:
    people: int
    postings: list[tuple[int, int, Period]]  # person, unit, period
    managed: list[tuple[int, int, Period]]  # manager, person, period
    associated: list[tuple[int, int, int]]  # person, other, declared days ago
    subjects: list[int]
    roles: list[str]


@st.composite
def worlds(draw: st.DrawFn) -> World:
    people = draw(st.integers(2, 6))
    postings: list[tuple[int, int, Period]] = []
    for who in range(people):
        days_ago = draw(st.integers(0, 4500))
        for _ in range(draw(st.integers(0, 3))):
            length = draw(st.one_of(st.none(), st.integers(0, 2000)))
            postings.append((who, draw(st.integers(0, 2)), _period(days_ago, length)))
            if length is None:
                break
            days_ago -= length + draw(st.integers(1, 300))  # the next posting starts after this one ends
            if days_ago < 0:
                break
    managed = []  # a tree: each manager comes before the people they manage
    for who in range(1, people):
        if draw(st.booleans()):
            length = draw(st.one_of(st.none(), st.integers(0, 3000)))
            managed.append((draw(st.integers(0, who - 1)), who, _period(draw(st.integers(0, 4500)), length)))
    pairs = st.tuples(st.integers(0, people - 1), st.integers(0, people - 1)).filter(lambda pair: pair[0] != pair[1])
    associated = [(a, b, draw(st.integers(-30, 4000))) for a, b in draw(st.lists(pairs, max_size=2))]
    subjects = draw(st.lists(st.integers(0, people - 1), min_size=1, max_size=2, unique=True))
    roles = draw(st.lists(st.sampled_from(ROLES), min_size=people, max_size=people))
    return World(people, postings, managed, associated, subjects, roles)


# --- the reference: the connection rules written out plainly, over the generated rows ---------


def _recent(period: Period) -> bool:
    """Begun by today, and not ended before the window opened."""
    return period[0] <= TODAY and (period[1] is None or period[1] >= _window_start())


def _same_unit(world: World, a: int, b: int) -> bool:
    for (p, u, one), (q, v, two) in itertools.product(world.postings, repeat=2):
        if p == a and q == b and u == v and _recent(one) and _recent(two):
            ends = [end for end in (one[1], two[1]) if end is not None]
            if max(one[0], two[0]) <= min(ends, default=dt.date.max):
                return True
    return False


def _above(world: World, person: int) -> set[int]:
    edges = [(manager, managed) for manager, managed, period in world.managed if _recent(period)]
    found: set[int] = set()
    todo = [person]
    while todo:
        node = todo.pop()
        for manager, managed in edges:
            if managed == node and manager not in found:
                found.add(manager)
                todo.append(manager)
    return found - {person}


def connected(world: World, a: int, b: int) -> bool:
    declared = any({p, o} == {a, b} and days_ago >= 0 for p, o, days_ago in world.associated)
    return _same_unit(world, a, b) or b in _above(world, a) or a in _above(world, b) or declared


def reference_excluded(world: World, person: int) -> bool:
    return person in world.subjects or any(connected(world, person, subject) for subject in world.subjects)


# --- building the world in the database -------------------------------------------------------


@dataclass
class Built:
    case: Case
    people: list[Person]
    users: list[User]


def build(world: World, force: Organisation) -> Built:
    units = [Unit.objects.create(force=force, name=f"Team {n}", area="Lock test") for n in range(3)]
    people = [
        Person.objects.create(force=force, staff_number=f"LK{n:03d}", name=f"Officer Lk{n}", kind=PersonKind.OFFICER)
        for n in range(world.people)
    ]
    for who, unit, (started, ended) in world.postings:
        Posting.objects.create(person=people[who], unit=units[unit], started_on=started, ended_on=ended)
    for manager, who, (started, ended) in world.managed:
        LineManagement.objects.create(manager=people[manager], person=people[who], started_on=started, ended_on=ended)
    for who, other, days_ago in world.associated:
        declared = TODAY - dt.timedelta(days=days_ago)
        Association.objects.create(person=people[who], other=people[other], kind=AssociationKind.PARTNER,
                                   declared_on=declared)  # fmt: skip
    opener = User.objects.create(username="lock.opener")
    # A case role counts only when approved and linked to the login's register entry (oversight.grants).
    Person.objects.create(force=force, staff_number="LKOPEN", name="Opener", kind=PersonKind.OFFICER, user=opener)
    member(opener, force, Role.PSD_HANDLER)
    new = NewCase(force=force, arrival=Arrival.COMPLAINT, received_on=TODAY, summary="Test", victim_name=VICTIM,
                  subjects=[people[n] for n in world.subjects])  # fmt: skip
    case = open_case(new, opener)
    users = [_login(n, person, world.roles[n], case, opener) for n, person in enumerate(people)]
    return Built(case, people, users)


def _login(n: int, person: Person, roles: str, case: Case, opener: User) -> User:
    user = User.objects.create(username=f"lock.{n}", first_name="Login", last_name=str(n))
    person.user = user
    person.save(update_fields=["user"])
    if "psd_lead" in roles:
        member(user, case.force, Role.PSD_LEAD)
    if "administrator" in roles:
        member(user, case.force, Role.ADMINISTRATOR)
    if "team" in roles:
        TeamMember.objects.create(case=case, user=user, role=TeamRole.INVESTIGATOR, organisation=case.force,
                                  added_by=opener)  # fmt: skip
    return user


# --- the checks ---------------------------------------------------------------------------------


def _alerts(kind: AlertKind, case: Case, user: User) -> int:
    return Alert.objects.filter(kind=kind, object_id=case.pk, actor=user).count()


def _api(user: User) -> Client:
    _, raw = ApiToken.issue(user, "lock")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def check_excluded(user: User, case: Case, subject_names: list[str]) -> None:
    client, api = client_for(user), _api(user)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert _alerts(AlertKind.EXCLUDED_OPENED, case, user) == 1  # exactly one per attempt
    listing = client.get(reverse("cases:list")).content.decode()
    assert case.reference not in listing
    assert "0 cases" in listing
    for term in (VICTIM, *subject_names):
        assert case.reference not in client.get(reverse("cases:list"), {"q": term}).content.decode()
        assert api.get("/api/v1/cases/search", {"q": term}).json() == {"count": 0, "items": []}
    assert _alerts(AlertKind.EXCLUDED_SEARCHED, case, user) == 2 * (1 + len(subject_names))
    assert api.get("/api/v1/cases/").json() == {"count": 0, "items": []}
    assert api.get(f"/api/v1/cases/{case.pk}").status_code == 404
    assert _alerts(AlertKind.EXCLUDED_OPENED, case, user) == 2  # the API attempt alerts too


def check_not_excluded(user: User, case: Case, granted: bool) -> None:
    client = client_for(user)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == (200 if granted else 404)
    assert (case.reference in client.get(reverse("cases:list")).content.decode()) is granted
    assert not Alert.objects.filter(actor=user).exists()


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(world=worlds())
def test_no_excluded_person_ever_learns_a_case_exists(world: World) -> None:
    force = Organisation.objects.get(slug="west-midlands-police")
    with transaction.atomic():
        built = build(world, force)
        subject_names = [built.people[n].name for n in world.subjects]
        for n, user in enumerate(built.users):
            excluded = reference_excluded(world, n)
            assert access.is_excluded(User.objects.get(pk=user.pk), built.case) is excluded, (n, world)
            if excluded:
                event(f"an excluded person with roles: {world.roles[n]}")
                check_excluded(user, built.case, subject_names)
            else:
                granted = world.roles[n] not in ("none", "administrator")
                event(f"a person not excluded, {'granted' if granted else 'not granted'}")
                check_not_excluded(user, built.case, granted=granted)
        transaction.set_rollback(True)
