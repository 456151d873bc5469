"""`oversight generate` is reproducible: the same seed, scale and day give the same database, row for
row (checksummed with ids read as positions, synthetic/checksum.py), on whichever engine runs it;
another seed gives another nation. Each run happens inside a savepoint rolled back after it."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from oversight.synthetic.checksum import database_checksum, model_checksums

ON = dt.date(2026, 6, 30)


class _Undo(Exception):
    """Raised to roll a run back once its checksum is taken."""


def checksums_of_a_run(seed: int) -> dict[str, str]:
    """Each model's checksum after a run (a dict, so a failure names the models that differ)."""
    try:
        with transaction.atomic():
            call_command(
                "generate", "--scale", "0.002", "--seed", str(seed), "--on", ON.isoformat(),
                "--password", "reproducible-run-password", stdout=StringIO(),
            )  # fmt: skip
            raise _Undo(model_checksums())
    except _Undo as undo:
        sums: dict[str, str] = undo.args[0]
        return sums


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_nation_and_another_seed_another() -> None:
    empty = database_checksum()
    first, second = checksums_of_a_run(7), checksums_of_a_run(7)
    assert database_checksum() == empty  # each run was rolled back
    assert first == second
    other = checksums_of_a_run(8)
    assert other["cases.Case"] != first["cases.Case"] and other["workforce.Person"] != first["workforce.Person"]
