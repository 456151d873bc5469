"""The demo loaded by `make run`: idempotent, faithful to the seed documents, and with a login per role."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from pytest_django import DjangoDbBlocker, Settings

from oversight.organisations.models import Membership, Organisation, Role
from oversight.recommendations import access, demo
from oversight.recommendations.forms import TrackingEditForm
from oversight.recommendations.models import (
    Committee,
    EvidenceVersion,
    ExtensionDecision,
    GoverningBodyResponse,
    HmicfrsStatusEntry,
    Item,
    ProgressUpdate,
    Report,
    ResponseStatus,
    SignoffStage,
    TrackingRecord,
    TrackingStatus,
    Transition,
)

# As the root conftest sets for each test: the module's data is made before those settings apply.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PPDA = "Police perpetrated domestic abuse: Report on the Centre for Women's Justice super-complaint"
ACQUISITIVE = "The police response to burglary, robbery and other acquisitive crime – Finding time for crime"  # noqa: RUF001


@dataclass(frozen=True)
class Loaded:
    first_output: str
    second_output: str
    counts_after_first: dict[str, int]
    media_root: Path


def _counts() -> dict[str, int]:
    models = (User, Membership, Report, Item, TrackingRecord, Transition, ProgressUpdate, EvidenceVersion)
    return {model.__name__: model.objects.count() for model in models}


def _run() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def loaded(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Loaded]:
    """The demo loaded twice, once for the module (it takes seconds), rolled back afterwards."""
    media_root = tmp_path_factory.mktemp("demo-media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media_root, PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        first = _run()
        counts = _counts()
        second = _run()
        yield Loaded(first, second, counts, media_root)
        transaction.set_rollback(True)


@pytest.fixture
def wmp(db: None) -> Organisation:
    return Organisation.objects.get(slug="west-midlands-police")


def _wmp_record(wmp: Organisation, **item: str) -> TrackingRecord:
    return TrackingRecord.objects.select_related("item").get(
        organisation=wmp, **{f"item__{k}": v for k, v in item.items()}
    )


def _ppda_record(wmp: Organisation, number: str) -> TrackingRecord:
    return _wmp_record(wmp, report__title=PPDA, number=number)


def test_second_run_changes_nothing_and_says_so(loaded: Loaded, db: None) -> None:
    assert "Demo data loaded." in loaded.first_output
    assert "already loaded: nothing changed" in loaded.second_output
    assert _counts() == loaded.counts_after_first
    assert Report.objects.filter(title=PPDA).count() == 1


def test_the_seed_reports_items_and_due_dates(loaded: Loaded, db: None) -> None:
    ppda = Report.objects.get(title=PPDA)
    assert ppda.published_on == dt.date(2022, 6, 30) and ppda.covers_all_forces
    recommendations = {item.number: item for item in ppda.items.recommendations()}
    assert set(recommendations) == {"1", "2", "3"}
    assert recommendations["1"].due_on == dt.date(2022, 12, 30)
    assert recommendations["1"].deadline_phrase == "Within six months"
    assert not any(item.mandatory for item in recommendations.values())  # super-complaint: not mandatory
    assert set(recommendations["3"].addressees) == {"pccs", "moj", "chief_constables"}
    acquisitive = Report.objects.get(title=ACQUISITIVE)
    assert {item.due_on for item in acquisitive.items.all()} == {dt.date(2023, 3, 31)}
    older = Item.objects.get(reference="10618")
    assert older.due_on == dt.date(2020, 1, 17) and older.mandatory
    assert Item.objects.get(reference="9962").due_on == dt.date(2019, 10, 17)
    assert Item.objects.get(reference="9472").due_on == dt.date(2018, 1, 5)
    assert older.cause_of_concern is not None
    assert older.cause_of_concern == Item.objects.get(reference="9962").cause_of_concern


def test_the_peel_report_covers_west_midlands_only(loaded: Loaded, wmp: Organisation) -> None:
    peel = Report.objects.get(kind="peel")
    assert list(peel.forces.all()) == [wmp] and not peel.covers_all_forces
    references = sorted(peel.items.values_list("reference", flat=True))
    assert references and all(len(reference) == 5 and reference.isdigit() for reference in references)
    assert peel.items.filter(kind="afi").exists() and peel.items.filter(cause_of_concern__isnull=False).exists()


def test_west_midlands_has_records_in_every_state(loaded: Loaded, wmp: Organisation) -> None:
    records = TrackingRecord.objects.for_organisation(wmp)
    assert records.filter(signoff=SignoffStage.SIGNED_OFF, closed_on__lt=dt.date(2022, 9, 29)).exists()
    assert records.filter(signoff=SignoffStage.SUBMITTED).exists()
    assert records.filter(signoff=SignoffStage.WITH_HMICFRS).exists()
    returned = records.get(signoff=SignoffStage.RETURNED)
    assert returned.transitions.last().reason  # the inspectorate's reasons are kept
    extended = records.extended().get()
    assert extended.slips() == 2 and extended.original_due_on == dt.date(2023, 3, 31)
    assert extended.due_on == dt.date(2024, 6, 30)
    assert records.filter(extensions__decision=ExtensionDecision.REFUSED).exists()
    assert records.overdue().exists() and records.review_overdue().exists()
    overridden = records.exclude(rag_override="").get()
    assert overridden.rag_override_reason


def test_the_owners_have_portfolios(loaded: Loaded, wmp: Organisation) -> None:
    portfolios = set(
        TrackingRecord.objects.for_organisation(wmp).exclude(owner=None).values_list("portfolio", flat=True)
    )
    assert {"Public Protection Unit", "Force Contact", "Criminal Justice Services"} <= portfolios


def test_signed_off_items_have_evidence_and_closure_comments(loaded: Loaded, wmp: Organisation) -> None:
    signed = TrackingRecord.objects.for_organisation(wmp).filter(signoff=SignoffStage.SIGNED_OFF)
    for record in signed:
        assert record.evidence.exists(), record
        assert record.hmicfrs_history.filter(comment__startswith="Authorised for closure on the basis of").exists()


def test_history_is_dated_as_it_happened(loaded: Loaded, wmp: Organisation) -> None:
    peel_sign_off = _wmp_record(wmp, reference="11431").transitions.get(to_signoff=SignoffStage.SIGNED_OFF)
    assert timezone.localdate(peel_sign_off.at) == dt.date(2022, 8, 18)
    assert not Transition.objects.filter(at__gt=timezone.now()).exists()
    assert ProgressUpdate.objects.filter(written_at__year=2022).exists()
    assert HmicfrsStatusEntry.objects.filter(recorded_on__year=2018).exists()
    assert {at.year for at in Transition.objects.values_list("at", flat=True)} >= {2022, 2023, 2024, 2026}


def test_the_september_2022_committee_is_told_what_the_seed_says(loaded: Loaded, wmp: Organisation) -> None:
    meeting = dt.date(2022, 9, 29)
    for reference in ("10618", "9962", "9472"):
        status, _ = _wmp_record(wmp, reference=reference).status_on(meeting)
        assert status and status != TrackingStatus.CLOSED, reference
    published = Report.objects.published_between(dt.date(2022, 6, 23), meeting).covering(wmp)
    assert set(published.values_list("title", flat=True)) == {PPDA, ACQUISITIVE}
    committee = Committee.objects.get(name="Joint Audit Committee")
    assert committee.organisation == wmp.governing_body_on(meeting)
    assert committee.meetings.get(held_on=meeting).agenda_item == "07"
    assert committee.meetings.filter(held_on__year=2026).exists()
    assert wmp.forthcoming_inspections.get(notified_on=dt.date(2022, 9, 1)).expected == "Early October"


def test_the_pcc_published_one_response_and_one_is_overdue(loaded: Loaded, wmp: Organisation) -> None:
    published = GoverningBodyResponse.objects.get(report__title=PPDA, force=wmp)
    assert published.status == ResponseStatus.PUBLISHED and published.published_on == dt.date(2022, 8, 24)
    assert published.due_on == dt.date(2022, 8, 24)  # s.55(5A): publication day is day 1
    assert published.chief_constable_comments and "Police and Crime Commissioner" in published.body_comments
    assert published.actions.count() == 3 and all(action.is_answered for action in published.actions.all())
    draft = GoverningBodyResponse.objects.get(report__title=ACQUISITIVE, force=wmp)
    assert draft.status == ResponseStatus.DRAFT and draft.is_overdue()


def test_evidence_files_are_stored_with_their_hash(loaded: Loaded, db: None, settings: Settings) -> None:
    settings.MEDIA_ROOT = loaded.media_root
    versions = list(EvidenceVersion.objects.all())
    assert {version.content_type for version in versions} == {"application/pdf", "text/plain"}
    for version in versions:
        content = version.file.read()
        assert hashlib.sha256(content).hexdigest() == version.sha256
        assert version.content_type != "application/pdf" or content.startswith(b"%PDF-")


def test_other_forces_have_records_moved_along(loaded: Loaded, db: None) -> None:
    for slug in ("west-mercia-police", "staffordshire-police", "warwickshire-police", "avon-and-somerset-police"):
        assert TrackingRecord.objects.filter(organisation__slug=slug).exclude(transitions=None).exists(), slug


def test_every_role_has_a_login_printed_with_the_password(loaded: Loaded, db: None) -> None:
    output = loaded.first_output
    assert demo.PASSWORD in output and "Demo data only" in output
    assert demo.PASSWORD in loaded.second_output  # the logins are printed on every run
    for person in demo.PEOPLE:
        assert person.username in output and person.username in loaded.second_output
        user = User.objects.get(username=person.username)
        assert user.is_active and user.check_password(demo.PASSWORD), person.username
        validate_password(demo.PASSWORD, user)
    roles = set(
        Membership.objects.filter(user__username__in=[p.username for p in demo.PEOPLE]).values_list("role", flat=True)
    )
    assert {Role.LIAISON_OFFICER, Role.OWNER, Role.HMICFRS_LEAD, Role.COMMITTEE_MEMBER, Role.OPCC_OFFICER,
            Role.NATIONAL_ANALYST, Role.ADMINISTRATOR} <= roles  # fmt: skip


def test_the_logins_see_what_their_role_allows(loaded: Loaded, wmp: Organisation) -> None:
    def sees_wmp(username: str) -> bool:
        return access.visible_tracking_records(User.objects.get(username=username)).filter(organisation=wmp).exists()

    for username in ("wmp.liaison", "wmp.ppu", "hmicfrs.fll", "jac.member", "opcc.scrutiny"):
        assert sees_wmp(username), username
    for username in ("wmerc.liaison", "apcc.analyst", "admin", "hmicfrs.fll2"):
        assert not sees_wmp(username), username
    admin = User.objects.get(username="admin")
    assert admin.is_staff and not admin.is_superuser
    assert not access.visible_tracking_records(admin).exists()


def test_the_demo_is_never_loaded_in_production(db: None, settings: Settings) -> None:
    settings.PRODUCTION = True
    users = User.objects.count()
    with pytest.raises(CommandError, match="never loaded in production"):
        call_command("load_demo", stdout=io.StringIO())
    assert User.objects.count() == users


def test_the_owner_list_gives_each_person_their_role_and_unit(loaded: Loaded, wmp: Organisation) -> None:
    record = _ppda_record(wmp, "1")
    labels = {str(label) for _, label in TrackingEditForm(tracking=record).fields["owner"].choices}  # type: ignore[attr-defined]
    dash = "\N{EN DASH}"
    assert (f"Daniel Okafor {dash} Recommendation owner (Public Protection Unit) {dash} "
            "Public Protection Unit, Force headquarters") in labels  # fmt: skip
    assert (
        f"Hannah Clarke {dash} Force liaison officer {dash} Force Performance and Assurance, Force headquarters"
        in labels
    )
    assert not any("unit not recorded" in label for label in labels if "Recommendation owner" in label)


def test_the_apcc_asked_all_43_bodies_about_ppda_recommendation_3a(loaded: Loaded, db: None) -> None:
    from oversight.returns.demo import TITLE
    from oversight.returns.models import ReturnRequest, ReturnStatus

    request = ReturnRequest.objects.get(title=TITLE)
    assert request.returns.count() == 43 and request.items.get().number == "3"
    statuses = sorted(request.returns.exclude(status=ReturnStatus.DRAFT).values_list("status", flat=True))
    assert statuses == [ReturnStatus.RESUBMITTED, ReturnStatus.SUBMITTED, ReturnStatus.SUBMITTED]
    resubmitted = request.returns.get(status=ReturnStatus.RESUBMITTED)
    assert resubmitted.versions.count() == 2 and resubmitted.versions.first().clarification_points.exists()
    assert request.returns.filter(status=ReturnStatus.DRAFT).exclude(answers=None).count() == 1
    assert "avon.opcc" in loaded.first_output


def test_the_apcc_coded_the_returns_and_drafted_the_summary_report(loaded: Loaded, db: None) -> None:
    from oversight.coding.models import SummaryReport
    from oversight.returns.demo import TITLE

    report = SummaryReport.objects.get(request__title=TITLE)
    sections = {s.heading: s for s in report.sections.all()}
    assert "2 of the 3 governing bodies that answered accepted the recommendation; 1 partly" in (
        sections["Introduction"].text
    )
    assert "3 of 43 answered; 40 have not yet answered." in sections["Introduction"].text
    assert "Coded in 3 of 3 areas" in sections["Reassurance from commissioned services"].text
    assert [q.area for q in sections["Funding and commissioning"].quotes.all()] == [
        "Avon and Somerset Police and Crime Commissioner", "Staffordshire Police Fire and Crime Commissioner",
    ]  # fmt: skip
    assert list(sections)[-1] == "Conclusion"
