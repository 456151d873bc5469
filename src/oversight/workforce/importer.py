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

The file is read as a stream, one row at a time, and never held: it is checked first, keeping only
what the checks across rows need; if no row has an error it is read again, twice (units and people,
then their periods), and written in batches of BATCH_ROWS rows inside one transaction, so neither a
refused file nor a large valid one sits in memory, and nothing is written unless all of it is. A
stream that cannot be read again (standard input) is first copied to a temporary file. A field
longer than its column allows (or than the csv module reads at all) is an error on its row.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import shutil
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TextIO, cast

from django.db import IntegrityError, models, transaction

from oversight.lib.ranks import rank_problem
from oversight.organisations.models import Organisation

from . import chains
from .models import Association, AssociationKind, CaseInvolvement, LineManagement, Person, PersonKind, Posting, Unit
from .signals import Hold, register_changed, register_changing

RECORDS = ("unit", "person", "posting", "line_management", "association", "case_involvement")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
UnitKey = tuple[str, str]


def _max_length(model: type[models.Model], name: str) -> int:
    field = model._meta.get_field(name)
    assert isinstance(field, models.CharField) and field.max_length is not None
    return field.max_length


# The longest value each column may hold: the register's own field lengths.
COLUMN_LIMITS = {
    "staff_number": _max_length(Person, "staff_number"),
    "manager_staff_number": _max_length(Person, "staff_number"),
    "other_staff_number": _max_length(Person, "staff_number"),
    "name": _max_length(Person, "name"),
    "kind": _max_length(Person, "kind"),
    "rank_or_grade": _max_length(Person, "rank_or_grade"),
    "role": _max_length(Person, "role"),
    "unit": _max_length(Unit, "name"),
    "area": _max_length(Unit, "area"),
    "association_kind": _max_length(Association, "kind"),
    "note": _max_length(Association, "note"),
    "case_reference": _max_length(CaseInvolvement, "case_reference"),
    "case_role": _max_length(CaseInvolvement, "role"),
}
DATE_COLUMNS = ("service_start", "started_on", "ended_on", "declared_on")
# What each record keeps while the file is checked: what the checks across rows read.
CHECKED_COLUMNS: dict[str, tuple[str, ...]] = {
    "person": ("unit", "area"),
    "posting": ("unit", "area"),
    "line_management": ("manager_staff_number",),
    "association": ("other_staff_number",),
    "case_involvement": (),
}
# Columns whose values repeat from row to row: one copy of each value is kept.
REPEATING = frozenset({"kind", "rank_or_grade", "role", "unit", "area", "works_with_vulnerable", "association_kind"})
SHOWN_CHARACTERS = 40  # of a bad value quoted in an error


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
    rows: int = 0  # data rows read (rows with any value), the header not counted
    held: list[Hold] = field(default_factory=list)  # nothing written: waits for a second lead's approval

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(slots=True)
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
    data_rows: int = 0
    columns: dict[str, tuple[str, ...]] = field(default_factory=lambda: CHECKED_COLUMNS)


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
        self.fail(f"{name} '{_shown(text)}' is not a date (use YYYY-MM-DD or DD/MM/YYYY)")
        return None

    def check_lengths(self) -> bool:
        """Every value within its column's limit; a date column holds a date's length at most."""
        limits = {**COLUMN_LIMITS, **dict.fromkeys(DATE_COLUMNS, len("2024-12-31"))}
        too_long = [name for name, limit in limits.items() if len(self.get(name)) > limit]
        for name in too_long:
            self.fail(f"{name} is longer than {limits[name]:,} characters")
        return not too_long

    def kept(self, columns: tuple[str, ...]) -> dict[str, str]:
        """The columns kept of the row, stripped; repeating values shared between rows."""
        return {
            name: sys.intern(value) if name in REPEATING else value for name in columns if (value := self.get(name))
        }


def _shown(text: str) -> str:
    return text if len(text) <= SHOWN_CHARACTERS else text[:SHOWN_CHARACTERS] + "..."


def import_workforce(
    force: Organisation, file: TextIO, *, own_staff_number: str | None = None, approved: bool = False
) -> ImportReport:
    """Check every row; write the register only if no row has an error.

    `own_staff_number` is the importer's own entry in this force's register: nobody changes their own
    entry, so rows about it are refused (another PSD lead or administrator imports them). Unless the
    file was `approved` after being held, a write that removes a connection a live case rests on is
    rolled back and reported in `held` (signals.register_changing).
    """
    report = ImportReport()
    with _rereadable(file) as text:
        if _checked(force, text, own_staff_number, report):
            _write_all_or_nothing(force, text, approved, report)
    return report


