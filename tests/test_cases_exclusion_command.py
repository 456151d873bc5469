"""The refresh_exclusions command adds what the register now shows and never lifts an exclusion."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from oversight.cases.models import Case, Exclusion
from oversight.workforce.models import Association, AssociationKind
from tests.case_personas import Workforce

pytest_plugins = ["tests.case_fixtures"]
pytestmark = pytest.mark.django_db


def test_the_command_adds_new_connections_and_keeps_old_ones(ppda_case: Case, case_workforce: Workforce) -> None:
    w = case_workforce
    Exclusion.objects.filter(person=w.teammate).delete()  # as if the case predated standing exclusions
    Association.objects.create(
        person=w.subject, other=w.unrelated, kind=AssociationKind.FRIENDSHIP, declared_on=dt.date(2024, 1, 2)
    )
    before = set(Exclusion.objects.filter(case=ppda_case).values_list("person_id", flat=True))
    out = StringIO()
    call_command("refresh_exclusions", stdout=out)
    after = set(Exclusion.objects.filter(case=ppda_case).values_list("person_id", flat=True))
    assert after - before == {w.teammate.pk, w.unrelated.pk}
    assert "2 exclusions added across 1 live cases" in out.getvalue()
