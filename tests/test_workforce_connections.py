"""The connection rules, their explanations, independence checks, and a property test against a reference."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oversight.organisations.models import Organisation
from oversight.workforce import connections
from oversight.workforce.connections import LinkKind
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

ON = dt.date(2024, 6, 30)
D = dt.date


@dataclass
class Build:
    """Makes a small workforce in West Midlands Police."""

    force: Organisation
    count: itertools.count[int] = field(default_factory=itertools.count)

    def unit(self, name: str = "Response Team B", area: str = "Walsall") -> Unit:
        return Unit.objects.get_or_create(force=self.force, name=name, area=area)[0]

    def person(self, name: str, rank: str = "PC") -> Person:
        return Person.objects.create(
            force=self.force,
            staff_number=f"W{next(self.count):05d}",
            name=name,
            kind=PersonKind.OFFICER,
            rank_or_grade=rank,
        )

    def posting(self, person: Person, unit: Unit, start: dt.date, end: dt.date | None = None) -> Posting:
        return Posting.objects.create(person=person, unit=unit, started_on=start, ended_on=end)

    def manages(self, manager: Person, person: Person, start: dt.date, end: dt.date | None = None) -> None:
        LineManagement.objects.create(manager=manager, person=person, started_on=start, ended_on=end)


@pytest.fixture
def build(wmp: Organisation) -> Build:
    return Build(wmp)


def kinds(links: list[connections.Link]) -> set[str]:
    return {link.kind for link in links}


# --- same unit --------------------------------------------------------------------------------


def test_same_unit_overlap_connects_and_explains(build: Build) -> None:
    team = build.unit()
    a, b = build.person("A Khan", "Sgt"), build.person("B Jones")
    build.posting(a, team, D(2017, 3, 1), D(2021, 5, 31))
    build.posting(b, team, D(2019, 1, 7), D(2022, 2, 1))
    [link] = connections.direct_links(a.pk, [b.pk], on=ON)
    assert link.kind == LinkKind.SAME_UNIT
    assert link.explanation == "both in Response Team B, Walsall, 2019 to 2021"
    assert link.sentence == "Sgt A Khan and PC B Jones: both in Response Team B, Walsall, 2019 to 2021"
    assert connections.neighbours(b.pk, on=ON) == {a.pk}


def test_same_unit_ongoing_overlap_says_present(build: Build) -> None:
    team = build.unit()
    a, b = build.person("A Khan"), build.person("B Jones")
    build.posting(a, team, D(2020, 1, 1))
    build.posting(b, team, D(2022, 1, 1))
    [link] = connections.direct_links(a.pk, [b.pk], on=ON)
    assert link.explanation == "both in Response Team B, Walsall, 2022 to present"


def test_same_unit_without_overlap_or_in_another_unit_does_not_connect(build: Build) -> None:
    a, b, c = build.person("A"), build.person("B"), build.person("C")
    build.posting(a, build.unit(), D(2019, 1, 1), D(2020, 12, 31))
    build.posting(b, build.unit(), D(2021, 1, 1))
    build.posting(c, build.unit("Response Team C"), D(2019, 1, 1))
    assert connections.direct_links(a.pk, [b.pk, c.pk], on=ON) == []
    assert connections.neighbours(a.pk, on=ON) == set()


@pytest.mark.parametrize(
    ("overlap_ends", "connected"),
    [(D(2018, 6, 30), False), (D(2019, 6, 29), False), (D(2019, 6, 30), True), (D(2020, 6, 30), True)],
)
def test_window_edge(build: Build, overlap_ends: dt.date, connected: bool) -> None:
    """With CONNECTION_YEARS = 5 on 30 June 2024 the window opens on 30 June 2019."""
    team = build.unit()
    a, b = build.person("A"), build.person("B")
    build.posting(a, team, D(2012, 1, 1), overlap_ends)
    build.posting(b, team, D(2013, 1, 1))
    assert bool(connections.direct_links(a.pk, [b.pk], on=ON)) is connected
    assert bool(connections.direct_links(b.pk, [a.pk], on=ON)) is connected
    assert connections.connected_to_any(b.pk, [a.pk], on=ON) is connected


def test_window_is_configurable(build: Build, settings: pytest.FixtureRequest) -> None:
    team = build.unit()
    a, b = build.person("A"), build.person("B")
    build.posting(a, team, D(2012, 1, 1), D(2018, 6, 30))  # six years before ON
    build.posting(b, team, D(2013, 1, 1))
    assert connections.direct_links(a.pk, [b.pk], on=ON) == []
    settings.WORKFORCE_CONNECTION_YEARS = 7  # type: ignore[attr-defined]
    assert kinds(connections.direct_links(a.pk, [b.pk], on=ON)) == {LinkKind.SAME_UNIT}


def test_postings_that_start_after_the_date_do_not_count(build: Build) -> None:
    team = build.unit()
    a, b = build.person("A"), build.person("B")
    build.posting(a, team, D(2020, 1, 1))
    build.posting(b, team, D(2025, 1, 1))
    assert connections.direct_links(a.pk, [b.pk], on=ON) == []
    assert kinds(connections.direct_links(a.pk, [b.pk], on=D(2025, 2, 1))) == {LinkKind.SAME_UNIT}


# --- line management ---------------------------------------------------------------------------


def test_line_manager_connects_both_ways_and_explains(build: Build) -> None:
    sergeant, constable = build.person("A Khan", "Sgt"), build.person("B Jones")
    build.manages(sergeant, constable, D(2018, 4, 1))
    [link] = connections.direct_links(constable.pk, [sergeant.pk], on=ON)
    assert link.kind == LinkKind.LINE_MANAGEMENT
    assert link.explanation == "Sgt A Khan line-manages PC B Jones (2018 to present)"
    assert kinds(connections.direct_links(sergeant.pk, [constable.pk], on=ON)) == {LinkKind.LINE_MANAGEMENT}


def test_chain_connects_at_any_depth_up_and_down(build: Build) -> None:
    chief = build.person("C Ward", "Ch Insp")
    inspector = build.person("D Moss", "Insp")
    sergeant = build.person("A Khan", "Sgt")
    constable = build.person("B Jones")
    build.manages(chief, inspector, D(2015, 1, 1))
    build.manages(inspector, sergeant, D(2016, 1, 1))
    build.manages(sergeant, constable, D(2018, 1, 1))
    [link] = connections.direct_links(constable.pk, [chief.pk], on=ON)
    assert (
        link.explanation
        == "Ch Insp C Ward is above PC B Jones in the line-management chain, through Insp D Moss, Sgt A Khan"
    )
    [down] = connections.direct_links(chief.pk, [constable.pk], on=ON)
    assert down.explanation == link.explanation
    assert connections.neighbours(chief.pk, on=ON) == {inspector.pk, sergeant.pk, constable.pk}
    assert connections.neighbours(constable.pk, on=ON) == {chief.pk, inspector.pk, sergeant.pk}


def test_line_management_outside_the_window_does_not_connect(build: Build) -> None:
    sergeant, constable, later = build.person("A", "Sgt"), build.person("B"), build.person("C")
    build.manages(sergeant, constable, D(2010, 1, 1), D(2019, 1, 1))
    build.manages(sergeant, later, D(2010, 1, 1), D(2020, 1, 1))
    assert connections.direct_links(constable.pk, [sergeant.pk], on=ON) == []
    [link] = connections.direct_links(later.pk, [sergeant.pk], on=ON)
    assert link.explanation == "Sgt A line-manages PC C (2010 to 2020)"


def test_nobody_manages_themselves(build: Build) -> None:
    a = build.person("A")
    with pytest.raises(IntegrityError), transaction.atomic():
        build.manages(a, a, D(2020, 1, 1))


def test_postings_of_one_person_may_not_overlap(build: Build) -> None:
    a = build.person("A")
    build.posting(a, build.unit(), D(2019, 1, 1), D(2020, 12, 31))
    clash = Posting(person=a, unit=build.unit("CID"), started_on=D(2020, 6, 1))
    with pytest.raises(ValidationError, match="overlaps"):
        clash.clean()
    reversed_dates = Posting(person=a, unit=build.unit("CID"), started_on=D(2022, 6, 1), ended_on=D(2022, 1, 1))
    with pytest.raises(ValidationError, match="cannot end before"):
        reversed_dates.clean()


# --- associations and cases --------------------------------------------------------------------


def test_declared_association_connects_either_way(build: Build) -> None:
    a, b = build.person("A"), build.person("B")
    Association.objects.create(person=a, other=b, kind=AssociationKind.PARTNER, declared_on=D(2020, 3, 1))
    [link] = connections.direct_links(b.pk, [a.pk], on=ON)
    assert (link.kind, link.explanation) == (LinkKind.ASSOCIATION, "declared partner (2020)")
    assert kinds(connections.direct_links(a.pk, [b.pk], on=ON)) == {LinkKind.ASSOCIATION}
    assert connections.direct_links(a.pk, [b.pk], on=D(2019, 1, 1)) == []


def test_same_previous_case_connects(build: Build) -> None:
    a, b, c = build.person("A"), build.person("B"), build.person("C")
    CaseInvolvement.objects.create(person=a, case_reference="PSD/2021/7", role="investigator", started_on=D(2021, 2, 1))
    CaseInvolvement.objects.create(person=b, case_reference="PSD/2021/7", role="witness", started_on=D(2021, 3, 1))
    CaseInvolvement.objects.create(
        person=c, case_reference="PSD/2011/1", role="subject", started_on=D(2011, 1, 1), ended_on=D(2012, 1, 1)
    )
    CaseInvolvement.objects.create(
        person=a, case_reference="PSD/2011/1", role="witness", started_on=D(2011, 1, 1), ended_on=D(2012, 1, 1)
    )
    [link] = connections.direct_links(a.pk, [b.pk, c.pk], on=ON)
    assert link.explanation == "both involved in case PSD/2021/7 (investigator; witness), from 2021"
    assert connections.neighbours(b.pk, on=ON) == {a.pk}


# --- independence ------------------------------------------------------------------------------


@pytest.fixture
def scene(build: Build) -> dict[str, Person]:
    """A subject, their partner, the partner's team-mate, and an unconnected detective."""
    subject, partner = build.person("S Subject"), build.person("P Partner")
    mate, detective = build.person("M Mate"), build.person("D Detective", "DC")
    Association.objects.create(person=subject, other=partner, kind=AssociationKind.PARTNER, declared_on=D(2020, 1, 1))
    build.posting(partner, build.unit(), D(2020, 1, 1))
    build.posting(mate, build.unit(), D(2021, 1, 1))
    build.posting(detective, build.unit("CID"), D(2019, 1, 1))
    return {"subject": subject, "partner": partner, "mate": mate, "detective": detective}


