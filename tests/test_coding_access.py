"""Who codes a request's returns: only the requesting body's national analysts. Every persona of
tests/personas.py, and an analyst of another national body, is refused by each rule and scope."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from oversight.coding import access, services
from oversight.coding.models import Coding, Suggestion, Theme
from oversight.organisations.models import Organisation, Role
from oversight.recommendations.models import Item
from oversight.returns.models import ReturnRequest
from tests.factories import member
from tests.personas import Personas
from tests.test_coding import answer_of, code, coded_request

pytest_plugins = ["tests.returns_fixtures"]
pytestmark = pytest.mark.django_db

REFUSED = [
    "liaison", "owner", "second_owner", "hmicfrs_lead", "committee_member", "opcc_officer", "other_force",
    "other_hmicfrs_lead", "administrator", "no_role", "other_national_analyst",
]  # fmt: skip


def person(personas: Personas, name: str) -> User:
    if name == "other_national_analyst":
        user = User.objects.create_user("npcc.analyst", "npcc.analyst@example.org")
        member(user, Organisation.objects.get(slug="npcc"), Role.NATIONAL_ANALYST)
        return user
    found: User = getattr(personas, name)
    return found


@pytest.fixture
def coded(personas: Personas, item: Item) -> ReturnRequest:
    return coded_request(personas, item)


RULES = [access.can_code_request, access.can_define_themes, access.can_see_suggestions]


def test_the_requesting_bodys_analyst_is_allowed(personas: Personas, coded: ReturnRequest) -> None:
    analyst = personas.national_analyst
    assert all(rule(analyst, coded) for rule in RULES)
    assert set(access.codable_requests(analyst)) == {coded}
    assert access.visible_themes(analyst).count() == 2
    assert access.visible_codings(analyst).count() == 1
    assert access.visible_suggestions(analyst).count() == Suggestion.objects.count() > 0


@pytest.mark.parametrize("name", REFUSED)
def test_everyone_else_is_refused_by_every_rule_and_scope(personas: Personas, coded: ReturnRequest, name: str) -> None:
    user = person(personas, name)
    assert not any(rule(user, coded) for rule in RULES)
    assert not access.codable_requests(user).exists()
    assert not access.visible_themes(user).exists()
    assert not access.visible_codings(user).exists()
    assert not access.visible_suggestions(user).exists()


@pytest.mark.parametrize("name", REFUSED)
def test_everyone_else_is_refused_by_every_change(personas: Personas, coded: ReturnRequest, name: str) -> None:
    user = person(personas, name)
    theme = Theme.objects.get(name="Training")
    suggestion = Suggestion.objects.pending().first()
    assert suggestion is not None
    attempts = [
        lambda: services.create_theme(coded, user, services.ThemeDraft("Mine")),
        lambda: services.update_theme(theme, user, None, services.ThemeDraft("Renamed")),
        lambda: services.delete_theme(theme, user),
        lambda: services.merge_themes(theme, Theme.objects.get(name="Advocacy"), user),
        lambda: code(user, answer_of(coded, "merseyside-police"), 0, theme),
        lambda: services.remove_coding(Coding.objects.get(), user),
        lambda: services.accept_suggestion(suggestion, user),
        lambda: services.reject_suggestion(suggestion, user),
        lambda: services.accept_above(coded, 0.0, user),
        lambda: services.refresh_suggestions(coded, user),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert Theme.objects.count() == 2 and Coding.objects.count() == 1
    assert not Suggestion.objects.exclude(status="pending").exists()


def test_an_analyst_removes_only_their_own_coding(personas: Personas, coded: ReturnRequest) -> None:
    colleague = User.objects.create_user("apcc.second")
    member(colleague, Organisation.objects.get(slug="apcc"), Role.NATIONAL_ANALYST)
    coding = Coding.objects.get()
    assert access.can_code_request(colleague, coded)
    with pytest.raises(PermissionDenied):
        services.remove_coding(coding, colleague)
    services.remove_coding(coding, personas.national_analyst)
    assert not Coding.objects.exists()
