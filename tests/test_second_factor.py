"""The second factor (issue 13): who must use one, enrolling an authenticator app, codes that work
once, recovery codes, lock-outs, asking again before sensitive actions, an administrator's reset,
sessions that end when roles change, and the limit on sign-in failures per address.

Clients here sign in with the password only (`second_factor_unverified`), as a browser does before
its code, and then go through the real pages."""

from __future__ import annotations

import datetime as dt
import json
import re
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from oversight.accounts import factors
from oversight.accounts.factors import VERIFIED_AT_SESSION_KEY
from oversight.accounts.models import FactorReset, LoginAttempt, Passkey, RecoveryCode, RecoveryCodes
from oversight.accounts.sessions import ROLES_CHANGED_MESSAGE
from oversight.audit.models import Alert, AlertKind
from oversight.cases.models import BreakGlass, Case
from oversight.organisations.models import Membership, Organisation, Role
from tests.case_personas import (
    CasePersonas,
    Workforce,
    make_case_personas,
    make_second_handler,
    make_workforce,
    open_ppda_case,
)
from tests.factories import member
from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.second_factor_unverified

FACTOR_PAGE = reverse("accounts:second_factor")
ENROL_PAGE = reverse("accounts:enrol")
HOME = reverse("home")


def password_only(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """What the person's app shows now (or `steps_ahead` 30-second steps later)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{totp.token():06d}"


def past_throttle(device: TOTPDevice) -> None:
    """django-otp makes a device wait (1 s, doubling) after a wrong code: move that failure back in time."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - dt.timedelta(minutes=5)
    )


def enrolled(user: User) -> tuple[TOTPDevice, list[str]]:
    """Set up an authenticator app through the enrolment service, as the page does."""
    factors.start_totp(user)
    device = factors.pending_totp(user)
    assert device is not None
    codes = factors.issue_recovery_codes(user)
    device.confirmed = True
    device.save()
    return device, codes


def verified(user: User, device: TOTPDevice) -> Client:
    client = password_only(user)
    response = client.post(FACTOR_PAGE, {"code": code_for(device), "next": HOME})
    assert response.status_code == 302 and response["Location"] == HOME
    return client


# Who must use a second factor ----------------------------------------------------------------------


def needing(personas: Personas, people: CasePersonas) -> dict[str, User]:
    return {
        "liaison officer": personas.liaison,
        "HMICFRS lead": personas.hmicfrs_lead,
        "administrator": personas.administrator,
        "PSD lead": people.psd_lead,
        "PSD handler": people.psd_handler,
        "investigator": people.investigator,
    }


@pytest.fixture
def workforce(db: None) -> Workforce:
    return make_workforce()


@pytest.fixture
def people(workforce: Workforce) -> CasePersonas:
    return make_case_personas(workforce)


def _plain_routes() -> list[str]:
    """Every page without a parameter, from the URL resolver (not a hand-written list)."""
    found: list[str] = []

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif "<" not in route and "(" not in route and "^" not in route:
                found.append("/" + route)

    walk(get_resolver().url_patterns, "")
    return found


def test_everyone_who_needs_a_factor_is_held_at_it_on_every_page(personas: Personas, people: CasePersonas) -> None:
    # The factor's own steps (code, set-up, passkey) and signing in and out.
    exempt = {
        reverse(f"accounts:{name}")
        for name in ("second_factor", "enrol", "passkey_sign_in_options", "passkey_sign_in", "logout", "login")
    }
    routes = [r for r in _plain_routes() if r not in exempt and not r.startswith("/static")]
    assert "/cases/" in routes and "/api-tokens/" in routes and "/admin/" in routes
    for who, user in needing(personas, people).items():
        client = password_only(user)
        for route in routes:
            response = client.get(route)
            if route.startswith("/api/"):
                assert response.status_code == 401, (who, route)
                assert response.json()["detail"] == "Finish signing in with your second factor first.", (who, route)
            else:
                assert response.status_code == 302, (who, route, response.status_code)
                assert response["Location"].startswith(FACTOR_PAGE + "?next="), (who, route)
        # With no factor yet, the factor's page sends them to set one up.
        assert client.get(FACTOR_PAGE)["Location"].startswith(ENROL_PAGE)


def test_people_whose_roles_need_no_factor_go_straight_in(personas: Personas) -> None:
    for user in (personas.owner, personas.committee_member, personas.opcc_officer, personas.no_role):
        assert not factors.needs_second_factor(user)
        assert password_only(user).get(HOME).status_code == 200


