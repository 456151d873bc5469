"""Owners and RAG overrides as dated transition rows: who, when, from, to and why; the paper as at a
day uses the override in force then; the owner list says who each eligible person is."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from auditlog.context import set_actor
from django.apps import apps
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from oversight.lib.rag import Rag
from oversight.organisations.models import Organisation, Role
from oversight.recommendations import services
from oversight.recommendations.forms import TrackingEditForm
from oversight.recommendations.models import (
    Committee,
    CommitteeMeeting,
    OwnerChange,
    RagChange,
    TrackingRecord,
    TrackingStatus,
    Transition,
)
from oversight.recommendations.papers import build_paper
from oversight.workforce.models import Person, PersonKind, Unit
from tests.conftest import client_for
from tests.factories import ReportFactory, TrackingRecordFactory, member
from tests.personas import Personas
from tests.test_api import api_client


def _dated(row: RagChange | OwnerChange, day: dt.date) -> None:
    """Move a row back to `day`, as if the change had been made then."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(11)))
    type(row).objects.filter(pk=row.pk).update(at=moment)


def _latest_rag_change(record: TrackingRecord) -> RagChange:
    change = record.rag_changes.order_by("-pk").first()
    assert change is not None
    return change


# RAG overrides


def test_every_override_is_a_row_with_who_when_from_to_and_why(personas: Personas, tracking: TrackingRecord) -> None:
    services.override_rag(tracking, personas.liaison, "red", "  Partner delay ")
    services.override_rag(TrackingRecord.objects.get(pk=tracking.pk), personas.liaison, "amber", "Plan agreed")
    services.override_rag(TrackingRecord.objects.get(pk=tracking.pk), personas.liaison, "", "Back to the rule")
    rows = list(tracking.rag_changes.order_by("pk").values_list("from_rag", "to_rag", "reason", "by"))
    liaison = personas.liaison.pk
    assert rows == [("", "red", "Partner delay", liaison), ("red", "amber", "Plan agreed", liaison),
                    ("amber", "", "Back to the rule", liaison)]  # fmt: skip
    assert all(change.at.date() == timezone.now().date() for change in tracking.rag_changes.all())
    tracking.refresh_from_db()
    assert (tracking.rag_override, tracking.rag_override_reason) == ("", "")


def test_saving_the_same_override_again_writes_nothing(personas: Personas, tracking: TrackingRecord) -> None:
    services.override_rag(tracking, personas.liaison, "red", "Partner delay")
    version = TrackingRecord.objects.get(pk=tracking.pk).version
    services.override_rag(TrackingRecord.objects.get(pk=tracking.pk), personas.liaison, "red", "Partner delay")
    assert tracking.rag_changes.count() == 1 and TrackingRecord.objects.get(pk=tracking.pk).version == version


def test_a_refused_override_writes_no_row(personas: Personas, tracking: TrackingRecord) -> None:
    with pytest.raises(ValidationError, match="reason"):
        services.override_rag(tracking, personas.liaison, "red", " ")
    with pytest.raises(PermissionDenied):
        services.override_rag(tracking, personas.owner, "green", "I think so")
    with pytest.raises(ValidationError, match="Choose a RAG rating"):
        services.override_rag(tracking, personas.liaison, "purple", "Made up")
    assert not RagChange.objects.exists()


def test_the_register_shows_the_override_in_force_now_and_who_set_it(
    personas: Personas, tracking: TrackingRecord
) -> None:
    services.override_rag(tracking, personas.liaison, "green", "Plan agreed")
    _dated(_latest_rag_change(tracking), dt.date(2022, 9, 1))
    services.override_rag(TrackingRecord.objects.get(pk=tracking.pk), personas.liaison, "blue", "Done in practice")
    record = TrackingRecord.objects.get(pk=tracking.pk)
    assert record.rag() == Rag.BLUE
    page = client_for(personas.committee_member).get(reverse("recommendations:tracking", args=[tracking.pk]))
    today = f"{timezone.localdate():%-d %B %Y}"
    assert f"Overridden by Rachel Jones on {today}: Done in practice" in page.content.decode()


@pytest.fixture
def committee(wmp: Organisation) -> Committee:
    body = wmp.governing_body_on()
    assert body is not None
    committee = Committee.objects.create(name="Joint Audit Committee", organisation=body)
    committee.forces.set([wmp])
    return committee


def _rag_in_paper(committee: Committee, held_on: dt.date, record: TrackingRecord) -> Rag | None:
    meeting, _ = CommitteeMeeting.objects.get_or_create(committee=committee, held_on=held_on)
    paper = build_paper(meeting)
    return next(item.rag for item in paper.recommendations_remaining if item.tracking_id == record.pk)


