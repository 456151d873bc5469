"""The case team: independence checks that block, warn and are overridden with a rationale; declarations;
the check rerun when parties change; external-force members; candidates; ownership; and 404 for everyone
who must not reach the pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from oversight.audit.models import Alert, AlertKind
from oversight.cases import assignments
from oversight.cases.models import Arrival, Case, Ownership, OwnershipDecision, Subject, TeamMember, TeamRole, Victim
from oversight.cases.services import NewCase, open_case
from oversight.organisations.models import Membership, Role
from oversight.workforce.models import Association, AssociationKind, Person, PersonKind, Posting, Unit
from tests.case_personas import (
    CasePersonas,
    Workforce,
    make_case_personas,
    make_workforce,
    open_ppda_case,
)
from tests.conftest import client_for

D = dt.date


@dataclass
class World:
    workforce: Workforce
    people: CasePersonas
    case: Case

    def person(self, number: str, name: str, rank: str, unit: Unit, start: dt.date, *, login: bool = True) -> Person:
        """A new officer in West Midlands Police posted to `unit` from `start`, with a login if asked."""
        person = Person.objects.create(
            force=self.workforce.wmp, staff_number=number, name=name, kind=PersonKind.OFFICER, rank_or_grade=rank,
            unit=unit,
        )  # fmt: skip
        Posting.objects.create(person=person, unit=unit, started_on=start)
        if login:
            first, last = name.split(" ", 1)
            person.user = User.objects.create_user(f"wmp.{last.lower()}", first_name=first, last_name=last)
            person.save(update_fields=["user"])
        return person


@pytest.fixture
def world(db: None) -> World:
    workforce = make_workforce()
    people = make_case_personas(workforce)
    return World(workforce, people, open_ppda_case(people, workforce))


def url(name: str, *args: int) -> str:
    return reverse(f"cases:{name}", args=args)


def assign(client: Client, case: Case, **data: str) -> tuple[int, str]:
    """Step one (the check) and, with stage=confirm, step two (the assignment)."""
    response = client.post(url("team_assign", case.pk), data)
    return response.status_code, response.content.decode()


def confirm(client: Client, case: Case, **data: str) -> tuple[int, str]:
    """Run step one to get the fingerprint of the check shown, then confirm with `data`."""
    chosen = {key: value for key, value in data.items() if key in ("role", "staff_number", "external_user")}
    first = client.post(url("team_assign", case.pk), chosen)
    seen = first.context["form"].data.get("seen", "")
    response = client.post(url("team_assign", case.pk), {**data, "stage": "confirm", "seen": seen})
    return response.status_code, response.content.decode()


def member(case: Case, user: User) -> TeamMember | None:
    return TeamMember.objects.active().filter(case=case, user=user).first()


# --- the check: independent, blocked, warned, overridden ---------------------------------------


def test_independent_candidate_is_shown_as_independent_then_assigned(world: World) -> None:
    handler = client_for(world.people.psd_handler)
    status, page = assign(handler, world.case, role=TeamRole.INVESTIGATOR, staff_number="WM47001")
    assert status == 200
    assert "Independence check: PC Grace Adeyemi" in page
    assert "No connection with any party found." in page
    assert member(world.case, world.people.unrelated_officer) is None  # nothing written by the check
    status, _ = confirm(handler, world.case, role=TeamRole.INVESTIGATOR, staff_number="WM47001")
    assert status == 302
    added = member(world.case, world.people.unrelated_officer)
    assert added is not None and added.role == TeamRole.INVESTIGATOR and added.override_rationale == ""
    assert handler.get(url("team", world.case.pk)).status_code == 200
    assert client_for(world.people.unrelated_officer).get(url("team", world.case.pk)).status_code == 200


def _victim_is_police_staff_beside_grace(world: World) -> Person:
    """The victim works in Grace Adeyemi's Coventry team: Grace is directly connected to a party."""
    victim_person = world.person("WM48800", "Emma Clarke", "PC", world.workforce.coventry, D(2020, 1, 6), login=False)
    Victim.objects.filter(case=world.case).update(is_police_staff=True, person=victim_person)
    return victim_person


