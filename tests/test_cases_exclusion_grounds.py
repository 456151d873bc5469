"""The exclusion as a request works it out (`cases.access.excluded_from`): standing exclusions first, the
register asked live only about the cases they leave, and the union of the two grounds as the answer.

Worked out here from what each test wrote, not with the code under test: a connection that has gone
from the register since the case was opened still shuts the person out (sticky); one made since,
with no import to refresh the standing rows, shuts them out at once; a lifted exclusion with no
connection left lets them in. And a refusal costs the same queries whichever ground refused it, or
none, or no case at all.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from oversight.cases.access import excluded_from
from oversight.cases.models import Arrival, Case, Exclusion
from oversight.cases.services import NewCase, open_case
from oversight.organisations.models import Organisation, Role
from oversight.workforce.models import Association, AssociationKind, LineManagement, Person, PersonKind
from tests.factories import member

TODAY = dt.date.today()
NO_CASE = 2**62  # no case has this id


@dataclass
class World:
    manager: Person
    partner: Person
    stranger: Person
    standing: Case  # its subject was managed by `manager` when it was opened; no longer
    live: Case  # its subject declared a partnership with `partner` after it was opened
    neither: Case


def _person(force: Organisation, name: str, *, login: bool = False) -> Person:
    user = User.objects.create(username=name.lower().replace(" ", ".")) if login else None
    return Person.objects.create(force=force, staff_number=name[:20], name=name, kind=PersonKind.OFFICER, user=user)


def _open(force: Organisation, subject: Person, by: User) -> Case:
    new = NewCase(
        force=force, arrival=Arrival.HOTLINE, received_on=TODAY, summary="Reported", victim_name="V", subjects=[subject]
    )
    return open_case(new, by)


@pytest.fixture
def world(wmp: Organisation) -> World:
    handler = _person(wmp, "Psd Handler", login=True).user
    assert handler is not None
    member(handler, wmp, Role.PSD_HANDLER)  # a guarded role: the login is linked to its register entry
    first, second, third = (_person(wmp, f"Subject {n}") for n in range(3))
    manager, partner, stranger = (_person(wmp, name, login=True) for name in ("Manager", "Partner", "Stranger"))
    LineManagement.objects.create(person=first, manager=manager, started_on=TODAY - dt.timedelta(days=400))
    standing, live, neither = (_open(wmp, subject, handler) for subject in (first, second, third))
    LineManagement.objects.filter(person=first, manager=manager).delete()  # gone from the register since
    Association.objects.create(person=second, other=partner, kind=AssociationKind.PARTNER, declared_on=TODAY)
    return World(manager, partner, stranger, standing, live, neither)


def _all(world: World) -> set[int]:
    return {world.standing.pk, world.live.pk, world.neither.pk}


def test_each_ground_shuts_out_its_own_person_and_nobody_else(world: World) -> None:
    assert Exclusion.objects.filter(case=world.standing, person=world.manager).exists()
    assert not Exclusion.objects.filter(person=world.partner).exists()  # no import has refreshed them
    assert excluded_from(world.manager.pk, world.manager.user_id, _all(world)) == {world.standing.pk}
    assert excluded_from(world.partner.pk, world.partner.user_id, _all(world)) == {world.live.pk}
    assert excluded_from(world.stranger.pk, world.stranger.user_id, _all(world)) == set()


def test_the_login_alone_is_shut_out_by_a_standing_exclusion(world: World) -> None:
    """A login unlinked from its register entry since: the standing row names the login too."""
    assert excluded_from(None, world.manager.user_id, _all(world)) == {world.standing.pk}


def test_a_lifted_exclusion_lets_in_only_while_no_connection_is_live(world: World) -> None:
    Exclusion.objects.filter(case=world.standing, person=world.manager).update(lifted_at=timezone.now())
    assert excluded_from(world.manager.pk, world.manager.user_id, _all(world)) == set()
    # A connection to the subject made again since: the live ground shuts them out again at once.
    subject = world.standing.subjects.get().person
    Association.objects.create(person=world.manager, other=subject, kind=AssociationKind.FRIENDSHIP, declared_on=TODAY)
    assert excluded_from(world.manager.pk, world.manager.user_id, _all(world)) == {world.standing.pk}


def test_a_refusal_costs_the_same_queries_whatever_refused_it(world: World) -> None:
    """Standing, live, not excluded, or no such case: the same statements, in the same number."""
    Association.objects.create(
        person=world.manager, other=world.live.subjects.get().person, kind=AssociationKind.FAMILY, declared_on=TODAY
    )
    shapes = {}
    for label, case_id, expected in [
        ("standing", world.standing.pk, {world.standing.pk}),
        ("live", world.live.pk, {world.live.pk}),
        ("neither", world.neither.pk, set()),
        ("no case", NO_CASE, set()),
    ]:
        with CaptureQueriesContext(connection) as captured:
            assert excluded_from(world.manager.pk, world.manager.user_id, {case_id}) == expected
        # The statements with their values taken out (ids, dates): what the database is asked to do.
        shapes[label] = [re.sub(r"'[^']*'|\b\d+\b", "?", query["sql"]) for query in captured.captured_queries]
    assert len(shapes["standing"]) == 3
    assert all(shape == shapes["standing"] for shape in shapes.values()), json.dumps(shapes, indent=1)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan words")
def test_the_standing_read_answers_from_its_indexes_alone(world: World) -> None:
    """Whether an exclusion was lifted is in both indexes: a senior officer's thousands of standing
    exclusions are not each read again from the table."""
    with CaptureQueriesContext(connection) as captured:
        excluded_from(world.manager.pk, world.manager.user_id, _all(world))
    standing = captured.captured_queries[0]["sql"]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {standing}")
        plan = [row[-1] for row in cursor.fetchall()]
    reads = [step for step in plan if "cases_exclusion" in step or " e USING" in step]
    assert len(reads) == 2, plan
    assert all("USING COVERING INDEX exclusion_" in step for step in reads), plan