def test_direct_connection_blocks(scene: dict[str, Person]) -> None:
    result = connections.check_independence(scene["partner"].pk, [scene["subject"].pk], on=ON)
    assert result.blocked
    assert result.explain() == ["Directly connected: PC P Partner and PC S Subject: declared partner (2020)"]


def test_connection_within_two_steps_warns(scene: dict[str, Person]) -> None:
    result = connections.check_independence(scene["mate"].pk, [scene["subject"].pk], on=ON)
    assert not result.blocked
    assert result.warned
    [(first, second)] = result.indirect
    assert (first.person_id, first.other_id, second.other_id) == (
        scene["mate"].pk,
        scene["partner"].pk,
        scene["subject"].pk,
    )
    assert result.explain() == [
        "Within two steps of PC S Subject, through PC P Partner: "
        "PC M Mate and PC P Partner: both in Response Team B, Walsall, 2021 to present; "
        "PC P Partner and PC S Subject: declared partner (2020)"
    ]


def test_a_manager_above_both_is_not_a_two_step_connection(build: Build) -> None:
    """Everyone in a force shares a chief constable; that alone must not warn."""
    chief, one, two = build.person("C Chief", "CC"), build.person("A One"), build.person("B Two")
    build.manages(chief, one, D(2015, 1, 1))
    build.manages(chief, two, D(2015, 1, 1))
    result = connections.check_independence(one.pk, [two.pk], on=ON)
    assert not result.blocked and not result.warned
    build.posting(chief, build.unit(), D(2020, 1, 1))
    build.posting(two, build.unit(), D(2021, 1, 1))  # now also a team-mate of the party: that warns
    result = connections.check_independence(one.pk, [two.pk], on=ON)
    assert result.warned and not result.blocked
    assert {(a.kind, b.kind) for a, b in result.indirect} == {(LinkKind.LINE_MANAGEMENT, LinkKind.SAME_UNIT)}


