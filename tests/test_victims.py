"""The victim's voice: preferences and the police-mailbox rule, contact and overdue, change of officer,
support, MARAC, the Victims' Code, read logging, and 404 for everyone who cannot see the case."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from oversight.audit.models import Alert, AlertKind, ReadLog
from oversight.cases.models import Case, TeamMember, TeamRole, Victim
from oversight.organisations.models import Membership, Role
from oversight.victims import rules, services
from oversight.victims.models import (
    Channel,
    CodeRightStatus,
    ContactEntry,
    ContactPreferences,
    MaracReferral,
    OicChangeRequest,
    OicOutcome,
    ReferralStatus,
    RightStatus,
    RiskLevel,
    SupportKind,
    SupportReferral,
)
from oversight.victims.services import PreferencesInput
from tests.case_personas import CasePersonas, Workforce, make_case_personas, make_workforce, open_ppda_case
from tests.conftest import client_for

TODAY = timezone.localdate()
DAY = dt.timedelta(days=1)


@dataclass
class World:
    people: CasePersonas
    workforce: Workforce
    case: Case
    spoc: User
    decision_maker: User


def _team(case: Case, username: str, role: TeamRole, by: User, workforce: Workforce) -> User:
    user = User.objects.create_user(username, f"{username}@example.org", first_name="Jo", last_name=username.title())
    Membership.objects.create(user=user, organisation=workforce.wmp, role=Role.SPOC)
    TeamMember.objects.create(case=case, user=user, role=role, organisation=workforce.wmp, added_by=by)
    return user


@pytest.fixture
def world(db: None) -> World:
    workforce = make_workforce()
    people = make_case_personas(workforce)
    case = open_ppda_case(people, workforce)
    spoc = _team(case, "spoc", TeamRole.SPOC, people.psd_handler, workforce)
    decision_maker = _team(case, "dm", TeamRole.DECISION_MAKER, people.psd_handler, workforce)
    return World(people, workforce, case, spoc, decision_maker)


def police_staff(case: Case) -> Case:
    Victim.objects.filter(case=case).update(is_police_staff=True)
    return Case.objects.get(pk=case.pk)


def prefs(**overrides: object) -> PreferencesInput:
    values: dict[str, object] = {"channel": Channel.PHONE, "safe_phone": "07700 900123", "contact_interval_days": 14}
    return PreferencesInput(**{**values, **overrides})  # type: ignore[arg-type]


# --- the police-mailbox rule ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "email",
    ["a.b@police.uk", "a.b@pnn.police.uk", "a.b@met.police.uk", "a.b@west-midlands.pnn.police.uk",
     "A.B@WMP.PNN.POLICE.UK", "x@cheshire.police.uk"],
)  # fmt: skip
def test_police_mailboxes_are_recognised(email: str) -> None:
    assert rules.is_police_mailbox(email)


@pytest.mark.parametrize("email", ["emma@example.org", "emma@fakepolice.uk", "emma@police.uk.example.com", "emma"])
def test_other_addresses_are_not_police_mailboxes(email: str) -> None:
    assert not rules.is_police_mailbox(email)


def test_police_staff_victim_refused_a_police_mailbox(world: World) -> None:
    case = police_staff(world.case)
    with pytest.raises(ValidationError) as refused:
        services.record_preferences(
            case, prefs(channel=Channel.EMAIL, safe_email="emma.clarke@west-midlands.pnn.police.uk"), world.spoc, 0
        )
    message = refused.value.message_dict["safe_email"][0]
    assert "is a police mailbox" in message and "personal email address" in message
    assert not ContactPreferences.objects.exists()


def test_police_staff_victim_may_use_a_personal_address(world: World) -> None:
    case = police_staff(world.case)
    saved = services.record_preferences(
        case, prefs(channel=Channel.EMAIL, safe_email="emma@example.org"), world.spoc, 0
    )
    assert saved.safe_email == "emma@example.org"


def test_victim_who_is_not_police_staff_may_give_a_police_address(world: World) -> None:
    saved = services.record_preferences(
        world.case, prefs(channel=Channel.EMAIL, safe_email="emma@met.police.uk"), world.spoc, 0
    )
    assert saved.number == 1


def test_police_mailbox_refused_through_the_page_and_nothing_written(world: World) -> None:
    police_staff(world.case)
    url = reverse("victims:preferences", args=[world.case.pk])
    data = {"expected_number": "0", "channel": "email", "safe_email": "e.clarke@pnn.police.uk",
            "contact_interval_days": "14"}  # fmt: skip
    response = client_for(world.spoc).post(url, data)
    assert response.status_code == 400
    assert "is a police mailbox" in response.content.decode()
    assert not ContactPreferences.objects.exists()


def test_channel_needs_its_details(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        services.record_preferences(world.case, prefs(channel=Channel.IDVA, safe_phone=""), world.spoc, 0)
    assert set(refused.value.message_dict) == {"idva_name", "idva_service"}


# --- preferences history -------------------------------------------------------------------------


def test_preferences_are_versioned_never_overwritten(world: World) -> None:
    first = services.record_preferences(world.case, prefs(), world.spoc, 0)
    second = services.record_preferences(
        world.case,
        prefs(channel=Channel.IDVA, idva_name="Asha Patel", idva_service="Black Country Women's Aid", note="Moved"),
        world.people.investigator,
        1,
    )
    assert services.current_preferences(world.case) == second
    assert [p.number for p in services.preferences_history(world.case)] == [2, 1]
    first.refresh_from_db()
    assert (first.channel, first.safe_phone, first.recorded_by) == (Channel.PHONE, "07700 900123", world.spoc)
    assert second.recorded_by == world.people.investigator
    page = client_for(world.spoc).get(reverse("victims:preferences_history", args=[world.case.pk])).content.decode()
    assert "07700 900123" in page and "Black Country Women&#x27;s Aid" in page


def test_preferences_on_a_stale_page_are_refused(world: World) -> None:
    services.record_preferences(world.case, prefs(), world.spoc, 0)
    with pytest.raises(ValidationError, match="Someone else changed this"):
        services.record_preferences(world.case, prefs(contact_interval_days=7), world.people.investigator, 0)
    assert ContactPreferences.objects.count() == 1


def test_preferences_through_the_page(world: World) -> None:
    url = reverse("victims:preferences", args=[world.case.pk])
    data = {"expected_number": "0", "channel": "phone", "safe_phone": "07700 900123", "contact_interval_days": "10",
            "safe_days": ["tue", "thu"], "safe_times": "after 6pm", "voicemail_ok": "on"}  # fmt: skip
    response = client_for(world.spoc).post(url, data)
    assert response.status_code == 302
    saved = ContactPreferences.objects.get()
    assert saved.safe_days == ["tue", "thu"] and saved.voicemail_ok and not saved.messages_ok


# --- contact log and overdue ---------------------------------------------------------------------


def _contact(world: World, on: dt.date, channel: str = Channel.PHONE, **extra: object) -> ContactEntry:
    values: dict[str, object] = {
        "contacted_on": on,
        "channel": channel,
        "summary": "Update",
        "preferences_followed": True,
    }
    return services.record_contact(world.case, world.spoc, **{**values, **extra})  # type: ignore[arg-type]


def _agreed_days_ago(days: int, number: int | None = None) -> None:
    """Date a set of preferences (the latest, or the one numbered) as recorded that many days ago."""
    versions = ContactPreferences.objects.order_by("-number")
    version = versions.get(number=number) if number else versions.first()
    assert version is not None
    ContactPreferences.objects.filter(pk=version.pk).update(recorded_at=timezone.now() - days * DAY)


def test_contact_overdue_follows_the_agreed_interval(world: World) -> None:
    case = world.case
    assert not services.contact_overdue(case, TODAY), "nothing is overdue before an interval is agreed"
    services.record_preferences(case, prefs(contact_interval_days=14), world.spoc, 0)
    # No contact yet: measured from the day the interval was agreed, not from receipt (4 March 2024).
    due = services.contact_due(case, TODAY)
    assert (due.agreed_on, due.due_on, due.overdue, due.days_overdue) == (TODAY, TODAY + 14 * DAY, False, 0)
    assert not services.contact_overdue(case, TODAY + 14 * DAY), "exactly the interval is due, not overdue"
    assert services.contact_overdue(case, TODAY + 15 * DAY)
    _agreed_days_ago(20)
    _contact(world, TODAY - 30 * DAY)  # before the interval was agreed: the count runs from the agreement
    due = services.contact_due(case, TODAY)
    assert (due.due_on, due.days_overdue) == (TODAY - 6 * DAY, 6)
    _contact(world, TODAY - 2 * DAY)
    assert services.contact_due(case, TODAY).due_on == TODAY + 12 * DAY
    assert not services.contact_overdue(case, TODAY + 12 * DAY) and services.contact_overdue(case, TODAY + 13 * DAY)


def test_the_day_the_interval_is_agreed_nothing_is_overdue_on_the_page_or_the_list(world: World) -> None:
    client = client_for(world.spoc)
    data = {"expected_number": "0", "channel": "phone", "safe_phone": "07700 900123", "contact_interval_days": "7"}
    assert client.post(reverse("victims:preferences", args=[world.case.pk]), data).status_code == 302
    page = client.get(reverse("victims:case", args=[world.case.pk])).content.decode()
    assert "overdue)" not in page and "Contact is overdue" not in page
    assert "The interval of 7 days was agreed on " in page
    assert world.case.reference not in client.get(reverse("victims:overdue")).content.decode()


def test_a_new_interval_restarts_the_count_and_a_new_channel_does_not(world: World) -> None:
    case = world.case
    services.record_preferences(case, prefs(contact_interval_days=14), world.spoc, 0)
    _agreed_days_ago(40)
    services.record_preferences(case, prefs(contact_interval_days=14, channel=Channel.LETTER, safe_address="1 Road"),
                                world.spoc, 1)  # fmt: skip
    _agreed_days_ago(10)
    due = services.contact_due(case, TODAY)
    assert (due.agreed_on, due.days_overdue) == (TODAY - 40 * DAY, 26)
    assert [row.due.days_overdue for row in services.overdue_contacts(world.spoc, TODAY)] == [26]
    services.record_preferences(case, prefs(contact_interval_days=7), world.spoc, 2)
    due = services.contact_due(case, TODAY)
    assert (due.agreed_on, due.due_on, due.overdue) == (TODAY, TODAY + 7 * DAY, False)
    assert services.overdue_contacts(world.spoc, TODAY) == []


def test_overdue_list_shows_visible_cases_only(world: World) -> None:
    services.record_preferences(world.case, prefs(contact_interval_days=7), world.spoc, 0)
    _agreed_days_ago(30)
    _contact(world, TODAY - 30 * DAY)
    url = reverse("victims:overdue")
    page = client_for(world.spoc).get(url).content.decode()
    assert world.case.reference in page
    assert ReadLog.objects.filter(user=world.spoc, object_id=world.case.pk, what="overdue list").exists()
    for user in (world.people.subject_teammate, world.people.unrelated_officer, world.people.administrator):
        assert world.case.reference not in client_for(user).get(url).content.decode()


def test_contact_on_an_unchosen_channel_needs_saying_so_and_is_warned(world: World) -> None:
    services.record_preferences(world.case, prefs(channel=Channel.EMAIL, safe_email="emma@example.org"), world.spoc, 0)
    with pytest.raises(ValidationError) as refused:
        _contact(world, TODAY, Channel.PHONE)
    assert "preferences_followed" in refused.value.message_dict
    with pytest.raises(ValidationError) as no_reason:
        _contact(world, TODAY, Channel.PHONE, preferences_followed=False)
    assert "not_followed_reason" in no_reason.value.message_dict
    entry = _contact(world, TODAY, Channel.PHONE, preferences_followed=False, not_followed_reason="Urgent safety call")
    assert entry.unchosen_channel
    page = client_for(world.spoc).get(reverse("victims:case", args=[world.case.pk])).content.decode()
    assert "a channel the victim did not choose" in page and "Not the chosen channel" in page


def test_contact_on_the_chosen_channel_is_not_warned(world: World) -> None:
    services.record_preferences(world.case, prefs(), world.spoc, 0)
    assert not _contact(world, TODAY).unchosen_channel
    assert not any("did not choose" in w for w in services.warnings(world.case, TODAY))


def test_contact_cannot_be_in_the_future(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        _contact(world, TODAY + DAY)
    assert "contacted_on" in refused.value.message_dict


# --- single point of contact ---------------------------------------------------------------------


def test_spoc_shown_and_flagged_when_none(world: World) -> None:
    url = reverse("victims:case", args=[world.case.pk])
    page = client_for(world.people.psd_handler).get(url).content.decode()
    assert "Senior single point of contact" in page and "Jo Spoc" in page
    TeamMember.objects.filter(user=world.spoc).update(removed_at=timezone.now())
    page = client_for(world.people.psd_handler).get(url).content.decode()
    assert "No single point of contact is assigned" in page
    assert services.senior_spoc(world.case) is None


# --- change of officer in the case ---------------------------------------------------------------


def test_refusing_a_change_of_officer_needs_reasons(world: World) -> None:
    request = services.request_oic_change(world.case, world.spoc, requested_on=TODAY)
    handler = world.people.psd_handler
    with pytest.raises(ValidationError) as refused:
        services.decide_oic_change(request, handler, outcome=OicOutcome.REFUSED, reasons="  ")
    assert "reasons" in refused.value.message_dict
    request.refresh_from_db()
    assert request.outcome == OicOutcome.PENDING and request.decided_by is None
    decided = services.decide_oic_change(request, handler, outcome=OicOutcome.REFUSED, reasons="No other DS free")
    assert (decided.outcome, decided.decided_by, decided.outcome_reasons) == ("refused", handler, "No other DS free")
    with pytest.raises(ValidationError, match="already been decided"):
        services.decide_oic_change(request, world.people.psd_lead, outcome=OicOutcome.GRANTED, reasons="")


def test_granting_needs_no_reasons_and_spoc_cannot_decide(world: World) -> None:
    request = services.request_oic_change(world.case, world.spoc, requested_on=TODAY, victim_reason="Knows him")
    with pytest.raises(PermissionDenied):
        services.decide_oic_change(request, world.spoc, outcome=OicOutcome.GRANTED, reasons="")
    decided = services.decide_oic_change(request, world.people.psd_lead, outcome=OicOutcome.GRANTED, reasons="")
    assert decided.outcome == OicOutcome.GRANTED


def test_refusal_without_reasons_through_the_page(world: World) -> None:
    request = services.request_oic_change(world.case, world.spoc, requested_on=TODAY)
    url = reverse("victims:oic_decide", args=[world.case.pk, request.pk])
    assert client_for(world.spoc).get(url).status_code == 404
    response = client_for(world.people.psd_handler).post(url, {"outcome": "refused", "reasons": ""})
    assert response.status_code == 400 and "Give the reasons for refusing" in response.content.decode()
    assert OicChangeRequest.objects.get().outcome == OicOutcome.PENDING


# --- support, MARAC and DASH ---------------------------------------------------------------------


def test_support_referral_out_of_area_and_its_status(world: World) -> None:
    referral = services.refer_to_support(world.case, world.spoc, service_name="Safe Space Bristol",
                                         kind=SupportKind.IDVA, out_of_area=True, referred_on=TODAY)  # fmt: skip
    updated = services.update_referral(
        referral, world.spoc, status=ReferralStatus.ACCEPTED, notes="", expected_version=1
    )
    assert updated.status == ReferralStatus.ACCEPTED
    with pytest.raises(ValidationError, match="Someone else changed this"):
        services.update_referral(referral, world.spoc, status=ReferralStatus.DECLINED, notes="", expected_version=1)
    page = client_for(world.spoc).get(reverse("victims:case", args=[world.case.pk])).content.decode()
    assert "Safe Space Bristol" in page and "Out of area" in page


def test_open_panel_marac_needs_a_reason_and_high_risk_warns_without_marac(world: World) -> None:
    services.record_dash(world.case, world.spoc, level=RiskLevel.HIGH, assessed_on=TODAY)
    assert "The DASH risk level is high but there is no MARAC referral." in services.warnings(world.case, TODAY)
    with pytest.raises(ValidationError) as refused:
        services.refer_to_marac(world.case, world.spoc, referred_on=TODAY, closed_panel=False)
    assert "open_panel_reason" in refused.value.message_dict
    services.refer_to_marac(world.case, world.spoc, referred_on=TODAY, closed_panel=True)
    assert MaracReferral.objects.get().closed_panel
    assert not any("MARAC" in w for w in services.warnings(world.case, TODAY))


def test_the_victim_page_reads_each_victim_table_once(world: World) -> None:
    services.record_preferences(world.case, prefs(channel=Channel.EMAIL, safe_email="emma@example.org"), world.spoc, 0)
    for _ in range(3):
        _contact(world, TODAY, Channel.PHONE, preferences_followed=False, not_followed_reason="Urgent")
    services.record_dash(world.case, world.spoc, level=RiskLevel.HIGH, assessed_on=TODAY)
    with CaptureQueriesContext(connection) as queries:
        page = client_for(world.spoc).get(reverse("victims:case", args=[world.case.pk])).content.decode()
    assert "no MARAC referral" in page and "a channel the victim did not choose" in page
    tables = Counter(re.findall(r'FROM "(victims_\w+)"', " ".join(q["sql"] for q in queries.captured_queries)))
    assert tables and max(tables.values()) == 1, tables


# --- the Victims' Code ---------------------------------------------------------------------------


def test_the_twelve_rights_are_data() -> None:
    assert [right.number for right in rules.VICTIMS_CODE_RIGHTS] == list(range(1, 13))
    assert rules.right_title(7) == "To make a Victim Personal Statement"


def test_code_summary_counts_the_current_status_of_each_right(world: World) -> None:
    case, spoc = world.case, world.spoc
    assert services.code_summary(case).sentence == "0 of 12 met"
    for right in (1, 2, 3):
        services.set_right_status(case, spoc, right=right, status=RightStatus.MET, evidence="Recorded", status_on=TODAY)
    services.set_right_status(case, spoc, right=4, status=RightStatus.MET, evidence="IDVA", status_on=TODAY)
    services.set_right_status(case, spoc, right=4, status=RightStatus.NOT_YET, evidence="", status_on=TODAY)
    services.set_right_status(case, spoc, right=11, status=RightStatus.NOT_APPLICABLE, evidence="No conviction",
                              status_on=TODAY)  # fmt: skip
    summary = services.code_summary(case)
    assert (summary.met, summary.not_applicable, summary.not_yet, summary.total) == (3, 1, 8, 12)
    assert summary.sentence == "3 of 12 met, 1 not applicable"
    assert CodeRightStatus.objects.filter(case=case, right=4).count() == 2, "history kept"
    page = client_for(spoc).get(reverse("victims:case", args=[case.pk])).content.decode()
    assert "3 of 12 met, 1 not applicable" in page


def test_met_needs_evidence(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        services.set_right_status(world.case, world.spoc, right=5, status=RightStatus.MET, evidence="", status_on=TODAY)
    assert "evidence" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.set_right_status(
            world.case, world.spoc, right=13, status=RightStatus.MET, evidence="x", status_on=TODAY
        )


# --- reading is logged against the case ----------------------------------------------------------


def test_every_page_read_is_logged_against_the_case(world: World) -> None:
    case_type = ContentType.objects.get_for_model(Case)
    client = client_for(world.spoc)
    for url in (reverse("victims:case", args=[world.case.pk]), reverse("victims:preferences", args=[world.case.pk]),
                reverse("victims:code_right", args=[world.case.pk, 3])):  # fmt: skip
        before = ReadLog.objects.count()
        assert client.get(url).status_code == 200
        log = ReadLog.objects.order_by("-pk").first()
        assert ReadLog.objects.count() == before + 1
        assert log is not None and (log.user, log.content_type, log.object_id) == (world.spoc, case_type, world.case.pk)
    assert ReadLog.objects.filter(what="victim page").count() == 1


# --- who may reach the pages ---------------------------------------------------------------------


def _urls(world: World) -> list[str]:
    pk = world.case.pk
    oic = services.request_oic_change(world.case, world.spoc, requested_on=TODAY)
    referral = services.refer_to_support(world.case, world.spoc, service_name="IDVA service", kind=SupportKind.IDVA,
                                         out_of_area=False, referred_on=TODAY)  # fmt: skip
    marac = services.refer_to_marac(world.case, world.spoc, referred_on=TODAY, closed_panel=True)
    return [
        reverse("victims:case", args=[pk]),
        reverse("victims:preferences", args=[pk]),
        reverse("victims:preferences_history", args=[pk]),
        reverse("victims:contact_add", args=[pk]),
        reverse("victims:oic_add", args=[pk]),
        reverse("victims:oic_decide", args=[pk, oic.pk]),
        reverse("victims:referral_add", args=[pk]),
        reverse("victims:referral_update", args=[pk, referral.pk]),
        reverse("victims:marac_add", args=[pk]),
        reverse("victims:marac_update", args=[pk, marac.pk]),
        reverse("victims:dash_add", args=[pk]),
        reverse("victims:code_right", args=[pk, 1]),
    ]


REFUSED = ["subject", "subject_teammate", "subject_manager", "subject_partner", "unrelated_officer",
           "other_force_psd", "administrator", "connected_administrator", "opcc_officer"]  # fmt: skip


@pytest.mark.parametrize("persona", REFUSED)
def test_everyone_who_cannot_see_the_case_gets_404_everywhere(world: World, persona: str) -> None:
    user = getattr(world.people, persona)
    client = client_for(user)
    urls = _urls(world)
    counts = (ContactPreferences.objects.count(), OicChangeRequest.objects.count(), SupportReferral.objects.count())
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"outcome": "granted", "status": "accepted", "version": "1"}).status_code == 404, url
    after = (ContactPreferences.objects.count(), OicChangeRequest.objects.count(), SupportReferral.objects.count())
    assert after == counts
    assert OicChangeRequest.objects.get().outcome == OicOutcome.PENDING
    assert not ReadLog.objects.filter(user=user).exists()
    assert world.case.reference not in client.get(reverse("victims:overdue")).content.decode()


def _without_tokens(content: bytes) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content.decode())


@pytest.mark.parametrize("persona", ["subject", "subject_teammate", "connected_administrator"])
def test_excluded_person_opening_a_victim_page_alerts_silently(world: World, persona: str) -> None:
    user = getattr(world.people, persona)
    response = client_for(user).get(reverse("victims:case", args=[world.case.pk]))
    missing = client_for(user).get(reverse("victims:case", args=[world.case.pk + 1000]))
    assert response.status_code == missing.status_code == 404
    assert _without_tokens(response.content) == _without_tokens(missing.content)
    alert = Alert.objects.get(actor=user)
    assert (alert.kind, alert.organisation, alert.object_id) == (AlertKind.EXCLUDED_OPENED, world.workforce.wmp,
                                                                 world.case.pk)  # fmt: skip


def test_unrelated_officer_raises_no_alert(world: World) -> None:
    client_for(world.people.unrelated_officer).get(reverse("victims:case", args=[world.case.pk]))
    assert not Alert.objects.exists()


def test_team_member_who_may_read_but_not_write_sees_the_page_only(world: World) -> None:
    client = client_for(world.decision_maker)
    assert client.get(reverse("victims:case", args=[world.case.pk])).status_code == 200
    assert client.get(reverse("victims:contact_add", args=[world.case.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.record_contact(world.case, world.decision_maker, contacted_on=TODAY, channel=Channel.PHONE,
                                summary="x", preferences_followed=True)  # fmt: skip


@pytest.mark.parametrize("persona", ["psd_handler", "psd_lead", "investigator", "external_investigator"])
def test_case_team_and_psd_lead_reach_the_pages(world: World, persona: str) -> None:
    client: Client = client_for(getattr(world.people, persona))
    for url in _urls(world):
        if "decide" in url and persona in ("investigator", "external_investigator"):
            assert client.get(url).status_code == 404, "only the case handler or PSD lead decides"
            continue
        assert client.get(url).status_code == 200, url
