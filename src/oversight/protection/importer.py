"""Bulk import of protective measures and their breaches, as a force's system exports them (CSV or
XLSX): every row checked against the statutory rules first, nothing written on any error.

One file holds both kinds of row. An optional `record` column says what each row is: `measure` (the
default when the column is absent or blank) or `breach`. A breach row names its measure by the same
`reference` and `measure_type` as the measure's own row (in the same file, or imported before).
Headings are our field names below, or the force's own headings through its saved mapping
(`ImportMapping`, set on the mapping page the first time a file's headings are not known); coded
values (measure type, status, reported by, response, outcome) accept our values, their labels, the
common abbreviations (NMO, DVPO, RO, ...) and the force's own codes saved with its mapping.

| record  | column                    | req. | what it holds                                                    |
| ------- | ------------------------- | ---- | ---------------------------------------------------------------- |
| both    | `reference`               | yes  | the force system's own reference for the measure                 |
| both    | `measure_type`            | yes  | pre_charge_bail, dvpn, dvpo, dapn, dapo, nmo, restraining_order, |
|         |                           |      | spo (or NMO, DVPO, RO, a label, or the force's own code)         |
| both    | `force`                   |      | if given, the importing force (its name or slug)                 |
| measure | `restrained_name`         | yes  | the person restrained                                            |
| measure | `restrained_staff_number` |      | their staff number when they serve with the force                |
| measure | `made_at`                 | yes  | when given, issued or made (a date, or a date and time)          |
| measure | `served_at`, `hearing_at` |      | dates and times                                                  |
| measure | `arrested_on`, `applied_on`, `ends_on`, `renewal_on`, `ended_on` | dates                     |
| measure | `until_further_order`     |      | yes/no                                                           |
| measure | `status`                  |      | applied, in_force, refused, ended (default: ended if `ended_on`) |
| measure | `authorised_by_name`, `authorised_by_rank`, `court`, `end_reason`: text (a court's order: `court`) |
| breach  | `reported_at`             | yes  | when the breach was reported                                     |
| breach  | `reported_by`             | yes  | victim, police, witness, agency, monitoring                      |
| breach  | `description`             | yes  | what happened                                                    |
| breach  | `response`                |      | arrest, voluntary_interview, warning, no_action (with            |
|         |                           |      | `no_action_reason`)                                              |
| breach  | `responded_at`, `arrest_at` |    | dates and times (`arrest_at`: arrested for the breach)           |
| breach  | `charged_on`, `outcome_on`  |    | dates                                                            |
| breach  | `charge`, `reporter_name`   |    | text                                                             |
| breach  | `outcome`                 |      | pending (default), conviction, caution, acquittal, nfa           |

Dates are `YYYY-MM-DD` or `DD/MM/YYYY`, with `HH:MM[:SS]` after a space (or `T`) for a time, read as
UK time; a workbook's date cells are read as they are. Each measure row is checked by `rules.py`
against the rule in force in the force on the day it was made: an unknown measure type, served before
made, a length outside the rule (a DVPO of 35 days), an authoriser below the rule's rank or a court
where an officer must make it; and here: dates of events in the future, a `force` other than the
importer's, a field longer than its column, a restrained staff number not on the force's register.
Two rows for the same measure (type and reference) or the same breach (measure and moment reported)
are an error naming both rows.

Idempotence. A measure's natural key is (force, measure type, reference), the model's unique
constraint; a breach's is (measure, moment reported), since force systems give breaches no reference
of their own. A row whose key exists and whose values are all the same is `unchanged` and written not
at all; a row whose values differ updates the record (its version bumped) and is `updated`: the file
is the force system's current truth. A record the importer may not see (a measure under a PPDA case's
lock, `access.locked_person_ids`) is neither read nor changed: its row counts as unchanged, so the
report reveals nothing the importer could not see.

The case lock. A measure whose `restrained_staff_number` is on the force's register is linked to that
person (`restrained_person`), and to the PPDA case of which they are a subject (the open one, else
the latest), the same lookup `access.locked_person_ids` makes from the register: access reads the
lock from the register every time, so an imported measure falls under the case's lock at once. (The
protection services had no linking function when this was written; this is the same lookup.)

Bounded memory. The file is streamed twice and never held: once to check every row (keeping only the
keys that the checks across rows need), then, if no row has an error, again to write, BATCH_ROWS
rows at a time with bulk inserts and updates, all in one transaction, so nothing is written unless
all of it is. A dry run does the whole write and rolls it back, so its counts are exact.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from oversight.cases.models import Subject
from oversight.organisations.models import Organisation
from oversight.workforce.models import Person

from . import access
from . import rules as checker
from .import_columns import BREACH, BY_NAME, CHOICES, MEASURE, Layout, codes_for, layout_of
from .import_files import FileRefused, SpreadsheetFile
from .models import Breach, Measure, MeasureRule, MeasureStatus, MeasureType, Outcome, Response, rule_spec

BATCH_ROWS = 2000
MAX_ERRORS = 1000  # listed in the report; the rest are counted
SHOWN_CHARACTERS = 40  # of a bad value quoted in an error
# YYYY-MM-DD or DD/MM/YYYY, then optionally HH:MM[:SS] after a space or T (read by hand: strptime is slow).
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_UK = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")
# Events that cannot have happened yet (a hearing, an end date or a review may be ahead).
PAST_ONLY = frozenset({"made_at", "served_at", "arrested_on", "applied_on", "ended_on", "reported_at",
                       "responded_at", "arrest_at", "charged_on", "outcome_on"})  # fmt: skip
MeasureKey = tuple[str, str]  # (kind, reference)
BreachKey = tuple[str, str, dt.datetime]


def _max_length(model: type[models.Model], name: str) -> int:
    found = model._meta.get_field(name)
    assert isinstance(found, models.CharField) and found.max_length is not None
    return found.max_length


LIMITS = {
    "reference": _max_length(Measure, "reference"),
    "restrained_name": _max_length(Measure, "restrained_name"),
    "restrained_staff_number": _max_length(Person, "staff_number"),
    "authorised_by_name": _max_length(Measure, "authorised_by_name"),
    "authorised_by_rank": _max_length(Measure, "authorised_by_rank"),
    "court": _max_length(Measure, "court"),
    "end_reason": _max_length(Measure, "end_reason"),
    "reporter_name": _max_length(Breach, "reporter_name"),
    "charge": _max_length(Breach, "charge"),
    "description": 20_000,
    "no_action_reason": 5_000,
}


@dataclass(frozen=True)
class RowError:
    """One problem: the row (the header is row 1), the file's heading, the value as shown, and why."""

    row: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = f" {self.column}" if self.column else ""
        shown = f" '{self.value}'" if self.value else ""
        return f"Row {self.row}{where}{shown}: {self.reason}"


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    measures: Tally = field(default_factory=Tally)
    breaches: Tally = field(default_factory=Tally)
    dry_run: bool = False
    headings: list[str] = field(default_factory=list)  # the file's, when no layout matched them
    needs_mapping: bool = False

    @property
    def ok(self) -> bool:
        return not self.error_count and not self.needs_mapping

    def add(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(error)

    def counts(self) -> dict[str, dict[str, int]]:
        return {"measures": vars(self.measures).copy(), "breaches": vars(self.breaches).copy()}


def _parsed(text: str) -> dt.datetime | None:
    """A date, or a date and time, as written in a force's export; None when it is neither (31/02/2026)."""
    if found := _ISO.fullmatch(text):
        year, month, day = found.group(1, 2, 3)
    elif found := _UK.fullmatch(text):
        day, month, year = found.group(1, 2, 3)
    else:
        return None
    hour, minute, second = (int(part or 0) for part in found.group(4, 5, 6))
    try:
        return dt.datetime(int(year), int(month), int(day), hour, minute, second)
    except ValueError:
        return None


def shown(value: str) -> str:
    """A bad value as quoted in a report: one line, cut short (escaped where it is exported)."""
    flat = " ".join(value.split())
    return flat if len(flat) <= SHOWN_CHARACTERS else flat[:SHOWN_CHARACTERS] + "..."


@dataclass
class _Context:
    """What every row is checked and written against, read once per import."""

    force: Organisation
    user: User
    layout: Layout
    codes: dict[str, dict[str, str]]
    rules: dict[checker.RuleSpec, int]
    type_ids: dict[str, int]
    now: dt.datetime = field(default_factory=timezone.now)
    zone: dt.tzinfo = field(default_factory=timezone.get_current_timezone)

    def __post_init__(self) -> None:
        self.rule_list, self.kinds = list(self.rules), list(self.type_ids)

    @classmethod
    def load(cls, force: Organisation, user: User, layout: Layout, force_codes: Mapping[str, Any]) -> _Context:
        rules = MeasureRule.objects.select_related("measure_type").prefetch_related("areas", "extension_steps")
        return cls(
            force=force,
            user=user,
            layout=layout,
            codes={name: codes_for(name, force_codes) for name in CHOICES},
            rules={rule_spec(rule): rule.pk for rule in rules},
            type_ids=dict(MeasureType.objects.values_list("kind", "pk")),
        )


class _Line:
    """One row of the file read through the layout, and the errors found in it."""

    def __init__(self, number: int, cells: list[str], ctx: _Context, report: ImportReport | None) -> None:
        self.number, self.cells, self.ctx, self.report = number, cells, ctx, report
        self.failed = False

    def get(self, name: str) -> str:
        at = self.ctx.layout.positions.get(name)
        return self.cells[at].strip() if at is not None and at < len(self.cells) else ""

    def fail(self, name: str, reason: str, *, value: str | None = None) -> None:
        self.failed = True
        if self.report is not None:
            heading = self.ctx.layout.headings.get(name, name) if name else ""
            self.report.add(RowError(self.number, heading, shown(self.get(name) if value is None else value), reason))

    def text(self, name: str, *, required: bool = False) -> str:
        value = self.get(name)
        if required and not value:
            self.fail(name, f"{BY_NAME[name].label} is missing")
        elif name in LIMITS and len(value) > LIMITS[name]:
            self.fail(name, f"longer than {LIMITS[name]:,} characters")
        return value

    def code(self, name: str, *, required: bool = False) -> str:
        value = self.get(name)
        if not value:
            if required:
                self.fail(name, f"{BY_NAME[name].label} is missing")
            return ""
        found = self.ctx.codes[name].get(" ".join(value.lower().split()))
        if found is None:
            what = "a measure type this service knows" if name == "measure_type" else "a value this column takes"
            self.fail(name, f"not {what} (add the force's code to its mapping)")
            return ""
        return found

    def day(self, name: str) -> dt.date | None:
        value = self.get(name)
        if not value:
            return None
        moment = _parsed(value)
        if moment is None or moment.time() != dt.time():
            self.fail(name, "not a date (use YYYY-MM-DD or DD/MM/YYYY)")
            return None
        self._not_future(name, moment.date() > self.ctx.now.date())
        return moment.date()

    def when(self, name: str, *, required: bool = False) -> dt.datetime | None:
        value = self.get(name)
        if not value:
            if required:
                self.fail(name, f"{BY_NAME[name].label} is missing")
            return None
        moment = _parsed(value)
        if moment is None:
            self.fail(name, "not a date and time (use YYYY-MM-DD HH:MM or DD/MM/YYYY HH:MM)")
            return None
        # UK time, as the force's system shows it, held in UTC as the database returns it: Python never
        # finds an hour that the clocks repeat (or skip) equal to anything in another zone (PEP 495).
        aware = moment.replace(tzinfo=self.ctx.zone).astimezone(dt.UTC)
        self._not_future(name, aware > self.ctx.now)
        return aware

    def yes_no(self, name: str) -> bool:
        value = self.get(name).lower()
        if value not in ("", "yes", "no", "y", "n", "true", "false", "1", "0"):
            self.fail(name, "must be yes or no")
        return value in ("yes", "y", "true", "1")

    def _not_future(self, name: str, ahead: bool) -> None:
        if ahead and name in PAST_ONLY:
            self.fail(name, "is in the future")


# --- reading each row into the values of a measure or a breach --------------------------------


def _record(line: _Line) -> str:
    return line.code("record") or MEASURE


def _check_force(line: _Line) -> None:
    named = line.get("force")
    force = line.ctx.force
    if named and named.lower() not in {force.name.lower(), force.slug.lower()}:
        line.fail("force", f"not {force.name}: a file imports into your own force only")


def _measure_values(line: _Line) -> dict[str, Any]:
    kind, reference = line.code("measure_type", required=True), line.text("reference", required=True)
    made_at = line.when("made_at", required=True)
    values: dict[str, Any] = {
        "kind": kind,
        "reference": reference,
        "restrained_name": line.text("restrained_name", required=True),
        "staff_number": line.text("restrained_staff_number"),
        "authorised_by_name": line.text("authorised_by_name"),
        "authorised_by_rank": line.text("authorised_by_rank"),
        "court": line.text("court"),
        "arrested_on": line.day("arrested_on"),
        "applied_on": line.day("applied_on"),
        "made_at": made_at,
        "served_at": line.when("served_at"),
        "hearing_at": line.when("hearing_at"),
        "ends_on": line.day("ends_on"),
        "until_further_order": line.yes_no("until_further_order"),
        "renewal_on": line.day("renewal_on"),
        "ended_on": line.day("ended_on"),
        "end_reason": line.text("end_reason"),
    }
    values["status"] = line.code("status") or (MeasureStatus.ENDED if values["ended_on"] else MeasureStatus.IN_FORCE)
    _check_force(line)
    if kind and made_at:
        _check_rules(line, values)
    return values


def _check_rules(line: _Line, values: dict[str, Any]) -> None:
    """The statutory rules (`rules.py`), and the rule the measure is recorded against."""
    ctx = line.ctx
    court_made = bool(values["court"]) and not values["authorised_by_rank"]
    facts = checker.MeasureFacts(
        kind=values["kind"],
        force_id=ctx.force.pk,
        force_name=ctx.force.name,
        made_at=values["made_at"],
        authority=checker.COURT if court_made else checker.POLICE,
        authoriser_rank=values["authorised_by_rank"],
        served_at=values["served_at"],
        hearing_at=values["hearing_at"],
        ends_on=values["ends_on"],
        until_further_order=values["until_further_order"],
        arrested_on=values["arrested_on"],
    )
    if line.report is not None:  # the write reads rows already checked: only the rule is looked up
        for refusal in checker.check_measure(ctx.rule_list, facts, ctx.kinds):
            name = refusal.field if refusal.field in ctx.layout.positions else ""
            line.fail(name, str(refusal), value=line.get(name) if name else "")
    spec = checker.rule_for(ctx.rule_list, facts.kind, ctx.force.pk, ctx.force.name, facts.made_at.date())
    if spec is not None:
        values["rule_id"] = ctx.rules[spec]
        values["hearing_due_at"] = checker.hearing_deadline(spec, facts.made_at)


def _breach_values(line: _Line) -> dict[str, Any]:
    values: dict[str, Any] = {
        "kind": line.code("measure_type", required=True),
        "reference": line.text("reference", required=True),
        "reported_at": line.when("reported_at", required=True),
        "reported_by": line.code("reported_by", required=True),
        "reporter_name": line.text("reporter_name"),
        "description": line.text("description", required=True),
        "response": line.code("response") or Response.NOT_RECORDED,
        "no_action_reason": line.text("no_action_reason"),
        "responded_at": line.when("responded_at"),
        "arrested_at": line.when("arrest_at"),
        "charged_on": line.day("charged_on"),
        "charge": line.text("charge"),
        "outcome": line.code("outcome") or Outcome.PENDING,
        "outcome_on": line.day("outcome_on"),
    }
    _check_force(line)
    if values["response"] == Response.NO_ACTION and not values["no_action_reason"]:
        line.fail("no_action_reason", "give the reason no action was taken", value="")
    reported = values["reported_at"]
    if reported and values["arrested_at"] and values["arrested_at"] < reported:
        line.fail("arrest_at", "the arrest cannot be before the breach was reported")
    if reported and values["responded_at"] and values["responded_at"] < reported:
        line.fail("responded_at", "the response cannot be before the breach was reported")
    return values


# --- the import: check all, then write all or nothing -------------------------------------------


def import_measures(
    force: Organisation,
    user: User,
    source: SpreadsheetFile,
    *,
    saved_columns: Mapping[str, str] | None = None,
    saved_codes: Mapping[str, Any] | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Check every row of the file; unless it is a dry run, write it only if no row has an error.
    Access (may `user` record in `force`?) is the caller's to check: `import_services.run_import`."""
    report = ImportReport(dry_run=dry_run)
    try:
        source.prepare()
        headings = next(source.rows(), (1, []))[1]
        layout = layout_of(headings, saved_columns)
        if layout is None:
            report.needs_mapping, report.headings = True, [h.strip() for h in headings if h.strip()]
            return report
        ctx = _Context.load(force, user, layout, saved_codes or {})
        _check(ctx, source, report)
        if report.ok:
            _write_all_or_nothing(ctx, source, report)
    except FileRefused as refused:
        report.add(RowError(1, "", "", str(refused)))
    return report


def _data_rows(ctx: _Context, source: SpreadsheetFile, report: ImportReport | None) -> Iterator[_Line]:
    rows = source.rows()
    next(rows, None)  # the header
    for number, cells in rows:
        yield _Line(number, cells, ctx, report)


@dataclass
class _Seen:
    """What the checks across rows keep: each key once, with its row (and a measure's time made)."""

    measures: dict[MeasureKey, tuple[int, dt.datetime | None]] = field(default_factory=dict)
    breaches: dict[BreachKey, int] = field(default_factory=dict)
    waiting: dict[MeasureKey, list[tuple[int, dt.datetime]]] = field(default_factory=lambda: defaultdict(list))
    staff: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))