def test_direct_link_blocks_and_explains_itself(world: World) -> None:
    _victim_is_police_staff_beside_grace(world)
    handler = client_for(world.people.psd_handler)
    status, page = assign(handler, world.case, role=TeamRole.INVESTIGATOR, staff_number="WM47001")
    assert status == 200
    assert "Blocked: directly connected to a party" in page
    assert "both in Neighbourhood Team, Coventry, 2020 to present" in page
    status, page = confirm(handler, world.case, role=TeamRole.INVESTIGATOR, staff_number="WM47001")
    assert status == 400
    assert "Tick override and give a rationale" in page
    assert member(world.case, world.people.unrelated_officer) is None


def test_override_needs_a_rationale_and_alerts_the_psd_lead(world: World) -> None:
    _victim_is_police_staff_beside_grace(world)
    handler = client_for(world.people.psd_handler)
    data = {"role": TeamRole.INVESTIGATOR, "staff_number": "WM47001", "override": "on", "rationale": "   "}
    status, page = confirm(handler, world.case, **data)
    assert status == 400
    assert "Give the rationale for overriding the independence check." in page
    assert member(world.case, world.people.unrelated_officer) is None
    assert not Alert.objects.filter(kind=AlertKind.OVERRIDE).exists()

    rationale = "Only trained officer available; worked a different shift pattern from the victim."
    status, _ = confirm(handler, world.case, **{**data, "rationale": rationale})
    assert status == 302
    added = member(world.case, world.people.unrelated_officer)
    assert added is not None and added.override_rationale == rationale
    alert = Alert.objects.get(kind=AlertKind.OVERRIDE)
    assert alert.organisation == world.workforce.wmp and alert.object_id == world.case.pk
    assert rationale in alert.detail and "Neighbourhood Team, Coventry" in alert.detail
    page = handler.get(url("team", world.case.pk)).content.decode()
    assert f"— overridden: {rationale}" in page


def test_override_cannot_lift_the_lock_for_someone_connected_to_a_subject(world: World) -> None:
    handler = client_for(world.people.psd_handler)
    data = {"role": TeamRole.INVESTIGATOR, "staff_number": "WM30012", "override": "on", "rationale": "Needed"}
    _, page = assign(handler, world.case, role=TeamRole.INVESTIGATOR, staff_number="WM30012")
    assert "This person cannot join the team" in page
    assert "Sgt Amrit Khan line-manages PC Daniel Hart" in page
    with pytest.raises(ValidationError, match="locked to them"):
        assignments.assign(world.case, world.people.psd_handler, assignments.Assignment(**data))  # type: ignore[arg-type]
    assert member(world.case, world.people.subject_manager) is None


def test_two_step_link_warns_and_needs_confirmation(world: World) -> None:
    # A new sergeant in Walsall Response Sergeants: beside Sgt Khan, who line-manages the subject.
    cole = world.person("WM30999", "Dan Cole", "DS", Unit.objects.get(name="Response Sergeants"), D(2021, 5, 1))
    handler = client_for(world.people.psd_handler)
    status, page = assign(handler, world.case, role=TeamRole.INVESTIGATOR, staff_number="WM30999")
    assert status == 200
    assert "Connected within two steps of a party" in page
    assert "Within two steps of PC Daniel Hart, through Sgt Amrit Khan" in page
    assert "both in Response Sergeants, Walsall, 2021 to present" in page
    status, page = confirm(handler, world.case, role=TeamRole.INVESTIGATOR, staff_number="WM30999")
    assert status == 400 and "Confirm that you have read the connections within two steps." in page
    assert member(world.case, cole.user) is None  # type: ignore[arg-type]
    status, _ = confirm(handler, world.case, role=TeamRole.INVESTIGATOR, staff_number="WM30999", confirmed="on")
    assert status == 302
    assert member(world.case, cole.user) is not None  # type: ignore[arg-type]
    assert not Alert.objects.filter(kind=AlertKind.OVERRIDE).exists()


def test_a_changed_check_must_be_seen_again(world: World) -> None:
    handler = client_for(world.people.psd_handler)
    data = {"role": TeamRole.INVESTIGATOR, "staff_number": "WM47001", "stage": "confirm", "seen": "0123456789abcdef"}
    status, page = assign(handler, world.case, **data)
    assert status == 400 and "The independence check has changed since you saw it" in page
    assert member(world.case, world.people.unrelated_officer) is None


