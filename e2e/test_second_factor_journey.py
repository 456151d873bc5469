"""Signing in with a second factor in a browser (issue 13): the HMICFRS lead's first sign-in sets up
an authenticator app from the secret on the page and shows the recovery codes; the next sign-in asks
for a code; a sign-off sixteen minutes after the code asks for it again and keeps the note typed.
A passkey, added on the factor page, then signs in instead of a code."""

from __future__ import annotations

import datetime as dt
import re
from base64 import b32decode

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from e2e.conftest import enter_code, sign_in, sign_out
from oversight.accounts.factors import VERIFIED_AT_SESSION_KEY
from oversight.accounts.models import Passkey
from oversight.organisations.models import Organisation
from oversight.recommendations.models import SignoffStage, TrackingRecord
from tests.factories import ItemFactory, ReportFactory, TrackingRecordFactory
from tests.personas import PASSWORD, make_personas

pytestmark = pytest.mark.django_db(transaction=True)

REFERENCE = "41207"
NOTE = "Authorised for closure on the strength of the stalking flag audit."


@pytest.fixture
def record(reference_organisations: None) -> TrackingRecord:
    make_personas()
    wmp = Organisation.objects.get(slug="west-midlands-police")
    item = ItemFactory(report=ReportFactory(forces=[wmp]), reference=REFERENCE, text="Forces should flag stalking.")
    return TrackingRecordFactory(item=item, organisation=wmp, signoff=SignoffStage.WITH_HMICFRS)


def password_step(page: Page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("hmicfrs.lead")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def code_from_secret(secret: str) -> str:
    """What an authenticator app shows for the secret typed from the page."""
    key = b32decode("".join(secret.split()) + "=" * (-len("".join(secret.split())) % 8))
    return f"{TOTP(key).token():06d}"


def first_sign_in_sets_up_the_app(page: Page, base: str) -> None:
    password_step(page, base)
    expect(page.get_by_role("heading", name="Set up your second factor")).to_be_visible()
    expect(page.locator(".app-qr-code svg")).to_be_visible()
    page.get_by_text("I cannot scan the QR code").click()
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Code from your app").fill(code_from_secret(secret))
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{4}(-[a-z2-7]{4}){3}", code) for code in codes)
    page.get_by_role("link", name="I have kept my recovery codes").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("link", name="Recommendations").first).to_be_visible()


def age_the_code(page: Page, minutes: int) -> None:
    """Move the time the code was entered back in the server's session, as if minutes had passed."""
    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=cookie["value"])
    session[VERIFIED_AT_SESSION_KEY] = (timezone.now() - dt.timedelta(minutes=minutes)).isoformat()
    session.save()


def test_first_sign_in_sets_up_a_code_and_a_stale_code_is_asked_again_before_sign_off(
    page: Page, live_server: object, record: TrackingRecord
) -> None:
    base = str(live_server)
    first_sign_in_sets_up_the_app(page, base)
    sign_out(page)

    password_step(page, base)
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    device = TOTPDevice.objects.get(user__username="hmicfrs.lead", confirmed=True)
    enter_code(page, device)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    page.goto(f"{base}/recommendations/")
    page.get_by_role("link", name=re.compile(REFERENCE)).first.click()
    page.get_by_role("link", name="Sign off").click()
    page.get_by_label("Note (optional)").fill(NOTE)
    age_the_code(page, 16)
    page.get_by_role("button", name="Sign off").click()

    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    record.refresh_from_db()
    assert record.signoff == SignoffStage.WITH_HMICFRS  # nothing done on a stale code
    enter_code(page, device)
    expect(page.get_by_role("heading", name="Code accepted")).to_be_visible()
    page.get_by_role("button", name="Send what I entered").click()
    expect(page.get_by_text("Signed off by HMICFRS").first).to_be_visible()
    record.refresh_from_db()
    assert record.signoff == SignoffStage.SIGNED_OFF
    assert record.transitions.filter(reason=NOTE).exists()


def test_a_passkey_added_on_the_factor_page_signs_in_instead_of_a_code(
    page: Page, live_server: object, record: TrackingRecord
) -> None:
    """Chromium's virtual authenticator (DevTools protocol) stands in for a security key."""
    base = str(live_server)
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": False,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    sign_in(page, base, "hmicfrs.lead")
    page.get_by_role("link", name="Second factor").click()
    page.get_by_role("link", name="Add a passkey or security key").click()
    page.get_by_label("Name").fill("Desk key")
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.get_by_text("Desk key, added")).to_be_visible()
    assert Passkey.objects.filter(user__username="hmicfrs.lead", name="Desk key").exists()
    sign_out(page)

    password_step(page, base)
    page.get_by_role("button", name="Use a passkey or security key").click()
    # The code page has a sign-out button too: wait until the ceremony has taken the browser on.
    page.wait_for_url(lambda url: "second-factor" not in url)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("link", name="Recommendations").first).to_be_visible()
    assert Passkey.objects.get(name="Desk key").last_used_at is not None
