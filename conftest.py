"""Suite-wide test settings for tests/ and e2e/."""

from __future__ import annotations

from typing import Any

import pytest

# Test modules import helpers from this fixtures plugin as well as loading it: rewrite its asserts
# before either happens, so pytest need not warn that it could not.
pytest.register_assert_rewrite("tests.ingest_fixtures")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Real hashing costs ~0.3 s per password; the personas create a dozen users per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
