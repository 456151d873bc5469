"""Reference organisations: the 43 forces with their governing bodies, and the national bodies."""

from __future__ import annotations

import csv
import datetime as dt
from importlib import resources
from typing import Any

from django.utils.text import slugify

NATIONAL_BODIES = [
    ("His Majesty's Inspectorate of Constabulary and Fire & Rescue Services", "hmicfrs"),
    ("College of Policing", "college-of-policing"),
    ("Independent Office for Police Conduct", "iopc"),
    ("National Police Chiefs' Council", "npcc"),
    ("Association of Police and Crime Commissioners", "apcc"),
    ("Home Office", "home-office"),
    ("Ministry of Justice", "ministry-of-justice"),
    ("Crown Prosecution Service", "cps"),
]

# When the present governing body took office. PCCs first took office on 22 November 2012
# (Police Reform and Social Responsibility Act 2011); mayoral and later changes as dated.
FIRST_PCC_TERM = dt.date(2012, 11, 22)
TERM_STARTS = {
    "Mayor's Office for Policing and Crime (MOPAC)": dt.date(2012, 1, 16),
    "Mayor of Greater Manchester": dt.date(2017, 5, 8),
    "Mayor of West Yorkshire": dt.date(2021, 5, 10),
    "South Yorkshire Mayor": dt.date(2024, 5, 7),
    "York and North Yorkshire Mayor": dt.date(2024, 5, 7),
}


def forces_rows() -> list[dict[str, Any]]:
    text = resources.files("oversight.organisations").joinpath("data/forces.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def load_reference_organisations(organisation_model: Any, term_model: Any) -> None:
    """Create or update the reference organisations; safe to run more than once."""
    for name, slug in NATIONAL_BODIES:
        organisation_model.objects.update_or_create(slug=slug, defaults={"name": name, "kind": "national"})
    for row in forces_rows():
        force, _ = organisation_model.objects.update_or_create(
            slug=slugify(row["force"]),
            defaults={
                "name": row["force"],
                "kind": "force",
                "region": row["region"],
                "officers_approx": int(row["officers_approx"]),
            },
        )
        body, _ = organisation_model.objects.update_or_create(
            slug=slugify(row["governing_body"])[:80],
            defaults={
                "name": row["governing_body"],
                "kind": "governing_body",
                "region": row["region"],
                "body_type": row["governing_body_type"],
            },
        )
        starts = TERM_STARTS.get(row["governing_body"], FIRST_PCC_TERM)
        term_model.objects.get_or_create(force=force, body=body, defaults={"starts_on": starts})
