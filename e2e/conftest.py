"""Browser tests drive Debian's Chromium through Playwright against a live server."""

from __future__ import annotations

import os
import time
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from conftest import restore_migration_data
from tests.personas import PASSWORD

# Playwright runs its own event loop in the test thread; Django's ORM calls from the test are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def reference_organisations(db: None) -> None:
    """The 43 forces and national bodies (and the measures' rules), loaded again: a browser test
    commits its data, and the flush after an earlier browser test empties the tables that a data
    migration filled."""
    restore_migration_data(organisations_always=True)


# Signing in: every browser test signs in through `sign_in`, which completes the real second factor.


def totp_code(device: Any) -> str:
    """The code the person's authenticator app would show that the device will still accept when the
    browser sends it: a time step after the last one used (a code is never accepted twice), taken
    from the real clock's step or the next, and only where it stays inside the device's window if a
    step boundary passes before the server checks it (a slow machine crosses one). The device's
    drift therefore stays near the real clock; when both steps are used or outside, wait."""
    from django_otp.oath import TOTP

    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, 0)
    while True:
        totp.time, totp.drift = time.time(), 0  # one instant for the step and its code
        now = totp.t()
        for step in (now, now + 1):
            from_centre = step - (now + device.drift)
            if step > device.last_t and -device.tolerance < from_centre <= device.tolerance:
                totp.drift = step - now
                return f"{totp.token():0{device.digits}d}"
        time.sleep(1)


def authenticator_of(username: str) -> Any:
    """The person's authenticator device, set up for them as if they had enrolled, when they have none."""
    from django.contrib.auth.models import User
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = User.objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def enter_code(page: Page, device: Any) -> None:
    page.get_by_label("Code", exact=True).fill(totp_code(device))
    page.get_by_role("button", name="Continue", exact=True).click()


def sign_in(page: Page, base: str, username: str, password: str = PASSWORD) -> None:
    """Username and password, then the code from the person's authenticator app."""
    device = authenticator_of(username)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    enter_code(page, device)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("heading", name="Enter your code")).to_have_count(0)


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to Oversight")).to_be_visible()