def _checked(force: Organisation, file: TextIO, own_staff_number: str | None, report: ImportReport) -> bool:
    """Every row on its own, then across rows and against the register: no error found."""
    parsed = _parse(file, report.errors)
    report.rows = parsed.data_rows
    if not report.errors:
        _check_references(force, parsed, report.errors)
        _check_not_own(parsed, own_staff_number, report.errors)
    return not report.errors


def _write_all_or_nothing(force: Organisation, file: TextIO, approved: bool, report: ImportReport) -> None:
    try:
        with transaction.atomic():
            checks = [] if approved else _hold_checks(force)
            with chains.deferred():  # the line-management closure, refreshed once at the end of the write
                report.counts, report.new_people = _write(force, file)
            report.held = [hold for check in checks for hold in check()]
            if report.held:
                raise _Held()
            register_changed.send(__name__, force=force)
    except _Held:
        report.counts, report.new_people = {}, 0
    except IntegrityError as error:
        report.errors.append(RowError(1, f"the register refused the file ({error}); nothing was written"))


SPOOLED_IN_MEMORY = 1024 * 1024  # of a stream that cannot be read again; the rest goes to a temporary file


@contextmanager
def _rereadable(file: TextIO) -> Iterator[TextIO]:
    """The file itself when it can be read again from its start; else a temporary copy of it."""
    if file.seekable():
        yield file
        return
    with tempfile.SpooledTemporaryFile(SPOOLED_IN_MEMORY, "w+", encoding="utf-8", newline="") as copy:
        shutil.copyfileobj(file, copy)
        copy.seek(0)
        yield cast(TextIO, copy)


class _Held(Exception):
    """Rolls the write back: the file waits for approval."""


def _hold_checks(force: Organisation) -> list[Callable[[], list[Hold]]]:
    answers: Sequence[tuple[object, object]] = register_changing.send(__name__, force=force)
    return [cast(Callable[[], list[Hold]], check) for _, check in answers if callable(check)]


# --- reading and checking each row on its own ----------------------------------------------------


def _parse(file: TextIO, errors: list[RowError]) -> _Parsed:
    reader = csv.DictReader(file)
    try:
        header = reader.fieldnames
    except csv.Error as error:
        header = None
        errors.append(RowError(1, _unreadable(error)))
    if not header or "record" not in header:
        if not errors:
            errors.append(RowError(1, "the header row must include a 'record' column"))
        return _Parsed()
    parsed = _Parsed()
    for line, values in _rows(reader, errors):
        row = _Row(line, values, errors)
        parsed.data_rows += any(value for value in values.values() if isinstance(value, str))
        if not row.check_lengths():
            continue
        _read_row(row, parsed)
    return parsed


def _rows(reader: csv.DictReader[str], errors: list[RowError]) -> Iterator[tuple[int, dict[str, str]]]:
    """Each data row with its number, counting the header as 1; a row the csv module cannot read is an error."""
    for line in itertools.count(2):
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            errors.append(RowError(line, _unreadable(error)))
            continue
        yield line, values


def _unreadable(error: csv.Error) -> str:
    if "field limit" in str(error):
        return f"a field is longer than {csv.field_size_limit():,} characters, far more than any column holds"
    return f"the row cannot be read as CSV ({error})"


def _read_row(row: _Row, parsed: _Parsed) -> None:
    record = row.get("record").lower()
    if record not in RECORDS:
        row.fail(f"record '{_shown(record)}' is not one of {', '.join(RECORDS)}")
    elif record == "unit":
        _read_unit(row, parsed)
    elif record == "person":
        _read_person(row, parsed)
    else:
        _read_period(row, record, parsed)


def _read_unit(row: _Row, parsed: _Parsed) -> None:
    name = row.required("unit")
    if name:
        parsed.units.setdefault((name, row.get("area")), row.line)