def _check(ctx: _Context, source: SpreadsheetFile, report: ImportReport) -> None:
    seen = _Seen()
    for line in _data_rows(ctx, source, report):
        report.rows += 1
        if _record(line) == BREACH:
            _check_breach_row(line, seen)
        else:
            _check_measure_row(line, seen)
    _check_breach_measures(ctx, seen, report)
    _check_staff_numbers(ctx, seen, report)
    report.errors.sort(key=lambda error: error.row)


def _check_measure_row(line: _Line, seen: _Seen) -> None:
    values = _measure_values(line)
    if values["staff_number"]:
        seen.staff[values["staff_number"]].append(line.number)
    key = (values["kind"], values["reference"])
    if not all(key):
        return
    if key in seen.measures:
        first = seen.measures[key][0]
        line.fail("reference", f"the same measure as row {first} (one row per measure type and reference)")
        return
    seen.measures[key] = (line.number, values["made_at"])


def _check_breach_row(line: _Line, seen: _Seen) -> None:
    values = _breach_values(line)
    key: MeasureKey = (values["kind"], values["reference"])
    reported = values["reported_at"]
    if not all(key) or reported is None:
        return
    breach_key = (*key, reported)
    if breach_key in seen.breaches:
        first = seen.breaches[breach_key]
        line.fail("reported_at", f"the same breach as row {first} (one report of a measure's breach a moment)")
        return
    seen.breaches[breach_key] = line.number
    seen.waiting[key].append((line.number, reported))