def test_unconnected_candidate_is_independent(scene: dict[str, Person]) -> None:
    result = connections.check_independence(scene["detective"].pk, [scene["subject"].pk], on=ON)
    assert not result.blocked and not result.warned
    assert result.explain() == ["No connection with any party found."]


def test_a_party_is_never_independent(scene: dict[str, Person]) -> None:
    result = connections.check_independence(scene["subject"].pk, [scene["subject"].pk], on=ON)
    assert result.blocked
    assert result.direct[0].kind == LinkKind.IS_PARTY


def test_exclusion_covers_parties_and_direct_connections_only(scene: dict[str, Person]) -> None:
    subject = scene["subject"].pk
    assert connections.excluded_people([subject], on=ON) == {subject, scene["partner"].pk}
    assert connections.connected_to_any(scene["partner"].pk, [subject], on=ON)
    assert connections.connected_to_any(subject, [subject], on=ON)
    assert not connections.connected_to_any(scene["mate"].pk, [subject], on=ON)


def test_independent_candidates_agree_with_check_independence(scene: dict[str, Person]) -> None:
    candidates = [p.pk for p in scene.values()]
    parties = [scene["subject"].pk, scene["detective"].pk]
    listed = connections.independent_candidates(candidates, parties, on=ON)
    assert [r.candidate_id for r in listed] == candidates
    assert listed == [connections.check_independence(c, parties, on=ON) for c in candidates]
    assert [r.blocked for r in listed] == [True, True, False, True]


