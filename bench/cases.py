"""The cases the per-request exclusion is measured against, opened as the product opens them.

One case for each subject of the exclusion sample (bench/sample.py), in the largest force, each given
its standing exclusions by the product's own `cases.services.record_exclusions`: the subject and
everyone directly connected to them, as a case gets when it is opened and whenever the force's
register is imported. A request then reads those rows first and asks the register only about the
cases they do not answer (cases/access.py `excluded_from`). The cases are removed again before the
workforce is generated anew (a subject's register entry cannot be deleted while a case names it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

PREFIX = "BENCH-"


def remove() -> None:
    """Delete the cases an earlier run opened, with their subjects and exclusions."""
    from auditlog.context import disable_auditlog

    from oversight.cases.models import Case

    with disable_auditlog():
        Case.objects.filter(reference__startswith=PREFIX).delete()


def open_for(subjects: list[int], force_id: int) -> dict[str, Any]:
    """A case for each subject with its standing exclusions; {"cases": [...], "subject_of": {case: subject}}."""
    from django.contrib.auth.models import User
    from django.db import transaction

    from oversight.cases.models import Arrival, Case, Subject
    from oversight.cases.services import record_exclusions

    remove()
    opener, _ = User.objects.get_or_create(username="bench.opener")
    today = dt.date.today()
    with transaction.atomic():
        cases = Case.objects.bulk_create(
            Case(
                reference=f"{PREFIX}{n:06d}",
                force_id=force_id,
                arrival=Arrival.COMPLAINT,
                received_on=today,
                summary="Opened by the benchmark",
                opened_by=opener,
            )
            for n in range(len(subjects))
        )
        ids = [case.pk for case in cases]  # both engines return the new ids from a bulk insert
        pairs = zip(ids, subjects, strict=True)
        Subject.objects.bulk_create(Subject(case_id=case, person_id=person) for case, person in pairs)
        standing = record_exclusions(ids)
    return {"cases": ids, "subject_of": dict(zip(ids, subjects, strict=True)), "standing_exclusions": standing}
