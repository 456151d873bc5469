"""The rule checker: given the rules of a measure type (plain values read from the database's dated
rules), a measure's area, dates and authoriser, the reasons it would be refused, in plain English,
each citing the rule's source. No Django here: the same checker serves the forms, the services, the
API and an import, and property-based tests drive it directly.

Periods are counted as the statutes count them: "a period of 14 days beginning with the day on which
it is made" ends on the 13th day after that day, and "3 months beginning with the bail start date"
ends the day before the same date three months on. A notice's hearing clock skips whole days the
statute disregards (`lib/holidays.py`).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from oversight.lib.holidays import Disregard, add_counted_hours, counted_hours_between, describe
from oversight.lib.ranks import RANKS, UnknownRank, parse_rank

POLICE, COURT = "police", "court"  # Authority values (models.Authority)
DAYS, MONTHS, YEARS = "days", "months", "years"  # LengthUnit values
MADE, BAIL_START = "made", "bail_start"  # LengthFrom values


@dataclass(frozen=True)
class AreaSpec:
    force_id: int | None
    force_name: str
    part: str
    applies_from: dt.date
    applies_until: dt.date | None

    def covers(self, force_id: int, force_name: str, day: dt.date) -> bool:
        """The area is the force's (by its link, or by name where the force was not in the list when loaded)."""
        same = self.force_id == force_id if self.force_id is not None else self.force_name == force_name
        return same and _within(day, self.applies_from, self.applies_until)


@dataclass(frozen=True)
class StepSpec:
    number: int
    authority: str
    minimum_rank: str
    authority_text: str
    extends_to: int
    unit: str
    source_url: str


@dataclass(frozen=True)
class RuleSpec:
    """One dated rule of a measure type, as `models.rule_spec` reads it."""

    kind: str
    name: str
    applies_from: dt.date
    authority: str
    authority_text: str
    source_title: str
    source_url: str
    applies_until: dt.date | None = None
    minimum_rank: str = ""
    only_in_listed_areas: bool = False
    areas: tuple[AreaSpec, ...] = ()
    min_length: int | None = None
    max_length: int | None = None
    length_unit: str = DAYS
    length_from: str = MADE
    until_further_order: bool = False
    hearing_within_hours: int | None = None
    hearing_disregards: frozenset[Disregard] = field(default_factory=frozenset)
    steps: tuple[StepSpec, ...] = ()

    def applies_in(self, force_id: int, force_name: str, day: dt.date) -> bool:
        if not _within(day, self.applies_from, self.applies_until):
            return False
        return not self.only_in_listed_areas or any(area.covers(force_id, force_name, day) for area in self.areas)


@dataclass(frozen=True)
class MeasureFacts:
    """What is known of a measure when it is recorded or changed."""

    kind: str
    force_id: int
    force_name: str
    made_at: dt.datetime
    authority: str = POLICE
    authoriser_rank: str = ""
    served_at: dt.datetime | None = None
    hearing_at: dt.datetime | None = None
    ends_on: dt.date | None = None
    until_further_order: bool = False
    arrested_on: dt.date | None = None


@dataclass(frozen=True)
class Refusal:
    """Why a measure or a change is refused: which field, the reason, and the rule's source."""

    field: str
    message: str
    source_title: str = ""
    source_url: str = ""

    def __str__(self) -> str:
        return f"{self.message} ({self.source_title})" if self.source_title else self.message


def _within(day: dt.date, start: dt.date, until: dt.date | None) -> bool:
    return start <= day and (until is None or day <= until)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_end(start: dt.date, length: int, unit: str) -> dt.date:
    """The last day of a period of `length` units beginning with `start`."""
    if unit == DAYS:
        return start + dt.timedelta(days=length - 1)
    months = length * 12 if unit == YEARS else length
    return add_months(start, months) - dt.timedelta(days=1)


def period_start(rule: RuleSpec, facts: MeasureFacts) -> dt.date | None:
    """The day the rule's period begins with: the day made, or for bail the day after arrest."""
    if rule.length_from == BAIL_START:
        return facts.arrested_on + dt.timedelta(days=1) if facts.arrested_on else None
    return facts.made_at.date()


def rule_for(rules: Sequence[RuleSpec], kind: str, force_id: int, force_name: str, day: dt.date) -> RuleSpec | None:
    """The rule of the kind applying in the force on the day (the latest to start, if two overlap)."""
    found = [rule for rule in rules if rule.kind == kind and rule.applies_in(force_id, force_name, day)]
    return max(found, key=lambda rule: rule.applies_from) if found else None


def hearing_deadline(rule: RuleSpec, made_at: dt.datetime) -> dt.datetime | None:
    """When a notice's order must be heard by, or None for a rule with no hearing clock."""
    if rule.hearing_within_hours is None:
        return None
    return add_counted_hours(made_at, rule.hearing_within_hours, rule.hearing_disregards)


