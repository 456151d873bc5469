"""Browser tests drive Debian's Chromium through Playwright against a live server."""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import Any

import pytest
from pytest_django import DjangoDbBlocker

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
    """The 43 forces and national bodies, loaded again: a browser test commits its data, and the
    flush after an earlier browser test empties the tables that a data migration filled."""
    from oversight.organisations.models import GoverningBodyTerm, Organisation
    from oversight.organisations.reference import load_reference_organisations

    load_reference_organisations(Organisation, GoverningBodyTerm)


_blocker: list[DjangoDbBlocker] = []


@pytest.fixture(scope="session", autouse=True)
def _keep_the_db_blocker(django_db_blocker: DjangoDbBlocker) -> None:
    _blocker[:] = [django_db_blocker]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, None, None]:
    """A browser test commits, so its database is flushed afterwards, and the flush empties the
    tables a data migration filled. Put the reference organisations back once the flush is done, so
    a test that runs next in this worker (in tests/ as well) finds the database as migrations left it.
    After the last test the session tears the database down first: nothing to put back."""
    yield
    if _blocker and nextitem is not None and item.get_closest_marker("django_db"):
        from oversight.organisations.models import GoverningBodyTerm, Organisation
        from oversight.organisations.reference import load_reference_organisations

        with _blocker[0].unblock():
            if not Organisation.objects.exists():
                load_reference_organisations(Organisation, GoverningBodyTerm)
