"""Retention of the workforce register's leavers: listed only to those who administer the force's
register once past the period, refused while any record still held names them (an exclusion is never
lifted by erasing a person), erased with their periods and the line-management closure worked out again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from oversight.audit import verify
from oversight.audit.models import TrailEntry, TrailKind
from oversight.cases.models import Case, Exclusion, Subject, TeamMember, TeamRole
from oversight.retention import access, services
from oversight.retention.rules import RecordType, rule_for
from oversight.workforce import chains
from oversight.workforce.models import (
    Association,
    AssociationKind,
    CaseInvolvement,
    ChainLink,
    LineManagement,
    Person,
    PersonKind,
    Posting,
)
from tests.case_personas import CasePersonas, Workforce
from tests.conftest import client_for

pytest_plugins = ["tests.case_fixtures"]
pytestmark = pytest.mark.django_db

REASON = "Left more than six years ago; no case, exclusion or measure names them."
REFUSED = ("other_force_psd", "administrator", "psd_handler", "investigator", "subject", "subject_partner",
           "unrelated_officer", "external_investigator", "opcc_officer")  # fmt: skip


def years_ago(years: float) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=int(366 * years))


def leaver(workforce: Workforce, left_years_ago: float, number: str = "WM09001") -> Person:
    """A constable who left: managed by the inspector, managing a constable still serving, with a
    declared association and a part in an earlier case."""
    start, end = years_ago(left_years_ago + 5), years_ago(left_years_ago)
    person = Person.objects.create(force=workforce.wmp, staff_number=number, name="Owen Leaver",
                                   kind=PersonKind.OFFICER, rank_or_grade="PC")  # fmt: skip
    Posting.objects.create(person=person, unit=workforce.coventry, started_on=start, ended_on=end)
    LineManagement.objects.create(manager=workforce.inspector, person=person, started_on=start, ended_on=end)
    LineManagement.objects.create(manager=person, person=workforce.unrelated, started_on=start, ended_on=end)
    Association.objects.create(person=person, other=workforce.teammate, kind=AssociationKind.FRIENDSHIP,
                               declared_on=start)  # fmt: skip
    CaseInvolvement.objects.create(person=person, case_reference="WMP-OP-OLD", role="Witness", started_on=start)
    return person


def url(person: Person) -> str:
    return f"/retention/people/{person.pk}/erase/"


def closure() -> set[tuple[int, int, int, dt.date, dt.date | None]]:
    return set(ChainLink.objects.values_list("ancestor_id", "descendant_id", "depth", "started_on", "ended_on"))


def test_the_register_lead_lists_and_deletes_a_leaver_past_retention(
    case_personas: CasePersonas, case_workforce: Workforce
) -> None:
    gone = leaver(case_workforce, rule_for(RecordType.LEAVER).months / 12 + 1)
    assert ChainLink.objects.filter(ancestor=case_workforce.inspector, descendant=case_workforce.unrelated).exists()
    client = client_for(case_personas.psd_lead)
    assert "PC Owen Leaver (WM09001)" in client.get("/retention/").content.decode()
    assert "Delete this register entry?" in client.get(url(gone)).content.decode()

    response = client.post(url(gone), {"reason": REASON})

    assert response.status_code == 302
    assert not Person.objects.filter(pk=gone.pk).exists()
    for model in (Posting, Association, CaseInvolvement):
        assert not model.objects.filter(person_id=gone.pk).exists()
    assert not LineManagement.objects.filter(manager_id=gone.pk).exists()
    assert not Association.objects.filter(other_id=gone.pk).exists()
    assert not ChainLink.objects.filter(ancestor_id=gone.pk).exists()
    assert not ChainLink.objects.filter(descendant_id=gone.pk).exists()
    # The chain from the inspector through the leaver went with them, and the closure is what a
    # rebuild from the register gives.
    assert not ChainLink.objects.filter(ancestor=case_workforce.inspector, descendant=case_workforce.unrelated)
    kept = closure()
    chains.rebuild_everything()
    assert closure() == kept
    erasure = TrailEntry.objects.get(kind=TrailKind.ERASURE, source="workforce.person", source_id=gone.pk)
    assert "wmp.psd.lead" in erasure.detail and REASON in erasure.detail
    assert "Owen Leaver" not in erasure.detail and "WM09001" not in erasure.detail
    assert verify.verify_trail().broken is None


def test_someone_still_serving_or_within_the_period_is_not_deleted(
    case_personas: CasePersonas, case_workforce: Workforce
) -> None:
    recent = leaver(case_workforce, 2)
    client = client_for(case_personas.psd_lead)
    assert "Owen Leaver" not in client.get("/retention/").content.decode()
    assert "It may be deleted from" in client.get(url(recent)).content.decode()
    refused = client.post(url(recent), {"reason": REASON})
    assert refused.status_code == 400 and "has not reached the end of its retention period" in refused.content.decode()
    serving = case_workforce.unrelated  # an open posting
    assert "They are still serving" in client.get(url(serving)).content.decode()
    LineManagement.objects.filter(manager=recent).update(ended_on=None)  # the register says they still manage
    assert "They are still serving" in client.get(url(recent)).content.decode()
    assert client.post(url(serving), {"reason": REASON}).status_code == 400
    assert Person.objects.filter(pk__in=[recent.pk, serving.pk]).count() == 2
    assert not TrailEntry.objects.filter(kind=TrailKind.ERASURE).exists()


def test_a_line_management_period_ended_since_keeps_the_entry(
    case_personas: CasePersonas, case_workforce: Workforce
) -> None:
    """The postings say they left long ago, but the register has them managing someone until last year:
    a chain through them may still count, so the entry is kept until that period is as old."""
    gone = leaver(case_workforce, rule_for(RecordType.LEAVER).months / 12 + 1)
    LineManagement.objects.filter(manager=gone).update(ended_on=years_ago(1))
    client = client_for(case_personas.psd_lead)
    assert "Owen Leaver" not in client.get("/retention/").content.decode()
    assert "It may be deleted from" in client.get(url(gone)).content.decode()
    assert client.post(url(gone), {"reason": REASON}).status_code == 400
    with pytest.raises(PermissionDenied):
        services.erase_leaver(gone.pk, case_personas.psd_lead, REASON)
    assert Person.objects.filter(pk=gone.pk).exists()


def _named_as_subject(case: Case, person: Person, personas: CasePersonas) -> None:
    Subject.objects.create(case=case, person=person)


def _excluded(case: Case, person: Person, personas: CasePersonas) -> None:
    Exclusion.objects.create(case=case, person=person, why="Served beside the subject")


def _login(person: Person, active: bool) -> User:
    person.user = User.objects.create_user("wmp.leaver", is_active=active)
    person.save(update_fields=["user"])
    return person.user


def _on_a_team_through_their_login(case: Case, person: Person, personas: CasePersonas) -> None:
    login = _login(person, active=False)  # closed, but the case team still names it
    TeamMember.objects.create(case=case, user=login, role=TeamRole.INVESTIGATOR, organisation=case.force,
                              added_by=personas.psd_handler, removed_at=timezone.now())  # fmt: skip


def _an_active_login(case: Case, person: Person, personas: CasePersonas) -> None:
    _login(person, active=True)


@pytest.mark.parametrize("named", [_named_as_subject, _excluded, _on_a_team_through_their_login, _an_active_login])
def test_a_leaver_a_record_still_held_names_is_refused_and_nothing_is_written(
    case_personas: CasePersonas, case_workforce: Workforce, ppda_case: Case, named: object
) -> None:
    gone = leaver(case_workforce, rule_for(RecordType.LEAVER).months / 12 + 1)
    named(ppda_case, gone, case_personas)  # type: ignore[operator]
    exclusions = list(Exclusion.objects.values_list("pk", "person_id", "lifted_at"))
    before = (closure(), TrailEntry.objects.count(), Posting.objects.count(), LineManagement.objects.count())

    response = client_for(case_personas.psd_lead).post(url(gone), {"reason": REASON})

    assert response.status_code == 400
    assert "cannot be deleted while a record still held names the person" in response.content.decode()
    assert Person.objects.filter(pk=gone.pk).exists()
    after = (closure(), TrailEntry.objects.count(), Posting.objects.count(), LineManagement.objects.count())
    assert after == before
    assert list(Exclusion.objects.values_list("pk", "person_id", "lifted_at")) == exclusions
    with pytest.raises(ValidationError):
        services.erase_leaver(gone.pk, case_personas.psd_lead, REASON)


def test_erasing_people_who_left_never_lifts_an_exclusion_from_a_case(
    case_personas: CasePersonas, case_workforce: Workforce, ppda_case: Case
) -> None:
    """The subject and their excluded team-mate both left long ago, their logins closed: the force's
    administrator (excluded too, as a former team-mate) tries to erase each, and so would a lead."""
    for person, login in ((case_workforce.subject, case_personas.subject),
                          (case_workforce.teammate, case_personas.subject_teammate)):  # fmt: skip
        for model in (Posting, LineManagement):
            model.objects.filter(person=person).update(started_on=years_ago(12), ended_on=years_ago(8))
        login.is_active = False
        login.save(update_fields=["is_active"])
    standing = list(Exclusion.objects.standing().filter(case=ppda_case).values_list("pk", "person_id"))
    assert case_workforce.teammate.pk in {person for _, person in standing}
    for who in (case_personas.connected_administrator, case_personas.psd_lead):
        for person in (case_workforce.subject, case_workforce.teammate):
            assert access.leavers_due(who, timezone.localdate()).filter(pk=person.pk).exists()
            with pytest.raises(ValidationError):
                services.erase_leaver(person.pk, who, REASON)
    assert Person.objects.filter(pk__in=[case_workforce.subject.pk, case_workforce.teammate.pk]).count() == 2
    assert list(Exclusion.objects.standing().filter(case=ppda_case).values_list("pk", "person_id")) == standing
    assert not TrailEntry.objects.filter(kind=TrailKind.ERASURE).exists()


@pytest.mark.parametrize("name", REFUSED)
def test_no_one_else_reaches_a_leaver_here(case_personas: CasePersonas, case_workforce: Workforce, name: str) -> None:
    gone = leaver(case_workforce, rule_for(RecordType.LEAVER).months / 12 + 1)
    user = getattr(case_personas, name)
    client = client_for(user)
    refused = client.post(url(gone), {"reason": REASON})
    missing = client.post("/retention/people/999999/erase/", {"reason": REASON})
    assert refused.status_code == missing.status_code == 404
    assert client.get(url(gone)).status_code == 404
    index = client.get("/retention/")
    assert index.status_code == 404 or "Owen Leaver" not in index.content.decode()
    with pytest.raises(PermissionDenied):
        services.erase_leaver(gone.pk, user, REASON)
    assert Person.objects.filter(pk=gone.pk).exists()
    assert not TrailEntry.objects.filter(kind=TrailKind.ERASURE).exists()
