"""The statutory rules of each measure type as data, with their sources and dates, and the one loader
that writes them (used by the data migration and by `oversight load_demo`; running it twice changes
nothing). A change in the law is a new entry here, or a row added in the admin: never a code change.

What each entry says was checked against the page cited; what could not be confirmed is said in the
entry's `note`, and shown with the rule.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from oversight.lib.holidays import Disregard

from .rules import AreaSpec, RuleSpec, StepSpec

LEG = "https://www.legislation.gov.uk"
ALL_DISREGARDS = [Disregard.SUNDAY, Disregard.CHRISTMAS_DAY, Disregard.GOOD_FRIDAY, Disregard.BANK_HOLIDAY]

TYPES: list[dict[str, Any]] = [
    {"kind": "pre_charge_bail", "name": "Pre-charge bail with conditions", "short_name": "pre-charge bail"},
    {
        "kind": "dvpn",
        "name": "Domestic violence protection notice",
        "short_name": "DVPN",
        "is_notice": True,
        "order_kind": "dvpo",
    },
    {"kind": "dvpo", "name": "Domestic violence protection order", "short_name": "DVPO"},
    {
        "kind": "dapn",
        "name": "Domestic abuse protection notice",
        "short_name": "DAPN",
        "is_notice": True,
        "order_kind": "dapo",
    },
    {"kind": "dapo", "name": "Domestic abuse protection order", "short_name": "DAPO"},
    {"kind": "nmo", "name": "Non-molestation order", "short_name": "non-molestation order"},
    {"kind": "restraining_order", "name": "Restraining order", "short_name": "restraining order"},
    {"kind": "spo", "name": "Stalking protection order", "short_name": "stalking protection order"},
]

# The DAPN/DAPO pilot: the commencement regulations name the areas and dates; S.I. 2025/1222 moved the
# end of every "specified period" from 26 November 2025 to 31 March 2026.
PILOT_END = dt.date(2026, 3, 31)
PILOT_END_NOTE = (
    "Pilot period ends 31 March 2026 (S.I. 2025/1222 moved it from 26 November 2025). A further extension "
    "or national commencement after that date could not be confirmed: when one is made, add it here."
)
PILOT_AREAS: list[dict[str, Any]] = [
    {
        "force_name": "Greater Manchester Police",
        "part": "Started in Bury; Wigan from January 2025; City of Manchester from February 2025 (press reports)",
        "applies_from": dt.date(2024, 11, 27),
        "applies_until": PILOT_END,
        "source_url": f"{LEG}/uksi/2024/1191/made",
        "note": "S.I. 2024/1191 reg. 2: Part 3 in force from 27 November 2024 in the areas of reg. 3. "
        "The text of reg. 3 "
        "could not be retrieved; the areas come from the Home Office announcement and force statements. The "
        "borough-by-borough roll-out within Greater Manchester is not checked: the whole force area is "
        "treated as covered.",
    },
    {
        "force_name": "Metropolitan Police Service",
        "part": "London Boroughs of Croydon, Bromley and Sutton",
        "applies_from": dt.date(2024, 11, 27),
        "applies_until": PILOT_END,
        "source_url": f"{LEG}/uksi/2024/1191/made",
        "note": "The boroughs are Croydon, Bromley and Sutton in the Home Office announcement (February 2023) and the "
        "BBC's report of the Met's pilot; the brief's 'Merton' was not confirmed. Boroughs are not checked.",
    },
    {
        "force_name": "British Transport Police",
        "part": "In the pilot areas",
        "applies_from": dt.date(2024, 11, 27),
        "applies_until": PILOT_END,
        "source_url": f"{LEG}/uksi/2024/1191/made",
        "note": "BTP is named as a pilot partner in the Home Office announcement; its start date is taken to be the "
        "pilot's (not confirmed). BTP is not in the list of territorial forces, so it is matched by name.",
    },
    {
        "force_name": "Cleveland Police",
        "part": "Hartlepool, Middlesbrough, Redcar and Cleveland, and Stockton-on-Tees",
        "applies_from": dt.date(2025, 3, 5),
        "applies_until": PILOT_END,
        "source_url": f"{LEG}/uksi/2025/261/made",
        "note": "S.I. 2025/261 (from 5 March 2025, the non-metropolitan county of Cleveland); S.I. 2025/319 clarified "
        "the area as the four boroughs, from 11 March 2025.",
    },
    {
        "force_name": "North Wales Police",
        "part": "Isle of Anglesey, Gwynedd, Denbighshire, Flintshire, Conwy and Wrexham",
        "applies_from": dt.date(2025, 4, 28),
        "applies_until": PILOT_END,
        "source_url": f"{LEG}/uksi/2025/515/made",
        "note": "S.I. 2025/515 reg. 1(3)(e)-(f): the six counties and county boroughs, from 28 April 2025.",
    },
]

BAIL_2017_NOTE = (
    "The 2017 regime (Policing and Crime Act 2017, in force 3 April 2017): 28 days, extended by a superintendent "
    "to 3 months, then by a court. Recorded from the 2022 Act's amendments (which substituted '3 months' for "
    "'28 days'); the 2017 step limits were not re-read from a retrieved page."
)

RULES: list[dict[str, Any]] = [
    {
        "kind": "pre_charge_bail",
        "applies_from": dt.date(2017, 4, 3),
        "applies_until": dt.date(2022, 10, 27),
        "authority": "police",
        "minimum_rank": "sergeant",
        "authority_text": "a custody officer",
        "max_length": 28,
        "length_unit": "days",
        "length_from": "bail_start",
        "breach_consequence": "Not an offence; a power of arrest (PACE s.46A(1A))",
        "victim_views_required": False,
        "source_title": "Police and Criminal Evidence Act 1984, ss.47ZA-47ZG (as inserted by the "
        "Policing and Crime Act 2017)",
        "source_url": f"{LEG}/ukpga/1984/60/section/47ZB/2017-04-03",
        "note": BAIL_2017_NOTE,
        "steps": [
            {
                "number": 1,
                "authority": "police",
                "minimum_rank": "superintendent",
                "authority_text": "a senior officer (superintendent or above)",
                "extends_to": 3,
                "unit": "months",
                "source_title": "PACE s.47ZD (2017 text)",
                "source_url": f"{LEG}/ukpga/1984/60/section/47ZD/2017-04-03",
            },
            {
                "number": 2,
                "authority": "court",
                "minimum_rank": "",
                "authority_text": "a magistrates' court",
                "extends_to": 6,
                "unit": "months",
                "source_title": "PACE s.47ZF (2017 text)",
                "source_url": f"{LEG}/ukpga/1984/60/section/47ZF/2017-04-03",
            },
        ],
    },
    {
        "kind": "pre_charge_bail",
        "applies_from": dt.date(2022, 10, 28),
        "authority": "police",
        "minimum_rank": "sergeant",
        "authority_text": "a custody officer",
        "max_length": 3,
        "length_unit": "months",
        "length_from": "bail_start",
        "breach_consequence": "Not an offence; a power of arrest (PACE s.46A(1A)). The victim's views on "
        "conditions must be sought",
        "victim_views_required": True,
        "source_title": "Police and Criminal Evidence Act 1984, s.47ZB(1)(b), as amended by the Police, "
        "Crime, Sentencing and Courts Act 2022, Sch. 4 Part 4 (in force 28 October 2022, S.I. 2022/1075)",
        "source_url": f"{LEG}/ukpga/1984/60/section/47ZB",
        "note": "Confirmed: 3 months beginning with the bail start date, the day after arrest "
        "(s.47ZB(1)(b), (4)(a)); the "
        "2022 Act replaced the inspector's authorisation of bail with the custody officer's (Sch. 4 "
        "para. 2). A custody "
        "officer is a sergeant or above (PACE s.36(3)); staff custody officers were not confirmed and "
        "are not accepted. "
        "Court extensions after the 12-month step (s.47ZG) have no fixed limit here.",
        "steps": [
            {
                "number": 1,
                "authority": "police",
                "minimum_rank": "inspector",
                "authority_text": "an inspector or above (a relevant officer)",
                "extends_to": 6,
                "unit": "months",
                "source_title": "PACE s.47ZD(2), (6)",
                "source_url": f"{LEG}/ukpga/1984/60/section/47ZD",
            },
            {
                "number": 2,
                "authority": "police",
                "minimum_rank": "superintendent",
                "authority_text": "a superintendent or above (a senior officer)",
                "extends_to": 9,
                "unit": "months",
                "source_title": "PACE s.47ZDA",
                "source_url": f"{LEG}/ukpga/1984/60/section/47ZDA",
            },
            {
                "number": 3,
                "authority": "court",
                "minimum_rank": "",
                "authority_text": "a magistrates' court",
                "extends_to": 12,
                "unit": "months",
                "source_title": "PACE s.47ZF(4)(a)",
                "source_url": f"{LEG}/ukpga/1984/60/section/47ZF",
            },
        ],
    },
    {
        "kind": "dvpn",
        "applies_from": dt.date(2014, 3, 8),
        "authority": "police",
        "minimum_rank": "superintendent",
        "authority_text": "a police officer not below the rank of superintendent",
        "hearing_within_hours": 48,
        "hearing_disregards": ALL_DISREGARDS,
        "breach_consequence": "Not an offence; a power of arrest (s.26), then the DVPO hearing",
        "source_title": "Crime and Security Act 2010, ss.24-27",
        "source_url": f"{LEG}/ukpga/2010/17/section/24",
        "note": "Confirmed: superintendent (s.24(1)). In force nationally from 8 March 2014 (the pilots "
        "of 2011 in three "
        "forces are not recorded). The hearing within 48 hours (s.27(2)) and the days left out of them "
        "(s.27(3): Sundays, "
        "Christmas Day, Good Friday, bank holidays) were not read from a retrieved page; they are taken "
        "to be as in the "
        "Domestic Abuse Act 2021 s.29(3), which was. DVPNs continue outside the DAPN pilot areas (s.55, the repeal, "
        "is not commenced); whether they continue inside them was not confirmed, so they are not refused there.",
    },
    {
        "kind": "dvpo",
        "applies_from": dt.date(2014, 3, 8),
        "authority": "court",
        "authority_text": "a magistrates' court",
        "min_length": 14,
        "max_length": 28,
        "length_unit": "days",
        "breach_consequence": "Not an offence: civil contempt, a fine or up to 2 months' custody "
        "(Magistrates' Courts Act 1980 s.63(3))",
        "source_title": "Crime and Security Act 2010, s.28(10)",
        "source_url": f"{LEG}/ukpga/2010/17/section/28",
        "note": "Confirmed: 14 to 28 days beginning with the day it is made (explanatory notes para. 79).",
    },
    {
        "kind": "dapn",
        "applies_from": dt.date(2024, 11, 27),
        "only_in_listed_areas": True,
        "areas": PILOT_AREAS,
        "authority": "police",
        "minimum_rank": "inspector",
        "authority_text": "a police officer of at least the rank of inspector",
        "hearing_within_hours": 48,
        "hearing_disregards": ALL_DISREGARDS,
        "breach_consequence": "Not an offence; a power of arrest (s.26), then the DAPO hearing",
        "source_title": "Domestic Abuse Act 2021, ss.22(8) and 29(2)-(3)",
        "source_url": f"{LEG}/ukpga/2021/17/section/29",
        "note": "Confirmed: inspector (s.22(8)); heard within 48 hours leaving out Sundays, Christmas "
        "Day, Good Friday and "
        "bank holidays (s.29(3)). " + PILOT_END_NOTE,
    },
    {
        "kind": "dapo",
        "applies_from": dt.date(2024, 11, 27),
        "only_in_listed_areas": True,
        "areas": PILOT_AREAS,
        "authority": "court",
        "authority_text": "a court (magistrates', family, county or criminal) on application by the "
        "police, the victim or others",
        "until_further_order": True,
        "breach_is_offence": True,
        "breach_consequence": "An offence: up to 5 years' imprisonment, a fine, or both",
        "source_title": "Domestic Abuse Act 2021, ss.27-39",
        "source_url": f"{LEG}/ukpga/2021/17/part/3",
        "note": "No fixed length; electronic monitoring requirements at most 12 months (from the brief, not re-read). "
        + PILOT_END_NOTE,
    },
    {
        "kind": "nmo",
        "applies_from": dt.date(1997, 10, 1),
        "authority": "court",
        "authority_text": "the family court (or another court in family proceedings)",
        "until_further_order": True,
        "breach_is_offence": True,
        "breach_consequence": "An offence (s.42A): up to 5 years' imprisonment, a fine, or both",
        "source_title": "Family Law Act 1996, ss.42 and 42A",
        "source_url": f"{LEG}/ukpga/1996/27/section/42",
        "note": "A specified period or until further order (s.42(7)). The start date is Part IV's commencement and the "
        "offence of breach dates from 1 July 2007: neither was confirmed from a retrieved page.",
    },
    {
        "kind": "restraining_order",
        "applies_from": dt.date(2020, 12, 1),
        "authority": "court",
        "authority_text": "a criminal court, on conviction (Sentencing Act 2020 s.359) or acquittal "
        "(Protection from Harassment Act 1997 s.5A)",
        "until_further_order": True,
        "breach_is_offence": True,
        "breach_consequence": "An offence (s.363): up to 5 years' imprisonment, a fine, or both",
        "source_title": "Sentencing Act 2020, ss.359-363",
        "source_url": f"{LEG}/ukpga/2020/17/section/360",
        "note": "A specified period or until further order (s.360). From the Sentencing Code's "
        "commencement on 1 December "
        "2020; earlier orders were under the 1997 Act s.5 (not recorded). Not re-read from a retrieved page.",
    },
    {
        "kind": "spo",
        "applies_from": dt.date(2020, 1, 20),
        "authority": "court",
        "authority_text": "a magistrates' court, on application by a chief officer of police",
        "min_length": 2,
        "length_unit": "years",
        "until_further_order": True,
        "breach_is_offence": True,
        "breach_consequence": "An offence (s.8): up to 5 years' imprisonment, a fine, or both",
        "source_title": "Stalking Protection Act 2019, ss.1, 3 and 8",
        "source_url": f"{LEG}/ukpga/2019/9/section/3",
        "note": "Confirmed: a fixed period of at least 2 years beginning with the day it is made, or "
        "until further order "
        "(s.3(1)-(2)); in force 20 January 2020 (S.I. 2020/26).",
    },
]

_RULE_FIELDS = (
    "applies_until", "only_in_listed_areas", "authority", "minimum_rank", "authority_text", "min_length",
    "max_length", "length_unit", "length_from", "until_further_order", "hearing_within_hours",
    "hearing_disregards", "breach_is_offence", "breach_consequence", "victim_views_required", "source_title",
    "source_url", "note",
)  # fmt: skip


def load_rules(measure_type: Any, measure_rule: Any, rule_area: Any, extension_step: Any, organisation: Any) -> int:
    """Write the types and rules above (models passed in, so a migration can use its historical ones).
    Rules are matched by type and start date and brought up to date; the number of rules written."""
    types = {}
    for entry in TYPES:
        types[entry["kind"]], _ = measure_type.objects.update_or_create(kind=entry["kind"], defaults=entry)
    forces = dict(organisation.objects.filter(kind="force").values_list("name", "pk"))
    for entry in RULES:
        values = {name: entry[name] for name in _RULE_FIELDS if name in entry}
        values["hearing_disregards"] = [str(d) for d in values.get("hearing_disregards", [])]
        rule, _ = measure_rule.objects.update_or_create(
            measure_type=types[entry["kind"]], applies_from=entry["applies_from"], defaults=values
        )
        rule.areas.all().delete()
        for area in entry.get("areas", []):
            rule_area.objects.create(rule=rule, force_id=forces.get(area["force_name"]), **area)
        rule.extension_steps.all().delete()
        for step in entry.get("steps", []):
            extension_step.objects.create(rule=rule, **step)
    return len(RULES)


def specs(force_ids: dict[str, int] | None = None) -> list[RuleSpec]:
    """The rules above as the checker reads them, without a database (for tests and tools); the
    database's rows read through `models.rule_spec` give the same values."""
    force_ids = force_ids or {}
    built = []
    for entry in RULES:
        name = next(t["short_name"] for t in TYPES if t["kind"] == entry["kind"])
        areas = tuple(
            AreaSpec(force_ids.get(a["force_name"]), a["force_name"], a["part"], a["applies_from"], a["applies_until"])
            for a in sorted(entry.get("areas", []), key=lambda a: (a["applies_from"], a["force_name"]))
        )
        steps = tuple(
            StepSpec(
                s["number"],
                s["authority"],
                s["minimum_rank"],
                s["authority_text"],
                s["extends_to"],
                s["unit"],
                s["source_url"],
            )
            for s in entry.get("steps", [])
        )
        values = {k: entry[k] for k in _SPEC_FIELDS if k in entry}
        values["hearing_disregards"] = frozenset(Disregard(d) for d in entry.get("hearing_disregards", []))
        built.append(RuleSpec(kind=entry["kind"], name=name, areas=areas, steps=steps, **values))
    return built


_SPEC_FIELDS = (
    "applies_from", "applies_until", "only_in_listed_areas", "authority", "minimum_rank", "authority_text",
    "min_length", "max_length", "length_unit", "length_from", "until_further_order", "hearing_within_hours",
    "source_title", "source_url",
)  # fmt: skip
KINDS = tuple(t["kind"] for t in TYPES)
