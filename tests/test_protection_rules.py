"""The statutory rules of protective measures: table-driven scenarios from the statutes, and
property-based tests of the checker (protection/rules.py) and the hearing clock (lib/holidays.py).

Pure: no database. The rules are read from protection/statute.py exactly as the data migration
writes them (tests/test_protection_models.py checks the rows read back give the same values).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from oversight.lib.holidays import Disregard, add_counted_hours, bank_holidays, counted_hours_between, easter_sunday
from oversight.lib.ranks import RANKS
from oversight.protection.rules import (
    COURT,
    POLICE,
    ExtensionFacts,
    MeasureFacts,
    check_extension,
    check_measure,
    hearing_deadline,
    period_end,
    rule_for,
)
from oversight.protection.statute import KINDS, specs

WMP, GMP, CLEVELAND, NORTH_WALES, MET = 1, 2, 3, 4, 5
FORCES = {
    "West Midlands Police": WMP,
    "Greater Manchester Police": GMP,
    "Cleveland Police": CLEVELAND,
    "North Wales Police": NORTH_WALES,
    "Metropolitan Police Service": MET,
}
NAMES = {pk: name for name, pk in FORCES.items()}
RULES = specs(FORCES)
D = dt.date


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def facts(kind: str, made: dt.datetime, force: int = WMP, **extra: object) -> MeasureFacts:
    return MeasureFacts(kind=kind, force_id=force, force_name=NAMES[force], made_at=made, **extra)  # type: ignore[arg-type]


def reasons(measure: MeasureFacts) -> list[str]:
    return [str(refusal) for refusal in check_measure(RULES, measure, KINDS)]


def court(kind: str, made: dt.datetime, ends_on: dt.date | None = None, **extra: object) -> MeasureFacts:
    return facts(kind, made, authority=COURT, ends_on=ends_on, **extra)


# Scenario, the measure, and a phrase the one refusal must contain (None: accepted).
SCENARIOS: list[tuple[str, MeasureFacts, str | None]] = [
    ("DVPN by a superintendent", facts("dvpn", at(D(2026, 6, 1)), authoriser_rank="Supt"), None),
    ("DVPN by a detective chief superintendent", facts("dvpn", at(D(2026, 6, 1)), authoriser_rank="DCS"), None),
    (
        "DVPN by an inspector",
        facts("dvpn", at(D(2026, 6, 1)), authoriser_rank="Insp"),
        "at least the rank of superintendent",
    ),
    (
        "DVPN by a chief inspector",
        facts("dvpn", at(D(2026, 6, 1)), authoriser_rank="DCI"),
        "Crime and Security Act 2010",
    ),
    ("DVPN by police staff", facts("dvpn", at(D(2026, 6, 1)), authoriser_rank="Head of Department"), "police officer"),
    ("DVPN by an unknown rank", facts("dvpn", at(D(2026, 6, 1)), authoriser_rank="Captain"), "not recognised"),
    ("DVPN with no rank given", facts("dvpn", at(D(2026, 6, 1))), "Give the rank"),
    ("DVPN made by a court", court("dvpn", at(D(2026, 6, 1))), "not made by a court"),
    ("DVPN before the Act's roll-out", facts("dvpn", at(D(2014, 3, 7)), authoriser_rank="Supt"), "could not be made"),
    ("DVPO of 14 days", court("dvpo", at(D(2026, 6, 1)), D(2026, 6, 14)), None),
    ("DVPO of 28 days", court("dvpo", at(D(2026, 6, 1)), D(2026, 6, 28)), None),
    ("DVPO of 35 days", court("dvpo", at(D(2026, 6, 1)), D(2026, 7, 5)), "at most 28 days"),
    ("DVPO of 29 days", court("dvpo", at(D(2026, 6, 1)), D(2026, 6, 29)), "no later than 28 June 2026"),
    ("DVPO of 13 days", court("dvpo", at(D(2026, 6, 1)), D(2026, 6, 13)), "at least 14 days"),
    ("DVPO with no end", court("dvpo", at(D(2026, 6, 1))), "Give the last day"),
    ("DVPO until further order", court("dvpo", at(D(2026, 6, 1)), until_further_order=True), "until further order"),
    (
        "DVPO made by a superintendent",
        facts("dvpo", at(D(2026, 6, 1)), authoriser_rank="Supt", ends_on=D(2026, 6, 20)),
        "magistrates' court",
    ),
    (
        "DVPO served before made",
        court("dvpo", at(D(2026, 6, 1), 14), D(2026, 6, 20), served_at=at(D(2026, 6, 1), 9)),
        "served before",
    ),
    ("DVPO ending before made", court("dvpo", at(D(2026, 6, 10)), D(2026, 6, 1)), "end before"),
    ("DAPN outside the pilot", facts("dapn", at(D(2025, 6, 1)), authoriser_rank="Insp"), "Greater Manchester Police"),
    (
        "DAPN in Greater Manchester the day before",
        facts("dapn", at(D(2024, 11, 26)), GMP, authoriser_rank="Insp"),
        "could not be made",
    ),
    (
        "DAPN in Greater Manchester on the first day",
        facts("dapn", at(D(2024, 11, 27)), GMP, authoriser_rank="Insp"),
        None,
    ),
    ("DAPN in the Met (Croydon, Bromley, Sutton)", facts("dapn", at(D(2025, 1, 6)), MET, authoriser_rank="Insp"), None),
    (
        "DAPN in Cleveland before its start",
        facts("dapn", at(D(2025, 3, 4)), CLEVELAND, authoriser_rank="Insp"),
        "could not be made",
    ),
    ("DAPN in Cleveland from 5 March 2025", facts("dapn", at(D(2025, 3, 5)), CLEVELAND, authoriser_rank="Insp"), None),
    (
        "DAPN in North Wales before 28 April 2025",
        facts("dapn", at(D(2025, 4, 27)), NORTH_WALES, authoriser_rank="Insp"),
        "could not be made",
    ),
    (
        "DAPN in North Wales from 28 April 2025",
        facts("dapn", at(D(2025, 4, 28)), NORTH_WALES, authoriser_rank="Insp"),
        None,
    ),
    ("DAPN on the pilot's last day", facts("dapn", at(D(2026, 3, 31)), GMP, authoriser_rank="Insp"), None),
    ("DAPN after the pilot ended", facts("dapn", at(D(2026, 4, 1)), GMP, authoriser_rank="Insp"), "could not be made"),
    (
        "DAPN by a sergeant",
        facts("dapn", at(D(2025, 6, 2)), GMP, authoriser_rank="Sgt"),
        "at least the rank of inspector",
    ),
    (
        "DVPN still in Greater Manchester during the pilot",
        facts("dvpn", at(D(2025, 6, 2)), GMP, authoriser_rank="Supt"),
        None,
    ),
    # Saturday 18:00: Sunday is left out, so 48 counted hours end on Tuesday at 18:00.
    (
        "DAPN heard Tuesday 17:00 after Saturday 18:00",
        facts("dapn", at(D(2025, 6, 7), 18), GMP, authoriser_rank="Insp", hearing_at=at(D(2025, 6, 10), 17)),
        None,
    ),
    (
        "DAPN heard Tuesday 19:00 after Saturday 18:00",
        facts("dapn", at(D(2025, 6, 7), 18), GMP, authoriser_rank="Insp", hearing_at=at(D(2025, 6, 10), 19)),
        "within 48 hours",
    ),
    # Wednesday 24 December 2025, 10:00: Christmas Day, Boxing Day (a bank holiday) and Sunday 28th left
    # out, so the 48 hours end on Monday 29 December at 10:00.
    (
        "DAPN at Christmas heard on the Monday",
        facts("dapn", at(D(2025, 12, 24)), GMP, authoriser_rank="Insp", hearing_at=at(D(2025, 12, 29), 9)),
        None,
    ),
    (
        "DAPN at Christmas heard on the Tuesday",
        facts("dapn", at(D(2025, 12, 24)), GMP, authoriser_rank="Insp", hearing_at=at(D(2025, 12, 30), 9)),
        "by 29 December 2025 10:00",
    ),
    (
        "DAPN at Easter: Good Friday and Easter Monday left out",
        facts("dapn", at(D(2025, 4, 17), 12), CLEVELAND, authoriser_rank="Insp", hearing_at=at(D(2025, 4, 22), 12)),
        None,
    ),
    (
        "DAPN heard before it was given",
        facts("dapn", at(D(2025, 6, 2), 12), GMP, authoriser_rank="Insp", hearing_at=at(D(2025, 6, 2), 9)),
        "before",
    ),
    (
        "DVPN heard 49 hours later on weekdays",
        facts("dvpn", at(D(2026, 6, 1), 9), authoriser_rank="Supt", hearing_at=at(D(2026, 6, 3), 10)),
        "48 hours",
    ),
    ("DAPO until further order", court("dapo", at(D(2025, 2, 3)), until_further_order=True, force=GMP), None),
    ("DAPO outside the pilot", court("dapo", at(D(2025, 2, 3)), until_further_order=True), "could not be made"),
    (
        "Bail: 3 months from the day after arrest",
        facts(
            "pre_charge_bail",
            at(D(2023, 1, 10)),
            authoriser_rank="Sgt",
            arrested_on=D(2023, 1, 10),
            ends_on=D(2023, 4, 10),
        ),
        None,
    ),
    (
        "Bail: one day over 3 months",
        facts(
            "pre_charge_bail",
            at(D(2023, 1, 10)),
            authoriser_rank="Sgt",
            arrested_on=D(2023, 1, 10),
            ends_on=D(2023, 4, 11),
        ),
        "at most 3 months",
    ),
    (
        "Bail granted by a constable",
        facts(
            "pre_charge_bail",
            at(D(2023, 1, 10)),
            authoriser_rank="PC",
            arrested_on=D(2023, 1, 10),
            ends_on=D(2023, 2, 1),
        ),
        "custody officer",
    ),
    (
        "Bail before the arrest",
        facts(
            "pre_charge_bail",
            at(D(2023, 1, 10)),
            authoriser_rank="Sgt",
            arrested_on=D(2023, 1, 12),
            ends_on=D(2023, 2, 1),
        ),
        "before the arrest",
    ),
    (
        "Bail with no arrest date",
        facts("pre_charge_bail", at(D(2023, 1, 10)), authoriser_rank="Sgt", ends_on=D(2023, 2, 1)),
        "date of arrest",
    ),
    (
        "Bail in 2021: 28 days",
        facts(
            "pre_charge_bail",
            at(D(2021, 3, 1)),
            authoriser_rank="Sgt",
            arrested_on=D(2021, 3, 1),
            ends_on=D(2021, 3, 29),
        ),
        None,
    ),
    (
        "Bail in 2021: 29 days",
        facts(
            "pre_charge_bail",
            at(D(2021, 3, 1)),
            authoriser_rank="Sgt",
            arrested_on=D(2021, 3, 1),
            ends_on=D(2021, 3, 30),
        ),
        "at most 28 days",
    ),
    (
        "Bail on 28 October 2022: 3 months",
        facts(
            "pre_charge_bail",
            at(D(2022, 10, 28)),
            authoriser_rank="Sgt",
            arrested_on=D(2022, 10, 28),
            ends_on=D(2023, 1, 28),
        ),
        None,
    ),
    ("SPO of exactly 2 years", court("spo", at(D(2026, 2, 2)), D(2028, 2, 1)), None),
    ("SPO a day short of 2 years", court("spo", at(D(2026, 2, 2)), D(2028, 1, 31)), "at least 2 years"),
    ("SPO until further order", court("spo", at(D(2026, 2, 2)), until_further_order=True), None),
    ("SPO before the Act", court("spo", at(D(2020, 1, 19)), until_further_order=True), "could not be made"),
    (
        "SPO by a chief constable",
        facts("spo", at(D(2026, 2, 2)), authoriser_rank="CC", until_further_order=True),
        "magistrates' court",
    ),
    ("Non-molestation order until further order", court("nmo", at(D(2026, 2, 2)), until_further_order=True), None),
    ("Non-molestation order of 6 months", court("nmo", at(D(2026, 2, 2)), D(2026, 8, 1)), None),
    ("Non-molestation order with no end", court("nmo", at(D(2026, 2, 2))), "until further order"),
    (
        "Restraining order until further order",
        court("restraining_order", at(D(2026, 2, 2)), until_further_order=True),
        None,
    ),
    ("An unknown measure type", facts("asbo", at(D(2026, 2, 2)), authoriser_rank="Supt"), "not a measure type"),
]


@pytest.mark.parametrize(("measure", "expected"), [(m, e) for _, m, e in SCENARIOS], ids=[s for s, _, _ in SCENARIOS])
def test_statutory_scenarios(measure: MeasureFacts, expected: str | None) -> None:
    found = reasons(measure)
    if expected is None:
        assert found == []
    else:
        assert len(found) == 1, found
        assert expected in found[0]


def test_a_refusal_cites_the_rule_and_its_legislation_page() -> None:
    [refusal] = check_measure(RULES, court("dvpo", at(D(2026, 6, 1)), D(2026, 7, 5)), KINDS)
    assert refusal.field == "ends_on"
    assert refusal.source_title == "Crime and Security Act 2010, s.28(10)"
    assert refusal.source_url.startswith("https://www.legislation.gov.uk/ukpga/2010/17/")


def test_every_rule_cites_legislation_gov_uk() -> None:
    for rule in RULES:
        assert rule.source_url.startswith("https://www.legislation.gov.uk/"), rule
        assert all(step.source_url.startswith("https://www.legislation.gov.uk/") for step in rule.steps)


def test_the_bail_rule_changed_on_28_october_2022() -> None:
    before = rule_for(RULES, "pre_charge_bail", WMP, NAMES[WMP], D(2022, 10, 27))
    after = rule_for(RULES, "pre_charge_bail", WMP, NAMES[WMP], D(2022, 10, 28))
    assert before is not None and (before.max_length, before.length_unit) == (28, "days")
    assert after is not None and (after.max_length, after.length_unit) == (3, "months")


# Pre-charge bail extensions: inspector to 6 months, superintendent to 9, then a court to 12.

BAIL = facts(
    "pre_charge_bail", at(D(2025, 1, 10)), authoriser_rank="Sgt", arrested_on=D(2025, 1, 10), ends_on=D(2025, 4, 10)
)
BAIL_RULE = rule_for(RULES, "pre_charge_bail", WMP, NAMES[WMP], D(2025, 1, 10))


FIRST_END, BEFORE_IT = D(2025, 4, 10), D(2025, 4, 1)


def extend(
    number: int,
    rank: str,
    new_end: dt.date,
    current_end: dt.date = FIRST_END,
    on: dt.date = BEFORE_IT,
    authority: str = POLICE,
) -> list[str]:
    assert BAIL_RULE is not None
    extension = ExtensionFacts(number, authority, rank, on, current_end, new_end)
    return [str(refusal) for refusal in check_extension(BAIL_RULE, BAIL, extension)]


EXTENSIONS: list[tuple[str, list[str], str | None]] = [
    ("first by an inspector to 6 months", extend(1, "Insp", D(2025, 7, 10)), None),
    ("first by a sergeant", extend(1, "Sgt", D(2025, 7, 10)), "inspector"),
    ("first beyond 6 months", extend(1, "Insp", D(2025, 7, 11)), "no later than 10 July 2025"),
    (
        "first after the period ended",
        extend(1, "Insp", D(2025, 7, 10), on=D(2025, 4, 11)),
        "before the current period ends",
    ),
    ("first ending no later than now", extend(1, "Insp", D(2025, 4, 10)), "must end after"),
    ("second by a superintendent to 9 months", extend(2, "Supt", D(2025, 10, 10), D(2025, 7, 10), D(2025, 7, 1)), None),
    ("second by an inspector", extend(2, "DI", D(2025, 10, 10), D(2025, 7, 10), D(2025, 7, 1)), "superintendent"),
    ("third by a court to 12 months", extend(3, "", D(2026, 1, 10), D(2025, 10, 10), D(2025, 10, 1), COURT), None),
    (
        "third by a chief constable",
        extend(3, "CC", D(2026, 1, 10), D(2025, 10, 10), D(2025, 10, 1)),
        "magistrates' court",
    ),
    ("a fourth", extend(4, "", D(2026, 6, 10), D(2026, 1, 10), D(2026, 1, 1), COURT), "no extension 4"),
]


@pytest.mark.parametrize(("found", "expected"), [(f, e) for _, f, e in EXTENSIONS], ids=[s for s, _, _ in EXTENSIONS])
def test_bail_extensions(found: list[str], expected: str | None) -> None:
    if expected is None:
        assert found == []
    else:
        assert len(found) == 1, found
        assert expected in found[0]


# Properties


@given(st.integers(min_value=1, max_value=90), st.dates(min_value=D(2014, 3, 8), max_value=D(2030, 12, 31)))
@example(14, D(2026, 2, 1)).via("the shortest DVPO")
@example(28, D(2026, 2, 1)).via("the longest DVPO")
@example(35, D(2026, 2, 1)).via("the issue's 35-day DVPO")
def test_a_dvpo_is_refused_exactly_when_outside_14_to_28_days(days: int, made: dt.date) -> None:
    measure = court("dvpo", at(made), made + dt.timedelta(days=days - 1))
    assert bool(reasons(measure)) == (days < 14 or days > 28)


RANK_KEYS = sorted(RANKS)


@given(st.sampled_from(RANK_KEYS))
@example("chief_inspector").via("one rank below")
@example("superintendent").via("the lowest rank allowed")
@example("head_of_department").via("police staff graded beside a superintendent")
def test_a_dvpn_needs_an_officer_of_superintendent_or_above(key: str) -> None:
    rank = RANKS[key]
    measure = facts("dvpn", at(D(2026, 6, 1)), authoriser_rank=rank.title)
    allowed = rank.kind == "officer" and rank.order is not None and rank.order >= RANKS["superintendent"].order  # type: ignore[operator]
    assert (reasons(measure) == []) == allowed


@given(st.sampled_from(RANK_KEYS))
@example("sergeant")
@example("inspector")
def test_a_dapn_needs_an_officer_of_inspector_or_above(key: str) -> None:
    rank = RANKS[key]
    measure = facts("dapn", at(D(2025, 6, 2)), GMP, authoriser_rank=rank.title)
    allowed = rank.kind == "officer" and rank.order is not None and rank.order >= 3
    assert (reasons(measure) == []) == allowed


@given(
    st.datetimes(min_value=dt.datetime(2014, 3, 8), max_value=dt.datetime(2030, 12, 31)),
    st.integers(min_value=1, max_value=24 * 10),
)
def test_served_before_made_is_always_refused(made: dt.datetime, minutes_before: int) -> None:
    measure = court(
        "dvpo", made, made.date() + dt.timedelta(days=20), served_at=made - dt.timedelta(minutes=minutes_before)
    )
    assert any("served before" in reason for reason in reasons(measure))


ALL = frozenset(Disregard)


@given(st.datetimes(min_value=dt.datetime(2015, 1, 1), max_value=dt.datetime(2030, 12, 31)), st.integers(0, 24 * 14))
@example(dt.datetime(2025, 12, 24, 10), 48).via("across Christmas and a Sunday")
@example(dt.datetime(2025, 4, 17, 23, 59), 48).via("into Good Friday")
def test_counted_hours_undo_adding_them(start: dt.datetime, hours: int) -> None:
    end = add_counted_hours(start, hours, ALL)
    assert end >= start + dt.timedelta(hours=hours)
    assert counted_hours_between(start, end, ALL) == pytest.approx(hours)


@given(st.datetimes(min_value=dt.datetime(2024, 11, 27), max_value=dt.datetime(2026, 3, 29)))
def test_a_hearing_at_the_deadline_is_in_time_and_a_minute_later_is_not(made: dt.datetime) -> None:
    rule = rule_for(RULES, "dapn", GMP, NAMES[GMP], made.date())
    assert rule is not None
    deadline = hearing_deadline(rule, made)
    assert deadline is not None
    on_time = facts("dapn", made, GMP, authoriser_rank="Insp", hearing_at=deadline)
    late = replace(on_time, hearing_at=deadline + dt.timedelta(minutes=1))
    assert reasons(on_time) == []
    assert any("48 hours" in reason for reason in reasons(late))


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31)), st.integers(1, 400))
def test_a_period_of_n_days_beginning_with_a_day_ends_n_minus_one_days_later(start: dt.date, days: int) -> None:
    assert (period_end(start, days, "days") - start).days == days - 1


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31)), st.integers(1, 36))
@example(D(2025, 11, 30), 3).via("into a shorter February")
def test_a_period_of_months_ends_before_the_same_date_months_on(start: dt.date, months: int) -> None:
    end = period_end(start, months, "months")
    assert start < end + dt.timedelta(days=1)
    assert (end + dt.timedelta(days=1)).day in (start.day, 1) or start.day > 28


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2025, {D(2025, 1, 1), D(2025, 4, 21), D(2025, 5, 5), D(2025, 5, 26), D(2025, 8, 25), D(2025, 12, 26)}),
        (2026, {D(2026, 1, 1), D(2026, 4, 6), D(2026, 5, 4), D(2026, 5, 25), D(2026, 8, 31), D(2026, 12, 28)}),
        (
            2022,
            {
                D(2022, 1, 3),
                D(2022, 4, 18),
                D(2022, 5, 2),
                D(2022, 6, 2),
                D(2022, 6, 3),
                D(2022, 8, 29),
                D(2022, 9, 19),
                D(2022, 12, 26),
                D(2022, 12, 27),
            },
        ),
    ],
)
def test_bank_holidays_in_england_and_wales(year: int, expected: set[dt.date]) -> None:
    # gov.uk/bank-holidays; Christmas Day and Good Friday are not bank holidays under the 1971 Act.
    assert bank_holidays(year) == expected


def test_easter() -> None:
    assert [easter_sunday(y) for y in (2024, 2025, 2026)] == [D(2024, 3, 31), D(2025, 4, 20), D(2026, 4, 5)]