def _check_breach_measures(ctx: _Context, seen: _Seen, report: ImportReport) -> None:
    """Each breach's measure is a measure row of the file or a measure of the force the importer may see,
    and the breach was reported after it was made."""
    keys = list(seen.waiting)
    known = {key: made for key, (_, made) in seen.measures.items() if key in seen.waiting}
    unresolved = [key for key in keys if key not in known]
    visible = access.visible_measures(ctx.user).filter(force=ctx.force)
    for start in range(0, len(unresolved), BATCH_ROWS):
        batch = unresolved[start : start + BATCH_ROWS]
        found = visible.filter(reference__in={ref for _, ref in batch}).values_list(
            "measure_type__kind", "reference", "made_at"
        )
        known.update({(kind, ref): made for kind, ref, made in found if (kind, ref) in seen.waiting})
    heading = ctx.layout.headings.get("reference", "reference")
    for key, rows in seen.waiting.items():
        for row, reported in rows:
            if key not in known:
                reason = f"no {key[0]} with this reference in the file or in {ctx.force.name}'s measures you can see"
                report.add(RowError(row, heading, shown(key[1]), reason))
            elif (made := known[key]) is not None and reported < made:
                report.add(RowError(row, ctx.layout.headings.get("reported_at", "reported_at"), "",
                                    "a breach cannot be reported before the measure was made"))  # fmt: skip