def test_the_paper_as_at_a_day_uses_the_override_in_force_that_day(
    personas: Personas, wmp: Organisation, committee: Committee
) -> None:
    """Published 30 June 2022, due 30 December 2022, no progress: the rule says amber all autumn."""
    record = TrackingRecordFactory(item__report=ReportFactory(forces=[wmp]), organisation=wmp)
    assert record.due_on == dt.date(2022, 12, 30)
    services.override_rag(record, personas.liaison, "green", "Partner plan agreed")
    _dated(_latest_rag_change(record), dt.date(2022, 9, 1))
    services.override_rag(TrackingRecord.objects.get(pk=record.pk), personas.liaison, "", "")
    _dated(_latest_rag_change(record), dt.date(2022, 11, 1))
    services.override_rag(TrackingRecord.objects.get(pk=record.pk), personas.liaison, "blue", "Done in practice")

    assert _rag_in_paper(committee, dt.date(2022, 8, 31), record) == Rag.AMBER  # before the override
    assert _rag_in_paper(committee, dt.date(2022, 9, 1), record) == Rag.GREEN  # set that day
    assert _rag_in_paper(committee, dt.date(2022, 10, 31), record) == Rag.GREEN
    assert _rag_in_paper(committee, dt.date(2022, 11, 1), record) == Rag.AMBER  # cleared: the rule again
    assert TrackingRecord.objects.get(pk=record.pk).rag() == Rag.BLUE  # the register: the one in force now


def test_overrides_and_owners_before_the_history_was_kept_are_replayed_from_the_change_trail(
    personas: Personas, tracking: TrackingRecord
) -> None:
    """Migration 0007 turns the change trail's entries into rows (who and when as the trail says)."""
    module = importlib.import_module("oversight.recommendations.migrations.0007_rag_and_owner_history")
    with set_actor(personas.liaison):
        tracking.rag_override, tracking.rag_override_reason = "red", "Partner delay"
        tracking.save()
        tracking.owner, tracking.portfolio = personas.second_owner, "Crime"
        tracking.save()
        tracking.portfolio = "Crime and justice"
        tracking.save()
    tracking.rag_override, tracking.rag_override_reason = "", ""
    tracking.save()  # no one named: no row
    module._rows_from_the_trail(apps, None)
    row = RagChange.objects.get()
    assert (row.tracking, row.by, row.from_rag, row.to_rag, row.reason) == (
        tracking, personas.liaison, "", "red", "Partner delay",
    )  # fmt: skip
    owners = OwnerChange.objects.order_by("pk").values_list("from_owner", "to_owner", "from_portfolio", "to_portfolio")
    second = personas.second_owner.pk
    assert list(owners) == [
        (personas.owner.pk, second, "Public protection", "Crime"), (second, second, "Crime", "Crime and justice")
    ]  # fmt: skip


# Owners


def test_a_change_of_owner_or_portfolio_is_a_row_with_its_reason(personas: Personas, tracking: TrackingRecord) -> None:
    services.update_tracking(
        tracking, personas.liaison, tracking.version, owner=personas.second_owner, portfolio="Crime",
        reason="Owen moved to Crime",
    )  # fmt: skip
    record = TrackingRecord.objects.get(pk=tracking.pk)
    services.update_tracking(record, personas.liaison, record.version, portfolio="Crime and justice")
    record = TrackingRecord.objects.get(pk=tracking.pk)
    services.update_tracking(record, personas.liaison, record.version, next_review_on=dt.date(2030, 1, 1))
    rows = list(
        OwnerChange.objects.order_by("pk").values_list(
            "by", "from_owner", "to_owner", "from_portfolio", "to_portfolio", "reason"
        )
    )
    liaison, owner, second = personas.liaison.pk, personas.owner.pk, personas.second_owner.pk
    assert rows == [
        (liaison, owner, second, "Public protection", "Crime", "Owen moved to Crime"),
        (liaison, second, second, "Crime", "Crime and justice", ""),
    ]  # the review date is no change of owner


def test_the_edit_form_records_why_the_owner_changed(personas: Personas, tracking: TrackingRecord) -> None:
    client = client_for(personas.liaison)
    url = reverse("recommendations:tracking_edit", args=[tracking.pk])
    data = {"version": tracking.version, "owner": personas.second_owner.pk, "portfolio": "Crime",
            "reason": "Restructure of the PPU", "next_review_on_0": "", "next_review_on_1": "",
            "next_review_on_2": ""}  # fmt: skip
    assert client.post(url, data).status_code == 302
    change = OwnerChange.objects.get()
    assert (change.to_owner, change.reason, change.by) == (personas.second_owner, "Restructure of the PPU",
                                                           personas.liaison)  # fmt: skip
    history = client.get(reverse("recommendations:tracking_history", args=[tracking.pk])).content.decode()
    assert "Owner changed: Tracking record" in history and "Reason: Restructure of the PPU" in history
    assert "Owen Patel" in history and "Sara Kaur" in history