def test_unknown_staff_number_and_no_login_are_refused_clearly(world: World) -> None:
    handler = client_for(world.people.psd_handler)
    status, page = assign(handler, world.case, role=TeamRole.INVESTIGATOR, staff_number="WM00000")
    assert status == 400 and "No one with staff number WM00000 in West Midlands Police." in page
    world.person("WM77777", "Ann Lee", "DC", world.workforce.major_crime, D(2020, 1, 1), login=False)
    status, page = assign(handler, world.case, role=TeamRole.INVESTIGATOR, staff_number="WM77777")
    assert status == 400 and "has no Oversight login yet" in page


def test_case_handler_role_needs_no_independence_but_the_lock_still_applies(world: World) -> None:
    handler = client_for(world.people.psd_handler)
    status, page = confirm(handler, world.case, role=TeamRole.CASE_HANDLER, staff_number="WM47001")
    assert status == 302
    status, page = assign(handler, world.case, role=TeamRole.CASE_HANDLER, staff_number="WM40233")
    assert "This person cannot join the team" in page  # the subject's team-mate


# --- external force ----------------------------------------------------------------------------


def _give_to_avon(world: World) -> None:
    assignments.record_ownership(
        world.case,
        world.people.psd_lead,
        assignments.OwnershipChoice(Ownership.EXTERNAL, "Subject well known locally.", world.workforce.avon),
    )


def test_external_people_are_offered_only_after_an_external_decision(world: World) -> None:
    handler = client_for(world.people.psd_handler)
    kate = world.people.external_investigator
    assert (
        "Or a person from the investigating force"
        not in handler.get(url("team_assign", world.case.pk)).content.decode()
    )
    _give_to_avon(world)
    page = handler.get(url("team_assign", world.case.pk)).content.decode()
    assert "Or a person from the investigating force" in page and "Kate Morgan" in page
    TeamMember.objects.filter(case=world.case, user=kate).update(removed_at=dt.datetime(2024, 5, 1, tzinfo=dt.UTC))
    status, page = confirm(handler, world.case, role=TeamRole.INVESTIGATOR, external_user=str(kate.pk))
    assert status == 302
    added = member(world.case, kate)
    assert added is not None and added.organisation == world.workforce.avon and added.is_external


def test_external_user_without_a_workforce_record_cannot_be_assigned(world: World) -> None:
    """A login with no register entry would escape the exclusion: its investigator role does not count
    (issue 6), so it is neither offered nor accepted, even with a rationale."""
    _give_to_avon(world)
    newcomer = User.objects.create_user("avon.new", first_name="Jo", last_name="Nash")
    Membership.objects.create(user=newcomer, organisation=world.workforce.avon, role=Role.INVESTIGATOR)
    handler = client_for(world.people.psd_handler)
    assert "Jo Nash" not in handler.get(url("team_assign", world.case.pk)).content.decode()
    rationale = "Avon's register is not loaded; Avon PSD confirmed no local ties."
    status, page = confirm(
        handler, world.case, role=TeamRole.INVESTIGATOR, external_user=str(newcomer.pk), rationale=rationale
    )
    assert status == 400 and "Select a valid choice" in page and member(world.case, newcomer) is None


def test_external_member_sees_this_case_only(world: World) -> None:
    other = open_case(
        NewCase(
            force=world.workforce.wmp, arrival=Arrival.HOTLINE, received_on=D(2024, 6, 1), summary="Another report",
            victim_name="Someone Else", subjects=[world.workforce.unrelated],
        ),
        world.people.psd_handler,
    )  # fmt: skip
    kate = client_for(world.people.external_investigator)
    assert kate.get(url("team", world.case.pk)).status_code == 200
    for name in ("team", "team_assign", "team_candidates", "ownership", "safeguards"):
        assert kate.get(url(name, other.pk)).status_code == 404
    assert kate.get(url("detail", other.pk)).status_code == 404


# --- declarations ------------------------------------------------------------------------------


def test_only_the_assignee_signs_the_declaration(world: World) -> None:
    investigator = member(world.case, world.people.investigator)
    assert investigator is not None
    declare = url("team_declare", world.case.pk, investigator.pk)
    for someone in (world.people.psd_handler, world.people.psd_lead, world.people.external_investigator):
        assert client_for(someone).post(declare, {"agree": "on"}).status_code == 404
    own = client_for(world.people.investigator)
    assert own.post(declare, {}).status_code == 400
    assert own.post(declare, {"agree": "on"}).status_code == 302
    investigator.refresh_from_db()
    assert investigator.declaration_signed_at is not None
    assert investigator.declaration_text == assignments.DECLARATION_TEXT
    assert "no prior connection" in investigator.declaration_text


