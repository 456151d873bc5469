"""Workforce CSV import (row-level errors, nothing written on failure) and the synthetic generator."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from oversight.organisations.models import Organisation
from oversight.workforce import connections
from oversight.workforce.generator import generate
from oversight.workforce.importer import import_workforce
from oversight.workforce.models import Association, LineManagement, Person, Posting, Unit

HEADER = (
    "record,staff_number,name,kind,rank_or_grade,role,unit,area,service_start,works_with_vulnerable,"
    "started_on,ended_on,manager_staff_number,other_staff_number,association_kind,declared_on,note,"
    "case_reference,case_role"
)
GOOD = [
    "unit,,,,,,Response Team B,Walsall,,,,,,,,,,,",
    "unit,,,,,,CID Team A,Walsall,,,,,,,,,,,",
    "person,1001,Asha Khan,officer,Sgt,Team leader,,,2008-09-01,no,,,,,,,,,",
    "person,1002,Ben Jones,officer,PC,Response officer,,,01/03/2016,yes,,,,,,,,,",
    "person,1003,Cara Ward,staff,Grade C,Analyst,CID Team A,Walsall,2019-01-01,no,,,,,,,,,",
    "posting,1001,,,,,Response Team B,Walsall,,,2017-03-01,,,,,,,,",
    "posting,1002,,,,,CID Team A,Walsall,,,2016-03-01,2018-12-31,,,,,,,",
    "posting,1002,,,,,Response Team B,Walsall,,,2019-01-01,,,,,,,,",
    "posting,1003,,,,,CID Team A,Walsall,,,2019-01-01,,,,,,,,",
    "line_management,1002,,,,,,,,,2019-01-01,,1001,,,,,,",
    "association,1003,,,,,,,,,,,,1001,partner,,,,",
    "case_involvement,1003,,,,,,,,,2021-02-01,2021-09-30,,,,,,PSD/21/4,witness",
]


def csv_of(*rows: str) -> io.StringIO:
    return io.StringIO("\n".join([HEADER, *rows]) + "\n")


def good_rows() -> list[str]:
    rows = list(GOOD)
    rows[10] = "association,1003,,,,,,,,,,,,1001,partner,2020-05-01,met at training,,"
    return rows


def test_a_good_file_is_imported(wmp: Organisation) -> None:
    report = import_workforce(wmp, csv_of(*good_rows()))
    assert report.ok, report.errors
    assert report.counts == {
        "units": 2,
        "people": 3,
        "postings": 4,
        "line_management": 1,
        "associations": 1,
        "case_involvements": 1,
    }
    ben = Person.objects.get(force=wmp, staff_number="1002")
    assert (ben.name, ben.rank_or_grade, ben.kind, str(ben.unit), ben.works_with_vulnerable) == (
        "Ben Jones",
        "PC",
        "officer",
        "Response Team B, Walsall",
        True,
    )
    assert ben.service_start == dt.date(2016, 3, 1)
    asha = Person.objects.get(force=wmp, staff_number="1001")
    links = connections.direct_links(ben.pk, [asha.pk], on=dt.date(2024, 6, 30))
    assert {link.kind for link in links} == {connections.LinkKind.SAME_UNIT, connections.LinkKind.LINE_MANAGEMENT}


def _queries_to_import(wmp: Organisation, people: int) -> int:
    rows = [f"person,{9000 + n},P {n},officer,PC,,,,,,,,,,,,,," for n in range(people)]
    with CaptureQueriesContext(connection) as queries:
        assert import_workforce(wmp, csv_of(*rows)).ok
    return len(queries.captured_queries)


def test_importing_writes_people_in_batches_not_one_query_each(wmp: Organisation) -> None:
    _queries_to_import(wmp, 1)
    # Both runs update some people and add others: 1 and 1, then 2 and 38.
    assert _queries_to_import(wmp, 2) == _queries_to_import(wmp, 40)


def test_importing_again_replaces_each_persons_history(wmp: Organisation) -> None:
    assert import_workforce(wmp, csv_of(*good_rows())).ok
    rows = good_rows()
    del rows[9]  # the line management row
    rows[7] = "posting,1002,,,,,Response Team B,Walsall,,,2019-01-01,2023-12-31,,,,,,,"
    report = import_workforce(wmp, csv_of(*rows))
    assert report.ok, report.errors
    assert Person.objects.filter(force=wmp).count() == 3
    assert not LineManagement.objects.exists()
    assert Posting.objects.filter(person__staff_number="1002", ended_on__isnull=True).count() == 0
    assert Unit.objects.filter(force=wmp).count() == 2


BAD = [
    ("unknown unit", "posting,1003,,,,,Traffic,Walsall,,,2023-01-01,,,,,,,,", 14, "unknown unit 'Traffic, Walsall'"),
    (
        "unknown unit on a person",
        "person,1004,Dee,officer,PC,,Dogs,,,,,,,,,,,,",
        14,
        "unknown unit 'Dogs' for 1004",
    ),
    (
        "overlapping postings",
        "posting,1001,,,,,CID Team A,Walsall,,,2016-01-01,2017-03-01,,,,,,,",
        7,
        "posting for 1001 overlaps the posting on row 14 (2016-01-01 to 2017-03-01)",
    ),
    (
        "reversed posting dates",
        "posting,1003,,,,,CID Team A,Walsall,,,2018-05-01,2017-01-01,,,,,,,",
        14,
        "ended_on 2017-01-01 is before started_on 2018-05-01",
    ),
    (
        "duplicate staff number",
        "person,1002,Bea Jones,officer,PC,,,,,,,,,,,,,,",
        14,
        "staff number 1002 appears twice (first on row 5)",
    ),
    (
        "own line manager",
        "line_management,1001,,,,,,,,,2019-01-01,,1001,,,,,,",
        14,
        "1001 cannot be their own line manager",
    ),
    ("unknown manager", "line_management,1003,,,,,,,,,2019-01-01,,9999,,,,,,", 14, "unknown staff number 9999"),
    (
        "row for a person not in the file",
        "posting,7777,,,,,CID Team A,Walsall,,,2019-01-01,,,,,,,,",
        14,
        "unknown staff number 7777 (no person row in this file)",
    ),
    ("unknown associate", "association,1001,,,,,,,,,,,,4242,friendship,2020-01-01,,,", 14, "unknown staff number 4242"),
    (
        "bad date",
        "posting,1003,,,,,CID Team A,Walsall,,,31/02/2020,,,,,,,,",
        14,
        "started_on '31/02/2020' is not a date (use YYYY-MM-DD or DD/MM/YYYY)",
    ),
    ("bad kind", "person,1005,Eve,contractor,,,,,,,,,,,,,,,", 14, "kind 'contractor' must be one of officer, staff"),
    ("unknown record", "vehicle,1001,,,,,,,,,,,,,,,,,", 14, "record 'vehicle' is not one of"),
    ("missing date", "line_management,1003,,,,,,,,,,,1001,,,,,,", 14, "started_on is missing"),
]


@pytest.mark.parametrize(("problem", "row", "line", "message"), BAD, ids=[bad[0] for bad in BAD])
def test_a_bad_row_is_reported_by_row_number_and_nothing_is_written(
    wmp: Organisation, problem: str, row: str, line: int, message: str
) -> None:
    report = import_workforce(wmp, csv_of(*good_rows(), row))
    assert not report.ok
    assert any(error.line == line and message in error.message for error in report.errors), report.errors
    assert str(report.errors[0]).startswith("Row ")
    assert not Person.objects.filter(force=wmp).exists()
    assert not Unit.objects.filter(force=wmp).exists()
    assert not Posting.objects.exists()
    assert not Association.objects.exists()


def test_overlap_is_reported_on_the_later_row(wmp: Organisation) -> None:
    rows = [*good_rows(), "posting,1001,,,,,CID Team A,Walsall,,,2016-01-01,2017-03-01,,,,,,,"]
    report = import_workforce(wmp, csv_of(*rows))
    [error] = report.errors
    assert str(error) == "Row 7: posting for 1001 overlaps the posting on row 14 (2016-01-01 to 2017-03-01)"


def test_an_existing_register_is_left_alone_when_a_file_fails(wmp: Organisation) -> None:
    assert import_workforce(wmp, csv_of(*good_rows())).ok
    rows = good_rows()
    rows[3] = "person,1002,Ben Changed,officer,PC,,,,,,,,,,,,,,"
    report = import_workforce(wmp, csv_of(*rows, "line_management,1001,,,,,,,,,2019-01-01,,1001,,,,,,"))
    assert not report.ok
    assert Person.objects.get(staff_number="1002").name == "Ben Jones"
    assert LineManagement.objects.count() == 1


def test_a_file_without_a_record_column_is_refused(wmp: Organisation) -> None:
    report = import_workforce(wmp, io.StringIO("staff_number,name\n1,A\n"))
    assert [str(e) for e in report.errors] == ["Row 1: the header row must include a 'record' column"]


def test_command_imports_and_reports_errors(wmp: Organisation, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(csv_of(*good_rows()).getvalue())
    out = io.StringIO()
    call_command("import_workforce", "west-midlands-police", str(good), stdout=out)
    assert "3 people" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text(csv_of(*good_rows(), "line_management,1001,,,,,,,,,2019-01-01,,1001,,,,,,").getvalue())
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 errors; nothing was imported"):
        call_command("import_workforce", "west-midlands-police", str(bad), stderr=err)
    assert "Row 14: 1001 cannot be their own line manager" in err.getvalue()
    with pytest.raises(CommandError, match="No force"):
        call_command("import_workforce", "nowhere", str(good))


# --- generator ---------------------------------------------------------------------------------


def snapshot(force: Organisation) -> list[tuple[object, ...]]:
    people = list(
        Person.objects.filter(force=force)
        .order_by("staff_number")
        .values_list("staff_number", "name", "rank_or_grade", "unit__name", "unit__area", "service_start")
    )
    postings = list(
        Posting.objects.filter(person__force=force)
        .order_by("person__staff_number", "started_on")
        .values_list("person__staff_number", "unit__name", "started_on", "ended_on")
    )
    managed = list(
        LineManagement.objects.filter(person__force=force)
        .order_by("person__staff_number", "started_on", "manager__staff_number")
        .values_list("person__staff_number", "manager__staff_number", "started_on")
    )
    return [*people, *postings, *managed]


def test_generator_is_reproducible_with_a_seed(wmp: Organisation) -> None:
    on = dt.date(2024, 6, 30)
    summary = generate([wmp], scale=0.01, seed=7, on=on)
    first = snapshot(wmp)
    assert summary.people == Person.objects.filter(force=wmp).count() > 50
    assert summary.postings > summary.people  # careers have earlier postings
    generate([wmp], scale=0.01, seed=7, on=on, replace=True)
    assert snapshot(wmp) == first
    generate([wmp], scale=0.01, seed=8, on=on, replace=True)
    assert snapshot(wmp) != first


def test_generated_register_obeys_the_rules(wmp: Organisation) -> None:
    generate([wmp], scale=0.01, seed=3, on=dt.date(2024, 6, 30))
    for person in Person.objects.filter(force=wmp).prefetch_related("postings"):
        periods = sorted((p.started_on, p.ended_on) for p in person.postings.all())
        assert [end for _, end in periods].count(None) == 1
        for (_, end), (start, _) in itertools.pairwise(periods):
            assert end is not None and end < start
    assert not LineManagement.objects.filter(person=F("manager")).exists()
    assert Person.objects.filter(force=wmp, rank_or_grade="CC").count() == 1


def test_generate_workforce_command_with_a_hyphen(wmp: Organisation) -> None:
    out = io.StringIO()
    call_command(
        "generate-workforce", "--scale", "0.005", "--seed", "2", "--forces", "west-midlands-police", stdout=out
    )
    assert "1 forces:" in out.getvalue()
    with pytest.raises(CommandError, match="--replace"):
        call_command("generate_workforce", "--scale", "0.005", "--forces", "west-midlands-police")
    with pytest.raises(CommandError, match="No force with slug: nowhere"):
        call_command("generate_workforce", "--forces", "nowhere")