# --- property: symmetric, and the same as a brute-force reference --------------------------------

Period = tuple[dt.date, dt.date | None]


def _period(start: int, length: int | None) -> Period:
    begin = D(2010, 1, 1) + dt.timedelta(days=start)
    return begin, None if length is None else begin + dt.timedelta(days=length)


periods = st.builds(_period, st.integers(0, 5600), st.one_of(st.none(), st.integers(0, 2500)))


@dataclass
class Plan:
    people: int
    postings: list[tuple[int, int, int, int | None]]  # person, unit, start offset, length
    managed: list[tuple[int, int, Period]]
    associated: list[tuple[int, int, int]]
    cases: list[tuple[int, int, Period]]


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    people = draw(st.integers(2, 6))
    person = st.integers(0, people - 1)
    postings = []
    for who in range(people):
        start = draw(st.integers(0, 3000))
        for _ in range(draw(st.integers(0, 3))):
            length = draw(st.one_of(st.none(), st.integers(0, 1500)))
            postings.append((who, draw(st.integers(0, 2)), start, length))
            if length is None:
                break
            start += length + draw(st.integers(1, 400))
    pairs = st.tuples(person, person).filter(lambda pair: pair[0] != pair[1])
    return Plan(
        people=people,
        postings=postings,
        managed=[(*pair, draw(periods)) for pair in draw(st.lists(pairs, max_size=5))],
        associated=[(*pair, draw(st.integers(0, 5600))) for pair in draw(st.lists(pairs, max_size=2))],
        cases=draw(st.lists(st.tuples(person, st.integers(0, 2), periods), max_size=4)),
    )


def _current(period: Period, on: dt.date) -> bool:
    return period[0] <= on and (period[1] is None or period[1] >= on.replace(year=on.year - 5))


def _reference_same_unit(plan: Plan, a: int, b: int, on: dt.date) -> bool:
    mine = [(unit, _period(s, n)) for who, unit, s, n in plan.postings if who == a]
    theirs = [(unit, _period(s, n)) for who, unit, s, n in plan.postings if who == b]
    for (u1, per1), (u2, per2) in itertools.product(mine, theirs):
        ends = [e for e in (per1[1], per2[1]) if e is not None]
        overlap = max(per1[0], per2[0]) <= min(ends, default=dt.date.max)
        if u1 == u2 and _current(per1, on) and _current(per2, on) and overlap:
            return True
    return False


