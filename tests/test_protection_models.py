"""The statutory rules as rows: the data migration wrote them, linked to the forces, and reading them
back gives the checker exactly the values of protection/statute.py."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from oversight.organisations.models import Organisation
from oversight.protection.models import MeasureKind, MeasureRule, MeasureType, rule_spec
from oversight.protection.statute import KINDS, RULES, specs

pytestmark = pytest.mark.django_db


def test_every_measure_type_of_the_brief_is_loaded() -> None:
    assert set(MeasureType.objects.values_list("kind", flat=True)) == set(MeasureKind.values) == set(KINDS)


def test_rows_read_back_as_the_statute_says() -> None:
    forces = dict(Organisation.objects.forces().values_list("name", "pk"))
    expected = {(spec.kind, spec.applies_from): spec for spec in specs(forces)}
    rows = MeasureRule.objects.select_related("measure_type").prefetch_related("areas", "extension_steps")
    found = {(rule.measure_type.kind, rule.applies_from): rule_spec(rule) for rule in rows}
    assert found == expected
    assert len(found) == len(RULES)


def test_pilot_areas_are_linked_to_the_forces_listed() -> None:
    dapn = MeasureRule.objects.get(measure_type__kind="dapn")
    linked = {area.force.name for area in dapn.areas.all() if area.force}
    assert linked == {
        "Greater Manchester Police",
        "Metropolitan Police Service",
        "Cleveland Police",
        "North Wales Police",
    }
    assert dapn.areas.get(force__isnull=True).force_name == "British Transport Police"


def test_loading_twice_changes_nothing() -> None:
    from oversight.protection.models import ExtensionStep, RuleArea
    from oversight.protection.statute import load_rules

    before = MeasureRule.objects.count(), RuleArea.objects.count(), ExtensionStep.objects.count()
    load_rules(MeasureType, MeasureRule, RuleArea, ExtensionStep, Organisation)
    assert (MeasureRule.objects.count(), RuleArea.objects.count(), ExtensionStep.objects.count()) == before


def test_a_rule_cannot_end_before_it_starts() -> None:
    rule = MeasureRule.objects.filter(measure_type__kind="dvpo").first()
    assert rule is not None
    rule.pk = None
    rule.applies_from = rule.applies_from.replace(year=2030)
    rule.applies_until = rule.applies_from.replace(year=2029)
    with pytest.raises(IntegrityError):
        rule.save()
