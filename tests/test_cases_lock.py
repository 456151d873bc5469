"""Property: nobody excluded from a case ever learns it exists, through any page, search, count or the API.

Hypothesis builds small random workforces (units, postings with overlapping dates, line-management
trees, declared associations, people involved together in earlier cases), a case against random
subjects, a login for each person with random roles (PSD lead, administrator, team place), and
break-glass openings (live, expired or revoked) by random people, connected or not. Whether each
person is excluded, and whether they may see the case, is worked out here from the generated rows
with the rules written out plainly, not with the code under test. Then `access.is_excluded`,
`access.can_view_case` and `access.visible_cases` must agree, and one excluded person tries every
route that takes the case (read from the URL resolver and the OpenAPI document), every list, search
and the API: each answers 404 or nothing, and each attempt alerts the PSD lead silently. (They do in
every pinned world and in about a third of the random ones; everyone excluded tries the case page, the
list and the API in every world.)

The classic worlds are pinned with explicit examples, so a rule the code forgets fails on every run,
not only when hypothesis happens to draw a telling world: a manager two levels up, a past partner, a
shared previous case (and one outside the window), break-glass by a connected person, and the same
unit with an overlap that ended within the window and one that ended before it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from oversight.api.models import ApiToken
from oversight.audit.models import Alert, AlertKind
from oversight.cases import access
from oversight.cases.models import Arrival, BreakGlass, Case, TeamMember, TeamRole
from oversight.cases.services import NewCase, open_case
from oversight.organisations.models import Organisation, Role
from oversight.victims.rules import RIGHT_NUMBERS
from oversight.workforce.models import (
    Association,
    AssociationKind,
    CaseInvolvement,
    LineManagement,
    Person,
    PersonKind,
    Posting,
    Unit,
)
from tests.case_personas import MISSING_ID
from tests.case_routes import Operation, Route, operations, web_routes
from tests.factories import member

TODAY = dt.date.today()
YEARS = 5  # the connection window (workforce/rules.py CONNECTION_YEARS), restated for the reference
VICTIM = "Vera Quince"
ROLES = ("none", "psd_lead", "administrator", "team", "team+administrator", "psd_lead+administrator")
OPENINGS = ("live", "expired", "revoked")

Period = tuple[dt.date, dt.date | None]

# Every route that takes the case itself; other parameters point at the world's objects where it has them.
CASE_ROUTES: list[Route | Operation] = [
    *(route for route in web_routes() if route.takes_case_directly),
    *(op for op in operations() if op.takes_case_directly and op.method == "GET"),
]


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
    involved: list[tuple[int, int, Period]] = field(default_factory=list)  # person, earlier case, period
    openings: list[tuple[int, str]] = field(default_factory=list)  # person, live / expired / revoked
    prober: int = 0  # the excluded person who tries every route (the first excluded one if this one is not)
    every_route: bool = True  # whether they do: in every pinned world, in about a third of the random ones


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
    managed = []  # a tree: each manager comes before the people they manage, so chains run deep
    for who in range(1, people):
        if draw(st.booleans()):
            length = draw(st.one_of(st.none(), st.integers(0, 3000)))
            managed.append((draw(st.integers(0, who - 1)), who, _period(draw(st.integers(0, 4500)), length)))
    person = st.integers(0, people - 1)
    pairs = st.tuples(person, person).filter(lambda pair: pair[0] != pair[1])
    associated = [(a, b, draw(st.integers(-30, 4000))) for a, b in draw(st.lists(pairs, max_size=2))]
    involved = [
        (
            who,
            draw(st.integers(0, 1)),
            _period(draw(st.integers(0, 4000)), draw(st.one_of(st.none(), st.integers(0, 900)))),
        )
        for who in draw(st.lists(person, max_size=4))
    ]
    openings = draw(st.lists(st.tuples(person, st.sampled_from(OPENINGS)), max_size=3))
    subjects = draw(st.lists(person, min_size=1, max_size=2, unique=True))
    roles = draw(st.lists(st.sampled_from(ROLES), min_size=people, max_size=people))
    prober, every_route = draw(person), draw(st.integers(0, 2)) == 0
    return World(people, postings, managed, associated, subjects, roles, involved, openings, prober, every_route)


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


def _same_case(world: World, a: int, b: int) -> bool:
    """Both involved in the same earlier case, each within the window (their times need not overlap)."""
    return any(
        p == a and q == b and c == d and _recent(one) and _recent(two)
        for (p, c, one), (q, d, two) in itertools.product(world.involved, repeat=2)
    )


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
    chain = b in _above(world, a) or a in _above(world, b)
    return declared or chain or _same_unit(world, a, b) or _same_case(world, a, b)


def reference_excluded(world: World, person: int) -> bool:
    return person in world.subjects or any(connected(world, person, subject) for subject in world.subjects)


def reference_visible(world: World, person: int) -> bool:
    """The team, the force's PSD lead, live break-glass: unless excluded, which overrides them all."""
    granted = "team" in world.roles[person] or "psd_lead" in world.roles[person]
    granted = granted or (person, "live") in world.openings
    return granted and not reference_excluded(world, person)