def _reference_above(plan: Plan, x: int, on: dt.date) -> set[int]:
    edges = {(mgr, who) for mgr, who, per in plan.managed if _current(per, on)}
    seen: set[int] = set()
    todo = [x]
    while todo:
        node = todo.pop()
        for mgr, who in edges:
            if who == node and mgr not in seen:
                seen.add(mgr)
                todo.append(mgr)
    return seen - {x}


def reference_kinds(plan: Plan, a: int, b: int, on: dt.date) -> set[str]:
    """The rules written out plainly, on the plan itself rather than the database."""
    found: set[str] = set()
    if _reference_same_unit(plan, a, b, on):
        found.add(LinkKind.SAME_UNIT)
    if b in _reference_above(plan, a, on) or a in _reference_above(plan, b, on):
        found.add(LinkKind.LINE_MANAGEMENT)
    if any({p, o} == {a, b} and _period(d, 0)[0] <= on for p, o, d in plan.associated):
        found.add(LinkKind.ASSOCIATION)
    mine = {ref for who, ref, per in plan.cases if who == a and _current(per, on)}
    if any(who == b and ref in mine and _current(per, on) for who, ref, per in plan.cases):
        found.add(LinkKind.SAME_CASE)
    return found


def materialise(plan: Plan, force: Organisation) -> list[int]:
    units = [Unit.objects.create(force=force, name=f"Team {n}", area="Test") for n in range(3)]
    people = [
        Person.objects.create(force=force, staff_number=f"H{n}", name=f"N{n}", kind=PersonKind.OFFICER)
        for n in range(plan.people)
    ]
    for who, unit, start, length in plan.postings:
        started, ended = _period(start, length)
        Posting.objects.create(person=people[who], unit=units[unit], started_on=started, ended_on=ended)
    for mgr, who, (started, ended) in plan.managed:
        LineManagement.objects.create(manager=people[mgr], person=people[who], started_on=started, ended_on=ended)
    for who, other, day in plan.associated:
        Association.objects.create(
            person=people[who], other=people[other], kind=AssociationKind.FAMILY, declared_on=_period(day, 0)[0]
        )
    for who, ref, (started, ended) in plan.cases:
        CaseInvolvement.objects.create(
            person=people[who], case_reference=f"C{ref}", role="witness", started_on=started, ended_on=ended
        )
    return [p.pk for p in people]


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=plans(), on=st.dates(D(2014, 1, 1), D(2026, 12, 31)).filter(lambda d: (d.month, d.day) != (2, 29)))
def test_connections_are_symmetric_and_match_the_reference(plan: Plan, on: dt.date) -> None:
    force = Organisation.objects.get(slug="west-midlands-police")
    with transaction.atomic():
        ids = materialise(plan, force)
        for (i, a), (j, b) in itertools.permutations(enumerate(ids), 2):
            expected = reference_kinds(plan, i, j, on)
            assert kinds(connections.direct_links(a, [b], on=on)) == expected, (i, j)
            assert kinds(connections.direct_links(b, [a], on=on)) == expected, (j, i)
            assert connections.connected_to_any(a, [b], on=on) is bool(expected)
        for i, a in enumerate(ids):
            expected_neighbours = {b for j, b in enumerate(ids) if j != i and reference_kinds(plan, i, j, on)}
            assert connections.neighbours(a, on=on) == expected_neighbours
        listed = connections.independent_candidates(ids, ids[:1], on=on)
        assert listed == [connections.check_independence(c, ids[:1], on=on) for c in ids]
        transaction.set_rollback(True)


# --- the per-request exclusion: connected_among ----------------------------------------------------


