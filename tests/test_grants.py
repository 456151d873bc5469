"""Guarded roles under the two-person rule: asked for by one person, decided by a second, never by
the grantee; alerted to the PSD leads; held only by a login linked to its workforce register entry."""

from __future__ import annotations

import importlib
import itertools

import pytest
from auditlog.models import LogEntry
from django.apps import apps as django_apps
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oversight.api.models import ApiToken
from oversight.audit.models import Alert, AlertKind
from oversight.cases import access as case_access
from oversight.cases.models import Case
from oversight.grants import access, services
from oversight.grants.models import Grant, GrantState
from oversight.organisations.access import link_allows, memberships_of, organisation_ids_with_role
from oversight.organisations.models import GUARDED_ROLES, Membership, Organisation, OrganisationKind, Role
from oversight.workforce.models import Person, PersonKind
from tests.case_personas import CasePersonas, Workforce
from tests.conftest import client_for
from tests.factories import member
from tests.personas import Personas

pytest_plugins = ["tests.case_fixtures"]  # the case personas' fixtures
pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    """The user as a new request sees them (memberships are cached per request on the user object)."""
    return User.objects.get(pk=user.pk)


def newcomer(workforce: Workforce, username: str = "wmp.newcomer", *, linked: bool = True) -> User:
    """A West Midlands DC with a login, on the register but connected to nobody."""
    user = User.objects.create_user(username, first_name="Rosa", last_name="Lind")
    if linked:
        Person.objects.create(force=workforce.wmp, staff_number=f"N{user.pk:05d}", name="Rosa Lind",
                              kind=PersonKind.OFFICER, rank_or_grade="DC", user=user)  # fmt: skip
    return user


def ask(by: User, user: User, organisation: Organisation, role: Role, person: Person | None = None) -> Grant:
    request = services.GrantRequest(user=user, organisation=organisation, role=role, reason="Joins PSD", person=person)
    return services.ask(request, fresh(by))


def alerts(kind: AlertKind, grant: Grant) -> list[Alert]:
    content_type = ContentType.objects.get_for_model(Grant)
    return list(Alert.objects.filter(kind=kind, content_type=content_type, object_id=grant.pk))


# --- the two-person rule ----------------------------------------------------------------------------


def test_asked_for_by_one_approved_by_a_second_then_it_counts(
    case_personas: CasePersonas, case_workforce: Workforce
) -> None:
    rosa = newcomer(case_workforce)
    grant = ask(case_personas.administrator, rosa, case_workforce.wmp, Role.PSD_HANDLER)
    assert grant.state == GrantState.PENDING
    assert not Membership.objects.filter(user=rosa).exists()  # a pending grant is no membership at all
    assert not case_access.can_open_cases(fresh(rosa))
    membership = services.approve(grant.pk, fresh(case_personas.psd_lead), "Confirmed with the head of PSD")
    assert (membership.granted_by, membership.approved_by) == (case_personas.administrator, case_personas.psd_lead)
    assert membership.approved_at is not None
    assert case_access.can_open_cases(fresh(rosa))
    grant.refresh_from_db()
    assert (grant.state, grant.decided_by, grant.membership) == (
        GrantState.APPROVED,
        case_personas.psd_lead,
        membership,
    )
    # The trail: the grant row, and the change log of the grant and the membership.
    assert LogEntry.objects.get_for_object(grant).exists()
    assert LogEntry.objects.get_for_object(membership).exists()


def test_an_administrator_cannot_ask_for_their_own_role(case_personas: CasePersonas, case_workforce: Workforce) -> None:
    admin = case_personas.connected_administrator  # administrator, PSD lead, linked to their register entry
    with pytest.raises(PermissionDenied):
        ask(admin, admin, case_workforce.wmp, Role.INVESTIGATOR)
    response = client_for(admin).post(reverse("grants:ask"), {
        "username": admin.username, "organisation": case_workforce.wmp.pk, "role": Role.INVESTIGATOR,
        "reason": "I need it",
    })  # fmt: skip
    assert response.status_code == 400
    assert "You cannot ask for a role for yourself" in response.content.decode()
    assert not Grant.objects.exists()