def _check_staff_numbers(ctx: _Context, seen: _Seen, report: ImportReport) -> None:
    """A restrained staff number is on the force's register: it links the measure to the person."""
    numbers = list(seen.staff)
    on_register: set[str] = set()
    for start in range(0, len(numbers), BATCH_ROWS):
        batch = numbers[start : start + BATCH_ROWS]
        on_register |= set(
            Person.objects.filter(force=ctx.force, staff_number__in=batch).values_list("staff_number", flat=True)
        )
    heading = ctx.layout.headings.get("restrained_staff_number", "restrained_staff_number")
    for number, rows in seen.staff.items():
        if number not in on_register:
            for row in rows:
                report.add(RowError(row, heading, shown(number), f"not a staff number on {ctx.force.name}'s register"))


class _DryRun(Exception):
    """Rolls a dry run's write back once it is counted."""


def _write_all_or_nothing(ctx: _Context, source: SpreadsheetFile, report: ImportReport) -> None:
    try:
        with transaction.atomic():
            writer = _Writer(ctx, report)
            for batch in _batches(ctx, source, MEASURE):
                writer.measures(batch)
            for batch in _batches(ctx, source, BREACH):
                writer.breaches(batch)
            if report.dry_run:
                raise _DryRun()
    except _DryRun:
        pass
    except IntegrityError as error:
        report.measures, report.breaches = Tally(), Tally()
        report.add(RowError(1, "", "", f"the database refused the file ({error}); nothing was written"))


