"""Reference organisations, dated governing bodies and the organisation switcher."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from oversight.organisations.models import GoverningBodyTerm, Membership, Organisation, OrganisationKind, Role
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def test_the_43_forces_each_have_a_governing_body_and_the_national_bodies_exist() -> None:
    forces = Organisation.objects.forces()
    assert forces.count() == 43
    assert all(force.governing_body_on() is not None for force in forces)
    assert set(Organisation.objects.national().values_list("slug", flat=True)) >= {
        "hmicfrs", "college-of-policing", "iopc", "npcc", "apcc", "home-office", "ministry-of-justice", "cps",
    }  # fmt: skip


def test_governing_body_changes_over_time() -> None:
    force = Organisation.objects.get(slug="west-midlands-police")
    pcc = force.governing_body_on(dt.date(2025, 1, 1))
    assert pcc is not None and pcc.name == "West Midlands Police and Crime Commissioner"
    mayor = Organisation.objects.create(name="Mayor of the West Midlands", slug="wm-mayor",
                                        kind=OrganisationKind.GOVERNING_BODY, body_type="Mayor")  # fmt: skip
    GoverningBodyTerm.objects.filter(force=force, body=pcc).update(ends_on=dt.date(2028, 5, 7))
    GoverningBodyTerm.objects.create(force=force, body=mayor, starts_on=dt.date(2028, 5, 8))
    assert force.governing_body_on(dt.date(2028, 5, 7)) == pcc
    assert force.governing_body_on(dt.date(2028, 5, 8)) == mayor
    assert list(Organisation.objects.forces().governed_by(mayor, dt.date(2029, 1, 1))) == [force]
    assert list(Organisation.objects.forces().governed_by(mayor, dt.date(2027, 1, 1))) == []


def test_switcher_changes_the_organisation_acted_for(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.committee_member)
    pcc = Organisation.objects.get(slug="west-midlands-police").governing_body_on()
    assert pcc is not None
    response = client.post("/organisations/switch/", {"organisation": pcc.pk, "next": "/"})
    assert response.status_code == 302
    assert client.get("/").context["current_organisation"] == pcc


def test_switcher_refuses_an_organisation_the_person_is_not_in(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.owner)
    avon = Organisation.objects.get(slug="avon-and-somerset-police")
    assert client.post("/organisations/switch/", {"organisation": avon.pk}).status_code == 404
    assert client.get("/").context["current_organisation"].slug == "west-midlands-police"


def test_switcher_ignores_an_offsite_next(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.committee_member)
    wmp = Organisation.objects.get(slug="west-midlands-police")
    response = client.post("/organisations/switch/", {"organisation": wmp.pk, "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_switcher_shown_only_to_people_in_several_organisations(personas: Personas) -> None:
    several, single = Client(), Client()
    several.force_login(personas.committee_member)
    single.force_login(personas.owner)
    assert 'id="organisation-switcher"' in several.get("/").content.decode()
    assert 'id="organisation-switcher"' not in single.get("/").content.decode()


def test_a_person_may_hold_several_roles(personas: Personas) -> None:
    wmp = Organisation.objects.get(slug="west-midlands-police")
    Membership.objects.create(user=personas.owner, organisation=wmp, role=Role.LIAISON_OFFICER)
    assert set(personas.owner.memberships.values_list("role", flat=True)) == {Role.OWNER, Role.LIAISON_OFFICER}
