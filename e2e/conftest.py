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


def _restore_migration_data(*, organisations_always: bool = False) -> None:
    """Put back what data migrations wrote, where a flush emptied it: the 43 forces and national
    bodies, then the statutory rules of the protective measures (which name forces)."""
    from oversight.organisations.models import GoverningBodyTerm, Organisation
    from oversight.organisations.reference import load_reference_organisations
    from oversight.protection.models import ExtensionStep, MeasureRule, MeasureType, RuleArea
    from oversight.protection.statute import load_rules

    if organisations_always or not Organisation.objects.exists():
        load_reference_organisations(Organisation, GoverningBodyTerm)
    if not MeasureType.objects.exists():
        load_rules(MeasureType, MeasureRule, RuleArea, ExtensionStep, Organisation)


@pytest.fixture
def reference_organisations(db: None) -> None:
    """The 43 forces and national bodies (and the measures' rules), loaded again: a browser test
    commits its data, and the flush after an earlier browser test empties the tables that a data
    migration filled."""
    _restore_migration_data(organisations_always=True)


_blocker: list[DjangoDbBlocker] = []


@pytest.fixture(scope="session", autouse=True)
def _keep_the_db_blocker(django_db_blocker: DjangoDbBlocker) -> None:
    _blocker[:] = [django_db_blocker]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, None, None]:
    """A browser test commits, so its database is flushed afterwards, and the flush empties the
    tables a data migration filled. Put that data back once the flush is done, so
    a test that runs next in this worker (in tests/ as well) finds the database as migrations left it.
    After the last test the session tears the database down first: nothing to put back."""
    yield
    if _blocker and nextitem is not None and item.get_closest_marker("django_db"):
        with _blocker[0].unblock():
            _restore_migration_data()
