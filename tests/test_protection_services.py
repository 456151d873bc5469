"""Protective measures' guarded changes (protection/services.py): each refuses people who may not make
it, refuses what the statutes refuse with the reason and its source and writes nothing, and records
the event; and the worklist and clocks that read them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from oversight.audit.models import ReadLog
from oversight.cases.models import Case
from oversight.concurrency import ConcurrentEditError
from oversight.organisations.models import Organisation
from oversight.protection import clocks, rules, services
from oversight.protection.models import (
    Authority,
    Breach,
    ContactMethod,
    EventKind,
    Measure,
    MeasureStatus,
    Outcome,
    ReportedBy,
    Response,
    ToldAbout,
    UnusedPower,
)
from oversight.protection.worklist import worklist
from tests.case_personas import CasePersonas, Workforce
from tests.protection_world import ProtectionWorld, make_world

pytest_plugins = ["tests.case_fixtures"]

TODAY = timezone.localdate()


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def protection(case_personas: CasePersonas, case_workforce: Workforce, ppda_case: Case) -> ProtectionWorld:
    return make_world(case_personas, case_workforce, ppda_case)


def dvpn(force: Organisation, reference: str = "DVPN-100", **extra: object) -> services.MeasureDraft:
    values: dict[str, object] = {
        "force": force,
        "kind": "dvpn",
        "reference": reference,
        "restrained_name": "Mark Smith",
        "made_at": at(TODAY - dt.timedelta(days=1), 9),
        "authorised_by_name": "Supt Rose Ellis",
        "authorised_by_rank": "Supt",
        "protected": [services.ProtectedDraft("Jane Smith", "Wife")],
        "conditions": ["Not to contact Jane Smith", "Not to enter 4 Elm Road"],
    }
    values.update(extra)
    return services.MeasureDraft(**values)  # type: ignore[arg-type]


def dvpo(force: Organisation, notice: Measure | None, days: int, reference: str = "DVPO-100") -> services.MeasureDraft:
    made = at(TODAY, 11)
    return services.MeasureDraft(
        force=force, kind="dvpo", reference=reference, restrained_name="Mark Smith", made_at=made,
        authority=Authority.COURT, court="Birmingham Magistrates' Court", notice=notice,
        ends_on=TODAY + dt.timedelta(days=days - 1), protected=[services.ProtectedDraft("Jane Smith")],
    )  # fmt: skip


def test_a_notice_then_its_order_refused_for_its_length_then_made(protection: ProtectionWorld) -> None:
    wmp = protection.public.force
    notice = services.record_measure(protection.team, dvpn(wmp))
    assert notice.status == MeasureStatus.IN_FORCE and notice.hearing_due_at is not None
    assert [c.text for c in notice.conditions.all()] == ["Not to contact Jane Smith", "Not to enter 4 Elm Road"]
    with pytest.raises(services.RuleRefused) as refused:
        services.record_measure(protection.team, dvpo(wmp, notice, 35))
    [reason] = refused.value.refusals
    assert "at most 28 days" in reason.message and "Crime and Security Act 2010" in str(reason)
    assert not Measure.objects.filter(reference="DVPO-100").exists()
    order = services.record_measure(protection.team, dvpo(wmp, notice, 28))
    notice.refresh_from_db()
    assert notice.status == MeasureStatus.ENDED and "DVPO-100" in notice.end_reason
    assert order.notice == notice
    assert list(order.events.values_list("kind", flat=True)) == [EventKind.MADE]


def test_a_duplicate_reference_is_refused_and_nothing_written(protection: ProtectionWorld) -> None:
    wmp = protection.public.force
    services.record_measure(protection.team, dvpn(wmp))
    before = Measure.objects.count()
    with pytest.raises(ValidationError, match="already recorded"):
        services.record_measure(protection.team, dvpn(wmp))
    assert Measure.objects.count() == before


def test_an_unauthorised_rank_and_an_unknown_type_are_refused(protection: ProtectionWorld) -> None:
    wmp = protection.public.force
    with pytest.raises(services.RuleRefused, match="superintendent"):
        services.record_measure(protection.team, dvpn(wmp, authorised_by_rank="Insp"))
    with pytest.raises(services.RuleRefused, match="not a measure type"):
        services.record_measure(protection.team, dvpn(wmp, kind="asbo"))
    with pytest.raises(services.RuleRefused, match="served before"):
        services.record_measure(protection.team, dvpn(wmp, served_at=at(TODAY - dt.timedelta(days=2))))
    assert not Measure.objects.filter(reference="DVPN-100").exists()


@pytest.mark.parametrize("who", ["opcc", "other_team", "analyst", "no_role"])
def test_people_who_may_not_record_for_the_force_are_refused(
    protection: ProtectionWorld, case_personas: CasePersonas, who: str
) -> None:
    person = case_personas.opcc_officer if who == "opcc" else getattr(protection, who)
    with pytest.raises(PermissionDenied):
        services.record_measure(person, dvpn(protection.public.force))


def test_a_measure_restraining_a_case_subject_is_linked_to_the_case(
    protection: ProtectionWorld, case_workforce: Workforce, ppda_case: Case, case_personas: CasePersonas
) -> None:
    draft = dvpn(case_workforce.wmp, "DVPN-LOCK", restrained_person=case_workforce.subject)
    measure = services.record_measure(case_personas.psd_lead, draft)
    assert measure.case == ppda_case
    assert services.read_measure(protection.team, measure.pk) is None
    assert services.read_measure(case_personas.psd_lead, measure.pk) == measure
    assert ReadLog.objects.filter(user=case_personas.psd_lead, object_id=ppda_case.pk).exists()


def test_serve_vary_end_with_their_events(protection: ProtectionWorld) -> None:
    wmp = protection.public.force
    measure = services.record_measure(protection.team, dvpn(wmp))
    with pytest.raises(ValidationError, match="before it was made"):
        services.serve(measure, protection.team, measure.version, at(TODAY - dt.timedelta(days=3)))
    measure = services.serve(measure, protection.team, measure.version, at(TODAY - dt.timedelta(days=1), 10))
    with pytest.raises(ConcurrentEditError):
        services.serve(measure, protection.team, measure.version - 1, at(TODAY))
    first = measure.conditions.first()
    assert first is not None
    measure = services.vary(
        measure, protection.team, measure.version, TODAY, ["Not to go to Elm Road"], [first.pk], "Court"
    )
    assert measure.conditions.filter(removed_on__isnull=True).count() == 2
    with pytest.raises(PermissionDenied):
        services.end(measure, protection.other_team, measure.version, TODAY, "Discharged")
    measure = services.end(measure, protection.team, measure.version, TODAY, "Discharged by the court")
    assert measure.status == MeasureStatus.ENDED
    kinds = list(measure.events.values_list("kind", flat=True))
    assert kinds == [EventKind.MADE, EventKind.SERVED, EventKind.VARIED, EventKind.ENDED]
    with pytest.raises(ValidationError, match="cannot change"):
        services.serve(measure, protection.team, measure.version, at(TODAY))


def test_bail_extended_step_by_step(protection: ProtectionWorld) -> None:
    wmp = protection.public.force
    arrested = TODAY - dt.timedelta(days=80)
    bail_end = rules.period_end(arrested + dt.timedelta(days=1), 3, "months")
    bail = services.record_measure(
        protection.team,
        services.MeasureDraft(
            force=wmp, kind="pre_charge_bail", reference="BAIL-1", restrained_name="Tom Jones",
            made_at=at(arrested, 22), arrested_on=arrested, authorised_by_rank="Sgt", ends_on=bail_end,
            conditions=["Not to contact the victim"],
        ),
    )  # fmt: skip
    by_sergeant = services.ExtensionDraft(Authority.POLICE, at(TODAY), bail_end + dt.timedelta(days=30), rank="Sgt")
    with pytest.raises(services.RuleRefused, match="inspector"):
        services.extend(bail, protection.team, bail.version, by_sergeant)
    six = rules.period_end(arrested + dt.timedelta(days=1), 6, "months")
    bail = services.extend(
        bail,
        protection.team,
        bail.version,
        services.ExtensionDraft(Authority.POLICE, at(TODAY), six, "Insp Lee", "Insp"),
    )
    assert bail.ends_on == six and bail.authorisations.filter(step=1).exists()
    too_far = services.ExtensionDraft(Authority.POLICE, at(TODAY), six + dt.timedelta(days=200), rank="Supt")
    with pytest.raises(services.RuleRefused, match="no later than"):
        services.extend(bail, protection.team, bail.version, too_far)
    views = services.Notification(ToldAbout.BAIL_VIEWS, at(TODAY, 9), ContactMethod.PHONE, "Wants no contact")
    assert services.record_notification(bail, protection.team, views).views == "Wants no contact"


def test_views_on_bail_conditions_only_for_bail(protection: ProtectionWorld) -> None:
    with pytest.raises(ValidationError, match="only for pre-charge bail"):
        services.record_notification(
            protection.public,
            protection.team,
            services.Notification(ToldAbout.BAIL_VIEWS, at(TODAY), ContactMethod.PHONE),
        )


def test_a_breach_reported_responded_to_charged_and_concluded(protection: ProtectionWorld) -> None:
    measure = protection.public
    reported = at(TODAY - dt.timedelta(days=2), 20)
    breach = services.report_breach(
        measure, protection.team, services.BreachReport(reported, ReportedBy.VICTIM, "He came to the house")
    )
    with pytest.raises(ValidationError, match="already recorded"):
        services.report_breach(measure, protection.team, services.BreachReport(reported, ReportedBy.VICTIM, "Again"))
    with pytest.raises(ValidationError, match="why no action"):
        services.record_response(breach, protection.team, breach.version, Response.NO_ACTION, at(TODAY))
    with pytest.raises(ValidationError, match="before the breach"):
        services.record_response(
            breach, protection.team, breach.version, Response.ARREST, reported - dt.timedelta(hours=1)
        )
    breach = services.record_response(
        breach, protection.team, breach.version, Response.ARREST, reported + dt.timedelta(hours=5)
    )
    assert breach.hours_to_arrest == 5.0
    breach = services.record_charge(
        breach, protection.team, breach.version, TODAY - dt.timedelta(days=1), "Breach of a DVPN"
    )
    with pytest.raises(ValidationError, match="date of the outcome"):
        services.record_outcome(breach, protection.team, breach.version, Outcome.CONVICTION, None)
    breach = services.record_outcome(breach, protection.team, breach.version, Outcome.CONVICTION, TODAY)
    assert (breach.response, breach.outcome) == (Response.ARREST, Outcome.CONVICTION)


@pytest.mark.parametrize("who", ["other_team", "analyst", "no_role"])
def test_breaches_refuse_people_outside_the_force(protection: ProtectionWorld, who: str) -> None:
    report = services.BreachReport(at(TODAY), ReportedBy.POLICE, "Seen near the house")
    with pytest.raises(PermissionDenied):
        services.report_breach(protection.public, getattr(protection, who), report)


def test_an_unused_power_and_the_victim_told(protection: ProtectionWorld) -> None:
    draft = services.UnusedPowerDraft(
        force=protection.public.force, incident_reference="20/555/26", kind="dvpn", decided_on=TODAY,
        reason="Suspect remanded in custody", instead="Remand; safety planning with the IDVA",
    )  # fmt: skip
    power = services.record_unused_power(protection.team, draft)
    with pytest.raises(ValidationError, match="already recorded"):
        services.record_unused_power(protection.team, draft)
    with pytest.raises(ValidationError, match="before the decision"):
        services.record_victim_told(power, protection.team, power.version, at(TODAY - dt.timedelta(days=1)), "phone")
    power = services.record_victim_told(power, protection.team, power.version, at(TODAY, 0), ContactMethod.IN_PERSON)
    assert power.victim_told_method == ContactMethod.IN_PERSON
    with pytest.raises(PermissionDenied):
        services.record_victim_told(protection.locked_power, protection.team, None, at(TODAY), "phone")


def test_an_unused_power_of_an_unknown_type_is_refused(protection: ProtectionWorld) -> None:
    draft = services.UnusedPowerDraft(protection.public.force, "20/1/26", "curfew", TODAY, "r", "i")
    with pytest.raises(ValidationError, match="not a measure type"):
        services.record_unused_power(protection.team, draft)
    assert not UnusedPower.objects.filter(incident_reference="20/1/26").exists()


def test_the_worklist_shows_what_needs_doing_and_hides_locked_records(
    protection: ProtectionWorld, case_personas: CasePersonas
) -> None:
    team: User = protection.team
    Breach.objects.create(
        measure=protection.locked, reported_at=at(TODAY), reported_by=ReportedBy.VICTIM, description="x",
        recorded_by=case_personas.psd_lead,
    )  # fmt: skip
    breach = services.report_breach(
        protection.public, team, services.BreachReport(at(TODAY, 8), ReportedBy.VICTIM, "Phone calls")
    )
    old_notice = services.record_measure(
        team, dvpn(protection.public.force, "DVPN-OLD", made_at=at(TODAY - dt.timedelta(days=6)))
    )
    mine = worklist(team)
    assert list(mine.breaches_without_response) == [breach]
    assert list(mine.unused_victim_not_told) == []  # the only one restrains the case subject
    assert old_notice in mine.hearing_overdue
    assert protection.locked not in mine.hearing_overdue
    lead = worklist(case_personas.psd_lead)
    assert protection.locked_power in lead.unused_victim_not_told
    assert lead.breaches_without_response.count() == 2
    [clock] = clocks.clocks(old_notice)
    assert clock.overdue and "overdue" in clock.left


def test_worklist_reminders_count_only_what_each_person_may_see(
    protection: ProtectionWorld, case_personas: CasePersonas, mailoutbox: list[Any]
) -> None:
    from oversight.protection.reminders import send_reminders

    Breach.objects.create(
        measure=protection.locked, reported_at=at(TODAY), reported_by=ReportedBy.VICTIM, description="x",
        recorded_by=case_personas.psd_lead,
    )  # fmt: skip
    assert send_reminders(timezone.now()) == len(mailoutbox) >= 2
    by_address = {message.to[0]: message for message in mailoutbox}
    team, lead = by_address[protection.team.email], by_address[case_personas.psd_lead.email]
    assert "1 item on your worklist" in team.subject  # the public DVPN's victim not told; nothing locked
    assert "4 items" in lead.subject  # and the locked DVPN, its breach and the power not used against the subject
    assert all("Daniel Hart" not in m.body and "John Doe" not in m.body for m in mailoutbox)


def test_worklist_reminders_go_once_a_day_however_often_they_run(
    protection: ProtectionWorld, case_personas: CasePersonas, mailoutbox: list[Any]
) -> None:
    """A second run on one day (the command, a sweep again, a worker killed mid-run) emails nobody twice;
    the next day's run emails again."""
    from oversight.protection.reminders import send_daily_reminders, send_reminders

    first = send_reminders(timezone.now())
    assert first >= 2 and len(mailoutbox) == first
    assert send_reminders(timezone.now()) == 0
    assert send_daily_reminders(timezone.localdate()) == 0
    assert len(mailoutbox) == first
    assert send_daily_reminders(timezone.localdate() + dt.timedelta(days=1)) == first