# --- building the world in the database -------------------------------------------------------


@dataclass
class Built:
    case: Case
    people: list[Person]
    users: list[User]
    ids: dict[str, object]  # what a route parameter names -> its value in this world


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
    for who, earlier, (started, ended) in world.involved:
        CaseInvolvement.objects.create(person=people[who], case_reference=f"OP-LOCK-{earlier}", role="witness",
                                       started_on=started, ended_on=ended)  # fmt: skip
    opener = User.objects.create(username="lock.opener")  # in the register, connected to no one
    Person.objects.create(force=force, staff_number="LK999", name="Opener Lk", kind=PersonKind.STAFF, user=opener)
    member(opener, force, Role.PSD_HANDLER)  # approved, as after the two-person rule
    new = NewCase(force=force, arrival=Arrival.COMPLAINT, received_on=TODAY, summary="Test", victim_name=VICTIM,
                  subjects=[people[n] for n in world.subjects])  # fmt: skip
    case = open_case(new, opener)
    users = [_login(n, person, world.roles[n], case, opener) for n, person in enumerate(people)]
    openings = [_open(case, users[who], state) for who, state in world.openings]
    ids: dict[str, object] = defaultdict(lambda: MISSING_ID)  # things this world does not have
    ids |= {"case": case.pk, "team_member": case.team.get(user=opener).pk, "code_right": min(RIGHT_NUMBERS)}
    if openings:
        ids["break_glass"] = openings[0].pk
    return Built(case, people, users, ids)


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


def _open(case: Case, user: User, state: str) -> BreakGlass:
    """A break-glass row as the register stood when it was opened: the exclusion may have come since."""
    now = timezone.now()
    opened = now - dt.timedelta(days=3 if state == "expired" else 0, hours=1)
    return BreakGlass.objects.create(
        case=case,
        user=user,
        reason="Lock test",
        opened_at=opened,
        expires_at=opened + dt.timedelta(hours=8),
        revoked_at=now - dt.timedelta(minutes=10) if state == "revoked" else None,
    )


# --- the checks ---------------------------------------------------------------------------------


CLIENT: list[Client] = []  # one for every request: each new Client loads the middleware again


def _client(user: User) -> Client:
    if not CLIENT:
        CLIENT.append(Client())
    CLIENT[0].force_login(user)
    return CLIENT[0]


def _alerts(case: Case, user: User, *kinds: AlertKind) -> int:
    return Alert.objects.filter(kind__in=kinds, object_id=case.pk, actor=user).count()


def _api(user: User) -> dict[str, str]:
    _, raw = ApiToken.issue(user, "lock")
    return {"Authorization": f"Bearer {raw}"}


def check_access(world: World, n: int, user: User, case: Case) -> None:
    fresh = User.objects.get(pk=user.pk)  # nothing cached from an earlier check
    excluded, visible = reference_excluded(world, n), reference_visible(world, n)
    assert access.is_excluded(fresh, case) is excluded, ("is_excluded", n, world)
    assert access.can_view_case(User.objects.get(pk=user.pk), case) is visible, ("can_view_case", n, world)
    listed = access.visible_cases(User.objects.get(pk=user.pk)).filter(pk=case.pk).exists()
    assert listed is visible, ("visible_cases", n, world)


def check_every_route(built: Built, user: User) -> None:
    """An excluded person tries every route that takes the case: 404 (or 405 before anything is looked
    up), and each attempt that reaches the case alerts the PSD lead."""
    client, headers = _client(user), _api(user)
    for route in CASE_ROUTES:
        url = route.url(built.ids)
        before = _alerts(built.case, user, AlertKind.EXCLUDED_OPENED)
        response = client.get(url, headers=headers if isinstance(route, Operation) else {})
        assert response.status_code in (404, 405), (url, response.status_code)
        if response.status_code == 404:
            assert _alerts(built.case, user, AlertKind.EXCLUDED_OPENED) == before + 1, f"{url}: not one alert"


def check_searches(user: User, case: Case, subject_names: list[str]) -> None:
    """The list, search on the web and the API find nothing; each search for a party alerts the PSD lead."""
    client, headers = _client(user), _api(user)
    searched = _alerts(case, user, AlertKind.EXCLUDED_SEARCHED)
    for term in (VICTIM, *subject_names):
        assert case.reference not in client.get(reverse("cases:list"), {"q": term}).content.decode()
        assert client.get("/api/v1/cases/search", {"q": term}, headers=headers).json() == {"count": 0, "items": []}
    assert _alerts(case, user, AlertKind.EXCLUDED_SEARCHED) == searched + 2 * (1 + len(subject_names))
    assert client.get("/api/v1/cases/", headers=headers).json() == {"count": 0, "items": []}