def _read_person(row: _Row, parsed: _Parsed) -> None:
    number = row.required("staff_number")
    row.required("name")
    if row.get("kind").lower() not in PersonKind.values:
        row.fail(f"kind '{_shown(row.get('kind'))}' must be one of {', '.join(PersonKind.values)}")
    if row.get("works_with_vulnerable").lower() not in ("", "yes", "no"):
        row.fail("works_with_vulnerable must be yes or no")
    row.date("service_start", required=False)
    if problem := rank_problem(row.get("rank_or_grade")):
        row.fail(problem)
    if number in parsed.people:
        row.fail(f"staff number {number} appears twice (first on row {parsed.people[number][0]})")
    elif number:
        parsed.people[number] = (row.line, row.kept(parsed.columns["person"]))


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
        parsed.rows[record].append(_Period(row.line, number, started, ended, row.kept(parsed.columns[record])))


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


def _check_not_own(parsed: _Parsed, own: str | None, errors: list[RowError]) -> None:
    if not own:
        return
    lines = [parsed.people[own][0]] if own in parsed.people else []
    lines += [period.line for periods in parsed.rows.values() for period in periods if period.staff_number == own]
    message = f"this row is about your own register entry ({own}): another PSD lead or administrator must import it"
    errors.extend(RowError(line, message) for line in sorted(lines))
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


# --- writing, in batches ------------------------------------------------------------------------
#
# The checked file is read twice more, never held: first its units and people (a person's row may
# come after a posting that names them, and a manager may be anyone in the file), then every period.
# Each batch of rows is written and let go, and staff numbers are turned into ids by one query per
# batch, so what the write holds does not grow with the file. It all runs in the caller's transaction.

BATCH_ROWS = 2000
PERIOD_RECORDS = ("posting", "line_management", "association", "case_involvement")
PERSON_FIELDS = ("name", "kind", "rank_or_grade", "role", "service_start", "works_with_vulnerable", "unit")


def _write(force: Organisation, file: TextIO) -> tuple[dict[str, int], int]:
    writer = _Writer(force)
    for batch in _batches(file, ("unit", "person")):
        writer.units_and_people(batch)
    for batch in _batches(file, PERIOD_RECORDS):
        writer.periods(batch)
    return writer.counts, writer.new_people


def _batches(file: TextIO, records: tuple[str, ...]) -> Iterator[list[tuple[str, _Row]]]:
    """The checked file from its start, the rows of these records, BATCH_ROWS at a time."""
    file.seek(0)
    batch: list[tuple[str, _Row]] = []
    for line, values in enumerate(csv.DictReader(file), start=2):
        record = (values.get("record") or "").strip().lower()
        if record in records:
            batch.append((record, _Row(line, values, [])))
        if len(batch) >= BATCH_ROWS:
            yield batch
            batch = []
    if batch:
        yield batch


