"""`python -m bench.sidechannel`: does any route answer a locked case measurably slower or faster than
a case that does not exist? (issue 6: no route may answer differently, in time included.)

Builds the lock tests' world (tests/case_personas.py: PC Hart's case, furnished with everything that
hangs on it) in a throwaway SQLite database, signs in as someone excluded from the case (by default
the PSD lead connected to its subject through a shared earlier case), and for every route that takes a
case id, or something of a case, or a case reference (read from the URL resolver, the OpenAPI
document and the forms on the pages, as tests/test_cases_matrix.py does) sends the same request for
the locked case and for one that does not exist, interleaved in random order, through Django's test
client. Prints, per route, the median time of each, the difference, the spread (interquartile
range) and a verdict from a Mann-Whitney test; then the largest difference found. Writes
bench/sidechannel.json.

Options: --requests (per side and route, default 200), --persona (another of the lock tests'
personas), --seed, --database (default: a SQLite file in a temporary folder, removed afterwards).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import math
import random
import re
import shutil
import statistics
import tempfile
import time
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.django_env import start

RESULTS = Path(__file__).resolve().parent / "sidechannel.json"
SIGNIFICANT = 0.001  # p-value below which a difference is reported as real
WARM_UP = 10  # requests per side before measuring


@dataclass(frozen=True)
class Probe:
    """One route and the two requests compared: the locked case's, and the unknown one's."""

    label: str
    method: str
    locked: str  # URL
    unknown: str
    locked_data: dict[str, str]
    unknown_data: dict[str, str]
    api: bool


@dataclass(frozen=True)
class Measured:
    route: str
    status: str  # locked / unknown
    median_locked_ms: float
    median_unknown_ms: float
    difference_ms: float
    iqr_locked_ms: float
    iqr_unknown_ms: float
    p_value: float
    verdict: str


def main() -> None:
    args = _arguments()
    folder = None if args.database else Path(tempfile.mkdtemp(prefix="oversight-probe-"))
    database = args.database or f"sqlite:///{folder}/probe.sqlite3"
    started = time.monotonic()
    warnings.filterwarnings("ignore", "No directory at", UserWarning)  # no collected static files: none served
    try:
        start(database)
        logging.getLogger("django.request").setLevel(logging.ERROR)  # not a log line per refused request
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        probes, signed_in = _world(args.persona)
        measured = [_measure(probe, signed_in, args.requests, random.Random(args.seed)) for probe in probes]
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
    results = _summary(args, measured, time.monotonic() - started)
    _print(results)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.sidechannel", description=__doc__)
    parser.add_argument("--requests", type=int, default=200, help="requests per side and route (default 200)")
    parser.add_argument("--persona", default="excluded_lead", help="who is signed in (default excluded_lead)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", default="", help="a DATABASE_URL (default: a throwaway SQLite file)")
    return parser.parse_args()


# --- the world and what to send ------------------------------------------------------------------


@dataclass
class SignedIn:
    client: Any  # django.test.Client, signed in
    token: str  # their API token


def _world(persona: str) -> tuple[list[Probe], SignedIn]:
    from django.conf import settings
    from django.test import Client

    from oversight.api.models import ApiToken
    from tests.case_personas import furnish, make_case_personas, make_insiders, make_workforce
    from tests.signing_in import verify_test_client

    workforce = make_workforce()
    personas = make_case_personas(workforce)
    insiders = make_insiders(workforce)
    furnished = furnish(personas, insiders, workforce)
    user = (personas.everyone() | insiders.everyone())[persona]
    client = Client()  # one client: each new one loads the middleware again
    client.force_login(user)
    verify_test_client(client, user)  # signed in past the second factor, as after a right code
    # The probe times answers: the API's rate limits (accounts/rules.py) would answer 429 instead.
    settings.API_REQUESTS_PER_ACCOUNT = settings.API_REQUESTS_PER_ADDRESS = 10**9
    signed_in = SignedIn(client, ApiToken.issue(user, "side-channel probe")[1])
    assert furnished.case is not None
    return _probes(furnished.ids, furnished.missing_ids(), furnished.case.reference, signed_in), signed_in


def _probes(ids: dict[str, object], missing: dict[str, object], reference: str, signed_in: SignedIn) -> list[Probe]:
    """Every route about a case or a thing of it, and every field that takes a case reference."""
    from tests.case_routes import operations, web_routes

    found = []
    for route in web_routes():
        if route.case_owned:
            method = "GET" if _send(signed_in, "GET", route.url(missing), {}, api=False) != 405 else "POST"
            found.append(Probe(route.name, method, route.url(ids), route.url(missing), {}, {}, api=False))
    for op in operations():
        if op.case_owned:
            found.append(Probe(op.path, op.method, op.url(ids), op.url(missing), {}, {}, api=True))
    unknown = re.sub(r"\d", lambda digit: str((int(digit.group()) + 5) % 10), reference)
    for op in operations():
        for name in {"q", "reference"} & set(op.query):
            found.append(Probe(f"{op.path}?{name}=", op.method, op.url(ids), op.url(ids),
                               {name: reference}, {name: unknown}, api=True))  # fmt: skip
    return found + _form_probes(ids, reference, unknown, signed_in)


def _form_probes(ids: dict[str, object], reference: str, unknown: str, signed_in: SignedIn) -> list[Probe]:
    """The forms on the pages the person sees that take a reference or a search term, with the rest of
    the form empty, then filled in."""
    from django.urls import resolve

    from tests.case_routes import REFERENCE_FIELDS, forms_in, web_routes

    found: dict[tuple[str, str], Probe] = {}
    for route in web_routes():
        if route.case_owned or "." in route.route.rstrip("/").rsplit("/", 1)[-1]:
            continue
        response = signed_in.client.get(route.url(ids))
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for form in forms_in(response.content.decode(), route.url(ids)):
            target = resolve(form.action).view_name
            others = [name for name in form.fields if name not in REFERENCE_FIELDS and not name.startswith("csrf")]
            for name in set(form.fields) & set(REFERENCE_FIELDS):
                fills = [""] if form.method == "GET" or not others else ["", "Checking the case urgently."]
                for fill in fills:
                    rest = dict.fromkeys(others, fill)
                    label = f"{target} {name}=" + (" (rest filled)" if fill else "")
                    probe = Probe(label, form.method, form.action, form.action,
                                  {name: reference, **rest}, {name: unknown, **rest}, api=False)  # fmt: skip
                    found[(probe.label, probe.method)] = probe
    return list(found.values())


# --- measuring ------------------------------------------------------------------------------------


def _send(signed_in: SignedIn, method: str, url: str, data: dict[str, str], *, api: bool) -> int:
    headers = {"Authorization": f"Bearer {signed_in.token}"} if api else {}
    response = getattr(signed_in.client, method.lower())(url, data, headers=headers)
    return int(response.status_code)


def _measure(probe: Probe, signed_in: SignedIn, requests: int, rng: random.Random) -> Measured:
    sides = {
        "locked": (probe.locked, probe.locked_data),
        "unknown": (probe.unknown, probe.unknown_data),
    }
    times: dict[str, list[float]] = {"locked": [], "unknown": []}
    statuses: dict[str, int] = {}
    for round_number in range(WARM_UP + requests):
        order = ["locked", "unknown"]
        rng.shuffle(order)  # alternate, in random order within each pair: drift hits both sides alike
        for side in order:
            url, data = sides[side]
            began = time.perf_counter()
            statuses[side] = _send(signed_in, probe.method, url, data, api=probe.api)
            elapsed = (time.perf_counter() - began) * 1000
            if round_number >= WARM_UP:
                times[side].append(elapsed)
    return _compare(probe, times["locked"], times["unknown"], f"{statuses['locked']} / {statuses['unknown']}")


def _compare(probe: Probe, locked: list[float], unknown: list[float], status: str) -> Measured:
    difference = statistics.median(locked) - statistics.median(unknown)
    p_value = _mann_whitney(locked, unknown)
    verdict = "DIFFERS" if p_value < SIGNIFICANT else "same"
    return Measured(
        route=f"{probe.method} {probe.label}",
        status=status,
        median_locked_ms=round(statistics.median(locked), 3),
        median_unknown_ms=round(statistics.median(unknown), 3),
        difference_ms=round(difference, 3),
        iqr_locked_ms=round(_iqr(locked), 3),
        iqr_unknown_ms=round(_iqr(unknown), 3),
        p_value=float(f"{p_value:.2g}"),
        verdict=verdict,
    )


def _iqr(values: list[float]) -> float:
    quartiles = statistics.quantiles(values, n=4)
    return quartiles[2] - quartiles[0]


def _mann_whitney(first: list[float], second: list[float]) -> float:
    """Two-sided p-value of the Mann-Whitney U test (normal approximation, ties averaged): could the two
    samples come from one distribution? Robust to the long right tail response times have."""
    values = sorted([(value, 0) for value in first] + [(value, 1) for value in second])
    ranks = [0.0] * len(values)
    index = 0
    while index < len(values):
        end = index
        while end + 1 < len(values) and values[end + 1][0] == values[index][0]:
            end += 1
        for tied in range(index, end + 1):
            ranks[tied] = (index + end) / 2 + 1
        index = end + 1
    n1, n2 = len(first), len(second)
    u = sum(rank for rank, (_, side) in zip(ranks, values, strict=True) if side == 0) - n1 * (n1 + 1) / 2
    mean, sd = n1 * n2 / 2, math.sqrt(n1 * n2 * (n1 + n2 + 1) / 12)
    return math.erfc(abs(u - mean) / sd / math.sqrt(2)) if sd else 1.0


# --- reporting ------------------------------------------------------------------------------------


def _summary(args: argparse.Namespace, measured: list[Measured], seconds: float) -> dict[str, Any]:
    from bench.django_env import vendor

    largest = max(measured, key=lambda row: abs(row.difference_ms))
    return {
        "measured_on": dt.date.today().isoformat(),
        "database": vendor(),
        "signed_in_as": args.persona,
        "requests_per_side": args.requests,
        "seconds": round(seconds),
        "routes": [asdict(row) for row in measured],
        "differing": [row.route for row in measured if row.verdict != "same"],
        "largest": asdict(largest),
    }


def _print(results: dict[str, Any]) -> None:
    rows = results["routes"]
    width = max(len(row["route"]) for row in rows)
    print(
        f"Side-channel probe: {results['signed_in_as']} (excluded from the case), {results['requests_per_side']} "
        f"requests per side, {results['database']}, {results['seconds']} s\n"
    )
    print(f"{'Route':<{width}}  {'Status':>9}  {'Locked':>8}  {'Unknown':>8}  {'Diff':>8}  {'IQR l/u':>13}  Verdict")
    for row in rows:
        iqr = f"{row['iqr_locked_ms']:.2f}/{row['iqr_unknown_ms']:.2f}"
        print(
            f"{row['route']:<{width}}  {row['status']:>9}  {row['median_locked_ms']:>6.2f}ms  "
            f"{row['median_unknown_ms']:>6.2f}ms  {row['difference_ms']:>+6.2f}ms  {iqr:>13}  "
            f"{row['verdict']} (p={row['p_value']:.2g})"
        )
    largest = results["largest"]
    print(
        f"\nLargest difference: {largest['route']}: {largest['difference_ms']:+.2f} ms "
        f"(medians {largest['median_locked_ms']:.2f} vs {largest['median_unknown_ms']:.2f} ms, "
        f"p={largest['p_value']:.2g}, {largest['verdict']})"
    )
    print(f"{len(results['differing'])} of {len(rows)} routes differ (p < {SIGNIFICANT}). Written to {RESULTS.name}.")


if __name__ == "__main__":
    main()
