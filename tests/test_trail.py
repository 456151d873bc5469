"""The tamper-evident trail (audit/chain.py, audit/verify.py): every audit row chained as written,
`oversight audit verify` naming the first broken row, the PostgreSQL triggers, the head page."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from django.db.backends.utils import CursorWrapper
from django.test import Client

from oversight.accounts.models import LoginAttempt, is_locked_out, record_attempt
from oversight.audit import verify
from oversight.audit.chain import SOURCE_OF_LABEL, SOURCES, content_hash, deferred_sealing, entry_hash, head, row_of
from oversight.audit.management.commands.audit import HEAD
from oversight.audit.models import (
    Alert,
    AlertKind,
    ReadLog,
    Refusal,
    TrailEntry,
    TrailKind,
    Verification,
    log_read,
    raise_alert,
    record_refusal,
)
from oversight.organisations.models import Organisation
from oversight.recommendations.models import TrackingRecord, Transition, TransitionAction
from tests.conftest import client_for
from tests.personas import Personas
from tests.test_cases_views import fixed_csrf  # noqa: F401 (a fixture)

POSTGRESQL = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"], reason="the triggers are PostgreSQL's"
)


@dataclass(frozen=True)
class Rows:
    """One audit row of each kind, written the way Oversight writes them."""

    change: LogEntry
    read: ReadLog
    refusal: Refusal
    alert: Alert
    sign_in: LoginAttempt
    transition: Transition


@pytest.fixture
def rows(personas: Personas, tracking: TrackingRecord, wmp: Organisation) -> Rows:
    read = log_read(personas.liaison, tracking, "tracking record page")
    refusal = record_refusal(personas.other_force, TrackingRecord, 123456, "tracking record page")
    alert = raise_alert(AlertKind.OVERRIDE, wmp, tracking, personas.liaison, "Overridden with a recorded rationale")
    record_attempt("wmp.liaison", False, "192.0.2.7")
    status, signoff = tracking.status, tracking.signoff
    transition = Transition.write(
        personas.liaison,
        "Checked",
        tracking=tracking,
        action=TransitionAction.SET_STATUS,
        from_status=status,
        to_status=status,
        from_signoff=signoff,
        to_signoff=signoff,
    )
    change = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(TrackingRecord)).latest("pk")
    return Rows(change, read, refusal, alert, LoginAttempt.objects.latest("pk"), transition)


@contextmanager
def behind_the_back() -> Iterator[CursorWrapper]:
    """Raw SQL as someone with the database's keys would run it, the triggers switched off on PostgreSQL."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        try:
            yield cursor
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("SET session_replication_role = DEFAULT")


def broken() -> str:
    outcome = verify.verify_trail()
    assert outcome.broken is not None, "the verification found nothing"
    return str(outcome.broken)


def test_a_fresh_chain_is_whole_and_holds_every_audit_row(rows: Rows) -> None:
    outcome = verify.verify_trail()
    assert outcome.broken is None
    assert outcome.entries == TrailEntry.objects.count() == outcome.head_seq
    for row in (rows.change, rows.read, rows.refusal, rows.alert, rows.sign_in, rows.transition):
        assert TrailEntry.objects.filter(source=row._meta.label_lower, source_id=row.pk).count() == 1
    every_source = sum(source.model._base_manager.count() for source in SOURCES)
    assert TrailEntry.objects.count() == every_source
    assert list(TrailEntry.objects.values_list("seq", flat=True)) == list(range(1, every_source + 1))


TAMPERING = [
    ("change", "auditlog_logentry", "object_repr", "'Someone else'", "auditlog.logentry"),
    ("read", "audit_readlog", "what", "'nothing much'", "audit.readlog"),
    ("refusal", "audit_refusal", "route", "'api'", "audit.refusal"),
    ("alert", "audit_alert", "detail", "'Nothing happened'", "audit.alert"),
    ("sign_in", "accounts_loginattempt", "ip_address", "'198.51.100.1'", "accounts.loginattempt"),
    ("transition", "recommendations_transition", "reason", "'Never checked'", "recommendations.transition"),
]


