"""The PPDA case demo loaded by `make run`: idempotent, a login per case role, and a story the rules tell."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from oversight.audit.models import Alert, AlertKind
from oversight.cases import access, assignments, audits, decisions, demo, safeguards
from oversight.cases.models import (
    Arrival,
    Case,
    CaseStatus,
    Deployment,
    DipSample,
    ReferralOutcome,
    TeamMember,
    TeamRole,
)
from oversight.lib.deadlines import add_months
from oversight.organisations.demo import PASSWORD
from oversight.organisations.models import Membership, Role
from oversight.victims import services as victims
from oversight.victims.models import Channel, ContactEntry
from oversight.victims.rules import is_police_mailbox
from oversight.workforce.connections import check_independence
from oversight.workforce.models import Association, LineManagement, Person

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass(frozen=True)
class Loaded:
    first_output: str
    second_output: str
    counts_after_first: dict[str, int]


def _counts() -> dict[str, int]:
    models = (User, Membership, Person, LineManagement, Association, Case, TeamMember, ContactEntry, DipSample)
    return {model.__name__: model.objects.count() for model in models}


def _run() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def loaded(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[Loaded]:
    """`oversight load_demo` run twice, once for the module, rolled back afterwards."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        first = _run()
        counts = _counts()
        second = _run()
        yield Loaded(first, second, counts)
        transaction.set_rollback(True)


def user(username: str) -> User:
    return User.objects.get(username=username)


def hart_case() -> Case:
    return Case.objects.get(arrival=Arrival.HOTLINE, subjects__person__name=demo.HART)


def test_a_second_run_changes_nothing(loaded: Loaded, db: None) -> None:
    assert "Demo data loaded." in loaded.first_output
    assert "already loaded: nothing changed" in loaded.second_output
    assert _counts() == loaded.counts_after_first
    assert Case.objects.filter(arrival=Arrival.HOTLINE).count() == 1


def test_every_case_login_is_printed_and_works(loaded: Loaded, db: None) -> None:
    for named in demo.PEOPLE:
        assert named.username in loaded.first_output and named.username in loaded.second_output
        account = user(named.username)
        assert account.check_password(PASSWORD), named.username
        assert Membership.objects.filter(user=account, role=named.role).exists(), named.username
    assert PASSWORD in loaded.second_output
    # The register demo's logins are printed in the same single table.
    assert "wmp.liaison" in loaded.second_output and loaded.second_output.count("Demo logins.") == 1
    linked = Person.objects.filter(user__username__in=[p.username for p in demo.PEOPLE])
    assert linked.count() == len(demo.PEOPLE) - 1  # everyone but the PCC's officer is in a workforce register


def test_the_subject_sits_in_a_generated_team_with_his_teammate_and_sergeant(loaded: Loaded, db: None) -> None:
    hart = Person.objects.get(name=demo.HART)
    assert hart.unit is not None and hart.unit.name == "Response Team B"
    generated = Person.objects.filter(unit=hart.unit).exclude(staff_number__startswith="DEMO")
    assert generated.exists()  # placed into a unit the generator built, beside generated colleagues
    teammate, sergeant = (user(name).workforce_person for name in ("subject.teammate", "subject.sergeant"))
    assert teammate.unit == hart.unit
    assert LineManagement.objects.filter(person=hart, manager=sergeant, ended_on=None).exists()
    victim = hart_case().victim
    assert victim.is_police_staff and victim.person is not None and victim.person.unit != hart.unit
    assert Association.objects.filter(person=hart, other=victim.person, kind="partner").exists()
    assert 300 <= Person.objects.filter(force__slug="west-midlands-police").count() <= 1500


def test_the_subjects_colleagues_cannot_see_his_case_but_the_psd_lead_can(loaded: Loaded, db: None) -> None:
    case = hart_case()
    for username in ("subject.teammate", "subject.sergeant"):
        assert access.is_excluded(user(username), case), username
        assert not access.visible_cases(user(username)).filter(pk=case.pk).exists(), username
    for username in ("psd.lead", "psd.handler", "wmp.aa", "wmp.spoc", "avon.investigator"):
        assert access.visible_cases(user(username)).filter(pk=case.pk).exists(), username
    assert list(access.visible_cases(user("avon.investigator"))) == [case]  # the external force sees one case
    assert not access.visible_cases(user("wmp.investigator")).filter(pk=case.pk).exists()
    assert not access.visible_cases(user("opcc.reviewer")).exists()