def check_excluded(user: User, case: Case) -> None:
    client = _client(user)
    opened = _alerts(case, user, AlertKind.EXCLUDED_OPENED)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert _alerts(case, user, AlertKind.EXCLUDED_OPENED) == opened + 1  # exactly one per attempt
    listing = client.get(reverse("cases:list")).content.decode()
    assert case.reference not in listing
    assert "0 cases" in listing
    assert client.get(f"/api/v1/cases/{case.pk}", headers=_api(user)).status_code == 404
    assert _alerts(case, user, AlertKind.EXCLUDED_OPENED) == opened + 2  # the API attempt alerts too


def check_not_excluded(user: User, case: Case, visible: bool) -> None:
    client = _client(user)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == (200 if visible else 404)
    assert (case.reference in client.get(reverse("cases:list")).content.decode()) is visible
    api = client.get(f"/api/v1/cases/{case.pk}", headers=_api(user))
    assert api.status_code == (200 if visible else 404)
    assert not Alert.objects.filter(
        actor=user, kind__in=[AlertKind.EXCLUDED_OPENED, AlertKind.EXCLUDED_SEARCHED]
    ).exists()


# --- the classic worlds, pinned -----------------------------------------------------------------

DAY = dt.timedelta(days=1)
CURRENT = (TODAY - 1000 * DAY, None)

MANAGER_TWO_UP = World(  # 0 manages 1, who manages the subject 2; 0 holds a team place, 1 leads PSD
    people=3, postings=[], managed=[(0, 1, CURRENT), (1, 2, CURRENT)], associated=[], subjects=[2],
    roles=["team", "psd_lead", "none"], prober=0,
)  # fmt: skip
PAST_PARTNER = World(  # 1 declared the subject as a partner years ago; 1 leads PSD, 2 (unconnected) too
    people=3, postings=[], managed=[], associated=[(1, 0, 2900)], subjects=[0],
    roles=["none", "psd_lead", "psd_lead"], prober=1,
)  # fmt: skip
SHARED_CASE = World(  # 1 and the subject were in earlier case 0 within the window; 2 was in it, but too long ago
    people=3, postings=[], managed=[], associated=[], subjects=[0], roles=["none", "team", "team"],
    involved=[(0, 0, (TODAY - 900 * DAY, TODAY - 700 * DAY)), (1, 0, (TODAY - 500 * DAY, TODAY - 400 * DAY)),
              (2, 0, (TODAY - 2400 * DAY, TODAY - 2000 * DAY))],
    prober=1,
)  # fmt: skip
BREAK_GLASS_CONNECTED = World(  # 1 serves beside the subject and broke the glass; 2, unconnected, did too
    people=3, postings=[(0, 0, CURRENT), (1, 0, CURRENT), (2, 1, CURRENT)], managed=[], associated=[],
    subjects=[0], roles=["none", "none", "none"], openings=[(1, "live"), (2, "live")], prober=1,
)  # fmt: skip
SAME_UNIT_WINDOW = World(  # the subject left unit 0 four years ago (1 overlapped); 2 overlapped until six years ago
    people=3, subjects=[0], managed=[], associated=[], roles=["none", "psd_lead", "psd_lead"],
    postings=[(0, 0, (TODAY - 4000 * DAY, TODAY - 1460 * DAY)), (1, 0, (TODAY - 1700 * DAY, None)),
              (2, 0, (TODAY - 3500 * DAY, TODAY - 2190 * DAY))],
    openings=[(1, "expired"), (2, "revoked")], prober=1,
)  # fmt: skip


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(world=worlds())
@example(world=MANAGER_TWO_UP)
@example(world=PAST_PARTNER)
@example(world=SHARED_CASE)
@example(world=BREAK_GLASS_CONNECTED)
@example(world=SAME_UNIT_WINDOW)
def test_no_excluded_person_ever_learns_a_case_exists(world: World) -> None:
    force = Organisation.objects.get(slug="west-midlands-police")
    with transaction.atomic():
        built = build(world, force)
        subject_names = [built.people[n].name for n in world.subjects]
        excluded = [n for n in range(world.people) if reference_excluded(world, n)]
        prober = world.prober if world.prober in excluded else excluded[0]
        for n, user in enumerate(built.users):
            check_access(world, n, user, built.case)
            if n == prober and world.every_route:
                event(f"an excluded person with roles {world.roles[n]} tries every route")
                check_every_route(built, user)
                check_searches(user, built.case, subject_names)
            if n in excluded:
                check_excluded(user, built.case)
            else:
                visible = reference_visible(world, n)
                event(f"a person not excluded, {'granted' if visible else 'not granted'}")
                check_not_excluded(user, built.case, visible)
        transaction.set_rollback(True)