@pytest.mark.parametrize(("kind", "table", "column", "value", "label"), TAMPERING)
def test_a_row_edited_in_the_database_is_named(
    rows: Rows, kind: str, table: str, column: str, value: str, label: str
) -> None:
    row = getattr(rows, kind)
    with behind_the_back() as cursor:
        sql = f"UPDATE {table} SET {column} = {value} WHERE id = %s"  # noqa: S608 (the test's own constants)
        cursor.execute(sql, [row.pk])
    entry = TrailEntry.objects.get(source=label, source_id=row.pk, kind__in=[s.kind for s in SOURCES])
    assert broken() == f"trail entry {entry.seq} ({label} {row.pk}): the row was changed after it was written"


@pytest.mark.parametrize(("kind", "table", "label"), [(k, t, lab) for k, t, _, _, lab in TAMPERING])
def test_a_row_deleted_from_the_database_is_named(rows: Rows, kind: str, table: str, label: str) -> None:
    row = getattr(rows, kind)
    with behind_the_back() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [row.pk])  # noqa: S608
    assert f"({label} {row.pk}): the row was deleted" in broken()


def test_the_first_broken_row_is_named_when_several_are(rows: Rows) -> None:
    with behind_the_back() as cursor:
        cursor.execute("UPDATE audit_alert SET detail = 'x' WHERE id = %s", [rows.alert.pk])
        cursor.execute("UPDATE audit_readlog SET what = 'x' WHERE id = %s", [rows.read.pk])
    read_entry = TrailEntry.objects.get(source="audit.readlog", source_id=rows.read.pk)
    assert broken().startswith(f"trail entry {read_entry.seq} (audit.readlog")  # written before the alert


def test_a_row_put_in_behind_the_trails_back_is_named(rows: Rows, personas: Personas) -> None:
    (sneaked,) = ReadLog.objects.bulk_create([ReadLog(user=personas.liaison, content_type=rows.read.content_type,
                                                      object_id=rows.read.object_id, what="page")])  # fmt: skip
    assert broken() == f"audit.readlog {sneaked.pk}: is not in the trail (put in outside Oversight)"


def test_a_trail_entry_edited_is_named(rows: Rows) -> None:
    entry = TrailEntry.objects.get(source="audit.readlog", source_id=rows.read.pk)
    with behind_the_back() as cursor:
        cursor.execute("UPDATE audit_trailentry SET detail = 'x' WHERE seq = %s", [entry.seq])
    expected = (
        f"trail entry {entry.seq} (audit.readlog {rows.read.pk}): the trail entry was changed after it was written"
    )
    assert broken() == expected


def test_a_trail_entry_deleted_or_put_in_is_named(rows: Rows) -> None:
    entry = TrailEntry.objects.get(source="audit.alert", source_id=rows.alert.pk)
    with behind_the_back() as cursor:
        cursor.execute("DELETE FROM audit_trailentry WHERE seq = %s", [entry.seq])
    assert (
        broken()
        == f"trail entry {entry.seq} (trail): missing: the trail goes from entry {entry.seq - 1} to {entry.seq + 1}"
    )


def test_a_rewritten_chain_is_caught_by_the_head_recorded_outside(rows: Rows) -> None:
    """The chain is not keyed: rewriting a row and every hash after it passes the walk, not the recorded head."""
    recorded = head()
    assert recorded is not None

    with behind_the_back() as cursor:
        cursor.execute("UPDATE audit_readlog SET what = 'nothing' WHERE id = %s", [rows.read.pk])
        first = TrailEntry.objects.get(source="audit.readlog", source_id=rows.read.pk)
        row = row_of(SOURCE_OF_LABEL["audit.readlog"], rows.read.pk)
        assert row is not None
        prev_hash = first.prev_hash
        for entry in TrailEntry.objects.filter(seq__gte=first.seq).order_by("seq"):
            if entry.seq == first.seq:
                entry.content_hash = content_hash(SOURCE_OF_LABEL["audit.readlog"], row)
            entry.prev_hash = prev_hash
            entry.hash = prev_hash = entry_hash(entry)
            cursor.execute(
                "UPDATE audit_trailentry SET content_hash = %s, prev_hash = %s, hash = %s WHERE seq = %s",
                [entry.content_hash, entry.prev_hash, entry.hash, entry.seq],
            )
    assert verify.verify_trail().broken is None
    outcome = verify.verify_trail(expected_head=(recorded.seq, recorded.hash))
    rewritten = "differs from the head recorded outside the system: the trail was rewritten"
    assert str(outcome.broken) == f"trail entry {recorded.seq} (trail): {rewritten}"


