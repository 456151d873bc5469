"""The admin site: the system administrator manages people and organisations, and nothing locked.

No admin page shows or counts a locked record, to any administrator, excluded or not: people and
organisations are deactivated, never deleted (a delete confirmation lists everything that hangs on
the record), and guarded roles are granted on the Roles pages, not here.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from oversight.cases.models import Case, Subject, TeamMember, Victim
from oversight.organisations.access import has_role, memberships_of
from oversight.organisations.admin_site import administration_permissions
from oversight.organisations.models import GoverningBodyTerm, Membership, Organisation, Role
from oversight.workforce.models import Person
from tests.case_personas import SUBJECT_NAME, SUBJECT_STAFF_NUMBER, VICTIM_NAME, CasePersonas
from tests.conftest import client_for
from tests.factories import member
from tests.personas import Personas

pytest_plugins = ["tests.case_fixtures"]  # the case personas' fixtures
pytestmark = pytest.mark.django_db

MANAGED = {"auth.User", "organisations.Organisation", "organisations.Membership"}
FORCES = ("west-midlands-police", "avon-and-somerset-police")


def test_only_people_and_organisations_are_in_the_admin_site() -> None:
    registered = {model._meta.label for model in admin.site._registry}
    assert registered == MANAGED
    locked = ("cases.", "victims.", "workforce.", "auditlog.", "audit.", "grants.")
    assert not any(label.startswith(locked) for label in registered)


@pytest.fixture
def administrator(personas: Personas) -> Client:
    user = personas.administrator
    user.is_staff = True
    user.save()
    user.user_permissions.set(administration_permissions())
    return client_for(user)


def test_administrator_manages_memberships(administrator: Client, personas: Personas) -> None:
    assert administrator.get("/admin/organisations/membership/").status_code == 200
    page = administrator.get("/admin/organisations/organisation/?q=West+Midlands")
    assert page.status_code == 200
    assert "West Midlands Police" in page.content.decode()


def test_administrator_without_the_permission_cannot_manage_users(personas: Personas) -> None:
    user = personas.administrator
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="organisations"))
    assert client_for(user).get("/admin/auth/user/").status_code == 403


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


# --- an excluded administrator sees nothing of the case on any admin page ---------------------------


def _every_admin_permission() -> list[Permission]:
    """More than an administrator is given: delete included, as the admin site had before."""
    models = ["user", "group", "organisation", "governingbodyterm", "membership"]
    return list(
        Permission.objects.filter(content_type__app_label__in=["auth", "organisations"], content_type__model__in=models)
    )


@pytest.fixture(params=["staff administrator", "superuser"])
def excluded_admin(request: pytest.FixtureRequest, case_personas: CasePersonas) -> Client:
    """The subject's former team-mate, who is the force's administrator (and PSD lead): excluded from the case."""
    user = case_personas.connected_administrator
    user.is_staff = True
    user.is_superuser = request.param == "superuser"
    user.save()
    user.user_permissions.set(_every_admin_permission())
    return client_for(user)


def _admin_urls(case: Case, people: CasePersonas) -> Iterator[str]:
    """Every admin page an administrator can reach that could show a person's or an organisation's relations."""
    yield reverse("admin:index")
    yield from _list_urls(case)
    yield from _record_urls()
    for term in ("Hart", "Clarke", "Daniel", "Emma"):
        for field in ("user", "organisation"):
            yield f"/admin/autocomplete/?app_label=organisations&model_name=membership&field_name={field}&term={term}"
    for model, pk in ((Case, case.pk), (Victim, case.victim.pk), (Person, people.subject.workforce_person.pk)):
        yield reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(model).pk, pk])


def _list_urls(case: Case) -> Iterator[str]:
    # Parts of what is locked: a search page echoes its own term, never the whole of a secret.
    terms = ("Hart", "Clarke", case.reference.removeprefix("PPDA-"), SUBJECT_STAFF_NUMBER[2:], "PPDA")
    for model in admin.site._registry:
        base = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        yield reverse(f"{base}_add")
        yield reverse(f"{base}_changelist")
        yield from (reverse(f"{base}_changelist") + f"?q={term}" for term in terms)


def _record_urls() -> Iterator[str]:
    users = User.objects.all()
    records = [
        *(("organisations_organisation", org.pk) for org in Organisation.objects.filter(slug__in=FORCES)),
        *(("auth_user", user.pk) for user in users),
        *(
            ("organisations_membership", pk)
            for pk in Membership.objects.filter(user__in=users).values_list("pk", flat=True)
        ),
    ]
    for name, pk in records:
        views = (
            ("change", "history", "delete", "password_change")
            if name == "auth_user"
            else ("change", "history", "delete")
        )
        yield from (reverse(f"admin:{name}_{view}", args=[pk]) for view in views)


def _assert_reveals_nothing(body: str, case: Case, where: str) -> None:
    for secret in (SUBJECT_NAME, VICTIM_NAME, case.reference, "PPDA-", SUBJECT_STAFF_NUMBER, "Emma", "coercive"):
        assert secret not in body, f"{where} shows {secret!r}"


def test_an_excluded_administrator_sees_nothing_of_the_case_on_any_admin_page(
    excluded_admin: Client, ppda_case: Case, case_personas: CasePersonas
) -> None:
    assert Subject.objects.filter(case=ppda_case).exists() and TeamMember.objects.filter(case=ppda_case).exists()
    for url in _admin_urls(ppda_case, case_personas):
        response = excluded_admin.get(url)
        assert response.status_code in (200, 403, 404), f"{url} answered {response.status_code}"
        _assert_reveals_nothing(response.content.decode(), ppda_case, url)


@pytest.mark.parametrize("who", ["psd_handler", "subject", "connected_administrator"])
def test_no_delete_confirmation_for_a_person_or_an_organisation(
    excluded_admin: Client, ppda_case: Case, case_personas: CasePersonas, who: str
) -> None:
    """The handler opened the case, the subject is one, the administrator is excluded: none is listed."""
    user = getattr(case_personas, who)
    wmp = ppda_case.force
    for url in (
        reverse("admin:auth_user_delete", args=[user.pk]),
        reverse("admin:organisations_organisation_delete", args=[wmp.pk]),
    ):
        for response in (excluded_admin.get(url), excluded_admin.post(url, {"post": "yes"})):
            assert response.status_code == 403, url
            _assert_reveals_nothing(response.content.decode(), ppda_case, url)
    assert User.objects.filter(pk=user.pk).exists() and Organisation.objects.filter(pk=wmp.pk).exists()


def test_no_bulk_delete_of_people_or_organisations(excluded_admin: Client, ppda_case: Case) -> None:
    for model, ids in (("auth_user", list(User.objects.values_list("pk", flat=True))),
                       ("organisations_organisation", [ppda_case.force_id])):  # fmt: skip
        url = reverse(f"admin:{model}_changelist")
        page = excluded_admin.get(url).content.decode()
        assert 'value="delete_selected"' not in page
        response = excluded_admin.post(url, {"action": "delete_selected", "_selected_action": ids, "post": "yes"})
        _assert_reveals_nothing(response.content.decode(), ppda_case, url)
    assert Case.objects.filter(pk=ppda_case.pk).exists()
    assert Organisation.objects.filter(pk=ppda_case.force_id).exists()


def test_view_on_site_does_not_tell_whether_a_case_exists(
    excluded_admin: Client, ppda_case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("django.middleware.csrf._get_new_csrf_string", lambda: "a" * 32)  # same token on both
    case_type = ContentType.objects.get_for_model(Case).pk
    urls = [reverse("admin:view_on_site", args=[case_type, pk]) for pk in (ppda_case.pk, ppda_case.pk + 1000)]
    existing, missing = (excluded_admin.get(url) for url in urls)
    assert existing.status_code == missing.status_code == 404
    assert existing.content.decode().replace(urls[0], "") == missing.content.decode().replace(urls[1], "")


# --- people and organisations are deactivated, not deleted -----------------------------------------


def test_people_are_deactivated_not_deleted(administrator: Client, personas: Personas) -> None:
    url = reverse("admin:auth_user_changelist")
    response = administrator.post(url, {"action": "deactivate_people", "_selected_action": [personas.owner.pk]})
    assert response.status_code == 302
    personas.owner.refresh_from_db()
    assert not personas.owner.is_active
    assert administrator.get(reverse("admin:auth_user_delete", args=[personas.owner.pk])).status_code == 403


def test_organisations_are_deactivated_not_deleted_and_roles_in_them_stop_counting(
    administrator: Client, personas: Personas, wmp: Organisation
) -> None:
    assert has_role(personas.liaison, Role.LIAISON_OFFICER, wmp)
    url = reverse("admin:organisations_organisation_changelist")
    response = administrator.post(url, {"action": "deactivate_organisations", "_selected_action": [wmp.pk]})
    assert response.status_code == 302
    wmp.refresh_from_db()
    assert not wmp.is_active
    fresh = User.objects.get(pk=personas.liaison.pk)
    assert memberships_of(fresh) == []
    assert administrator.get(reverse("admin:organisations_organisation_delete", args=[wmp.pk])).status_code == 403


def test_a_force_stays_a_force(administrator: Client, wmp: Organisation) -> None:
    page = administrator.get(reverse("admin:organisations_organisation_change", args=[wmp.pk])).content.decode()
    assert 'name="kind"' not in page


def test_governing_body_terms_are_still_managed(administrator: Client, wmp: Organisation) -> None:
    term = GoverningBodyTerm.objects.filter(force=wmp).first()
    assert term is not None
    assert administrator.get(reverse("admin:organisations_organisation_change", args=[wmp.pk])).status_code == 200


# --- guarded roles are not granted in the admin site ------------------------------------------------


def test_the_membership_form_offers_no_guarded_role(
    administrator: Client, personas: Personas, wmp: Organisation
) -> None:
    page = administrator.get(reverse("admin:organisations_membership_add")).content.decode()
    assert 'value="liaison_officer"' in page
    for role in (Role.PSD_LEAD, Role.PSD_HANDLER, Role.INVESTIGATOR, Role.SPOC, Role.ADMINISTRATOR):
        assert f'value="{role}"' not in page, role
    assert reverse("grants:index") in page
    response = administrator.post(
        reverse("admin:organisations_membership_add"),
        {"user": personas.no_role.pk, "organisation": wmp.pk, "role": Role.PSD_LEAD, "portfolio": ""},
    )
    assert response.status_code == 200  # the form again, with an error
    assert not Membership.objects.filter(user=personas.no_role).exists()


def test_a_role_that_opens_nothing_is_still_added_here(
    administrator: Client, personas: Personas, wmp: Organisation
) -> None:
    response = administrator.post(
        reverse("admin:organisations_membership_add"),
        {"user": personas.no_role.pk, "organisation": wmp.pk, "role": Role.OWNER, "portfolio": "Roads"},
    )
    assert response.status_code == 302
    assert has_role(User.objects.get(pk=personas.no_role.pk), Role.OWNER, wmp)


def test_a_guarded_membership_is_read_only_here(administrator: Client, personas: Personas, wmp: Organisation) -> None:
    held = member(personas.no_role, wmp, Role.SPOC)
    change = reverse("admin:organisations_membership_change", args=[held.pk])
    assert 'name="role"' not in administrator.get(change).content.decode()
    other = Organisation.objects.get(slug="avon-and-somerset-police")
    response = administrator.post(change, {"user": personas.owner.pk, "organisation": other.pk, "role": Role.SPOC})
    assert response.status_code == 403
    delete = reverse("admin:organisations_membership_delete", args=[held.pk])
    assert administrator.post(delete, {"post": "yes"}).status_code == 403
    held.refresh_from_db()
    assert (held.user, held.organisation) == (personas.no_role, wmp)
    assert (
        reverse("grants:index")
        in administrator.get(reverse("admin:organisations_membership_changelist")).content.decode()
    )


def test_admin_site_access_is_not_edited_here(administrator: Client, personas: Personas) -> None:
    url = reverse("admin:auth_user_change", args=[personas.no_role.pk])
    page = administrator.get(url).content.decode()
    assert 'name="is_superuser"' not in page and 'name="is_staff"' not in page
    assert 'name="user_permissions"' not in page and 'name="groups"' not in page
    data = {
        "username": "no.role", "first_name": "Norah", "last_name": "Role", "email": "", "is_active": "on",
        "is_superuser": "on", "is_staff": "on", "last_login_0": "", "last_login_1": "",
        "date_joined_0": "2024-01-01", "date_joined_1": "00:00:00",
    }  # fmt: skip
    administrator.post(url, data)
    personas.no_role.refresh_from_db()
    assert not personas.no_role.is_superuser and not personas.no_role.is_staff


def test_nobody_resets_the_password_of_someone_with_a_guarded_role(
    administrator: Client, personas: Personas, case_personas: CasePersonas
) -> None:
    lead = case_personas.psd_lead
    url = reverse("admin:auth_user_password_change", args=[lead.pk])
    assert administrator.get(url).status_code == 403
    response = administrator.post(url, {"password1": "Another-long-pass-1", "password2": "Another-long-pass-1"})
    assert response.status_code == 403
    lead.refresh_from_db()
    assert not lead.check_password("Another-long-pass-1")
    plain = reverse("admin:auth_user_password_change", args=[personas.owner.pk])
    assert administrator.get(plain).status_code == 200