@pytest.mark.parametrize("cap", [1, 3, 4, None], ids=["seeks", "seeks-at-the-bound", "range-at-the-bound", "range"])
def test_connected_among_a_chief_constables_tree(
    build: Build, monkeypatch: pytest.MonkeyPatch, cap: int | None
) -> None:
    """A chief constable's reporting tree is all directly connected to them; strangers and people whose
    chain to them ended before the window are not, and a team-mate of a constable is not connected to
    the chief through the constable (that is two steps). The same answers whether PostgreSQL reads the
    people below the person as one range or seeks each subject: the chief has three people below them
    in the window, so a bound of 3 rows chooses the seeks and a bound of 4 the range."""
    if cap is not None:
        monkeypatch.setattr(connections, "BELOW_AT_LEAST", cap)
        monkeypatch.setattr(connections, "BELOW_PER_SUBJECT", 0)
    chief, superintendent = build.person("C Chief", "CC"), build.person("S Super", "Supt")
    sergeant, constable, mate = build.person("A Khan", "Sgt"), build.person("B Jones"), build.person("M Mate")
    former, stranger, friend = build.person("F Former"), build.person("X Stranger"), build.person("P Pal")
    build.manages(chief, superintendent, D(2015, 1, 1))
    build.manages(superintendent, sergeant, D(2016, 1, 1))
    build.manages(sergeant, constable, D(2018, 1, 1))
    build.manages(sergeant, former, D(2010, 1, 1), D(2018, 12, 31))  # ended before the window (30 June 2019)
    build.posting(constable, build.unit(), D(2020, 1, 1))
    build.posting(mate, build.unit(), D(2021, 1, 1))
    Association.objects.create(person=friend, other=chief, kind=AssociationKind.FRIENDSHIP, declared_on=D(2020, 1, 1))
    everyone = [p.pk for p in (chief, superintendent, sergeant, constable, mate, former, stranger, friend)]
    expected = {chief.pk, superintendent.pk, sergeant.pk, constable.pk, friend.pk}
    assert connections.connected_among(chief.pk, everyone, on=ON) == expected
    assert connections.connected_among(constable.pk, everyone, on=ON) == {
        chief.pk,
        superintendent.pk,
        sergeant.pk,
        constable.pk,
        mate.pk,
    }
    assert connections.connected_among(stranger.pk, everyone, on=ON) == {stranger.pk}
    assert connections.connected_among(chief.pk, [], on=ON) == set()
    for person in everyone:
        assert connections.connected_among(person, everyone, on=ON) == connections.excluded_people(
            [person], on=ON
        ) & set(everyone)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=plans(), on=st.dates(D(2014, 1, 1), D(2026, 12, 31)).filter(lambda d: (d.month, d.day) != (2, 29)))
def test_connected_among_is_excluded_people_among_the_others(plan: Plan, on: dt.date) -> None:
    """For every person and every subset of the others: the members that excluded_people([person]) holds."""
    force = Organisation.objects.get(slug="west-midlands-police")
    with transaction.atomic():
        ids = materialise(plan, force)
        for i, person in enumerate(ids):
            excluded = connections.excluded_people([person], on=on)
            for others in (ids, ids[i:], ids[:i], [person]):
                assert connections.connected_among(person, others, on=on) == excluded & set(others)
            assert excluded - {person} == {b for j, b in enumerate(ids) if j != i and reference_kinds(plan, i, j, on)}
        transaction.set_rollback(True)


# --- two steps: the same answer from either side, and the side with fewer people below ------------