def test_the_command_exits_1_naming_the_row_and_keeps_each_run(rows: Rows) -> None:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue().startswith("The trail is whole:")
    with behind_the_back() as cursor:
        cursor.execute("UPDATE audit_readlog SET what = 'x' WHERE id = %s", [rows.read.pk])
    with pytest.raises(CommandError) as refused:
        call_command("audit", "verify")
    assert refused.value.returncode == 1
    assert f"(audit.readlog {rows.read.pk}): the row was changed after it was written" in str(refused.value)
    assert list(Verification.objects.values_list("outcome", flat=True)) == ["broken", "whole"]
    assert f"audit.readlog {rows.read.pk}" in Verification.objects.first().first_broken  # type: ignore[union-attr]


def test_the_command_prints_the_head_and_checks_a_recorded_one(rows: Rows) -> None:
    out = StringIO()
    call_command("audit", "head", stdout=out)
    printed = out.getvalue().split()[0]
    match = HEAD.match(printed)
    assert match and int(match[1]) == TrailEntry.objects.count()
    call_command("audit", "verify", "--head", printed, stdout=StringIO())
    with pytest.raises(CommandError) as refused:
        call_command("audit", "verify", "--head", f"{match[1]}:{'0' * 64}")
    assert refused.value.returncode == 1
    with pytest.raises(CommandError) as malformed:
        call_command("audit", "verify", "--head", "yesterday")
    assert malformed.value.returncode == 2


def test_an_acknowledgement_is_chained_once_and_its_change_found(rows: Rows, personas: Personas) -> None:
    alert = rows.alert
    alert.acknowledged_by, alert.acknowledged_at = personas.liaison, alert.at
    alert.save(update_fields=["acknowledged_by", "acknowledged_at"])
    assert TrailEntry.objects.filter(kind=TrailKind.ALERT_ACKNOWLEDGED, source_id=alert.pk).count() == 1
    assert verify.verify_trail().broken is None
    with behind_the_back() as cursor:
        cursor.execute("UPDATE audit_alert SET acknowledged_by_id = %s WHERE id = %s", [personas.owner.pk, alert.pk])
    assert "the row was changed after it was written" in broken()


def test_an_acknowledgement_put_in_behind_the_trails_back_is_named(rows: Rows, personas: Personas) -> None:
    with behind_the_back() as cursor:
        cursor.execute("UPDATE audit_alert SET acknowledged_by_id = %s, acknowledged_at = at WHERE id = %s",
                       [personas.owner.pk, rows.alert.pk])  # fmt: skip
    assert broken() == f"audit.alert {rows.alert.pk}: was marked acknowledged outside Oversight"


def test_rows_dated_back_inside_deferred_sealing_are_chained_as_dated(
    personas: Personas, tracking: TrackingRecord
) -> None:
    with deferred_sealing():
        read = log_read(personas.liaison, tracking, "page")
        assert not TrailEntry.objects.filter(source="audit.readlog", source_id=read.pk).exists()
        ReadLog.objects.filter(pk=read.pk).update(what="page, dated back")  # allowed: not chained yet
    assert TrailEntry.objects.filter(source="audit.readlog", source_id=read.pk).exists()
    assert verify.verify_trail().broken is None


def test_a_success_ends_the_run_of_failures_without_deleting_any(db: None) -> None:
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        record_attempt("someone", False, None)
    record_attempt("someone", True, None)
    record_attempt("someone", False, None)
    assert not is_locked_out("someone")
    assert LoginAttempt.objects.filter(username="someone").count() == settings.LOGIN_FAILURE_LIMIT + 1
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        record_attempt("someone", False, None)
    assert is_locked_out("someone")
    assert verify.verify_trail().broken is None


# --- PostgreSQL: the audit tables refuse UPDATE and DELETE ---------------------------------------


