"""Browser tests drive Debian's Chromium through Playwright against a live server."""

from __future__ import annotations

import os
from typing import Any

import pytest

from conftest import restore_migration_data

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