def test_staff_and_superusers_need_a_factor(db: None) -> None:
    staff = User.objects.create_user("staff.only", is_staff=True)
    root = User.objects.create_superuser("root.only", password=PASSWORD)
    assert factors.needs_second_factor(staff) and factors.needs_second_factor(root)
    assert password_only(root).get("/admin/")["Location"].startswith(FACTOR_PAGE)


def test_someone_who_chose_a_factor_must_use_it(personas: Personas) -> None:
    device, _ = enrolled(personas.owner)
    assert password_only(personas.owner).get(HOME)["Location"].startswith(FACTOR_PAGE)
    assert verified(personas.owner, device).get(HOME).status_code == 200


# Enrolling -----------------------------------------------------------------------------------------


def test_enrolment_shows_a_qr_code_and_the_secret_and_confirms_with_a_code(personas: Personas) -> None:
    client = password_only(personas.liaison)
    page = client.get(ENROL_PAGE).content.decode()
    device = TOTPDevice.objects.get(user=personas.liaison, confirmed=False)
    assert "<svg" in page and "otpauth" not in page  # the address is drawn, not printed
    assert factors.secret_text(device) in page
    wrong = client.post(ENROL_PAGE, {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert wrong.status_code == 400 and "govuk-error-summary" in wrong.content.decode()
    assert client.get(HOME).status_code == 302  # still not in
    past_throttle(device)
    response = client.post(ENROL_PAGE, {"code": code_for(device, steps_ahead=1), "next": HOME})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7-]+)</code></li>", response.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(HOME).status_code == 200
    stored = list(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert len(stored) == 10 and not set(codes) & set(stored)  # only hashes are kept


def test_enrolment_refuses_a_code_that_is_not_six_digits_and_keeps_the_secret(personas: Personas) -> None:
    client = password_only(personas.liaison)
    client.get(ENROL_PAGE)
    secret = factors.secret_text(TOTPDevice.objects.get(user=personas.liaison))
    response = client.post(ENROL_PAGE, {"code": "12ab"})
    page = response.content.decode()
    assert response.status_code == 400 and "Enter the 6 digits your app shows" in page
    assert secret in page  # the same secret: what was scanned still works


def test_replacing_an_app_needs_the_current_one_first(personas: Personas) -> None:
    enrolled(personas.liaison)
    response = password_only(personas.liaison).get(ENROL_PAGE)
    assert response.status_code == 302 and response["Location"].startswith(FACTOR_PAGE)


# Verifying -----------------------------------------------------------------------------------------


def test_a_wrong_code_is_refused_with_a_message(personas: Personas) -> None:
    device, _ = enrolled(personas.liaison)
    client = password_only(personas.liaison)
    wrong = str((int(code_for(device)) + 1) % 1_000_000).zfill(6)
    response = client.post(FACTOR_PAGE, {"code": wrong, "next": HOME})
    assert response.status_code == 400
    assert "The code is not right" in response.content.decode()
    assert client.get(HOME)["Location"].startswith(FACTOR_PAGE)


def test_a_code_works_once(personas: Personas) -> None:
    device, _ = enrolled(personas.liaison)
    code = code_for(device)
    verified(personas.liaison, device)
    replay = password_only(personas.liaison)
    response = replay.post(FACTOR_PAGE, {"code": code, "next": HOME})
    assert response.status_code == 400
    assert replay.get(HOME)["Location"].startswith(FACTOR_PAGE)


def test_a_recovery_code_works_once(personas: Personas) -> None:
    _, codes = enrolled(personas.liaison)
    first = password_only(personas.liaison)
    response = first.post(FACTOR_PAGE, {"code": codes[3].upper(), "next": HOME})
    assert response.status_code == 302
    assert first.get(HOME).status_code == 200
    again = password_only(personas.liaison)
    assert again.post(FACTOR_PAGE, {"code": codes[3], "next": HOME}).status_code == 400
    assert again.get(HOME).status_code == 302


def test_the_next_address_must_be_on_this_site(personas: Personas) -> None:
    device, _ = enrolled(personas.liaison)
    client = password_only(personas.liaison)
    response = client.post(FACTOR_PAGE, {"code": code_for(device), "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == HOME


def test_too_many_wrong_codes_lock_the_factor_even_for_the_right_one(personas: Personas) -> None:
    _, codes = enrolled(personas.liaison)
    client = password_only(personas.liaison)
    for _ in range(5):
        assert client.post(FACTOR_PAGE, {"code": "zzzz-zzzz", "next": HOME}).status_code == 400
    response = client.post(FACTOR_PAGE, {"code": codes[0], "next": HOME})
    assert response.status_code == 400 and "Too many wrong codes" in response.content.decode()
    assert client.get(HOME).status_code == 302
    # Signing in with the password again does not clear the wrong codes.
    password_only_again = Client()
    assert password_only_again.login(username="wmp.liaison", password=PASSWORD)
    assert password_only_again.post(FACTOR_PAGE, {"code": codes[1], "next": HOME}).status_code == 400


# Limits on signing in per address ---------------------------------------------------------------


def test_failures_from_one_address_across_accounts_are_limited(personas: Personas, settings: Any) -> None:
    settings.SIGN_IN_FAILURES_PER_ADDRESS = 3
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for username in ("wmp.liaison", "wmp.owner", "jac.member"):
        response = attacker.post(reverse("accounts:login"), {"username": username, "password": "guess-one-two"})
        assert response.status_code == 200
    response = attacker.post(reverse("accounts:login"), {"username": "opcc.officer", "password": PASSWORD})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "too many failed sign-in attempts from your network" in response.content.decode()
    assert "_auth_user_id" not in attacker.session  # the right password did not sign in
    other = Client(REMOTE_ADDR="198.51.100.7")
    response = other.post(reverse("accounts:login"), {"username": "opcc.officer", "password": PASSWORD})
    assert response.status_code == 302


# Sessions end when roles change ------------------------------------------------------------------


def test_a_role_granted_ends_the_session(personas: Personas) -> None:
    client = password_only(personas.owner)
    assert client.get(HOME).status_code == 200
    member(personas.owner, Organisation.objects.get(slug="west-midlands-police"), Role.COMMITTEE_MEMBER)
    response = client.get(HOME, follow=True)
    assert response.redirect_chain[0][0] == reverse("accounts:login")
    assert ROLES_CHANGED_MESSAGE in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_a_role_revoked_ends_the_session(personas: Personas) -> None:
    device, _ = enrolled(personas.liaison)
    client = verified(personas.liaison, device)
    assert client.get(HOME).status_code == 200
    Membership.objects.filter(user=personas.liaison).delete()
    response = client.get(HOME)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert client.get(HOME)["Location"].startswith(reverse("accounts:login"))


def test_an_unchanged_role_keeps_the_session(personas: Personas) -> None:
    client = password_only(personas.owner)
    for _ in range(3):
        assert client.get(HOME).status_code == 200


# Asking again before a sensitive action --------------------------------------------------------


@pytest.fixture
def case(people: CasePersonas, workforce: Workforce) -> Case:
    return open_ppda_case(people, workforce)


@pytest.fixture
def second_handler(workforce: Workforce) -> User:
    return make_second_handler(workforce)


def age_factor(client: Client, minutes: int) -> None:
    session = client.session
    session[VERIFIED_AT_SESSION_KEY] = (timezone.now() - dt.timedelta(minutes=minutes)).isoformat()
    session.save()


def test_a_stale_factor_is_asked_for_again_before_break_glass_and_the_form_is_kept(
    case: Case, second_handler: User
) -> None:
    device, _ = enrolled(second_handler)
    client = verified(second_handler, device)
    age_factor(client, 16)
    form = {"reference": case.reference, "reason": "Urgent safeguarding"}
    response = client.post(reverse("cases:break_glass"), form)
    assert response.status_code == 302 and response["Location"].startswith(FACTOR_PAGE)
    assert not BreakGlass.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "Confirm it is you" in page
    back = client.post(FACTOR_PAGE, {"code": code_for(device, steps_ahead=1), "next": reverse("cases:break_glass")})
    kept = back.content.decode()
    assert back.status_code == 200 and 'value="Urgent safeguarding"' in kept and case.reference in kept
    assert not BreakGlass.objects.exists()
    sent = client.post(reverse("cases:break_glass"), form)
    assert sent.status_code == 302 and BreakGlass.objects.get().user == second_handler


def test_a_fresh_factor_is_not_asked_again(case: Case, second_handler: User) -> None:
    device, _ = enrolled(second_handler)
    client = verified(second_handler, device)
    age_factor(client, 14)
    response = client.post(reverse("cases:break_glass"), {"reference": case.reference, "reason": "Urgent"})
    assert response.status_code == 302 and BreakGlass.objects.exists()


def test_a_stale_factor_is_asked_for_again_before_an_independence_override_only(
    case: Case, people: CasePersonas
) -> None:
    device, _ = enrolled(people.psd_handler)
    client = verified(people.psd_handler, device)
    age_factor(client, 16)
    url = reverse("cases:team_assign", args=[case.pk])
    overriding = client.post(url, {"stage": "confirm", "role": "investigator", "override": "on", "rationale": "x"})
    assert overriding.status_code == 302 and overriding["Location"].startswith(FACTOR_PAGE)
    checking = client.post(url, {"role": "investigator", "staff_number": "WM00000"})
    assert checking.status_code in (200, 400)  # the check itself is not a sensitive action


def test_a_stale_factor_is_asked_for_again_before_a_sign_off_step(personas: Personas, tracking: object) -> None:
    device, _ = enrolled(personas.liaison)
    client = verified(personas.liaison, device)
    age_factor(client, 16)
    url = reverse("recommendations:tracking_signoff", args=[tracking.pk, "submit"])  # type: ignore[attr-defined]
    response = client.post(url, {"reason": "", "version": 1})
    assert response.status_code == 302 and response["Location"].startswith(FACTOR_PAGE)
    assert "again=1" in response["Location"]


def test_a_stale_factor_is_asked_for_again_before_an_api_token_is_made_and_the_form_is_kept(
    personas: Personas,
) -> None:
    from oversight.api.models import ApiToken

    device, _ = enrolled(personas.liaison)
    client = verified(personas.liaison, device)
    age_factor(client, 16)
    url = reverse("api_tokens:list")
    assert client.get(url).status_code == 200  # reading the page is not the action
    form = {"name": "Quarterly export", "access": "read", "lifetime": "30"}
    response = client.post(url, form)
    assert response.status_code == 302 and response["Location"].startswith(FACTOR_PAGE)
    assert "again=1" in response["Location"]
    assert not ApiToken.objects.filter(user=personas.liaison).exists()
    back = client.post(FACTOR_PAGE, {"code": code_for(device, steps_ahead=1), "next": url})
    assert back.status_code == 200 and 'value="Quarterly export"' in back.content.decode()
    assert not ApiToken.objects.filter(user=personas.liaison).exists()


# An administrator's reset ----------------------------------------------------------------------


def test_an_administrator_resets_a_lost_factor_recorded_and_alerted(personas: Personas, people: CasePersonas) -> None:
    lost, _ = enrolled(people.psd_handler)
    admin_device, _ = enrolled(personas.administrator)
    admin = verified(personas.administrator, admin_device)
    response = admin.post(
        reverse("accounts:reset"), {"username": people.psd_handler.username, "reason": "Phone lost; called back"}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=people.psd_handler).exists()
    assert not RecoveryCode.objects.filter(device__user=people.psd_handler).exists()
    reset = FactorReset.objects.get()
    assert reset.user == people.psd_handler and reset.reset_by == personas.administrator
    assert reset.reason == "Phone lost; called back" and reset.devices_removed == 2
    alerts = Alert.objects.filter(kind=AlertKind.FACTOR_RESET)
    assert alerts.filter(organisation__slug="west-midlands-police").exists()
    assert all(a.actor == personas.administrator for a in alerts)
    # The person's next sign-in sets up a new factor.
    assert password_only(people.psd_handler).get(FACTOR_PAGE)["Location"].startswith(ENROL_PAGE)
    assert lost.pk not in TOTPDevice.objects.values_list("pk", flat=True)


def test_an_administrator_cannot_reset_their_own_factor(personas: Personas) -> None:
    device, _ = enrolled(personas.administrator)
    admin = verified(personas.administrator, device)
    response = admin.post(reverse("accounts:reset"), {"username": "admin", "reason": "Mine"})
    assert response.status_code == 400 and "You cannot reset your own second factor" in response.content.decode()
    assert TOTPDevice.objects.filter(user=personas.administrator).exists() and not FactorReset.objects.exists()


def test_a_reset_needs_a_reason(personas: Personas) -> None:
    enrolled(personas.liaison)
    device, _ = enrolled(personas.administrator)
    admin = verified(personas.administrator, device)
    response = admin.post(reverse("accounts:reset"), {"username": "wmp.liaison", "reason": " "})
    assert response.status_code == 400 and "Enter why the second factor is being reset" in response.content.decode()
    assert TOTPDevice.objects.filter(user=personas.liaison).exists()


def test_only_administrators_reach_the_reset_page(personas: Personas, people: CasePersonas) -> None:
    target, _ = enrolled(personas.owner)
    for user in (personas.liaison, people.psd_lead, personas.hmicfrs_lead):
        device, _ = enrolled(user)
        client = verified(user, device)
        assert client.get(reverse("accounts:reset")).status_code == 404
        response = client.post(reverse("accounts:reset"), {"username": "wmp.owner", "reason": "Asked"})
        assert response.status_code == 404
    assert TOTPDevice.objects.filter(pk=target.pk).exists()


def test_a_stale_administrator_is_asked_again_before_a_reset(personas: Personas) -> None:
    enrolled(personas.liaison)
    device, _ = enrolled(personas.administrator)
    admin = verified(personas.administrator, device)
    age_factor(admin, 20)
    response = admin.post(reverse("accounts:reset"), {"username": "wmp.liaison", "reason": "Phone lost"})
    assert response.status_code == 302 and response["Location"].startswith(FACTOR_PAGE)
    assert TOTPDevice.objects.filter(user=personas.liaison).exists()


# Recovery codes from the person's own page -----------------------------------------------------


def test_new_recovery_codes_replace_the_old_ones(personas: Personas) -> None:
    device, old = enrolled(personas.liaison)
    client = verified(personas.liaison, device)
    response = client.post(reverse("accounts:new_recovery_codes"))
    new = re.findall(r"<li><code>([a-z2-7-]+)</code></li>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    other = password_only(personas.liaison)
    assert other.post(FACTOR_PAGE, {"code": old[0], "next": HOME}).status_code == 400
    RecoveryCodes.objects.filter(user=personas.liaison).update(throttling_failure_timestamp=None)  # waited
    assert other.post(FACTOR_PAGE, {"code": new[0], "next": HOME}).status_code == 302


# Passkeys: the server's side (the browser's side is in e2e/test_second_factor_journey.py) -------


def test_passkey_sign_in_offers_only_the_persons_keys_and_refuses_a_forged_answer(personas: Personas) -> None:
    enrolled(personas.liaison)
    client = password_only(personas.liaison)
    assert client.post(reverse("accounts:passkey_sign_in_options")).status_code == 404
    Passkey.objects.create(user=personas.liaison, name="Key", credential_id="AAEC", public_key="AAEC")
    Passkey.objects.create(user=personas.owner, name="Other", credential_id="BBEC", public_key="BBEC")
    options = client.post(reverse("accounts:passkey_sign_in_options")).json()
    assert options["challenge"] and [c["id"] for c in options["allowCredentials"]] == ["AAEC"]
    forged = {"id": "AAEC", "rawId": "AAEC", "type": "public-key", "response": {}}
    response = client.post(
        reverse("accounts:passkey_sign_in"), json.dumps({"credential": forged}), content_type="application/json"
    )
    assert response.status_code == 400 and "not accepted" in response.json()["detail"]
    assert client.get(HOME)["Location"].startswith(FACTOR_PAGE)
    assert LoginAttempt.objects.filter(username="wmp.liaison", succeeded=False).exists()


def test_adding_a_passkey_needs_a_fresh_factor(personas: Personas) -> None:
    device, _ = enrolled(personas.liaison)
    client = verified(personas.liaison, device)
    options = client.post(reverse("accounts:passkey_register_options")).json()
    assert options["rp"]["id"] == "testserver" and options["user"]["name"] == "wmp.liaison"
    age_factor(client, 16)
    assert client.post(reverse("accounts:passkey_register_options")).status_code == 403
    assert client.get(reverse("accounts:passkey_add"))["Location"].startswith(FACTOR_PAGE)


def test_a_reset_removes_passkeys_too(personas: Personas) -> None:
    enrolled(personas.liaison)
    Passkey.objects.create(user=personas.liaison, name="Key", credential_id="AAEC", public_key="AAEC")
    device, _ = enrolled(personas.administrator)
    admin = verified(personas.administrator, device)
    admin.post(reverse("accounts:reset"), {"username": "wmp.liaison", "reason": "Lost everything"})
    assert not Passkey.objects.filter(user=personas.liaison).exists()
    assert FactorReset.objects.get().devices_removed == 3


def test_the_demo_code_command_never_runs_in_production(personas: Personas, settings: Any) -> None:
    device, _ = enrolled(personas.liaison)
    out = StringIO()
    call_command("second_factor_code", "wmp.liaison", stdout=out)
    assert out.getvalue().strip() == code_for(device)
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="never runs in production"):
        call_command("second_factor_code", "wmp.liaison", stdout=StringIO())