def test_the_history_tells_every_transition_in_words_once(personas: Personas, tracking: TrackingRecord) -> None:
    services.set_work_status(tracking, personas.owner, TrackingStatus.IN_PROGRESS, "Started the plan")
    services.override_rag(TrackingRecord.objects.get(pk=tracking.pk), personas.liaison, "amber", "Partner delay")
    assert Transition.objects.count() == 1
    html = client_for(personas.liaison).get(reverse("recommendations:tracking_history", args=[tracking.pk]))
    page = html.content.decode()
    assert "Status changed: Tracking record" in page and "Reason: Started the plan" in page
    assert ">Local status<" in page and ">In progress<" in page and ">in_progress<" not in page
    assert page.count(">Local status<") == 1  # the trail's own entry of the same change is not repeated
    assert "RAG override set" in page and ">Amber<" in page


# The owner list


def _place(user: User, force: Organisation, unit: Unit) -> None:
    Person.objects.create(force=force, staff_number=f"S{user.pk}", name=user.get_full_name(),
                          kind=PersonKind.STAFF, unit=unit, user=user)  # fmt: skip


def test_the_owner_list_shows_each_eligible_person_with_role_portfolio_and_unit(
    personas: Personas, tracking: TrackingRecord, wmp: Organisation
) -> None:
    personas.second_owner.memberships.update(portfolio="Public Protection Unit")
    _place(personas.second_owner, wmp, Unit.objects.create(force=wmp, name="Public Protection", area="Birmingham"))
    page = client_for(personas.liaison).get(reverse("recommendations:tracking_edit", args=[tracking.pk]))
    html = page.content.decode()
    dash = "\N{EN DASH}"
    assert (f"Sara Kaur {dash} Recommendation owner (Public Protection Unit) {dash} Public Protection, Birmingham"
            in html)  # fmt: skip
    assert f"Owen Patel {dash} Recommendation owner {dash} unit not recorded" in html
    assert f"Rachel Jones {dash} Force liaison officer {dash} unit not recorded" in html
    assert "Alan Brook" not in html and "Helen Marsh" not in html  # not in the organisation


def test_the_owner_list_names_only_roles_held_in_the_records_organisation(
    personas: Personas, wmp: Organisation
) -> None:
    body = wmp.governing_body_on()
    assert body is not None
    member(personas.second_owner, body, Role.OWNER, portfolio="Scrutiny")
    record = TrackingRecordFactory(item__report=ReportFactory(forces=[wmp]), organisation=body)
    labels = dict(TrackingEditForm(tracking=record).fields["owner"].choices)  # type: ignore[attr-defined]
    shown = {str(label) for label in labels.values()}
    dash = "\N{EN DASH}"
    assert f"Sara Kaur {dash} Recommendation owner (Scrutiny)" in shown  # a governing body has no units
    assert f"Priya Shah {dash} OPCC policy or scrutiny officer" in shown
    assert not any("Force liaison officer" in label or "unit not recorded" in label for label in shown)


def test_the_api_gives_the_dated_overrides_and_owner_changes(personas: Personas, tracking: TrackingRecord) -> None:
    services.override_rag(tracking, personas.liaison, "red", "Partner delay")
    record = TrackingRecord.objects.get(pk=tracking.pk)
    services.update_tracking(record, personas.liaison, record.version, owner=personas.second_owner,
                             portfolio="Crime", reason="Restructure")  # fmt: skip
    record = TrackingRecord.objects.get(pk=tracking.pk)
    services.override_rag(record, personas.liaison, "", "")
    answer = api_client(personas.committee_member).get(f"/api/v1/recommendations/tracking/{tracking.pk}").json()
    assert [(c["by"]["name"], c["from_rag"], c["to_rag"], c["reason"]) for c in answer["rag_overrides"]] == [
        ("Rachel Jones", None, "red", "Partner delay"), ("Rachel Jones", "red", None, ""),
    ]  # fmt: skip
    (change,) = answer["owner_changes"]
    assert (change["from_owner"]["name"], change["to_owner"]["name"], change["to_portfolio"], change["reason"]) == (
        "Owen Patel", "Sara Kaur", "Crime", "Restructure",
    )  # fmt: skip