def test_nobody_approves_their_own_grant_or_one_they_asked_for(
    case_personas: CasePersonas, case_workforce: Workforce
) -> None:
    lead, admin = case_personas.psd_lead, case_personas.connected_administrator  # admin: linked to the register
    for_admin = ask(lead, admin, case_workforce.wmp, Role.SPOC)
    rosa = newcomer(case_workforce)
    by_admin = ask(admin, rosa, case_workforce.wmp, Role.SPOC)
    for grant, who in ((for_admin, admin), (for_admin, lead), (by_admin, admin)):
        with pytest.raises(PermissionDenied):
            services.approve(grant.pk, fresh(who), "Fine")
        with pytest.raises(PermissionDenied):
            services.refuse(grant.pk, fresh(who), "No")
        response = client_for(who).post(
            reverse("grants:detail", args=[grant.pk]), {"decision": "approve", "reason": "ok"}
        )
        assert response.status_code == 404, (grant, who)
    # The grantee does not even see their grant; the one who asked sees it, without a decision form.
    assert client_for(admin).get(reverse("grants:detail", args=[for_admin.pk])).status_code == 404
    page = client_for(lead).get(reverse("grants:detail", args=[for_admin.pk]))
    assert page.status_code == 200 and 'name="decision"' not in page.content.decode()
    assert not Membership.objects.filter(role=Role.SPOC, user__in=[admin, rosa]).exists()
    assert Grant.objects.pending().count() == 2
    # A third person may.
    services.approve(for_admin.pk, fresh(case_personas.administrator), "Checked")
    services.approve(by_admin.pk, fresh(lead), "Checked")
    assert Membership.objects.filter(role=Role.SPOC, user__in=[admin, rosa]).count() == 2