def test_a_case_handler_has_no_declaration_to_sign(world: World) -> None:
    handler = member(world.case, world.people.psd_handler)
    assert handler is not None
    assert client_for(world.people.psd_handler).get(url("team_declare", world.case.pk, handler.pk)).status_code == 404


def test_team_page_shows_declarations_signed_and_outstanding(world: World) -> None:
    investigator = member(world.case, world.people.investigator)
    assert investigator is not None
    assignments.sign_declaration(investigator, world.people.investigator)
    page = client_for(world.people.psd_handler).get(url("team", world.case.pk)).content.decode()
    assert "Signed " in page and "Outstanding" in page  # the external investigator has not signed
    assert "External force" in page


# --- the check reruns --------------------------------------------------------------------------


def test_recheck_flags_a_member_connected_by_a_subject_added_later(world: World) -> None:
    checks = dict(assignments.recheck_team(world.case))
    investigator = member(world.case, world.people.investigator)
    assert investigator is not None
    assert not checks[investigator].blocked  # type: ignore[union-attr]
    page = client_for(world.people.psd_handler).get(url("team", world.case.pk)).content.decode()
    assert "Tom Beck (Investigator)" not in page
    # A second subject, from the investigator's own unit, is added to the case.
    second = world.person("WM35555", "Lee Park", "DC", world.workforce.major_crime, D(2018, 1, 1), login=False)
    Subject.objects.create(case=world.case, person=second)
    checks = dict(assignments.recheck_team(world.case))
    assert checks[investigator].blocked  # type: ignore[union-attr]
    page = client_for(world.people.psd_handler).get(url("team", world.case.pk)).content.decode()
    assert "now directly connected to a party" in page
    assert "Tom Beck (Investigator): DS Tom Beck and DC Lee Park: both in Major Crime Review Team" in page
    assert "Connected since assignment" in page


def test_team_page_statuses_in_words(world: World) -> None:
    rows = {row.member.user: row for row in assignments.team_overview(world.case)}
    assert rows[world.people.investigator].summary == "Independent"
    teammate = rows[world.people.subject_teammate]
    assert teammate.flagged
    assert teammate.summary.startswith("Directly connected: PC Liam Foster and PC Daniel Hart: both in Response Team B")


def test_removing_a_member(world: World) -> None:
    investigator = member(world.case, world.people.investigator)
    assert investigator is not None
    handler = client_for(world.people.psd_handler)
    assert handler.get(url("team_remove", world.case.pk, investigator.pk)).status_code == 200
    assert handler.post(url("team_remove", world.case.pk, investigator.pk)).status_code == 302
    assert member(world.case, world.people.investigator) is None
    assert client_for(world.people.investigator).get(url("team", world.case.pk)).status_code == 404


# --- candidates and ownership ------------------------------------------------------------------


def test_candidates_list_independent_first_with_counts(world: World) -> None:
    world.person("WM40555", "Kim Ross", "DC", world.workforce.response_b, D(2021, 1, 1))  # beside the subject
    found = assignments.candidates(world.case)
    assert [p.name for p, _ in found.independent] == ["Tom Beck"]
    assert [p.name for p, _ in found.blocked] == ["Kim Ross"]
    assert world.workforce.subject not in [p for p, _ in found.blocked + found.warned + found.independent]
    page = client_for(world.people.psd_handler).get(url("team_candidates", world.case.pk)).content.decode()
    assert page.index("Tom Beck") < page.index("Kim Ross")
    assert "<strong>1</strong> independent" in page and "<strong>1</strong> directly connected" in page


