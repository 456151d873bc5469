"""The read replica (oversight/db_routers.py): with a second alias configured as a test mirror of the
default database, the dashboards and exports read their figures from the replica, while every access
decision, locked record and read log is read from the primary, and a replica query that names a
locked record's table is refused. The replica copy cannot lag here, so the proof is which connection
each query went to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from oversight.api.models import ApiToken, hash_token
from oversight.cases.models import Case, Subject
from oversight.db_routers import REPLICA, ReplicaRefused, decided_on_primary, reading_from_replica
from oversight.organisations.models import Organisation
from oversight.protection.dashboard import dashboard, default_period, scope_for
from oversight.protection.dashboard_api import as_json
from oversight.protection.models import Breach
from oversight.recommendations.models import Committee, CommitteeMeeting, ProgressUpdate, TrackingRecord
from tests.case_personas import CasePersonas, Workforce
from tests.conftest import client_for
from tests.personas import Personas
from tests.protection_world import make_world

pytest_plugins = ["tests.case_fixtures"]

# Committed rows: the replica is another connection, which sees only what the primary committed.
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


@pytest.fixture(scope="module", autouse=True)
def _replica_alias() -> Iterator[None]:
    """A `replica` alias beside `default`, as settings make it from DATABASE_REPLICA_URL: in tests a mirror."""
    primary = connections["default"].settings_dict
    connections.settings[REPLICA] = {**primary, "TEST": {**primary["TEST"], "MIRROR": "default"}}
    yield
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


class Queries:
    """Every statement each connection ran while the block was open."""

    def __enter__(self) -> Queries:
        self._contexts = {alias: CaptureQueriesContext(connections[alias]) for alias in ("default", REPLICA)}
        for context in self._contexts.values():
            context.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        for context in self._contexts.values():
            context.__exit__(*exc)

    def on(self, alias: str) -> list[str]:
        return [query["sql"] for query in self._contexts[alias].captured_queries]

    def naming(self, alias: str, table: str) -> list[str]:
        return [sql for sql in self.on(alias) if f'"{table}"' in sql]


def _table(model: Any) -> str:
    return str(model._meta.db_table)


def test_the_register_export_reads_its_rows_from_the_replica_and_the_scope_from_the_primary(
    tracking: TrackingRecord, personas: Personas
) -> None:
    client = client_for(personas.liaison)
    with Queries() as queries:
        csv = b"".join(client.get(reverse("recommendations:register_csv")).streaming_content).decode()  # type: ignore[attr-defined]
        xlsx = client.get(reverse("recommendations:register_xlsx"))
    assert tracking.item.reference in csv and xlsx.status_code == 200
    assert queries.naming(REPLICA, _table(TrackingRecord))  # the rows, and the workbook's filter labels
    assert not queries.naming("default", _table(TrackingRecord))
    assert queries.naming("default", "organisations_membership")  # who may read which register
    assert not queries.naming(REPLICA, "organisations_membership")
    assert not queries.naming(REPLICA, "django_session")


def test_a_refused_person_exports_nothing_from_the_replica(tracking: TrackingRecord, personas: Personas) -> None:
    with Queries():
        csv = b"".join(client_for(personas.other_force).get(reverse("recommendations:register_csv")).streaming_content)  # type: ignore[attr-defined]
    assert tracking.item.reference.encode() not in csv


def test_the_committee_paper_files_read_the_register_from_the_replica(
    tracking: TrackingRecord, personas: Personas, wmp: Organisation
) -> None:
    pcc = wmp.governing_body_on()
    committee = Committee.objects.create(name="Joint Audit Committee", organisation=pcc)
    committee.forces.set([wmp])
    meeting = CommitteeMeeting.objects.create(committee=committee, held_on=dt.date.today(), agenda_item="07")
    client = client_for(personas.liaison)
    with Queries() as queries:
        pdf = client.get(reverse("recommendations:paper_pdf", args=[meeting.pk]))
        docx = client.get(reverse("recommendations:paper_docx", args=[meeting.pk]))
    assert pdf.content.startswith(b"%PDF") and docx.content.startswith(b"PK")
    assert len(queries.naming("default", _table(CommitteeMeeting))) == 2  # the meeting looked up in the scope
    assert queries.naming(REPLICA, _table(TrackingRecord))
    assert not queries.naming("default", _table(TrackingRecord))
    refused = client_for(personas.other_force).get(reverse("recommendations:paper_pdf", args=[meeting.pk]))
    assert refused.status_code == 404


def test_the_protection_dashboard_counts_on_the_replica_but_decides_the_case_lock_on_the_primary(
    case_personas: CasePersonas, case_workforce: Workforce, ppda_case: Case
) -> None:
    world = make_world(case_personas, case_workforce, ppda_case)
    reported = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    for measure in (world.public, world.locked, world.avon):
        Breach.objects.create(measure=measure, reported_at=reported, reported_by="victim", description="At the door",
                              recorded_by=measure.recorded_by)  # fmt: skip
    people = {"team": world.team, "analyst": world.analyst, "psd_lead": case_personas.psd_lead}
    expected = {}
    for name, person in people.items():
        scope = scope_for(person, None)
        assert scope is not None
        expected[name] = as_json(dashboard(person, scope, default_period()))  # outside the block: the primary
    with Queries() as queries:
        assert client_for(world.team).get("/protection/dashboard/").status_code == 200
        answers = {name: _dashboard_api(person) for name, person in people.items()}
    for name, answer in answers.items():
        for key in ("funnel", "ppda_seen", "ppda_locked", "by_force", "by_measure"):
            assert answer[key] == expected[name][key], (name, key)
    assert answers["team"]["funnel"]["reported"] == 1 and answers["analyst"]["funnel"]["reported"] == 2
    assert answers["psd_lead"]["ppda_seen"]["reported"] == 1  # sees the case, so its breach apart
    assert queries.naming(REPLICA, _table(Breach))
    assert not queries.naming("default", _table(Breach))
    # Who is a case's subject, and which cases this person may see, only ever from the primary.
    assert queries.naming("default", _table(Subject)) and queries.naming("default", _table(Case))
    assert not queries.naming(REPLICA, _table(Subject)) and not queries.naming(REPLICA, _table(Case))


def _dashboard_api(user: User) -> Any:
    raw = f"ovs_test_{user.pk}"
    ApiToken.objects.get_or_create(user=user, name="replica test", defaults={"key_hash": hash_token(raw)})
    response = Client().get("/api/v1/protection/dashboard", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_replica_query_naming_a_locked_records_table_is_refused(case_workforce: Workforce, ppda_case: Case) -> None:
    people = Subject.objects.values_list("person_id", flat=True)
    with reading_from_replica(), pytest.raises(ReplicaRefused, match="cases_subject"):
        Breach.objects.filter(measure__restrained_person_id__in=people).count()
    with reading_from_replica(), Queries() as queries:
        assert Breach.objects.filter(measure__restrained_person_id__in=decided_on_primary(people)).count() == 0
        assert Case.objects.filter(pk=ppda_case.pk).exists()  # a locked record itself: the primary
    assert queries.naming("default", _table(Subject)) and queries.naming("default", _table(Case))
    assert queries.naming(REPLICA, _table(Breach)) and not queries.naming(REPLICA, _table(Case))


def test_after_a_write_the_blocks_reads_go_to_the_primary(tracking: TrackingRecord, personas: Personas) -> None:
    with reading_from_replica(), Queries() as queries:
        assert TrackingRecord.objects.filter(pk=tracking.pk).exists()
        ProgressUpdate.objects.create(tracking=tracking, author=personas.owner, text="Plan agreed")
        assert ProgressUpdate.objects.filter(tracking=tracking).count() == 1
    assert len(queries.naming(REPLICA, _table(TrackingRecord))) == 1
    assert not queries.naming(REPLICA, _table(ProgressUpdate))
    assert len(queries.naming("default", _table(ProgressUpdate))) == 2  # the insert and the read after it


def test_nothing_outside_the_block_reads_from_the_replica(tracking: TrackingRecord, personas: Personas) -> None:
    client = client_for(personas.liaison)
    with Queries() as queries:
        assert client.get(reverse("recommendations:register")).status_code == 200
        assert client.get(reverse("recommendations:tracking", args=[tracking.pk])).status_code == 200
    assert queries.on("default") and not queries.on(REPLICA)
