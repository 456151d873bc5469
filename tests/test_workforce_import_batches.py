"""A workforce file written in batches gives the register a file written at once gives (importer.BATCH_ROWS)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.db import transaction

from oversight.organisations.models import Organisation
from oversight.workforce import importer
from oversight.workforce.importer import import_workforce
from oversight.workforce.models import (
    Association,
    CaseInvolvement,
    ChainLink,
    LineManagement,
    Person,
    PersonKind,
    Posting,
    Unit,
)
from tests.test_workforce_import import HEADER

# In an order that makes batches matter: periods before the person rows they belong to, a unit row
# after the person row that names it, a manager and an associate named before their own rows, and
# someone already on the register (with an old posting the file replaces) or only on the register.
ROWS = [
    "posting,1002,,,,,CID Team A,Walsall,,,2016-03-01,2018-12-31,,,,,,,",
    "posting,1002,,,,,Response Team B,Walsall,,,2019-01-01,,,,,,,,",
    "line_management,1003,,,,,,,,,2020-01-01,,1002,,,,,,",
    "line_management,1002,,,,,,,,,2019-01-01,,1001,,,,,,",
    "person,1001,Asha Khan,officer,Ch Supt,Head of crime,CID Team A,Walsall,2008-09-01,no,,,,,,,,,",
    "unit,,,,,,Response Team B,Walsall,,,,,,,,,,,",
    "person,1002,Ben Jones,officer,PC,Response officer,,,01/03/2016,yes,,,,,,,,,",
    "association,1003,,,,,,,,,,,,0900,friendship,2020-05-01,trained together,,",
    "unit,,,,,,CID Team A,Walsall,,,,,,,,,,,",
    "person,1003,Cara Ward,staff,Grade C,Analyst,,,2019-01-01,no,,,,,,,,,",
    "posting,1003,,,,,CID Team A,Walsall,,,2019-01-01,,,,,,,,",
    "case_involvement,1003,,,,,,,,,2021-02-01,2021-09-30,,,,,,PSD/21/4,witness",
    "posting,1001,,,,,CID Team A,Walsall,,,2017-03-01,,,,,,,,",
]


def _csv() -> io.StringIO:
    return io.StringIO("\n".join([HEADER, *ROWS]) + "\n")


@pytest.fixture
def register(wmp: Organisation) -> None:
    """Someone only on the register, and 1001 already on it under an old name with an old posting."""
    old = Unit.objects.create(force=wmp, name="Old Unit", area="Walsall")
    Person.objects.create(force=wmp, staff_number="0900", name="Dev Rao", kind=PersonKind.OFFICER, unit=old)
    asha = Person.objects.create(force=wmp, staff_number="1001", name="Asha Old", kind=PersonKind.OFFICER)
    Posting.objects.create(person=asha, unit=old, started_on=dt.date(2001, 1, 1))


def _snapshot(force: Organisation) -> dict[str, Any]:
    """Everything the import writes, by staff number and unit name rather than by id."""
    people = Person.objects.filter(force=force)
    return {
        "people": sorted(
            people.values_list(
                "staff_number",
                "name",
                "kind",
                "rank_or_grade",
                "role",
                "unit__name",
                "service_start",
                "works_with_vulnerable",
            )
        ),
        "units": sorted(Unit.objects.filter(force=force).values_list("name", "area")),
        "postings": sorted(
            Posting.objects.filter(person__force=force).values_list(
                "person__staff_number", "unit__name", "started_on", "ended_on"
            )
        ),
        "line_management": sorted(
            LineManagement.objects.filter(person__force=force).values_list(
                "person__staff_number", "manager__staff_number", "started_on", "ended_on"
            )
        ),
        "associations": sorted(
            Association.objects.filter(person__force=force).values_list(
                "person__staff_number", "other__staff_number", "kind", "declared_on", "note"
            )
        ),
        "cases": sorted(
            CaseInvolvement.objects.filter(person__force=force).values_list(
                "person__staff_number", "case_reference", "role", "started_on", "ended_on"
            )
        ),
        "closure": sorted(
            ChainLink.objects.filter(descendant__force=force).values_list(
                "ancestor__staff_number", "descendant__staff_number", "depth", "started_on", "ended_on"
            )
        ),
    }


def _imported(force: Organisation, batch_rows: int, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, dict[str, Any]]:
    monkeypatch.setattr(importer, "BATCH_ROWS", batch_rows)
    report = import_workforce(force, _csv())
    assert report.ok and not report.held, report.errors
    return (report.counts, report.new_people, report.rows), _snapshot(force)


@pytest.mark.parametrize("batch_rows", [1, 2, 3, 5])
def test_batches_of_any_size_write_what_one_batch_writes(
    wmp: Organisation, register: None, batch_rows: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    with transaction.atomic():
        whole = _imported(wmp, 10_000, monkeypatch)  # the whole file in one batch, as before batches
        transaction.set_rollback(True)
    assert _snapshot(wmp)["people"] == [("0900", "Dev Rao", "officer", "", "", "Old Unit", None, False),
                                        ("1001", "Asha Old", "officer", "", "", None, None, False)]  # fmt: skip
    assert _imported(wmp, batch_rows, monkeypatch) == whole


def test_what_the_batched_file_writes(wmp: Organisation, register: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The facts the comparison above rests on, so that two equally wrong writes cannot agree."""
    (counts, new_people, rows), written = _imported(wmp, 2, monkeypatch)
    assert counts == {"units": 2, "people": 3, "postings": 4, "line_management": 2, "associations": 1,
                      "case_involvements": 1}  # fmt: skip
    assert (new_people, rows) == (2, len(ROWS))
    people = {row[0]: row for row in written["people"]}
    assert people["1001"][1:3] == ("Asha Khan", "officer") and people["1001"][5] == "CID Team A"
    assert people["1002"][5] == "Response Team B"  # no unit on the row: the open posting's
    assert people["1003"][5] == "CID Team A"
    assert people["0900"][5] == "Old Unit"  # not in the file: untouched
    assert ("1001", "Old Unit", dt.date(2001, 1, 1), None) not in written["postings"]  # replaced by the file's
    assert [row[:3] for row in written["closure"]] == [("1001", "1002", 1), ("1001", "1003", 2), ("1002", "1003", 1)]
    assert written["associations"] == [("1003", "0900", "friendship", dt.date(2020, 5, 1), "trained together")]


def test_a_failure_after_some_batches_leaves_nothing_written(
    wmp: Organisation, register: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _snapshot(wmp)
    monkeypatch.setattr(importer, "BATCH_ROWS", 2)
    real = importer._Writer.periods
    calls = []

    def fail_on_the_third(writer: importer._Writer, batch: list[Any]) -> None:
        calls.append(len(batch))
        if len(calls) == 3:
            raise RuntimeError("the database went away")
        real(writer, batch)

    monkeypatch.setattr(importer._Writer, "periods", fail_on_the_third)
    with pytest.raises(RuntimeError):
        import_workforce(wmp, _csv())
    assert len(calls) == 3 and _snapshot(wmp) == before
