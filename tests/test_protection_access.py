"""Who sees protective measures (protection/access.py), persona by persona: the force's protection team
and PSD record, its governing body's OPCC officers read, national analysts count; a measure restraining
a PPDA case's subject is seen only by those who may view the case, and counted for everyone else."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from oversight.cases.models import Case, Subject
from oversight.protection import access
from oversight.protection.models import Measure
from tests.case_personas import CasePersonas, Workforce
from tests.protection_world import ProtectionWorld, make_world

pytest_plugins = ["tests.case_fixtures"]


@pytest.fixture
def protection(case_personas: CasePersonas, case_workforce: Workforce, ppda_case: Case) -> ProtectionWorld:
    return make_world(case_personas, case_workforce, ppda_case)


def seen(user: User) -> set[str]:
    return set(access.visible_measures(user).values_list("reference", flat=True))


def test_the_force_team_sees_its_measures_but_not_one_locked_with_a_case(protection: ProtectionWorld) -> None:
    assert seen(protection.team) == {"WMP-DVPN-1"}
    assert access.can_change_measure(protection.team, protection.public)
    assert not access.can_view_measure(protection.team, protection.locked)
    assert not access.can_change_measure(protection.team, protection.locked)


def test_the_psd_lead_and_the_case_handler_see_the_locked_measure(
    protection: ProtectionWorld, case_personas: CasePersonas
) -> None:
    for person in (case_personas.psd_lead, case_personas.psd_handler):
        assert seen(person) == {"WMP-DVPN-1", "WMP-DVPN-2"}
        assert access.can_change_measure(person, protection.locked)
        assert access.can_view_unused_power(person, protection.locked_power)


@pytest.mark.parametrize("name", ["subject_partner", "connected_administrator"])
def test_psd_staff_shut_out_of_the_case_never_see_the_locked_measure(
    protection: ProtectionWorld, case_personas: CasePersonas, name: str
) -> None:
    person = getattr(case_personas, name)
    assert seen(person) == {"WMP-DVPN-1"}  # their PSD role in the force still lets them see the rest
    assert not access.can_view_measure(person, protection.locked)
    assert not access.can_view_unused_power(person, protection.locked_power)
    assert not access.visible_breaches(person).filter(measure=protection.locked).exists()


def test_the_opcc_officer_reads_but_does_not_record(protection: ProtectionWorld, case_personas: CasePersonas) -> None:
    officer = case_personas.opcc_officer
    assert seen(officer) == {"WMP-DVPN-1"}
    assert not access.can_change_measure(officer, protection.public)
    assert not access.can_record_in_force(officer, protection.public.force_id)


@pytest.mark.parametrize("name", ["other_team", "analyst", "no_role"])
def test_people_outside_the_force_see_no_measure(protection: ProtectionWorld, name: str) -> None:
    person = getattr(protection, name)
    wmp = {"WMP-DVPN-1", "WMP-DVPN-2"}
    assert not seen(person) & wmp
    for measure in (protection.public, protection.locked):
        assert not access.can_view_measure(person, measure)
        assert not access.can_change_measure(person, measure)


@pytest.mark.parametrize("name", ["subject", "subject_teammate", "administrator", "unrelated_officer"])
def test_case_people_without_a_protection_role_see_no_measure(
    protection: ProtectionWorld, case_personas: CasePersonas, name: str
) -> None:
    assert seen(getattr(case_personas, name)) == set()


@pytest.mark.parametrize("name", ["investigator", "external_investigator"])
def test_the_case_team_reads_the_measures_locked_with_its_case_and_no_other(
    protection: ProtectionWorld, case_personas: CasePersonas, name: str
) -> None:
    person = getattr(case_personas, name)
    assert seen(person) == {"WMP-DVPN-2"}
    assert access.can_view_unused_power(person, protection.locked_power)
    assert not access.can_change_measure(person, protection.locked)


def test_another_forces_psd_sees_only_its_own_force(protection: ProtectionWorld, case_personas: CasePersonas) -> None:
    assert seen(case_personas.other_force_psd) == {"AS-DVPN-1"}


def test_national_counts_include_locked_measures_force_counts_do_not(
    protection: ProtectionWorld, case_personas: CasePersonas
) -> None:
    assert access.counted_measures(protection.analyst).count() == Measure.objects.count() == 3
    assert access.counted_measures(protection.team).count() == 1  # a count that moved would reveal the locked one
    assert access.counted_measures(case_personas.psd_lead).count() == 2
    assert access.counted_measures(protection.no_role).count() == 0


def test_a_case_opened_later_locks_a_measure_already_recorded(
    protection: ProtectionWorld, case_personas: CasePersonas
) -> None:
    """The lock is read from the register each time: closing the subject link hides nothing twice."""
    assert access.can_view_measure(protection.team, protection.public)
    protection.public.restrained_person = protection.locked.restrained_person
    protection.public.save()
    assert not access.can_view_measure(protection.team, protection.public)


def test_navigation(protection: ProtectionWorld, case_personas: CasePersonas) -> None:
    assert access.can_use_protection(protection.team)
    assert access.can_use_protection(protection.analyst)
    assert access.can_use_protection(case_personas.opcc_officer)
    assert not access.can_use_protection(protection.no_role)
    assert not access.can_use_protection(case_personas.subject)


@pytest.mark.parametrize("name", ["subject_partner", "connected_administrator"])
def test_removing_the_subject_from_the_case_does_not_unlock_the_measure(
    protection: ProtectionWorld, case_personas: CasePersonas, name: str
) -> None:
    """An insider who edits the data the lock reads (deletes the case's subject row, or clears the
    register link) still finds the measure locked: the case recorded on it locks it too."""
    person = getattr(case_personas, name)
    Subject.objects.filter(case=protection.locked.case).delete()
    assert not access.can_view_measure(person, protection.locked)
    assert not access.can_view_unused_power(person, protection.locked_power)
    Measure.objects.filter(pk=protection.locked.pk).update(restrained_person=None)
    assert not access.can_view_measure(person, protection.locked)
    assert access.can_view_measure(case_personas.psd_lead, protection.locked)  # who may view the case still does


def test_a_staff_number_not_in_the_force_register_is_refused_by_the_forms(protection: ProtectionWorld) -> None:
    from django.core.exceptions import ValidationError

    from oversight.protection.forms import _restrained_person

    subject = protection.locked.restrained_person
    assert subject is not None
    assert _restrained_person(subject.force, f" {subject.staff_number} ") == subject
    assert _restrained_person(subject.force, "  ") is None
    with pytest.raises(ValidationError, match="has this staff number"):
        _restrained_person(protection.avon.force, subject.staff_number)  # another force's register