def check_measure(rules: Sequence[RuleSpec], facts: MeasureFacts, known_kinds: Sequence[str]) -> list[Refusal]:
    """Every reason the measure would be refused; empty when it may be recorded."""
    if facts.kind not in known_kinds:
        return [Refusal("measure_type", f"“{facts.kind}” is not a measure type this service knows")]
    day = facts.made_at.date()
    rule = rule_for(rules, facts.kind, facts.force_id, facts.force_name, day)
    if rule is None:
        return [_not_in_force(rules, facts, day)]
    return [
        *authority_refusals(rule.authority, rule.minimum_rank, rule.authority_text, facts, rule),
        *date_refusals(rule, facts),
        *length_refusals(rule, facts),
        *hearing_refusals(rule, facts),
    ]


def _not_in_force(rules: Sequence[RuleSpec], facts: MeasureFacts, day: dt.date) -> Refusal:
    of_kind = [rule for rule in rules if rule.kind == facts.kind]
    name = of_kind[0].name if of_kind else facts.kind
    where = "; ".join(
        f"{area.force_name}{f' ({area.part})' if area.part else ''} from {area.applies_from:%-d %B %Y}"
        + (f" until {area.applies_until:%-d %B %Y}" if area.applies_until else "")
        for rule in of_kind
        for area in rule.areas
    )
    message = (
        f"A {name} could not be made in {facts.force_name} on {day:%-d %B %Y}: the law did not "
        f"provide for it there then"
    )
    source = of_kind[-1] if of_kind else None
    return Refusal(
        "made_at",
        message + (f". It applies in: {where}" if where else ""),
        source.source_title if source else "",
        source.source_url if source else "",
    )


def authority_refusals(
    authority: str, minimum_rank: str, authority_text: str, facts: MeasureFacts, rule: RuleSpec, verb: str = "make"
) -> list[Refusal]:
    """Whether the authoriser may: a court for a court's measure, an officer of at least the rank for police."""
    cite = {"source_title": rule.source_title, "source_url": rule.source_url}
    if authority == COURT:
        if facts.authority != COURT:
            return [Refusal("authorised_by_rank", f"Only {authority_text} may {verb} a {rule.name}", **cite)]
        return []
    if facts.authority == COURT:
        return [Refusal("authorised_by_rank", f"A {rule.name} is not made by a court but by {authority_text}", **cite)]
    return _rank_refusals(minimum_rank, authority_text, facts.authoriser_rank, rule.name, verb, cite)


def _rank_refusals(
    minimum_rank: str, authority_text: str, rank_text: str, name: str, verb: str, cite: dict[str, str]
) -> list[Refusal]:
    if not rank_text.strip():
        return [Refusal("authorised_by_rank", f"Give the rank of the officer who authorised the {name}")]
    try:
        rank = parse_rank(rank_text)
    except UnknownRank as unknown:
        return [Refusal("authorised_by_rank", str(unknown).capitalize())]
    lowest = RANKS[minimum_rank]
    if rank.kind != "officer" or not rank.at_least(lowest):
        return [
            Refusal(
                "authorised_by_rank",
                f"{rank.title} is not {authority_text}: only a police officer of at least the rank of "
                f"{lowest.title.lower()} may {verb} a {name}",
                **cite,
            )
        ]
    return []


def date_refusals(rule: RuleSpec, facts: MeasureFacts) -> list[Refusal]:
    """Dates that contradict each other: served before made, ending before made, bail before arrest."""
    refusals = []
    if facts.served_at is not None and facts.served_at < facts.made_at:
        refusals.append(Refusal("served_at", f"A {rule.name} cannot be served before it was made"))
    if facts.ends_on is not None and facts.ends_on < facts.made_at.date():
        refusals.append(Refusal("ends_on", f"A {rule.name} cannot end before it was made"))
    if rule.length_from == BAIL_START:
        if facts.arrested_on is None:
            refusals.append(
                Refusal("arrested_on", "Give the date of arrest: the bail period is counted from the next day")
            )
        elif facts.arrested_on > facts.made_at.date():
            refusals.append(Refusal("arrested_on", "Bail cannot be granted before the arrest it follows"))
    return refusals


