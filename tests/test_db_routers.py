"""The replica router with no replica configured (the default): nothing changes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.db import connections
from django.db.models import QuerySet

from oversight.cases.models import Subject
from oversight.db_routers import REPLICA, ReplicaRouter, decided_on_primary, reading_from_replica, streamed_from_replica
from oversight.recommendations.models import TrackingRecord


def test_without_a_replica_the_block_reads_and_writes_the_default_database() -> None:
    assert REPLICA not in connections
    router = ReplicaRouter()
    with reading_from_replica():
        assert router.db_for_read(TrackingRecord) == "default"
        assert router.db_for_write(TrackingRecord) == "default"
        assert isinstance(decided_on_primary(Subject.objects.values_list("person_id", flat=True)), QuerySet)
    assert list(streamed_from_replica(iter("abc"))) == ["a", "b", "c"]


def test_the_replica_is_never_migrated() -> None:
    router = ReplicaRouter()
    assert router.allow_migrate(REPLICA, "recommendations") is False
    assert router.allow_migrate("default", "recommendations") is None


@pytest.mark.django_db
def test_outside_a_block_a_subquery_stays_one_statement() -> None:
    people = decided_on_primary(Subject.objects.values_list("person_id", flat=True))
    assert isinstance(people, QuerySet)


REPLICA_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings; "
    "print(json.dumps({alias: [db['HOST'], db['TEST']['MIRROR'], db['CONN_HEALTH_CHECKS']] "
    "for alias, db in settings.DATABASES.items()}))"
)


def _databases(env: dict[str, str]) -> dict[str, list[object]]:
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DATABASE_REPLICA_URL", "OVERSIGHT_ENV"}}
    result = subprocess.run(  # noqa: S603 (this interpreter with a fixed script)
        [sys.executable, "-c", REPLICA_SETTINGS],
        env={**base, "DJANGO_SETTINGS_MODULE": "oversight.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(result.stdout))


def test_database_replica_url_adds_the_replica_as_a_test_mirror_of_the_primary() -> None:
    production = {"OVERSIGHT_ENV": "production", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "oversight.example.org",
                  "DATABASE_URL": "postgres://u@primary/oversight"}  # fmt: skip
    assert set(_databases(production)) == {"default"}
    both = _databases(production | {"DATABASE_REPLICA_URL": "postgres://reader@standby/oversight"})
    assert both == {"default": ["primary", None, True], "replica": ["standby", "default", True]}
