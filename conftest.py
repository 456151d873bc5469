"""Suite-wide test settings for tests/ and e2e/."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest
from pytest_django import DjangoDbBlocker

# Test modules import helpers from this fixtures plugin as well as loading it: rewrite its asserts
# before either happens, so pytest need not warn that it could not.
pytest.register_assert_rewrite("tests.ingest_fixtures", "tests.jobs_fixtures")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Real hashing costs ~0.3 s per password; the personas create a dozen users per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def restore_migration_data(*, organisations_always: bool = False) -> None:
    """Put back what data migrations wrote, where a flush emptied it: the 43 forces and national
    bodies, then the statutory rules of the protective measures (which name forces)."""
    from auditlog.context import disable_auditlog

    from oversight.organisations.models import GoverningBodyTerm, Organisation
    from oversight.organisations.reference import load_reference_organisations
    from oversight.protection.models import ExtensionStep, MeasureRule, MeasureType, RuleArea
    from oversight.protection.statute import load_rules

    # As the data migrations write them: with no change log (nor trail entries), which the migrations'
    # historical models never make, so an installation still counts as new (backups/restore.py).
    with disable_auditlog():
        if organisations_always or not Organisation.objects.exists():
            load_reference_organisations(Organisation, GoverningBodyTerm)
        if not MeasureType.objects.exists():
            load_rules(MeasureType, MeasureRule, RuleArea, ExtensionStep, Organisation)


_blocker: list[DjangoDbBlocker] = []


@pytest.fixture(scope="session", autouse=True)
def _keep_the_db_blocker(django_db_blocker: DjangoDbBlocker) -> None:
    _blocker[:] = [django_db_blocker]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, None, None]:
    """A browser test, or a test in tests/ marked transaction=True, commits, so its database is flushed
    afterwards, and the flush empties the tables a data migration filled. Put that data back once the
    flush is done, so a test that runs next in this worker finds the database as migrations left it.
    After the last test the session tears the database down first: nothing to put back."""
    yield
    if _blocker and nextitem is not None and item.get_closest_marker("django_db"):
        with _blocker[0].unblock():
            restore_migration_data()