def _batches(ctx: _Context, source: SpreadsheetFile, record: str) -> Iterator[list[dict[str, Any]]]:
    """The checked file from its start: the values of its rows of one record, BATCH_ROWS at a time."""
    read = _measure_values if record == MEASURE else _breach_values
    batch: list[dict[str, Any]] = []
    for line in _data_rows(ctx, source, None):
        if _record(line) == record:
            batch.append(read(line))
            assert not line.failed, f"row {line.number} was checked"
        if len(batch) >= BATCH_ROWS:
            yield batch
            batch = []
    if batch:
        yield batch


MEASURE_FIELDS = ("rule_id", "status", "restrained_name", "restrained_person_id", "case_id",
                  "authorised_by_name", "authorised_by_rank", "court", "arrested_on", "applied_on", "made_at",
                  "served_at", "hearing_at", "hearing_due_at", "ends_on", "until_further_order", "renewal_on",
                  "ended_on", "end_reason")  # fmt: skip
BREACH_FIELDS = ("reported_by", "reporter_name", "description", "response", "no_action_reason", "responded_at",
                 "arrested_at", "charged_on", "charge", "outcome", "outcome_on")  # fmt: skip


class _Writer:
    """Writes batches of checked rows: new records in bulk, changed ones updated in bulk, the rest left."""

    def __init__(self, ctx: _Context, report: ImportReport) -> None:
        self.ctx, self.report = ctx, report

    def _hidden(self, measure_ids: list[int]) -> set[int]:
        """Of these measures, those the importer may not see (under a case's lock)."""
        locked = access.locked_person_ids(self.ctx.user)
        hidden = Measure.objects.filter(pk__in=measure_ids, restrained_person_id__in=locked)
        return set(hidden.values_list("pk", flat=True))

    def _people(self, batch: list[dict[str, Any]]) -> tuple[dict[str, int], dict[int, int]]:
        """Staff number -> register id, and register id -> the PPDA case they are a subject of."""
        numbers = {values["staff_number"] for values in batch} - {""}
        if not numbers:
            return {}, {}
        people = dict(
            Person.objects.filter(force=self.ctx.force, staff_number__in=numbers).values_list("staff_number", "pk")
        )
        cases: dict[int, int] = {}
        subjects = Subject.objects.filter(person_id__in=people.values()).order_by("case__received_on", "case_id")
        for person_id, case_id, status in subjects.values_list("person_id", "case_id", "case__status"):
            if person_id not in cases or status != "closed":
                cases[person_id] = case_id  # the latest open case, else the latest
        return people, cases

    def measures(self, batch: list[dict[str, Any]]) -> None:
        ctx, tally = self.ctx, self.report.measures
        existing = {
            (m.measure_type_id, m.reference): m
            for m in Measure.objects.filter(force=ctx.force, reference__in={v["reference"] for v in batch})
        }
        hidden = self._hidden([m.pk for m in existing.values()])
        people, cases = self._people(batch)
        new, changed = [], []
        for values in batch:
            wanted = _measure_fields(values, people, cases)
            measure = existing.get((ctx.type_ids[values["kind"]], values["reference"]))
            if measure is None:
                new.append(Measure(force=ctx.force, reference=values["reference"], recorded_by=ctx.user,
                                   measure_type_id=ctx.type_ids[values["kind"]], **wanted))  # fmt: skip
            elif measure.pk in hidden or _same(measure, wanted):
                tally.unchanged += 1
            else:
                changed.append(_updated(measure, wanted))
        Measure.objects.bulk_create(new)
        Measure.objects.bulk_update(changed, [*MEASURE_FIELDS, "version"])
        tally.created += len(new)
        tally.updated += len(changed)

    def breaches(self, batch: list[dict[str, Any]]) -> None:
        ctx, tally = self.ctx, self.report.breaches
        found = Measure.objects.filter(force=ctx.force, reference__in={v["reference"] for v in batch})
        ids = {(kind, ref): pk for pk, kind, ref in found.values_list("pk", "measure_type__kind", "reference")}
        hidden = self._hidden(list(ids.values()))
        moments = {values["reported_at"] for values in batch}
        breaches = Breach.objects.filter(measure_id__in=ids.values(), reported_at__in=moments)
        existing = {(b.measure_id, b.reported_at): b for b in breaches}
        new, changed = [], []
        for values in batch:
            measure_id = ids[(values["kind"], values["reference"])]
            wanted = {name: values[name] for name in BREACH_FIELDS}
            breach = existing.get((measure_id, values["reported_at"]))
            if breach is None and measure_id not in hidden:
                new.append(Breach(measure_id=measure_id, reported_at=values["reported_at"], recorded_by=ctx.user,
                                  **wanted))  # fmt: skip
            elif breach is None or measure_id in hidden or _same(breach, wanted):
                tally.unchanged += 1
            else:
                changed.append(_updated(breach, wanted))
        Breach.objects.bulk_create(new)
        Breach.objects.bulk_update(changed, [*BREACH_FIELDS, "version"])
        tally.created += len(new)
        tally.updated += len(changed)


def _measure_fields(values: dict[str, Any], people: dict[str, int], cases: dict[int, int]) -> dict[str, Any]:
    person = people.get(values["staff_number"])
    wanted = {name: values.get(name) for name in MEASURE_FIELDS}
    wanted["restrained_person_id"], wanted["case_id"] = person, cases.get(person) if person else None
    return wanted


def _same(record: models.Model, wanted: dict[str, Any]) -> bool:
    return all(getattr(record, name) == value for name, value in wanted.items())


_ModelT = Any


def _updated(record: _ModelT, wanted: dict[str, Any]) -> _ModelT:
    for name, value in wanted.items():
        setattr(record, name, value)
    record.version += 1
    return record