def test_the_teammates_psd_role_does_not_break_the_glass(loaded: Loaded, db: None) -> None:
    teammate, case = user("subject.teammate"), hart_case()
    assert Membership.objects.filter(user=teammate, role=Role.PSD_HANDLER).exists()
    # The demo already holds his search and his first try, as the PSD lead's inbox shows them.
    assert set(Alert.objects.filter(actor=teammate).values_list("kind", flat=True)) == {
        AlertKind.EXCLUDED_SEARCHED, AlertKind.EXCLUDED_OPENED,
    }  # fmt: skip
    with pytest.raises(ValidationError):
        safeguards.break_glass(case.reference, "Checking on a colleague", teammate)
    newest = Alert.objects.filter(actor=teammate).order_by("-at").first()
    assert newest is not None
    assert newest.kind == AlertKind.EXCLUDED_OPENED and newest.object_id == case.pk
    assert Alert.objects.filter(actor=teammate).count() == 3
    assert access.visible_alerts(user("psd.lead")).filter(pk=newest.pk).exists()


def test_the_team_is_independent_and_declared(loaded: Loaded, db: None) -> None:
    case = hart_case()
    team = {member.role: (member, result) for member, result in assignments.recheck_team(case)}
    assert set(team) == {TeamRole.CASE_HANDLER, TeamRole.INVESTIGATOR, TeamRole.SPOC, TeamRole.DECISION_MAKER}
    for role in (TeamRole.INVESTIGATOR, TeamRole.SPOC, TeamRole.DECISION_MAKER):
        member, result = team[role]
        assert result is not None and not result.blocked and not result.warned, (role, result.explain())
        assert member.declaration_signed_at is not None and member.declaration_text
    investigator = team[TeamRole.INVESTIGATOR][0]
    assert investigator.user.username == "avon.investigator" and investigator.is_external
    assert assignments.external_force(case) == investigator.organisation
    # The force's own DC in another area is independent of these parties too, and investigates the older case.
    dc = user("wmp.investigator").workforce_person
    clean = check_independence(dc.pk, case.party_ids())
    assert not clean.blocked and not clean.warned, clean.explain()
    assert TeamMember.objects.filter(user__username="wmp.investigator", role=TeamRole.INVESTIGATOR).count() == 1


def test_the_hotline_case_has_its_decisions_and_the_victims_voice(loaded: Loaded, db: None) -> None:
    case, today = hart_case(), timezone.localdate()
    assert case.received_on == today - dt.timedelta(days=21)
    assert timezone.localdate(case.created_at) == case.received_on
    assert case.status == CaseStatus.INVESTIGATION
    referral = case.referral_decisions.get()
    assert referral.must_refer and referral.outcome == ReferralOutcome.REFERRED and referral.iopc_reference
    deployment = case.deployment_decisions.get()
    assert deployment.deployment == Deployment.RESTRICTED and deployment.review_on > today
    preferences = victims.current_preferences(case)
    assert preferences is not None and preferences.channel == Channel.PHONE
    assert preferences.safe_phone and preferences.safe_times and not is_police_mailbox(preferences.safe_email)
    contacts = victims.contact_log(case)
    assert len(contacts) == 3 and all(entry.preferences == preferences for entry in contacts)
    assert not victims.contact_overdue(case, today) and victims.warnings(case, today) == []
    assert victims.senior_spoc(case).user.username == "wmp.spoc"  # type: ignore[union-attr]
    assert not TeamMember.objects.filter(added_at__gt=timezone.now()).exists()


def test_the_long_open_case_is_due_its_twelve_month_report(loaded: Loaded, db: None) -> None:
    today = timezone.localdate()
    due = decisions.reports_due(user("psd.lead"), today)
    long_open = Case.objects.get(received_on=add_months(today, -14))
    assert long_open.status != CaseStatus.CLOSED
    assert [(item.case, item.due_on) for item in due] == [(long_open, add_months(long_open.received_on, 12))]


def test_the_audit_for_today_includes_the_case_closed_five_months_ago(loaded: Loaded, db: None) -> None:
    today = timezone.localdate()
    closed = Case.objects.get(status=CaseStatus.CLOSED)
    assert closed.closed_on == add_months(today, -5)
    population = audits.audit_population(closed.force, today)
    assert closed in population and hart_case() in population
    assert population.count() == Case.objects.count()


def test_the_dip_sample_is_masked_for_the_pccs_reviewer(loaded: Loaded, db: None) -> None:
    reviewer, sample = user("opcc.reviewer"), DipSample.objects.get()
    assert access.can_review_dip_sample(reviewer, sample)
    entries = list(access.visible_dip_entries(reviewer, sample))
    assert len(entries) == 2 and all(entry.case.arrival == Arrival.COMPLAINT for entry in entries)
    for entry in entries:
        assert entry.case.victim.name not in entry.masked_summary
        assert entry.case.subjects.get().person.name not in entry.masked_summary
