"""Import a force's workforce register from one CSV file: every row checked, nothing written on any error.

The file has a header row and a `record` column saying what each row is; other columns are read
according to the record (unused columns may be blank or absent). Dates are YYYY-MM-DD or DD/MM/YYYY.

| record             | columns                                                                                   |
| ------------------ | ----------------------------------------------------------------------------------------- |
| `unit`             | `unit`, `area` (blank for force-wide units)                                                |
| `person`           | `staff_number`, `name`, `kind` (officer/staff), `rank_or_grade`, `role`, `unit`, `area`,   |
|                    | `service_start`, `works_with_vulnerable` (yes/no)                                          |
| `posting`          | `staff_number`, `unit`, `area`, `started_on`, `ended_on` (blank while in post)             |
| `line_management`  | `staff_number` (the person managed), `manager_staff_number`, `started_on`, `ended_on`      |
| `association`      | `staff_number`, `other_staff_number`, `association_kind` (partner/family/friendship/other), |
|                    | `declared_on`, `note`                                                                      |
| `case_involvement` | `staff_number`, `case_reference`, `case_role`, `started_on`, `ended_on`                    |

Units are added when new. People are matched on staff number and updated. For each person in the
file, the file is their whole history: their postings, line management (as the one managed),
declared associations and case involvements are replaced by the rows given. Every posting,
line-management, association and case row must belong to a person row in the same file; the
manager or other person it names may be in the file or already in the force's register. A person's
current unit is the `unit` on their row, or else the unit of their open posting.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TextIO

from django.db import IntegrityError, transaction

from oversight.organisations.models import Organisation

from . import chains
from .models import Association, AssociationKind, CaseInvolvement, LineManagement, Person, PersonKind, Posting, Unit

RECORDS = ("unit", "person", "posting", "line_management", "association", "case_involvement")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
UnitKey = tuple[str, str]


@dataclass(frozen=True)
class RowError:
    line: int  # the line in the file, counting the header as line 1
    message: str

    def __str__(self) -> str:
        return f"Row {self.line}: {self.message}"


@dataclass
class ImportReport:
    errors: list[RowError] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    new_people: int = 0  # of counts["people"], those not on the register before

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Period:
    line: int
    staff_number: str
    started_on: dt.date
    ended_on: dt.date | None
    values: dict[str, str]


@dataclass
class _Parsed:
    units: dict[UnitKey, int] = field(default_factory=dict)
    people: dict[str, tuple[int, dict[str, str]]] = field(default_factory=dict)
    rows: dict[str, list[_Period]] = field(default_factory=lambda: defaultdict(list))


class _Row:
    """One CSV row and the errors found in it."""

    def __init__(self, line: int, values: dict[str, str], errors: list[RowError]) -> None:
        self.line, self.values, self.errors = line, values, errors

    def get(self, name: str) -> str:
        return (self.values.get(name) or "").strip()

    def fail(self, message: str) -> None:
        self.errors.append(RowError(self.line, message))

    def required(self, name: str) -> str:
        value = self.get(name)
        if not value:
            self.fail(f"{name} is missing")
        return value

    def date(self, name: str, *, required: bool = True) -> dt.date | None:
        text = self.get(name)
        if not text:
            if required:
                self.fail(f"{name} is missing")
            return None
        for fmt in DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        self.fail(f"{name} '{text}' is not a date (use YYYY-MM-DD or DD/MM/YYYY)")
        return None


def import_workforce(force: Organisation, file: TextIO) -> ImportReport:
    """Check every row; write the register only if no row has an error."""
    report = ImportReport()
    parsed = _parse(file, report.errors)
    if not report.errors:
        _check_references(force, parsed, report.errors)
    if report.errors:
        return report
    try:
        with transaction.atomic(), chains.deferred():  # the line-management closure, refreshed once at the end
            report.counts, report.new_people = _write(force, parsed)
    except IntegrityError as error:
        report.errors.append(RowError(1, f"the register refused the file ({error}); nothing was written"))
    return report


# --- reading and checking each row on its own ----------------------------------------------------


def _parse(file: TextIO, errors: list[RowError]) -> _Parsed:
    reader = csv.DictReader(file)
    if not reader.fieldnames or "record" not in reader.fieldnames:
        errors.append(RowError(1, "the header row must include a 'record' column"))
        return _Parsed()
    parsed = _Parsed()
    for line, values in enumerate(reader, start=2):
        row = _Row(line, values, errors)
        record = row.get("record").lower()
        if record not in RECORDS:
            row.fail(f"record '{record}' is not one of {', '.join(RECORDS)}")
        elif record == "unit":
            _read_unit(row, parsed)
        elif record == "person":
            _read_person(row, parsed)
        else:
            _read_period(row, record, parsed)
    return parsed


def _read_unit(row: _Row, parsed: _Parsed) -> None:
    name = row.required("unit")
    if name:
        parsed.units.setdefault((name, row.get("area")), row.line)


def _read_person(row: _Row, parsed: _Parsed) -> None:
    number = row.required("staff_number")
    row.required("name")
    if row.get("kind").lower() not in PersonKind.values:
        row.fail(f"kind '{row.get('kind')}' must be one of {', '.join(PersonKind.values)}")
    if row.get("works_with_vulnerable").lower() not in ("", "yes", "no"):
        row.fail("works_with_vulnerable must be yes or no")
    row.date("service_start", required=False)
    if number in parsed.people:
        row.fail(f"staff number {number} appears twice (first on row {parsed.people[number][0]})")
    elif number:
        parsed.people[number] = (row.line, row.values)


def _read_period(row: _Row, record: str, parsed: _Parsed) -> None:
    errors_before = len(row.errors)
    number = row.required("staff_number")
    start_field = "declared_on" if record == "association" else "started_on"
    started = row.date(start_field)
    ended = None if record == "association" else row.date("ended_on", required=False)
    if started and ended and ended < started:
        row.fail(f"ended_on {ended} is before started_on {started}")
    _read_record_fields(row, record, number)
    if started and len(row.errors) == errors_before:
        parsed.rows[record].append(_Period(row.line, number, started, ended, row.values))


def _read_record_fields(row: _Row, record: str, number: str) -> None:
    if record == "posting":
        row.required("unit")
    elif record == "line_management":
        if row.required("manager_staff_number") == number and number:
            row.fail(f"{number} cannot be their own line manager")
    elif record == "association":
        if row.required("other_staff_number") == number and number:
            row.fail(f"{number} cannot declare an association with themselves")
        if row.get("association_kind").lower() not in AssociationKind.values:
            row.fail(f"association_kind must be one of {', '.join(AssociationKind.values)}")
    else:
        row.required("case_reference")
        row.required("case_role")


# --- checking rows against each other and the register -----------------------------------------


def _check_references(force: Organisation, parsed: _Parsed, errors: list[RowError]) -> None:
    units = set(parsed.units) | set(Unit.objects.filter(force=force).values_list("name", "area"))
    in_file = set(parsed.people)
    on_register = set(Person.objects.filter(force=force).values_list("staff_number", flat=True))
    for number, (line, values) in parsed.people.items():
        key = _key(values)
        if key[0] and key not in units:
            errors.append(RowError(line, f"unknown unit '{_unit_name(key)}' for {number}"))
    for record, periods in parsed.rows.items():
        for period in periods:
            _check_period(record, period, units, in_file, in_file | on_register, errors)
    _check_overlaps(parsed.rows["posting"], errors)
    errors.sort(key=lambda error: error.line)


def _check_period(
    record: str, period: _Period, units: set[UnitKey], in_file: set[str], known: set[str], errors: list[RowError]
) -> None:
    if period.staff_number not in in_file:
        errors.append(RowError(period.line, f"unknown staff number {period.staff_number} (no person row in this file)"))
    other = period.values.get("manager_staff_number") or period.values.get("other_staff_number") or ""
    if other.strip() and other.strip() not in known:
        errors.append(RowError(period.line, f"unknown staff number {other.strip()}"))
    key = _key(period.values)
    if record == "posting" and key not in units:
        errors.append(RowError(period.line, f"unknown unit '{_unit_name(key)}'"))


def _check_overlaps(postings: Iterable[_Period], errors: list[RowError]) -> None:
    by_person: dict[str, list[_Period]] = defaultdict(list)
    for posting in postings:
        by_person[posting.staff_number].append(posting)
    for number, periods in by_person.items():
        periods.sort(key=lambda period: period.started_on)
        for before, after in itertools.pairwise(periods):
            if before.ended_on is None or after.started_on <= before.ended_on:
                until = before.ended_on or "now"
                errors.append(
                    RowError(
                        after.line,
                        f"posting for {number} overlaps the posting on row {before.line} "
                        f"({before.started_on} to {until})",
                    )
                )


def _unit_name(key: UnitKey) -> str:
    return f"{key[0]}, {key[1]}" if key[1] else key[0]


# --- writing -----------------------------------------------------------------------------------


def _write(force: Organisation, parsed: _Parsed) -> tuple[dict[str, int], int]:
    units = {(u.name, u.area): u for u in Unit.objects.filter(force=force)}
    new_units = [Unit(force=force, name=name, area=area) for name, area in parsed.units if (name, area) not in units]
    for unit in Unit.objects.bulk_create(new_units):
        units[(unit.name, unit.area)] = unit
    people, new_people = _write_people(force, parsed, units)
    Posting.objects.filter(person__in=people.values()).delete()
    LineManagement.objects.filter(person__in=people.values()).delete()
    Association.objects.filter(person__in=people.values()).delete()
    CaseInvolvement.objects.filter(person__in=people.values()).delete()
    everyone = {p.staff_number: p for p in Person.objects.filter(force=force)}
    postings, managed, associations, cases = _periods(parsed, units, everyone)
    Posting.objects.bulk_create(postings, batch_size=2000)
    LineManagement.objects.bulk_create(managed, batch_size=2000)
    Association.objects.bulk_create(associations, batch_size=2000)
    CaseInvolvement.objects.bulk_create(cases, batch_size=2000)
    counts = {
        "units": len(new_units),
        "people": len(people),
        "postings": len(postings),
        "line_management": len(managed),
        "associations": len(associations),
        "case_involvements": len(cases),
    }
    return counts, new_people


PERSON_FIELDS = ("name", "kind", "rank_or_grade", "role", "service_start", "works_with_vulnerable", "unit")


def _write_people(force: Organisation, parsed: _Parsed, units: dict[UnitKey, Unit]) -> tuple[dict[str, Person], int]:
    """Every person in the file, created or updated in batches; and how many were new."""
    existing = {p.staff_number: p for p in Person.objects.filter(force=force, staff_number__in=parsed.people)}
    open_postings = {p.staff_number: _key(p.values) for p in parsed.rows["posting"] if p.ended_on is None}
    people: dict[str, Person] = {}
    for number, (_, values) in parsed.people.items():
        person = existing.get(number) or Person(force=force, staff_number=number)
        row = _Row(0, values, [])
        person.name, person.kind = row.get("name"), row.get("kind").lower()
        person.rank_or_grade, person.role = row.get("rank_or_grade"), row.get("role")
        person.service_start = row.date("service_start", required=False)
        person.works_with_vulnerable = row.get("works_with_vulnerable").lower() == "yes"
        key = (row.get("unit"), row.get("area")) if row.get("unit") else open_postings.get(number)
        person.unit = units.get(key) if key else None
        people[number] = person
    new = [person for number, person in people.items() if number not in existing]
    Person.objects.bulk_create(new, batch_size=2000)
    Person.objects.bulk_update(existing.values(), PERSON_FIELDS, batch_size=2000)
    return people, len(new)


def _periods(
    parsed: _Parsed, units: dict[UnitKey, Unit], people: dict[str, Person]
) -> tuple[list[Posting], list[LineManagement], list[Association], list[CaseInvolvement]]:
    rows = parsed.rows
    postings = [
        Posting(person=people[p.staff_number], unit=units[_key(p.values)], started_on=p.started_on, ended_on=p.ended_on)
        for p in rows["posting"]
    ]
    managed = [
        LineManagement(
            person=people[p.staff_number],
            manager=people[p.values["manager_staff_number"].strip()],
            started_on=p.started_on,
            ended_on=p.ended_on,
        )
        for p in rows["line_management"]
    ]
    associations = [
        Association(
            person=people[p.staff_number],
            other=people[p.values["other_staff_number"].strip()],
            kind=p.values["association_kind"].strip().lower(),
            declared_on=p.started_on,
            note=(p.values.get("note") or "").strip(),
        )
        for p in rows["association"]
    ]
    cases = [
        CaseInvolvement(
            person=people[p.staff_number],
            case_reference=p.values["case_reference"].strip(),
            role=p.values["case_role"].strip(),
            started_on=p.started_on,
            ended_on=p.ended_on,
        )
        for p in rows["case_involvement"]
    ]
    return postings, managed, associations, cases


def _key(values: dict[str, str]) -> UnitKey:
    return ((values.get("unit") or "").strip(), (values.get("area") or "").strip())
