"""Retention and subject access (retention/): the review list through the case lock, erasure that
keeps the trail verifiable, and refusals for everyone else."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.html import escape

from oversight.accounts.models import LoginAttempt, record_attempt
from oversight.audit import verify
from oversight.audit.chain import SOURCE_OF_LABEL, seal
from oversight.audit.models import Alert, AlertKind, ReadLog, TrailEntry, TrailKind
from oversight.cases.models import Allegation, Case, CaseStatus, Subject
from oversight.retention import services
from oversight.retention.rules import RecordType, rule_for, rules
from tests.case_personas import EXCLUDED, REFUSED, CasePersonas, Workforce, make_case_personas, make_workforce
from tests.case_personas import open_ppda_case as open_case_for
from tests.conftest import client_for
from tests.personas import Personas
from tests.test_cases_views import fixed_csrf  # noqa: F401 (a fixture)

REASON = "Closed more than ten years ago; no complaint, appeal or claim outstanding."


@pytest.fixture
def workforce(db: None) -> Workforce:
    return make_workforce()


@pytest.fixture
def people(workforce: Workforce) -> CasePersonas:
    return make_case_personas(workforce)


@pytest.fixture
def case(people: CasePersonas, workforce: Workforce) -> Case:
    return open_case_for(people, workforce)


def close(case: Case, years_ago: int) -> None:
    closed = timezone.localdate() - dt.timedelta(days=366 * years_ago)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED, closed_on=closed, received_on=closed)


def url(case: Case) -> str:
    return f"/retention/cases/{case.pk}/erase/"


def test_every_period_gives_its_reason_and_source() -> None:
    for rule in rules():
        assert rule.months > 0 and rule.reason and rule.source and rule.counted_from
        assert rule.organisational_choice == ("organisational choice" in rule.source)


def test_the_psd_lead_lists_and_deletes_a_case_past_retention(people: CasePersonas, case: Case) -> None:
    close(case, 11)
    client = client_for(people.psd_lead)
    assert case.reference in client.get("/retention/").content.decode()
    page = client.get(url(case))
    assert page.status_code == 200 and "Delete this case?" in page.content.decode()
    case_kind = ContentType.objects.get_for_model(Case)
    changes = list(LogEntry.objects.filter(content_type=case_kind, object_id=case.pk).values_list("pk", flat=True))
    assert changes, "the case's change trail is the content that must go"
    reads = ReadLog.objects.filter(content_type=case_kind, object_id=case.pk).count()

    response = client.post(url(case), {"reason": REASON})

    assert response.status_code == 302
    assert not Case.objects.filter(pk=case.pk).exists()
    assert (
        not Subject.objects.filter(case_id=case.pk).exists() and not Allegation.objects.filter(case_id=case.pk).exists()
    )
    assert not LogEntry.objects.filter(pk__in=changes).exists()
    assert ReadLog.objects.filter(content_type=case_kind, object_id=case.pk).count() == reads + 1  # stay, and this one
    erasure = TrailEntry.objects.get(kind=TrailKind.ERASURE, source="cases.case", source_id=case.pk)
    assert people.psd_lead.username in erasure.detail and REASON in erasure.detail
    assert case.summary not in erasure.detail and case.reference not in erasure.detail
    for pk in changes:
        assert TrailEntry.objects.filter(kind=TrailKind.ERASURE, source="auditlog.logentry", source_id=pk).exists()
    assert verify.verify_trail().broken is None


def test_deleting_without_a_reason_is_refused_with_the_error_summary(people: CasePersonas, case: Case) -> None:
    close(case, 11)
    response = client_for(people.psd_lead).post(url(case), {"reason": "  "})
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page and "Enter the reason for deleting it" in page
    assert Case.objects.filter(pk=case.pk).exists()


def test_a_case_within_its_period_is_not_deleted(people: CasePersonas, case: Case) -> None:
    close(case, 2)
    client = client_for(people.psd_lead)
    assert case.reference not in client.get("/retention/").content.decode()
    page = client.get(url(case)).content.decode()
    assert "It may be deleted from" in page and "Delete the case" not in page
    response = client.post(url(case), {"reason": REASON})
    assert (
        response.status_code == 400 and "has not reached the end of its retention period" in response.content.decode()
    )
    assert Case.objects.filter(pk=case.pk).exists()


@pytest.mark.usefixtures("fixed_csrf")
@pytest.mark.parametrize("name", [*REFUSED, "psd_handler", "investigator"])
def test_no_one_else_reaches_the_case_here_and_excluded_tries_alert(
    people: CasePersonas, case: Case, name: str
) -> None:
    close(case, 11)
    client = client_for(getattr(people, name))
    alerts = Alert.objects.filter(kind=AlertKind.EXCLUDED_OPENED).count()
    refused, missing = client.post(url(case), {"reason": REASON}), client.post("/retention/cases/1/erase/")
    assert refused.status_code == missing.status_code == 404
    # The organisation switcher echoes the address it was shown on.
    assert refused.content == missing.content.replace(b"/retention/cases/1/", f"/retention/cases/{case.pk}/".encode())
    assert Case.objects.filter(pk=case.pk).exists()
    assert case.reference not in client.get("/retention/").content.decode()
    if name in EXCLUDED:
        assert Alert.objects.filter(kind=AlertKind.EXCLUDED_OPENED).count() > alerts


def test_erasure_refuses_anyone_but_a_lead_who_sees_the_case(people: CasePersonas, case: Case) -> None:
    close(case, 11)
    for name in ("connected_administrator", "administrator", "psd_handler", "other_force_psd"):
        with pytest.raises(PermissionDenied):
            services.erase_case(case.pk, getattr(people, name), REASON)
    assert Case.objects.filter(pk=case.pk).exists()


def test_old_sign_in_attempts_are_deleted_by_an_administrator_keeping_the_trail(personas: Personas) -> None:
    record_attempt("wmp.liaison", True, None)
    old = timezone.now() - dt.timedelta(days=31 * (rule_for(RecordType.SIGN_IN).months + 1))
    LoginAttempt.objects.bulk_create([LoginAttempt(username="wmp.liaison", succeeded=False, attempted_at=old)])
    # bulk_create writes no trail entry, so chain it as record_attempt would have:
    seal(SOURCE_OF_LABEL["accounts.loginattempt"], LoginAttempt.objects.get(attempted_at=old).pk)
    assert "1 sign-in attempts have passed" in client_for(personas.administrator).get("/retention/").content.decode()
    for name in ("liaison", "owner", "no_role"):
        assert (
            client_for(getattr(personas, name)).post("/retention/sign-ins/erase/", {"reason": REASON}).status_code
            == 404
        )
    assert LoginAttempt.objects.count() == 2

    response = client_for(personas.administrator).post("/retention/sign-ins/erase/", {"reason": REASON})

    assert response.status_code == 302
    assert list(LoginAttempt.objects.values_list("succeeded", flat=True)) == [True]
    assert TrailEntry.objects.filter(kind=TrailKind.ERASURE, source="accounts.loginattempt").count() == 1
    assert verify.verify_trail().broken is None


def test_the_review_list_is_refused_to_those_with_no_part_in_it(personas: Personas) -> None:
    for name in ("liaison", "owner", "hmicfrs_lead", "opcc_officer", "national_analyst", "no_role"):
        client = client_for(getattr(personas, name))
        assert client.get("/retention/subject-access/").status_code == 404, name
        index = client.get("/retention/")
        if name in ("owner", "no_role"):
            assert index.status_code == 404, name
            continue
        # Those who read documents in review the documents' retention, and nothing else here.
        page = index.content.decode()
        assert "Documents read in past their retention period" in page, name
        for other in (
            "Closed cases past",
            "Ended protective measures past",
            "People who left the force past",
            "Sign-in attempts past",
        ):
            assert other not in page, (name, other)


def test_the_schedule_lists_every_record_type_with_its_reason(personas: Personas) -> None:
    page = client_for(personas.administrator).get("/retention/").content.decode()
    assert {rule.record_type for rule in rules()} == set(RecordType)
    for rule in rules():
        assert escape(rule.record_type.label) in page
        assert escape(rule.reason) in page and escape(rule.source) in page
        assert ("Kept, not deleted" in page) if rule.kept else f"{rule.months} months from" in page
    kept = {rule.record_type for rule in rules() if rule.kept}
    assert kept == {RecordType.REGISTER_ITEM, RecordType.NATIONAL_RETURN, RecordType.CODING}


def test_a_subject_access_export_holds_their_records_and_no_locked_case(people: CasePersonas, case: Case) -> None:
    record_attempt(people.psd_handler.username, True, "192.0.2.1")
    client = client_for(people.administrator)
    reads = ReadLog.objects.filter(user=people.administrator, what="subject access export").count()

    response = client.post("/retention/subject-access/", {"username": people.psd_handler.username, "as": "json"})

    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    export = json.loads(response.content)
    assert export["account"]["username"] == people.psd_handler.username
    assert {"at": export["sign_in_attempts"][0]["at"], "succeeded": True, "from": "192.0.2.1"} in export[
        "sign_in_attempts"
    ]
    assert export["roles"], "the handler's role in West Midlands Police"
    text = response.content.decode()
    for secret in (case.reference, case.summary, "Emma Clarke", "Daniel Hart", "Controlling or coercive"):
        assert secret not in text
    assert "whether or not any exist" in export["not_included"]
    assert ReadLog.objects.filter(user=people.administrator, what="subject access export").count() == reads + 1
    page = client.post("/retention/subject-access/", {"username": people.psd_handler.username, "as": "page"})
    assert page.status_code == 200 and case.reference not in page.content.decode()


def test_a_subject_access_export_refuses_everyone_but_administrators(people: CasePersonas) -> None:
    for name in ("psd_lead", "psd_handler", "subject", "unrelated_officer", "opcc_officer"):
        response = client_for(getattr(people, name)).post("/retention/subject-access/", {"username": "x", "as": "json"})
        assert response.status_code == 404, name


def test_an_unknown_username_is_a_clear_error(people: CasePersonas) -> None:
    response = client_for(people.administrator).post("/retention/subject-access/", {"username": "nobody", "as": "json"})
    assert response.status_code == 400
    assert "There is no login with that username" in response.content.decode()
    assert 'value="nobody"' in response.content.decode()