def test_recommendation_reasons(world: World) -> None:
    assert assignments.external_force_recommendation(world.case, on=D(2024, 6, 1)) == []
    subject = world.workforce.subject
    subject.rank_or_grade, subject.service_start = "Superintendent", D(2001, 1, 1)
    subject.save()
    reasons = assignments.external_force_recommendation(world.case, on=D(2024, 6, 1))
    assert "Superintendent Daniel Hart is a senior officer (Superintendent)." in reasons
    assert "Superintendent Daniel Hart has served 23 years (threshold 20)." in reasons
    OwnershipDecision.objects.create(
        case=world.case, decided_by=world.people.psd_lead, reasons="In force for now", ownership=Ownership.IN_FORCE,
        victim_asked_for_external=True,
    )  # fmt: skip
    assert any("The victim asked" in r for r in assignments.external_force_recommendation(world.case))


def test_recommendation_when_no_investigator_is_independent(world: World) -> None:
    beck, hart = world.workforce.investigator, world.workforce.subject
    Association.objects.create(person=beck, other=hart, kind=AssociationKind.FRIENDSHIP, declared_on=D(2016, 5, 1))
    world.person("WM40556", "Kim Ross", "DC", world.workforce.response_b, D(2021, 1, 1), login=False)
    reasons = assignments.external_force_recommendation(world.case)
    assert reasons[0].startswith("None of the 2 eligible investigators in West Midlands Police is independent")
    page = client_for(world.people.psd_lead).get(url("ownership", world.case.pk)).content.decode()
    assert "Consider investigation by another force" in page and "None of the 2 eligible" in page


def test_ownership_decision_needs_a_rationale_and_a_force(world: World) -> None:
    lead = client_for(world.people.psd_lead)
    response = lead.post(url("ownership", world.case.pk), {"ownership": Ownership.IN_FORCE, "reasons": " "})
    assert response.status_code == 400 and "Give the rationale for this decision." in response.content.decode()
    response = lead.post(url("ownership", world.case.pk), {"ownership": Ownership.EXTERNAL, "reasons": "Senior"})
    assert response.status_code == 400 and "Choose the other force that will investigate." in response.content.decode()
    assert not OwnershipDecision.objects.exists()
    response = lead.post(
        url("ownership", world.case.pk),
        {"ownership": Ownership.EXTERNAL, "reasons": "Victim's trust", "external_force": world.workforce.avon.pk,
         "victim_asked": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    decision = OwnershipDecision.objects.get()
    assert decision.external_force == world.workforce.avon and decision.victim_asked_for_external
    assert assignments.external_force(world.case) == world.workforce.avon


# --- who may reach the pages -------------------------------------------------------------------

REFUSED = (
    "subject", "subject_teammate", "subject_manager", "subject_partner", "unrelated_officer", "other_force_psd",
    "administrator", "connected_administrator", "opcc_officer",
)  # fmt: skip


def _team_urls(world: World) -> list[str]:
    investigator = member(world.case, world.people.investigator)
    assert investigator is not None
    pk = world.case.pk
    return [
        url("team", pk), url("team_assign", pk), url("team_candidates", pk), url("ownership", pk),
        url("team_remove", pk, investigator.pk), url("team_declare", pk, investigator.pk),
    ]  # fmt: skip


@pytest.mark.parametrize("persona", REFUSED)
def test_refused_personas_get_404_on_every_team_page(world: World, persona: str) -> None:
    client = client_for(getattr(world.people, persona))
    for address in _team_urls(world):
        assert client.get(address).status_code == 404, address
        assert client.post(address, {"role": TeamRole.INVESTIGATOR, "staff_number": "WM47001"}).status_code == 404
    assert TeamMember.objects.filter(case=world.case).count() == 4
    assert not OwnershipDecision.objects.exists()


def test_excluded_person_opening_the_team_page_alerts_silently(world: World) -> None:
    response = client_for(world.people.subject_partner).get(url("team", world.case.pk))
    assert response.status_code == 404
    alert = Alert.objects.get(kind=AlertKind.EXCLUDED_OPENED)
    assert alert.actor == world.people.subject_partner and alert.object_id == world.case.pk
    assert world.case.reference not in response.content.decode()


def test_team_members_who_do_not_manage_the_team_get_404_on_its_actions(world: World) -> None:
    client = client_for(world.people.investigator)
    assert client.get(url("team", world.case.pk)).status_code == 200
    for address in _team_urls(world)[1:5]:
        assert client.get(address).status_code == 404, address


def test_nonexistent_case_is_404(world: World) -> None:
    assert client_for(world.people.psd_lead).get(url("team", world.case.pk + 999)).status_code == 404
