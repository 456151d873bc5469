"""`oversight generate` at a tiny scale: every part written and valid as the product's rules see it,
counts per force in proportion, the product's pages open for a generated force's people (and a
locked case stays hidden from its subject), and a database that holds data is refused.

The nation is generated once for the module inside a transaction rolled back at the end; each test
runs in a savepoint inside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import models, transaction
from django.test import Client
from pytest_django import DjangoDbBlocker

from oversight.cases.models import Case, Exclusion, Subject, TeamMember, TeamRole
from oversight.organisations.demo import PASSWORD as DEMO_PASSWORD
from oversight.organisations.models import Membership, Organisation, Role
from oversight.protection.models import Measure
from oversight.protection.rules import check_measure
from oversight.protection.services import rule_specs
from oversight.recommendations.models import (
    CommitteeMeeting,
    ExtensionDecision,
    ExtensionKind,
    GoverningBodyResponse,
    HmicfrsStatusEntry,
    Item,
    OwnerChange,
    ProgressUpdate,
    QuarterlyReview,
    Report,
    ResponseStatus,
    SignoffStage,
    TrackingRecord,
    TrackingStatus,
    Transition,
)
from oversight.returns.models import Return, ReturnRequest
from oversight.synthetic.plan import Plan
from oversight.synthetic.progress import Progress
from oversight.victims.models import ContactEntry
from oversight.workforce.models import Person

SCALE = "0.002"
ON = dt.date(2026, 6, 30)
PASSWORD = "generated-nation-test-password"


def generate(*extra: str) -> str:
    out = StringIO()
    call_command("generate", "--scale", SCALE, "--on", ON.isoformat(), "--password", PASSWORD, *extra, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def nation(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[str]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield generate()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def built(nation: str, db: None) -> str:
    return nation


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


# Every part, every force


def test_every_part_is_written_for_every_force(built: str) -> None:
    forces = Organisation.objects.forces()
    for model in (Person, TrackingRecord, Case, Measure, CommitteeMeeting, GoverningBodyResponse):
        covered = set(model._default_manager.values_list(_force_field(model), flat=True))
        assert covered == set(forces.values_list("pk", flat=True)), model
    assert Report.objects.filter(covers_all_forces=True).exists()
    assert Exclusion.objects.count() >= Subject.objects.count() > 0
    assert ContactEntry.objects.exists()
    request = ReturnRequest.objects.get()
    assert Return.objects.filter(request=request).count() == Organisation.objects.filter(kind="governing_body").count()
    assert Return.objects.filter(request=request, first_submitted_at__isnull=False).exists()
    for line in ("workforce:", "register:", "cases:", "protection:", "returns:", "Time:", PASSWORD):
        assert line in built


def _force_field(model: type[models.Model]) -> str:
    return {TrackingRecord: "organisation", CommitteeMeeting: "committee__forces"}.get(model, "force")


FORCE_ROLES = (Role.LIAISON_OFFICER, Role.OWNER, Role.PSD_LEAD, Role.PSD_HANDLER, Role.INVESTIGATOR, Role.SPOC)


def test_each_force_has_its_people_with_roles_that_count(built: str) -> None:
    for force in Organisation.objects.forces():
        roles = set(Membership.objects.counting().filter(organisation=force).values_list("role", flat=True))
        assert {
            Role.LIAISON_OFFICER,
            Role.OWNER,
            Role.PSD_LEAD,
            Role.PSD_HANDLER,
            Role.INVESTIGATOR,
            Role.SPOC,
        } <= roles
    # Guarded roles were asked for and approved by two other people, never the holder.
    guarded = Membership.objects.filter(role__in=[Role.PSD_LEAD, Role.PSD_HANDLER, Role.ADMINISTRATOR])
    assert guarded.exists()
    assert not guarded.filter(approved_at__isnull=True).exists()
    assert not guarded.filter(approved_by=models.F("user")).exists()


def test_every_tracking_record_agrees_with_its_history(built: str) -> None:
    records = TrackingRecord.objects.prefetch_related("transitions", "hmicfrs_history", "extensions", "evidence")
    stages = set()
    for record in records:
        transitions = sorted(record.transitions.all(), key=lambda t: (t.at, t.pk))
        status, stage = (transitions[-1].to_status, transitions[-1].to_signoff) if transitions else ("open", "")
        assert record.status == status and (not transitions or record.signoff == stage), record.pk
        assert [t.from_status for t in transitions[1:]] == [t.to_status for t in transitions[:-1]]
        if record.signoff != SignoffStage.NOT_SUBMITTED:
            assert record.evidence.exists()  # nothing is submitted without evidence
        assert (record.status == TrackingStatus.CLOSED) == (record.closed_on is not None)
        entries = sorted(record.hmicfrs_history.all(), key=lambda e: (e.recorded_on, e.pk))
        assert record.hmicfrs_status == (entries[-1].status if entries else "")
        approved = [e for e in record.extensions.all() if e.decision == ExtensionDecision.APPROVED]
        expected_due = max((e.requested_due_on for e in approved), default=record.original_due_on)
        assert record.due_on == expected_due and all(e.kind == ExtensionKind.EXTENSION for e in approved)
        assert record.owner_id is not None
        stages.add(record.signoff)
    assert stages >= {SignoffStage.NOT_SUBMITTED, SignoffStage.SIGNED_OFF, SignoffStage.WITH_HMICFRS}
    assert ProgressUpdate.objects.exists() and QuarterlyReview.objects.exists() and OwnerChange.objects.exists()
    assert HmicfrsStatusEntry.objects.exists()
    assert Transition.objects.filter(at__date__gt=ON).count() == 0  # nothing after "today"


def test_rows_pass_the_models_validation(built: str) -> None:
    for model in (Item, TrackingRecord, Case, GoverningBodyResponse, Person):
        for row in model._default_manager.order_by("pk")[:40]:
            row.full_clean()
    published = GoverningBodyResponse.objects.filter(status=ResponseStatus.PUBLISHED)
    assert published.exists()
    assert all(response.transitions.exists() for response in published)


def test_every_measure_passes_the_statutory_checker(built: str) -> None:
    specs = rule_specs()
    from oversight.protection.models import MeasureKind
    from oversight.protection.services import MeasureDraft

    for measure in Measure.objects.select_related("force", "measure_type")[:300]:
        draft = MeasureDraft(
            force=measure.force, kind=measure.measure_type.kind, reference=measure.reference,
            restrained_name=measure.restrained_name, made_at=measure.made_at, authority=_authority(measure),
            authorised_by_rank=measure.authorised_by_rank, arrested_on=measure.arrested_on,
            served_at=measure.served_at, hearing_at=measure.hearing_at, ends_on=measure.ends_on,
            until_further_order=measure.until_further_order,
        )  # fmt: skip
        assert check_measure(specs, draft.facts(), MeasureKind.values) == [], measure


def _authority(measure: Measure) -> str:
    return "court" if measure.court else "police"


def test_every_case_has_its_parties_team_and_exclusions(built: str) -> None:
    for case in Case.objects.prefetch_related("subjects", "team", "exclusions"):
        subjects = {subject.person_id for subject in case.subjects.all()}
        assert subjects and subjects <= {exclusion.person_id for exclusion in case.exclusions.all()}
        roles = {member.role for member in case.team.all()}
        assert roles == {TeamRole.CASE_HANDLER, TeamRole.DECISION_MAKER, TeamRole.INVESTIGATOR, TeamRole.SPOC}
        assert case.victim is not None
        assert (case.status == "closed") == (case.closed_on is not None)
        assert case.received_on <= ON


# In proportion


def test_counts_per_force_follow_the_plan(built: str) -> None:
    forces = tuple(Organisation.objects.forces().order_by("slug"))
    plan = Plan(seed=1, scale=float(SCALE), on=ON, forces=forces)
    for force in forces:
        assert Case.objects.filter(force=force).count() == plan.ppda_cases(force)
    # Workforces follow the forces' sizes (at this scale every force has its floor of a command team).
    by_size = sorted(forces, key=lambda force: force.officers_approx or 0)
    people = {force.pk: Person.objects.filter(force=force).count() for force in forces}
    assert min(people[force.pk] for force in by_size[-5:]) > max(people[force.pk] for force in by_size[:5])
    assert people[by_size[-1].pk] > 4 * people[by_size[0].pk]


def test_at_national_scale_cases_and_measures_are_shared_by_size() -> None:
    forces = (
        Organisation(pk=1, slug="big", officers_approx=30_000),
        Organisation(pk=2, slug="small", officers_approx=1_000),
        Organisation(pk=3, slug="rest", officers_approx=117_000),
    )
    plan = Plan(seed=1, scale=1.0, on=ON, forces=forces)
    assert sum(plan.ppda_cases(force) for force in forces) == pytest.approx(1800, abs=2)
    assert plan.ppda_cases(forces[0]) / plan.ppda_cases(forces[1]) == pytest.approx(30, abs=1.5)
    assert plan.measures(forces[0], "nmo") > 25 * plan.measures(forces[1], "nmo")
    assert plan.register_share == 1.0


# The product's pages, for the generated people


def test_a_generated_forces_pages_open_for_its_people(built: str) -> None:
    force = Organisation.objects.get(slug="west-midlands-police")
    record = TrackingRecord.objects.filter(organisation=force).order_by("pk").first()
    assert record is not None
    for username in ("west-midlands.liaison", "west-midlands.owner1", "west-midlands.jac", "hmicfrs.west-midlands"):
        client = client_for(username)
        for url in ("/", "/recommendations/", "/recommendations/?status=open", f"/recommendations/{record.pk}/"):
            assert client.get(url).status_code == 200, (username, url)
    meeting = CommitteeMeeting.objects.filter(committee__forces=force, held_on__lt=ON).order_by("-held_on").first()
    assert meeting is not None
    assert client_for("west-midlands.liaison").get(f"/recommendations/papers/{meeting.pk}/").status_code == 200


def test_a_case_opens_for_its_handler_and_is_hidden_from_its_subject(built: str) -> None:
    case = Case.objects.filter(force__slug="west-midlands-police").order_by("pk").first()
    assert case is not None
    handler = TeamMember.objects.get(case=case, role=TeamRole.CASE_HANDLER).user
    client = client_for(handler.username)
    assert client.get("/cases/").status_code == 200
    page = client.get(f"/cases/{case.pk}/")
    assert page.status_code == 200 and case.reference in page.content.decode()

    subject = Subject.objects.filter(case=case).select_related("person").first()
    assert subject is not None
    login = User.objects.create_user("the.subject", password=PASSWORD)
    Person.objects.filter(pk=subject.person_id).update(user=login)
    as_subject = client_for("the.subject")
    assert as_subject.get(f"/cases/{case.pk}/").status_code == 404
    assert case.reference not in as_subject.get("/cases/").content.decode()
    # Someone outside the case, even in the force, is refused the same way.
    assert client_for("west-midlands.liaison").get(f"/cases/{case.pk}/").status_code == 404


# Refusals


def test_a_database_with_data_is_refused_and_left_as_it_was(built: str) -> None:
    before = (User.objects.count(), TrackingRecord.objects.count(), Case.objects.count())
    with pytest.raises(CommandError, match=r"already holds data .* Use --force"):
        generate()
    assert (User.objects.count(), TrackingRecord.objects.count(), Case.objects.count()) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "message"),
    [(DEMO_PASSWORD, "demo's published password"), ("short", "at least 12 characters")],
)
def test_weak_or_demo_passwords_are_refused(password: str, message: str) -> None:
    logins = User.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("generate", "--scale", SCALE, "--password", password, stdout=StringIO())
    assert User.objects.count() == logins


@pytest.mark.django_db
def test_a_part_without_the_parts_it_needs_is_refused() -> None:
    with pytest.raises(CommandError, match="register needs people"):
        call_command("generate", "--only", "workforce,register", stdout=StringIO())


# The progress bar


def test_progress_is_a_bar_on_a_terminal_and_plain_lines_elsewhere() -> None:
    terminal, log = StringIO(), StringIO()
    for stream, tty in ((terminal, True), (log, False)):
        progress = Progress(stream, "cases", 20, tty=tty)
        for _ in range(20):
            progress.advance()
        progress.finish()
    assert terminal.getvalue().startswith("\rcases ") and "\rcases: 20 in " in terminal.getvalue()
    lines = log.getvalue().splitlines()
    assert "\r" not in log.getvalue() and len(lines) == 10 and lines[-1].startswith("cases: 20 in ")
    assert "2/20" in lines[0] and "ETA" in lines[0]
