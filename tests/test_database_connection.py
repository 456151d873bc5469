"""A new PostgreSQL connection starts in the time zone Django wants, so no SET TIME ZONE is sent."""

from __future__ import annotations

import pytest
from django.db import connection


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's startup options")
@pytest.mark.django_db
def test_a_new_connection_starts_in_utc_and_django_sends_no_set() -> None:
    assert "-c TimeZone=UTC" in connection.settings_dict["OPTIONS"]["options"]
    connection.ensure_connection()
    assert connection.connection.info.parameter_status("TimeZone") == "UTC"
    assert connection._configure_timezone(connection.connection) is False  # nothing to change