@POSTGRESQL
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE auditlog_logentry SET object_repr = 'x' WHERE id = {change}",
        "DELETE FROM auditlog_logentry WHERE id = {change}",
        "UPDATE audit_readlog SET what = 'x' WHERE id = {read}",
        "DELETE FROM audit_readlog WHERE id = {read}",
        "UPDATE audit_refusal SET what = 'x' WHERE id = {refusal}",
        "DELETE FROM audit_refusal WHERE id = {refusal}",
        "UPDATE audit_alert SET detail = 'x' WHERE id = {alert}",
        "DELETE FROM audit_alert WHERE id = {alert}",
        "UPDATE accounts_loginattempt SET succeeded = true WHERE id = {sign_in}",
        "DELETE FROM accounts_loginattempt WHERE id = {sign_in}",
        "UPDATE audit_trailentry SET detail = 'x'",
        "DELETE FROM audit_trailentry",
    ],
)
def test_postgresql_refuses_changing_or_deleting_audit_rows(rows: Rows, statement: str) -> None:
    ids = {kind: getattr(rows, kind).pk for kind in ("change", "read", "refusal", "alert", "sign_in")}
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement.format(**ids))
    assert verify.verify_trail().broken is None


@POSTGRESQL
def test_postgresql_lets_an_alert_be_acknowledged_once_and_nothing_else(rows: Rows, personas: Personas) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_alert SET acknowledged_by_id = %s, acknowledged_at = now(), detail = 'x' "
                       "WHERE id = %s", [personas.owner.pk, rows.alert.pk])  # fmt: skip
    rows.alert.acknowledged_by, rows.alert.acknowledged_at = personas.liaison, rows.alert.at
    rows.alert.save(update_fields=["acknowledged_by", "acknowledged_at"])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_alert SET acknowledged_by_id = %s WHERE id = %s", [personas.owner.pk, rows.alert.pk]
        )
    assert verify.verify_trail().broken is None


@POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_extend_one_chain(personas: Personas, tracking: TrackingRecord) -> None:
    """Writers in their own connections and transactions, started together, never fork the chain."""
    start, failures = threading.Barrier(4), []

    def write(count: int) -> None:
        try:
            start.wait()
            for _ in range(count):
                with transaction.atomic():
                    log_read(personas.liaison, tracking, "page")
        except Exception as error:
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(15,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    assert ReadLog.objects.count() == 60
    assert verify.verify_trail().broken is None
    assert list(TrailEntry.objects.values_list("seq", flat=True)) == list(range(1, TrailEntry.objects.count() + 1))


# --- the administrators' page ---------------------------------------------------------------------


def test_administrators_see_the_head_to_record_it_outside(rows: Rows, personas: Personas) -> None:
    call_command("audit", "verify", stdout=StringIO())
    last = head()
    assert last is not None
    page = client_for(personas.administrator).get("/audit/trail/").content.decode()
    assert f"{last.seq}:{last.hash}" in page
    assert "Record it outside the system" in page
    assert "Whole" in page


@pytest.mark.parametrize(
    "name", ["liaison", "owner", "hmicfrs_lead", "opcc_officer", "other_force", "national_analyst", "no_role"]
)
@pytest.mark.usefixtures("fixed_csrf")
def test_everyone_else_gets_the_page_a_missing_page_gets(rows: Rows, personas: Personas, name: str) -> None:
    client = client_for(getattr(personas, name))
    refused, missing = client.get("/audit/trail/"), client.get("/audit/no-such-page/")
    assert refused.status_code == missing.status_code == 404
    # The organisation switcher echoes the address it was shown on.
    assert refused.content == missing.content.replace(b"/audit/no-such-page/", b"/audit/trail/")
    assert Client().get("/audit/trail/").status_code == 302  # signed out: to the sign-in page


def test_the_daily_sweep_walks_the_trail_and_fails_the_day_when_it_is_broken(rows: Rows) -> None:
    import datetime as dt

    from oversight.jobs.models import DailyRun
    from oversight.jobs.sweep import run_sweep

    day = dt.date(2026, 6, 1)
    run_sweep(day)
    assert Verification.objects.first().outcome == "whole"  # type: ignore[union-attr]
    with behind_the_back() as cursor:
        cursor.execute("UPDATE audit_readlog SET what = 'x' WHERE id = %s", [rows.read.pk])
    run_sweep(day + dt.timedelta(days=1))
    run = DailyRun.objects.get(job="audit trail verification", day=day + dt.timedelta(days=1))
    assert run.status != "done"
    assert "TrailBrokenError" in run.last_error
    assert f"audit.readlog {rows.read.pk}" in Verification.objects.first().first_broken  # type: ignore[union-attr]