def reference_two_steps(plan: Plan, c: int, p: int, on: dt.date) -> set[tuple[int, str, str]]:
    """(middle, kind candidate-middle, kind middle-party) for every middle person directly connected to
    both, except line management both ways where the middle is only above both (rules.py)."""
    found = set()
    for m in range(plan.people):
        if m in (c, p):
            continue
        above_m = _reference_above(plan, m, on)
        only_above_both = (
            m in _reference_above(plan, c, on)
            and c not in above_m
            and m in _reference_above(plan, p, on)
            and p not in above_m
        )
        for one in reference_kinds(plan, c, m, on):
            for two in reference_kinds(plan, m, p, on):
                if not (one == two == LinkKind.LINE_MANAGEMENT and only_above_both):
                    found.add((m, one, two))
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("side", ["parties", "candidates"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=plans(), on=st.dates(D(2014, 1, 1), D(2026, 12, 31)).filter(lambda d: (d.month, d.day) != (2, 29)))
def test_two_step_connections_match_the_reference_from_either_side(
    monkeypatch: pytest.MonkeyPatch, side: str, plan: Plan, on: dt.date
) -> None:
    """Starting from the parties' connections or from the candidates' gives the rules' answer."""
    around = connections._around
    if side == "parties":
        monkeypatch.setattr(connections, "_parties_side", lambda _c, parties, day: around(parties, day))
    else:
        monkeypatch.setattr(connections, "_parties_side", lambda *_: None)
    force = Organisation.objects.get(slug="west-midlands-police")
    with transaction.atomic():
        ids = materialise(plan, force)
        for p in range(plan.people):
            for c in range(plan.people):
                if c == p:
                    continue
                result = connections.check_independence(ids[c], [ids[p]], on=on)
                found = {(ids.index(a.other_id), a.kind, b.kind) for a, b in result.indirect}
                assert found == reference_two_steps(plan, c, p, on), (c, p)
        transaction.set_rollback(True)


def test_two_steps_start_from_the_side_with_fewer_people_below(build: Build, monkeypatch: pytest.MonkeyPatch) -> None:
    """A chief constable checked against a chief inspector starts from the chief inspector, and the
    other way round too; the chief's whole tree is never read, only counted up to a bound. The
    chief inspector's team is below both, so each of them is a two-step connection either way."""
    monkeypatch.setattr(connections, "MIN_BELOW", 1)
    monkeypatch.setattr(connections, "PER_CANDIDATE", 0)
    chief, chief_inspector = build.person("C Chief", "CC"), build.person("I Insp", "Ch Insp")
    team = [build.person(f"T{n}") for n in range(2)]
    others = [build.person(f"O{n}") for n in range(6)]
    for person in (chief_inspector, *others):
        build.manages(chief, person, D(2015, 1, 1))
    for person in team:
        build.manages(chief_inspector, person, D(2016, 1, 1))
    read: list[tuple[set[int], int | None]] = []
    around = connections._around

    def spy(sources: set[int], on: dt.date, *, below_limit: int | None = None) -> list[connections._Edge] | None:
        read.append((set(sources), below_limit))
        return around(sources, on, below_limit=below_limit)

    monkeypatch.setattr(connections, "_around", spy)
    result = connections.check_independence(chief.pk, [chief_inspector.pk], on=ON)
    assert read == [({chief_inspector.pk}, 1), ({chief_inspector.pk}, None)]
    assert {(a.other_id, b.other_id) for a, b in result.indirect} == {(t.pk, chief_inspector.pk) for t in team}
    read.clear()
    reverse = connections.check_independence(chief_inspector.pk, [chief.pk], on=ON)
    assert read == [({chief.pk}, 1), ({chief_inspector.pk}, None)]
    assert {(a.other_id, b.other_id) for a, b in reverse.indirect} == {(t.pk, chief.pk) for t in team}


# --- the line-management closure stays current through every kind of write -----------------------


def _closure(people: list[Person]) -> set[tuple[int, int]]:
    from oversight.workforce.models import ChainLink

    ids = [p.pk for p in people]
    return set(ChainLink.objects.filter(descendant__in=ids).values_list("ancestor_id", "descendant_id"))


def test_closure_follows_saves_updates_deletes_and_bulk_writes(build: Build) -> None:
    chief, inspector, sergeant, constable = (build.person(n) for n in ("C", "I", "S", "P"))
    build.manages(chief, inspector, D(2015, 1, 1))
    build.manages(inspector, sergeant, D(2016, 1, 1))
    LineManagement.objects.bulk_create([LineManagement(manager=sergeant, person=constable, started_on=D(2018, 1, 1))])
    people = [chief, inspector, sergeant, constable]
    assert (chief.pk, constable.pk) in _closure(people)
    assert connections.connected_among(chief.pk, [constable.pk], on=ON) == {constable.pk}
    LineManagement.objects.filter(person=sergeant).update(ended_on=D(2017, 1, 1))  # before the window
    assert connections.connected_among(chief.pk, [constable.pk, sergeant.pk], on=ON) == set()
    assert connections.connected_among(chief.pk, [constable.pk], on=D(2016, 6, 1)) == set()  # not begun
    row = LineManagement.objects.get(person=sergeant)
    row.ended_on = None
    row.save()
    assert connections.connected_among(chief.pk, [constable.pk], on=ON) == {constable.pk}
    LineManagement.objects.filter(person=inspector).delete()
    assert (chief.pk, constable.pk) not in _closure(people)
    assert connections.connected_among(inspector.pk, [constable.pk], on=ON) == {constable.pk}
    sergeant.delete()  # cascades to both of the sergeant's periods
    assert _closure(people) == set()
    assert connections.connected_among(inspector.pk, [constable.pk], on=ON) == set()
