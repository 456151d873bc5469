"""The notifications pages, the header count and the API: only your own, only what you may see now."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from oversight.notifications.models import Channel, Notification, NotificationKind, Preference
from oversight.notifications.services import notify
from oversight.recommendations.models import TrackingRecord
from tests.conftest import client_for
from tests.personas import Personas
from tests.test_api import api_client


@pytest.fixture
def returned(personas: Personas, tracking: TrackingRecord) -> Notification:
    assert notify(personas.owner, NotificationKind.RETURNED, tracking, key="returned:1")
    return Notification.objects.get(recipient=personas.owner)


def test_the_header_counts_unread_notifications_accessibly(personas: Personas, returned: Notification) -> None:
    page = client_for(personas.owner).get("/").content.decode()
    assert "1 unread notification<" in page
    client_for(personas.owner).post(f"/notifications/{returned.pk}/read/")
    assert "unread notification" not in client_for(personas.owner).get("/").content.decode()


def test_the_page_lists_and_filters_and_marks_read(
    personas: Personas, tracking: TrackingRecord, returned: Notification
) -> None:
    client = client_for(personas.owner)
    page = client.get("/notifications/?show=unread").content.decode()
    assert "An item was returned to you with reasons" in page and tracking.item.reference in page
    assert client.post("/notifications/read-all/", {"show": "unread"}).status_code == 302
    assert "You have no unread notifications." in client.get("/notifications/?show=unread").content.decode()
    assert "An item was returned to you with reasons" in client.get("/notifications/").content.decode()


def test_opening_goes_to_the_record_and_marks_it_read(
    personas: Personas, tracking: TrackingRecord, returned: Notification
) -> None:
    answer = client_for(personas.owner).get(f"/notifications/{returned.pk}/")
    assert answer.status_code == 302 and answer["Location"] == f"/recommendations/{tracking.pk}/"
    returned.refresh_from_db()
    assert returned.read_at is not None


@pytest.mark.parametrize("who", ["liaison", "other_force", "administrator", "no_role"])
def test_someone_elses_notification_is_not_found(personas: Personas, returned: Notification, who: str) -> None:
    client = client_for(getattr(personas, who))
    assert client.get(f"/notifications/{returned.pk}/").status_code == 404
    assert client.post(f"/notifications/{returned.pk}/read/").status_code == 404
    assert client.get(f"/notifications/{returned.pk + 1}/").status_code == 404
    assert client.get(f"/notifications/{2**70}/").status_code == 404  # past any database integer
    assert "An item was returned" not in client.get("/notifications/").content.decode()
    returned.refresh_from_db()
    assert returned.read_at is None


def test_signed_out_people_are_sent_to_sign_in(returned: Notification) -> None:
    assert Client().get("/notifications/").status_code == 302


def test_preferences_are_saved_per_kind(personas: Personas) -> None:
    client = client_for(personas.owner)
    choices = {kind.value: Channel.IMMEDIATE.value for kind in NotificationKind}
    choices[NotificationKind.RETURNED] = Channel.DIGEST
    assert client.post("/notifications/settings/", choices).status_code == 302
    assert Preference.objects.get(user=personas.owner, kind=NotificationKind.RETURNED).channel == Channel.DIGEST


def test_bad_preferences_show_the_error_summary_and_save_nothing(personas: Personas) -> None:
    client = client_for(personas.owner)
    choices = {kind.value: Channel.DIGEST.value for kind in NotificationKind}
    choices[NotificationKind.RETURNED] = "carrier-pigeon"
    answer = client.post("/notifications/settings/", choices)
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "govuk-error-summary" in page and "Select how you want to hear that an item was returned" in page
    kept = [tag for tag in re.findall(r"<input[^>]*>", page) if 'name="submitted"' in tag and "checked" in tag]
    assert len(kept) == 1 and 'value="digest"' in kept[0]  # the other choices are kept as sent
    assert not Preference.objects.exists()


def test_the_api_lists_counts_and_marks_read(personas: Personas, returned: Notification) -> None:
    client = api_client(personas.owner)
    listed = client.get("/api/v1/notifications?unread=true").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == returned.pk
    assert listed["items"][0]["url"].startswith("/recommendations/")
    assert client.get("/api/v1/notifications/count").json() == {"unread": 1}
    assert client.post(f"/api/v1/notifications/{returned.pk}/read").status_code == 200
    assert client.get("/api/v1/notifications/count").json() == {"unread": 0}


@pytest.mark.parametrize("who", ["liaison", "other_force", "administrator"])
def test_the_api_refuses_anyone_elses(personas: Personas, returned: Notification, who: str) -> None:
    person: User = getattr(personas, who)
    client = api_client(person)
    assert client.get("/api/v1/notifications").json()["count"] == 0
    assert client.post(f"/api/v1/notifications/{returned.pk}/read").status_code == 404
    assert client.post("/api/v1/notifications/read-all").json() == {"marked": 0}
    returned.refresh_from_db()
    assert returned.read_at is None


def test_the_api_is_in_the_openapi_document(personas: Personas) -> None:
    paths = client_for(personas.owner).get("/api/openapi.json").json()["paths"]
    assert {"/api/v1/notifications", "/api/v1/notifications/count", "/api/v1/notifications/read-all"} <= set(paths)