def test_the_database_refuses_a_self_granted_or_self_approved_membership(case_personas: CasePersonas) -> None:
    admin, lead = case_personas.administrator, case_personas.psd_lead
    hmicfrs = Organisation.objects.get(slug="hmicfrs")
    for fields in ({"granted_by": admin}, {"approved_by": admin}, {"granted_by": lead, "approved_by": lead}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Membership.objects.create(user=admin, organisation=hmicfrs, role=Role.NATIONAL_ANALYST, **fields)


def test_the_approver_decides_through_the_page(case_personas: CasePersonas, case_workforce: Workforce) -> None:
    rosa = newcomer(case_workforce)
    grant = ask(case_personas.administrator, rosa, case_workforce.wmp, Role.INVESTIGATOR)
    lead = client_for(case_personas.psd_lead)
    index = lead.get(reverse("grants:index")).content.decode()
    assert reverse("grants:detail", args=[grant.pk]) in index
    empty = lead.post(reverse("grants:detail", args=[grant.pk]), {"decision": "approve", "reason": " "})
    assert empty.status_code == 400 and "govuk-error-summary" in empty.content.decode()
    done = lead.post(reverse("grants:detail", args=[grant.pk]), {"decision": "approve", "reason": "Checked"})
    assert done.status_code == 302
    assert has_held(rosa, Role.INVESTIGATOR, case_workforce.wmp)


def has_held(user: User, role: Role, organisation: Organisation) -> bool:
    return organisation.pk in organisation_ids_with_role(fresh(user), role)


def test_a_refusal_needs_a_reason_and_writes_no_membership(
    case_personas: CasePersonas, case_workforce: Workforce
) -> None:
    rosa = newcomer(case_workforce)
    grant = ask(case_personas.administrator, rosa, case_workforce.wmp, Role.PSD_LEAD)
    with pytest.raises(ValidationError):
        services.refuse(grant.pk, fresh(case_personas.psd_lead), "")
    services.refuse(grant.pk, fresh(case_personas.psd_lead), "Not the right person for this post")
    grant.refresh_from_db()
    assert grant.state == GrantState.REFUSED and grant.decision_reason.startswith("Not the right")
    assert not Membership.objects.filter(user=rosa).exists()
    with pytest.raises(PermissionDenied):  # decided: nobody decides it again
        services.approve(grant.pk, fresh(case_personas.connected_administrator), "Changed my mind")


def test_every_step_alerts_the_force_psd_leads(case_personas: CasePersonas, case_workforce: Workforce) -> None:
    rosa = newcomer(case_workforce)
    asked = ask(case_personas.administrator, rosa, case_workforce.wmp, Role.PSD_HANDLER)
    refused_grant = ask(case_personas.administrator, rosa, case_workforce.wmp, Role.SPOC)
    assert len(alerts(AlertKind.ROLE_ASKED, asked)) == 1
    membership = services.approve(asked.pk, fresh(case_personas.psd_lead), "Agreed")
    services.refuse(refused_grant.pk, fresh(case_personas.psd_lead), "One role is enough")
    approved = alerts(AlertKind.ROLE_APPROVED, asked)
    assert len(approved) == 1 and approved[0].organisation == case_workforce.wmp
    assert "Rosa Lind" in approved[0].detail and "Agreed" in approved[0].detail
    assert len(alerts(AlertKind.ROLE_REFUSED, refused_grant)) == 1
    services.revoke(membership.pk, fresh(case_personas.connected_administrator), "Left PSD")
    assert len(alerts(AlertKind.ROLE_REVOKED, asked)) == 1
    assert not Membership.objects.filter(pk=membership.pk).exists()
    asked.refresh_from_db()
    assert asked.state == GrantState.REVOKED and asked.revocation_reason == "Left PSD"
    # The PSD leads of the force see them in their alerts; another force's lead does not.
    for lead in (case_personas.psd_lead, case_personas.connected_administrator):
        kinds = set(case_access.visible_alerts(fresh(lead)).values_list("kind", flat=True))
        assert {AlertKind.ROLE_ASKED, AlertKind.ROLE_APPROVED, AlertKind.ROLE_REFUSED, AlertKind.ROLE_REVOKED} <= kinds
    other = case_access.visible_alerts(fresh(case_personas.other_force_psd))
    assert not other.filter(content_type=ContentType.objects.get_for_model(Grant)).exists()
    page = client_for(case_personas.psd_lead).get(reverse("cases:alerts")).content.decode()
    assert "Role approved" in page


def test_an_external_investigator_grant_alerts_their_home_force_too(
    case_personas: CasePersonas, case_workforce: Workforce
) -> None:
    kate = case_personas.external_investigator  # Avon's register entry, Avon's investigator
    grant = ask(case_personas.psd_lead, kate, case_workforce.wmp, Role.INVESTIGATOR)
    assert {a.organisation.slug for a in alerts(AlertKind.ROLE_ASKED, grant)} == {
        "west-midlands-police", "avon-and-somerset-police",
    }  # fmt: skip
    services.approve(grant.pk, fresh(case_personas.connected_administrator), "Agreed with Avon PSD")
    assert has_held(kate, Role.INVESTIGATOR, case_workforce.wmp)


def test_approving_an_administrator_opens_the_admin_site_and_revoking_closes_it(
    case_personas: CasePersonas, personas: Personas
) -> None:
    hmicfrs = Organisation.objects.get(slug="hmicfrs")
    grant = ask(case_personas.administrator, personas.no_role, hmicfrs, Role.ADMINISTRATOR)
    assert not fresh(personas.no_role).is_staff
    membership = services.approve(grant.pk, fresh(personas.administrator), "New service desk lead")
    user = fresh(personas.no_role)
    assert user.is_staff and user.has_perm("organisations.view_membership")
    assert not user.has_perm("auth.delete_user")
    assert client_for(user).get(reverse("admin:index")).status_code == 200
    services.revoke(membership.pk, fresh(case_personas.administrator), "Moved on")
    user = fresh(personas.no_role)
    assert not user.is_staff and not user.has_perm("organisations.view_membership")


# --- a guarded role needs the login linked to its register entry ------------------------------------


def test_a_second_login_with_no_register_entry_cannot_be_granted_a_case_role(
    case_personas: CasePersonas, case_workforce: Workforce
) -> None:
    second = newcomer(case_workforce, "ian.webb.2", linked=False)
    for role in (Role.PSD_LEAD, Role.PSD_HANDLER, Role.INVESTIGATOR, Role.SPOC, Role.ADMINISTRATOR):
        with pytest.raises(ValidationError) as refused:
            ask(case_personas.administrator, second, case_workforce.wmp, role)
        assert "staff_number" in refused.value.message_dict, role
    # Nor linked to someone else's entry: the administrator's own one is taken by their first login.
    own = case_personas.connected_administrator.workforce_person
    with pytest.raises(ValidationError) as taken:
        ask(case_personas.administrator, second, case_workforce.wmp, Role.PSD_LEAD, person=own)
    assert "already linked to another login" in str(taken.value)
    # Nor a PSD role in a force other than the one its register entry is in.
    kate = case_personas.external_investigator
    with pytest.raises(ValidationError) as elsewhere:
        ask(case_personas.administrator, kate, case_workforce.wmp, Role.PSD_HANDLER)
    assert "another force" in str(elsewhere.value)
    assert not Grant.objects.exists()


def test_a_grant_names_the_register_entry_and_approval_links_it(
    case_personas: CasePersonas, case_workforce: Workforce
) -> None:
    rosa = newcomer(case_workforce, linked=False)
    entry = Person.objects.create(force=case_workforce.wmp, staff_number="WM77001", name="Rosa Lind",
                                  kind=PersonKind.OFFICER)  # fmt: skip
    page = client_for(case_personas.administrator).post(reverse("grants:ask"), {
        "username": "wmp.newcomer", "organisation": case_workforce.wmp.pk, "role": Role.SPOC,
        "staff_number": "wm77001", "reason": "Victim's SPOC for a new case",
    })  # fmt: skip
    assert page.status_code == 302
    grant = Grant.objects.get(user=rosa)
    assert grant.person == entry
    entry.refresh_from_db()
    assert entry.user is None  # linked only on approval
    services.approve(grant.pk, fresh(case_personas.psd_lead), "Identity checked against the register")
    entry.refresh_from_db()
    assert entry.user == rosa
    assert has_held(rosa, Role.SPOC, case_workforce.wmp)


def test_a_forced_membership_without_a_register_entry_opens_no_case(
    case_personas: CasePersonas, case_workforce: Workforce, ppda_case: Case
) -> None:
    second = newcomer(case_workforce, "ian.webb.2", linked=False)
    for role in (Role.PSD_LEAD, Role.PSD_HANDLER):
        member(second, case_workforce.wmp, role)  # forced in, approved, with no register entry
    user = fresh(second)
    assert memberships_of(user) == []
    assert not case_access.visible_cases(user).exists()
    assert not case_access.can_open_cases(user) and not case_access.can_see_alerts(user)
    client = client_for(second)
    assert client.get(reverse("cases:detail", args=[ppda_case.pk])).status_code == 404
    assert ppda_case.reference not in client.get(reverse("cases:list")).content.decode()
    _, raw = ApiToken.issue(second, "forced")
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    assert api.get(f"/api/v1/cases/{ppda_case.pk}").status_code == 404


def test_a_forced_membership_that_nobody_approved_counts_nowhere(
    case_personas: CasePersonas, case_workforce: Workforce, ppda_case: Case
) -> None:
    rosa = newcomer(case_workforce)
    Membership.objects.create(user=rosa, organisation=case_workforce.wmp, role=Role.PSD_LEAD)
    user = fresh(rosa)
    assert memberships_of(user) == [] and not case_access.visible_cases(user).exists()
    assert client_for(rosa).get(reverse("cases:detail", args=[ppda_case.pk])).status_code == 404


def test_the_counting_query_and_the_pure_rule_agree(case_workforce: Workforce) -> None:
    hmicfrs = Organisation.objects.get(slug="hmicfrs")
    organisations = [case_workforce.wmp, case_workforce.avon, hmicfrs]
    homes = {"none": None, "wmp": case_workforce.wmp, "avon": case_workforce.avon}
    for n, (home, role, approved) in enumerate(itertools.product(homes, Role.values, (True, False))):
        user = User.objects.create_user(f"rule.{n}")
        if homes[home] is not None:
            Person.objects.create(force=homes[home], staff_number=f"R{n:05d}", name="Rule", kind=PersonKind.STAFF,
                                  user=user)  # fmt: skip
        for organisation in organisations:
            Membership.objects.create(user=user, organisation=organisation, role=role,
                                      approved_at=timezone.now() if approved else None)  # fmt: skip
        counted = {m.organisation_id for m in memberships_of(user)}
        home_id = homes[home].pk if homes[home] is not None else None
        for organisation in organisations:
            expected = (approved or role not in GUARDED_ROLES) and link_allows(role, organisation, home_id)
            assert (organisation.pk in counted) == expected, (home, role, approved, organisation.slug)
    assert hmicfrs.kind == OrganisationKind.NATIONAL


def test_existing_memberships_are_marked_approved_by_the_migration(personas: Personas) -> None:
    Membership.objects.update(approved_at=None)
    migration = importlib.import_module("oversight.organisations.migrations.0003_guarded_roles")
    migration.approve_existing(django_apps, None)
    assert not Membership.objects.filter(approved_at__isnull=True).exists()


# --- everyone who may not grant or decide gets 404 --------------------------------------------------


def test_refused_people_get_404_on_every_grant_page(
    case_personas: CasePersonas, case_workforce: Workforce, personas: Personas
) -> None:
    rosa = newcomer(case_workforce)
    grant = ask(case_personas.administrator, rosa, case_workforce.wmp, Role.INVESTIGATOR)
    held = Membership.objects.get(user=case_personas.psd_handler, role=Role.PSD_HANDLER)
    pages = [
        (reverse("grants:index"), None),
        (reverse("grants:ask"), {"username": "wmp.newcomer", "organisation": case_workforce.wmp.pk,
                                 "role": Role.PSD_LEAD, "reason": "x"}),
        (reverse("grants:detail", args=[grant.pk]), {"decision": "approve", "reason": "x"}),
        (reverse("grants:held"), None),
        (reverse("grants:revoke", args=[held.pk]), {"reason": "x"}),
    ]  # fmt: skip
    may_not = {
        **{name: user for name, user in case_personas.everyone().items()
           if name not in ("psd_lead", "connected_administrator", "administrator", "other_force_psd")},
        **{name: getattr(personas, name) for name in ("liaison", "hmicfrs_lead", "opcc_officer", "no_role")},
        "grantee": rosa,
    }  # fmt: skip
    for name, user in may_not.items():
        client = client_for(user)
        for url, data in pages:
            assert client.get(url).status_code == 404, (name, url)
            if data is not None:  # the lists answer GET only
                assert client.post(url, data).status_code == 404, (name, url)
    # Another force's PSD lead may grant in their own force, but reaches nothing of West Midlands'.
    avon_lead = client_for(case_personas.other_force_psd)
    assert avon_lead.get(reverse("grants:index")).status_code == 200
    for url, data in pages[2:3] + pages[4:]:
        assert avon_lead.get(url).status_code == 404, url
        assert avon_lead.post(url, data).status_code == 404, url
    assert avon_lead.post(pages[1][0], pages[1][1]).status_code == 400  # West Midlands is not offered
    assert Grant.objects.count() == 1 and Membership.objects.filter(pk=held.pk).exists()


def test_nobody_revokes_their_own_role(case_personas: CasePersonas) -> None:
    lead = case_personas.psd_lead
    own = Membership.objects.get(user=lead, role=Role.PSD_LEAD)
    assert client_for(lead).get(reverse("grants:revoke", args=[own.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.revoke(own.pk, fresh(lead), "Leaving")
    assert not access.may_revoke(fresh(lead), own)


def test_a_deactivated_organisation_takes_no_grants(case_personas: CasePersonas, case_workforce: Workforce) -> None:
    rosa = newcomer(case_workforce)
    grant = ask(case_personas.administrator, rosa, case_workforce.wmp, Role.SPOC)
    second_admin = User.objects.create_user("sys.admin2")
    member(second_admin, Organisation.objects.get(slug="hmicfrs"), Role.ADMINISTRATOR)
    Organisation.objects.filter(pk=case_workforce.wmp.pk).update(is_active=False)
    with pytest.raises(PermissionDenied):
        services.approve(grant.pk, fresh(second_admin), "Fine")
    assert not Membership.objects.filter(user=rosa).exists()