class _Writer:
    """Writes batches of checked rows into one force's register and counts what it wrote."""

    def __init__(self, force: Organisation) -> None:
        self.force = force
        # The force's units by name and area (a few hundred, however long the file): every unit a row
        # names is one of them.
        self.units: dict[UnitKey, int] = {
            (name, area): pk for pk, name, area in Unit.objects.filter(force=force).values_list("pk", "name", "area")
        }
        self.counts = dict.fromkeys(("units", "people", "postings", "line_management", "associations",
                                     "case_involvements"), 0)  # fmt: skip
        self.new_people = 0

    def units_and_people(self, batch: list[tuple[str, _Row]]) -> None:
        """New units, then each person created or updated, and their postings, line management (as the
        one managed), associations and case involvements deleted: the file replaces them."""
        rows = [row for record, row in batch if record == "person"]
        # A unit is named by its own row, which may come after a person row naming it.
        named = {(row.get("unit"), row.get("area")) for record, row in batch if record == "unit" or row.get("unit")}
        new_units = [Unit(force=self.force, name=name, area=area) for name, area in named - set(self.units)]
        for unit in Unit.objects.bulk_create(new_units):
            self.units[(unit.name, unit.area)] = unit.pk
        numbers = [row.get("staff_number") for row in rows]
        existing = {p.staff_number: p for p in Person.objects.filter(force=self.force, staff_number__in=numbers)}
        people = [self._person(row, existing.get(row.get("staff_number"))) for row in rows]
        new = [person for person in people if person.pk is None]
        Person.objects.bulk_create(new)
        Person.objects.bulk_update(existing.values(), PERSON_FIELDS)
        for model in (Posting, LineManagement, Association, CaseInvolvement):
            model.objects.filter(person__in=people).delete()
        self.counts["units"] += len(new_units)
        self.counts["people"] += len(people)
        self.new_people += len(new)

    def _person(self, row: _Row, person: Person | None) -> Person:
        person = person or Person(force=self.force, staff_number=row.get("staff_number"))
        person.name, person.kind = row.get("name"), row.get("kind").lower()
        person.rank_or_grade, person.role = row.get("rank_or_grade"), row.get("role")
        person.service_start = row.date("service_start", required=False)
        person.works_with_vulnerable = row.get("works_with_vulnerable").lower() == "yes"
        # Without a unit on the row, the unit of the open posting: set when the periods are written.
        person.unit_id = self.units[_key(row.values)] if row.get("unit") else None
        return person

    def periods(self, batch: list[tuple[str, _Row]]) -> None:
        numbers = {row.get(name) for _, row in batch for name in ("staff_number", *_OTHER.values())} - {""}
        ids = dict(Person.objects.filter(force=self.force, staff_number__in=numbers).values_list("staff_number", "pk"))
        made: dict[str, list[models.Model]] = defaultdict(list)
        for record, row in batch:
            made[record].append(_PERIOD_MAKERS[record](row, ids[row.get("staff_number")], ids, self.units))
        Posting.objects.bulk_create(made["posting"])  # type: ignore[arg-type]
        LineManagement.objects.bulk_create(made["line_management"])  # type: ignore[arg-type]
        Association.objects.bulk_create(made["association"])  # type: ignore[arg-type]
        CaseInvolvement.objects.bulk_create(made["case_involvement"])  # type: ignore[arg-type]
        self._current_units(made["posting"])  # type: ignore[arg-type]
        for record, counted in _COUNTED.items():
            self.counts[counted] += len(made[record])

    @staticmethod
    def _current_units(postings: list[Posting]) -> None:
        """A person whose row names no unit is in the unit of their open posting (at most one: checked)."""
        by_unit: dict[int, list[int]] = defaultdict(list)
        for posting in postings:
            if posting.ended_on is None:
                by_unit[posting.unit_id].append(posting.person_id)
        for unit_id, people in by_unit.items():
            Person.objects.filter(pk__in=people, unit__isnull=True).update(unit_id=unit_id)


_OTHER = {"line_management": "manager_staff_number", "association": "other_staff_number"}
_COUNTED = {"posting": "postings", "line_management": "line_management", "association": "associations",
            "case_involvement": "case_involvements"}  # fmt: skip


def _posting(row: _Row, person: int, ids: dict[str, int], units: dict[UnitKey, int]) -> Posting:
    return Posting(
        person_id=person,
        unit_id=units[_key(row.values)],
        started_on=_day(row, "started_on"),
        ended_on=row.date("ended_on", required=False),
    )


def _line_management(row: _Row, person: int, ids: dict[str, int], units: dict[UnitKey, int]) -> LineManagement:
    return LineManagement(
        person_id=person,
        manager_id=ids[row.get("manager_staff_number")],
        started_on=_day(row, "started_on"),
        ended_on=row.date("ended_on", required=False),
    )


def _association(row: _Row, person: int, ids: dict[str, int], units: dict[UnitKey, int]) -> Association:
    return Association(
        person_id=person,
        other_id=ids[row.get("other_staff_number")],
        kind=row.get("association_kind").lower(),
        declared_on=_day(row, "declared_on"),
        note=row.get("note"),
    )


def _case_involvement(row: _Row, person: int, ids: dict[str, int], units: dict[UnitKey, int]) -> CaseInvolvement:
    return CaseInvolvement(
        person_id=person,
        case_reference=row.get("case_reference"),
        role=row.get("case_role"),
        started_on=_day(row, "started_on"),
        ended_on=row.date("ended_on", required=False),
    )


def _day(row: _Row, name: str) -> dt.date:
    """A date the check found on the row: it is there."""
    day = row.date(name)
    assert day is not None, f"row {row.line}: {name} was checked"
    return day


_PERIOD_MAKERS: dict[str, Callable[[_Row, int, dict[str, int], dict[UnitKey, int]], models.Model]] = {
    "posting": _posting,
    "line_management": _line_management,
    "association": _association,
    "case_involvement": _case_involvement,
}


def _key(values: dict[str, str]) -> UnitKey:
    return ((values.get("unit") or "").strip(), (values.get("area") or "").strip())