def length_refusals(rule: RuleSpec, facts: MeasureFacts) -> list[Refusal]:
    """The measure's last day against the rule's shortest and longest periods, or until further order."""
    cite = {"source_title": rule.source_title, "source_url": rule.source_url}
    start = period_start(rule, facts)
    if facts.until_further_order:
        if rule.until_further_order:
            return []
        return [Refusal("ends_on", f"A {rule.name} cannot have effect until further order: give its last day", **cite)]
    if facts.ends_on is None:
        if rule.hearing_within_hours is not None:
            return []  # a notice runs until its order is heard
        if rule.until_further_order:
            return [
                Refusal("ends_on", f"Give the last day the {rule.name} has effect, or say it runs until further order")
            ]
        return [Refusal("ends_on", f"Give the last day the {rule.name} has effect", **cite)]
    if start is None or facts.ends_on < start:
        return []  # reported by date_refusals
    return _bounds(rule, start, facts.ends_on, cite)


def _bounds(rule: RuleSpec, start: dt.date, ends_on: dt.date, cite: dict[str, str]) -> list[Refusal]:
    days = (ends_on - start).days + 1
    from_text = "from the day after arrest" if rule.length_from == BAIL_START else "beginning with the day it is made"
    # Both bounds named when the statute sets both, so the reader sees the whole range, not only the bound missed.
    both = rule.min_length is not None and rule.max_length is not None
    span = f"{rule.min_length} to {rule.max_length} {rule.length_unit}: " if both else ""
    if rule.min_length is not None and ends_on < period_end(start, rule.min_length, rule.length_unit):
        return [
            Refusal(
                "ends_on",
                f"A {rule.name} must last {span}at least {rule.min_length} {rule.length_unit} {from_text}; "
                f"this one lasts {days} days (to {ends_on:%-d %B %Y})",
                **cite,
            )
        ]
    if rule.max_length is not None and ends_on > period_end(start, rule.max_length, rule.length_unit):
        latest = period_end(start, rule.max_length, rule.length_unit)
        return [
            Refusal(
                "ends_on",
                f"A {rule.name} must last {span}at most {rule.max_length} {rule.length_unit} {from_text}, "
                f"so no later than {latest:%-d %B %Y}; this one lasts {days} days",
                **cite,
            )
        ]
    return []


def hearing_refusals(rule: RuleSpec, facts: MeasureFacts) -> list[Refusal]:
    """A notice's order hearing: after the notice, and within the counted hours."""
    deadline = hearing_deadline(rule, facts.made_at)
    if deadline is None or facts.hearing_at is None:
        return []
    if facts.hearing_at < facts.made_at:
        return [Refusal("hearing_at", f"The hearing cannot be before the {rule.name} was given")]
    if facts.hearing_at > deadline:
        counted = counted_hours_between(facts.made_at, facts.hearing_at, rule.hearing_disregards)
        skipped = describe(rule.hearing_disregards)
        return [
            Refusal(
                "hearing_at",
                f"The order must be heard within {rule.hearing_within_hours} hours of the {rule.name} "
                f"(leaving out {skipped}), so by {deadline:%-d %B %Y %H:%M}; this hearing is "
                f"{counted:.0f} hours after it",
                rule.source_title,
                rule.source_url,
            )
        ]
    return []


@dataclass(frozen=True)
class ExtensionFacts:
    """An extension asked for: the step it would be, who authorises it, when, and the new last day."""

    number: int
    authority: str
    authoriser_rank: str
    authorised_on: dt.date
    current_end: dt.date
    new_end: dt.date


def check_extension(rule: RuleSpec, facts: MeasureFacts, extension: ExtensionFacts) -> list[Refusal]:
    """Every reason an extension would be refused: no such step, the wrong authority, too late, too long."""
    step = next((s for s in rule.steps if s.number == extension.number), None)
    if step is None:
        return [
            Refusal(
                "extends_to",
                f"A {rule.name} has no extension {extension.number} under its rule",
                rule.source_title,
                rule.source_url,
            )
        ]
    cite = {"source_title": rule.source_title, "source_url": step.source_url}
    as_facts = MeasureFacts(
        facts.kind, facts.force_id, facts.force_name, facts.made_at, extension.authority, extension.authoriser_rank
    )
    refusals = authority_refusals(step.authority, step.minimum_rank, step.authority_text, as_facts, rule, "extend")
    if extension.authorised_on > extension.current_end:
        refusals.append(
            Refusal(
                "authorised_on",
                f"An extension must be authorised before the current period ends ({extension.current_end:%-d %B %Y})",
                **cite,
            )
        )
    if extension.new_end <= extension.current_end:
        refusals.append(Refusal("extends_to", "An extension must end after the current period", **cite))
    start = period_start(rule, facts)
    if start is not None:
        limit = period_end(start, step.extends_to, step.unit)
        if extension.new_end > limit:
            refusals.append(
                Refusal(
                    "extends_to",
                    f"Extension {step.number} ({step.authority_text}) may run to {step.extends_to} {step.unit} "
                    f"at most, so no later than {limit:%-d %B %Y}",
                    **cite,
                )
            )
    return refusals
