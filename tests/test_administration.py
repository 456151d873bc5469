"""The admin site: the system administrator manages people and organisations, and nothing locked."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client

from tests.personas import Personas

pytestmark = pytest.mark.django_db

MANAGED = {"auth.User", "auth.Group", "organisations.Organisation", "organisations.Membership"}


def test_only_people_and_organisations_are_in_the_admin_site() -> None:
    registered = {model._meta.label for model in admin.site._registry}
    assert registered == MANAGED
    locked = ("cases.", "victims.", "workforce.", "auditlog.", "audit.")
    assert not any(label.startswith(locked) for label in registered)


@pytest.fixture
def administrator(personas: Personas) -> Client:
    user = personas.administrator
    user.is_staff = True
    user.save()
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="organisations", codename__in=[
            "view_organisation", "change_organisation", "view_membership", "add_membership", "change_membership",
        ])
    )  # fmt: skip
    client = Client()
    client.force_login(user)
    return client


def test_administrator_manages_memberships(administrator: Client, personas: Personas) -> None:
    assert administrator.get("/admin/organisations/membership/").status_code == 200
    page = administrator.get("/admin/organisations/organisation/?q=West+Midlands")
    assert page.status_code == 200
    assert "West Midlands Police" in page.content.decode()


def test_administrator_without_the_permission_cannot_manage_users(administrator: Client) -> None:
    assert administrator.get("/admin/auth/user/").status_code == 403


def test_people_who_are_not_staff_are_turned_away(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.liaison)
    response = client.get("/admin/organisations/membership/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_signed_in_people_who_are_not_staff_get_not_found_not_a_second_sign_in(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.liaison)
    assert client.get("/admin/organisations/membership/", follow=True).status_code == 404
