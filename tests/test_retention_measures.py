"""Retention of ended protective measures (through the protection lock) and of read notifications (a
daily job): listed only to those who record and may see them, erased with the trail still whole."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from oversight.audit import verify
from oversight.audit.models import TrailEntry, TrailKind
from oversight.jobs import registry
from oversight.notifications.models import Channel, Notification, NotificationKind
from oversight.protection.models import Measure, MeasureStatus
from oversight.retention import services
from oversight.retention.rules import RecordType, rule_for
from tests.case_personas import CasePersonas, Workforce
from tests.conftest import client_for
from tests.protection_world import ProtectionWorld, make_world

pytest_plugins = ["tests.case_fixtures"]
pytestmark = pytest.mark.django_db

REASON = "Ended more than six years ago; no application, prosecution or review outstanding."


@pytest.fixture
def protection(case_personas: CasePersonas, case_workforce: Workforce, ppda_case: object) -> ProtectionWorld:
    return make_world(case_personas, case_workforce, ppda_case)  # type: ignore[arg-type]


def end(measure: Measure, years_ago: int) -> None:
    ended = timezone.localdate() - dt.timedelta(days=366 * years_ago)
    Measure.objects.filter(pk=measure.pk).update(status=MeasureStatus.ENDED, ended_on=ended)


def url(measure: Measure) -> str:
    return f"/retention/measures/{measure.pk}/erase/"


def test_the_forces_recorder_lists_and_deletes_an_ended_measure_past_retention(protection: ProtectionWorld) -> None:
    end(protection.public, 7)
    team = client_for(protection.team)
    page = team.get("/retention/").content.decode()
    assert "WMP-DVPN-1" in page and "AS-DVPN-1" not in page
    assert team.post(url(protection.public), {"reason": ""}).status_code == 400  # a reason is required
    assert Measure.objects.filter(pk=protection.public.pk).exists()
    assert team.post(url(protection.public), {"reason": REASON}).status_code == 302
    assert not Measure.objects.filter(pk=protection.public.pk).exists()
    erasure = TrailEntry.objects.get(
        kind=TrailKind.ERASURE, source="protection.measure", source_id=protection.public.pk
    )
    assert "wmp.protection" in erasure.detail and REASON in erasure.detail and "John Doe" not in erasure.detail
    assert verify.verify_trail().broken is None


def test_a_measure_locked_with_a_case_is_never_listed_nor_erased_by_someone_shut_out_of_it(
    protection: ProtectionWorld, case_personas: CasePersonas
) -> None:
    end(protection.public, 7)
    end(protection.locked, 7)
    for shut_out in (protection.team, case_personas.subject_partner):
        client = client_for(shut_out)
        page = client.get("/retention/").content.decode()
        assert "WMP-DVPN-2" not in page and "(1)" in page, shut_out.username  # the count moves not either
        assert client.get(url(protection.locked)).status_code == 404
        assert client.post(url(protection.locked), {"reason": REASON}).status_code == 404
        with pytest.raises(PermissionDenied):
            services.erase_measure(protection.locked.pk, shut_out, REASON)
    assert Measure.objects.filter(pk=protection.locked.pk).exists()
    lead = client_for(case_personas.psd_lead)  # on the case: sees it, and may delete it
    assert "WMP-DVPN-2" in lead.get("/retention/").content.decode()
    assert lead.get(url(protection.locked)).status_code == 200


def test_a_measure_within_its_period_or_in_force_is_not_listed_nor_erased(protection: ProtectionWorld) -> None:
    end(protection.public, 5)
    team = client_for(protection.team)
    assert "WMP-DVPN-1" not in team.get("/retention/").content.decode()
    assert "It may be deleted from" in team.get(url(protection.public)).content.decode()
    assert team.post(url(protection.public), {"reason": REASON}).status_code == 400  # not yet due
    Measure.objects.filter(pk=protection.public.pk).update(status=MeasureStatus.IN_FORCE)
    end_day = timezone.localdate() - dt.timedelta(days=366 * 7)
    Measure.objects.filter(pk=protection.public.pk).update(ended_on=end_day)  # in force: never due
    assert "It has not ended" in team.get(url(protection.public)).content.decode()
    assert team.post(url(protection.public), {"reason": REASON}).status_code == 400
    assert Measure.objects.filter(pk=protection.public.pk).exists()


def test_no_one_else_reaches_an_ended_measure_here(protection: ProtectionWorld) -> None:
    end(protection.public, 7)
    for outsider in (protection.other_team, protection.analyst, protection.no_role):
        client = client_for(outsider)
        assert client.get(url(protection.public)).status_code == 404, outsider.username
        assert client.post(url(protection.public), {"reason": REASON}).status_code == 404
    assert client_for(protection.no_role).get("/retention/").status_code == 404
    assert Measure.objects.filter(pk=protection.public.pk).exists()


def test_read_notifications_past_their_period_are_deleted_by_the_daily_job(protection: ProtectionWorld) -> None:
    today = timezone.localdate()
    months = rule_for(RecordType.READ_NOTIFICATION).months
    long_ago = timezone.now() - dt.timedelta(days=31 * months + 5)

    def told(key: str, read_at: dt.datetime | None) -> Notification:
        return Notification.objects.create(
            recipient=protection.team, kind=NotificationKind.choices[0][0], key=key, title="Something needs attention",
            target_type=ContentType.objects.get_for_model(Measure), target_id=protection.public.pk,
            channel=Channel.choices[0][0], created_at=long_ago, read_at=read_at,
        )  # fmt: skip

    old_read, old_unread, recent = told("a", long_ago), told("b", None), told("c", timezone.now())
    job = registry.find("retention: read notifications")
    assert job is not None
    assert job.run(today) == 1
    assert set(Notification.objects.values_list("pk", flat=True)) == {old_unread.pk, recent.pk}
    assert job.run(today) == 0  # run again for the day: nothing more
    assert not Notification.objects.filter(pk=old_read.pk).exists()
