"""Every web route of the project and every API operation, and what each of their parameters names.

Read from the URL resolver and from the OpenAPI document the API serves at /api/openapi.json, so a
page or operation added later is tried without anyone listing it. Used by the persona matrix and the
lock property test (tests/) and by the side-channel probe (bench/sidechannel.py).

What a path parameter names is read from the path segment in front of it ("cases/<int:pk>/" names a
case, "team/<int:member_id>/" a team member): SEGMENT_MEANING says which segment names what, and a
route with a parameter it does not explain makes test_every_parameter_is_understood fail, so a new
kind of id is never silently filled with a dummy value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from types import SimpleNamespace
from typing import Any

from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

OPENAPI_URL = "/api/openapi.json"

# Areas left out, each with the reason. Everything else the resolver or the API knows is tried.
EXCLUDED_NAMESPACES = {
    "admin": "the admin site: never reached by a case persona's pages; its own tests check it shows no locked record",
    "accounts": "sign-in, sign-out and password change: they read no record (and signing out would end the session)",
    "recommendations": "the inspection-recommendations register: no module of it imports the case or victim apps "
    "(test_excluded_areas_never_touch_cases checks)",
    "ingest": "documents read into the register: no module of it imports the case or victim apps "
    "(test_excluded_areas_never_touch_cases checks); tests/test_ingest_access.py tries every persona on each route",
    "returns": "national returns: no module of it imports the case or victim apps "
    "(test_excluded_areas_never_touch_cases checks); tests/test_returns_access.py tries every persona on each "
    "route and operation",
    "protection_imports": "the protective measures' import pages: a run's counts, errors and column mapping "
    "hold no measure; a row for a case subject's measure is linked to the case and falls under its lock, and "
    "a locked measure the importer cannot see counts as unchanged (tests/test_protection_import.py checks both, "
    "and tries each persona on these pages)",
    "audit": "the audit trail's head, for administrators to record outside the system: a sequence number and a "
    "hash over every audit row of the whole installation, never of one record; it moves whenever anything anywhere "
    "is audited (a sign-in included), so it differs between the two worlds by design and tells no case from the "
    "rest of the system's activity. tests/test_trail.py tries every persona on it",
    "jobs": "the daily jobs' page for system administrators: a job's name, day, status, attempts and the error's "
    "type and line, never what a run did nor a count it returned (a worklist count could move with a locked "
    "measure); no module of it imports the case or victim apps (test_excluded_areas_never_touch_cases checks); "
    "tests/test_jobs_views.py tries every persona on each route",
    "coding": "coding national returns: no module of it imports the case or victim apps "
    "(test_excluded_areas_never_touch_cases checks); tests/test_coding_views.py and tests/test_coding_api.py try "
    "every persona on each route and operation",
}
EXCLUDED_API_TAGS = {
    "recommendations": EXCLUDED_NAMESPACES["recommendations"],
    "documents": EXCLUDED_NAMESPACES["ingest"],
    "returns": EXCLUDED_NAMESPACES["returns"],
    "coding": EXCLUDED_NAMESPACES["coding"],
    "coding report": EXCLUDED_NAMESPACES["coding"] + "; tests/test_coding_report.py tries every persona on its",
}
EXCLUDED_PACKAGES = {
    "recommendations": "oversight.recommendations",
    "ingest": "oversight.ingest",
    "returns": "oversight.returns",
    "coding": "oversight.coding",
    "jobs": "oversight.jobs",
}  # for the check that it never touches cases

# The path segment(s) in front of a parameter -> what the parameter names. The longest match wins.
SEGMENT_MEANING: dict[tuple[str, ...], str] = {
    ("cases",): "case",
    ("audits",): "audit",
    ("audits", "entries"): "audit_entry",
    ("dip-samples",): "dip_sample",
    ("dip-samples", "entries"): "dip_entry",
    ("team",): "team_member",
    ("break-glass",): "break_glass",
    ("alerts",): "alert",
    ("officer-change",): "oic_request",
    ("referrals",): "support_referral",
    ("marac",): "marac_referral",
    ("code",): "code_right",
    ("workforce",): "force",
    ("api-tokens",): "api_token",
    ("exclusions",): "exclusion",
    ("lifted-exclusions",): "lifted_exclusion",
    ("held-register-changes",): "held_import",
    ("grants",): "grant",
    ("grants", "held"): "membership",
    # Protective measures: those of the fixture world restrain the case's subject, so they are locked with it.
    ("protection",): "protective_measure",
    ("protection", "measures"): "protective_measure",
    ("protection", "breaches"): "protective_breach",
    ("protection", "unused"): "unused_power",
    ("retention", "measures"): "protective_measure",
    # A register entry and a document read in: in the world with the case and without it alike.
    ("retention", "people"): "register_person",
    ("retention", "documents"): "source_document",
    # A person's notification: the fixture's is the PSD lead's, about the case (notifications/).
    ("notifications",): "notification",
}

# Things that belong to one case: a person refused the case must be refused these exactly as if they
# did not exist, and an excluded person reaching for one raises a silent alert.
CASE_OWNED = frozenset(
    {
        "case",
        "audit_entry",
        "dip_entry",
        "team_member",
        "break_glass",
        "alert",
        "oic_request",
        "support_referral",
        "marac_referral",
        "exclusion",
        "lifted_exclusion",
        "held_import",
        "protective_measure",
        "protective_breach",
        "unused_power",
        "notification",
    }
)

# Form fields and query parameters that take a case reference or a search term about a case's parties.
REFERENCE_FIELDS = ("reference", "q")


def meaning_of(segments: list[str], index: int) -> str | None:
    """What the parameter at `segments[index]` names, from the literal segments in front of it."""
    literals = [segment for segment in segments[:index] if not _is_parameter(segment)]
    for length in (2, 1):
        key = tuple(literals[-length:])
        if len(key) == length and key in SEGMENT_MEANING:
            return SEGMENT_MEANING[key]
    return None


def _is_parameter(segment: str) -> bool:
    return segment.startswith("<") or segment.startswith("{")


def _parameter_name(segment: str) -> str:
    return segment.strip("<>{}").split(":")[-1]


@dataclass(frozen=True)
class Route:
    """A named web route, with what each of its parameters names (None: not understood)."""

    name: str  # namespaced, for reverse()
    route: str  # the whole pattern, for example "cases/<int:pk>/team/<int:member_id>/remove/"
    params: tuple[tuple[str, str | None], ...]  # (kwarg, meaning)

    @property
    def namespace(self) -> str:
        return self.name.split(":")[0]

    @property
    def meanings(self) -> dict[str, str | None]:
        return dict(self.params)

    @property
    def case_owned(self) -> bool:
        """Does a parameter name the case or something of it?"""
        return any(meaning in CASE_OWNED for _, meaning in self.params)

    @property
    def takes_case_directly(self) -> bool:
        return any(meaning == "case" for _, meaning in self.params)

    def url(self, values: Mapping[Any, Any]) -> str:
        """The URL with each parameter filled from `values` (meaning -> value)."""
        return reverse(self.name, kwargs={kwarg: values[meaning] for kwarg, meaning in self.params})

    @property
    def label(self) -> str:
        return self.name


def _walk(patterns: list[URLPattern | URLResolver], namespace: str = "", prefix: str = "") -> Iterator[Route]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            yield from _walk(pattern.url_patterns, inner, route)
        elif pattern.name:
            yield Route(f"{namespace}:{pattern.name}" if namespace else pattern.name, route, _params(route))


def _params(route: str) -> tuple[tuple[str, str | None], ...]:
    segments = route.split("/")
    found = []
    for index, segment in enumerate(segments):
        for parameter in re.findall(r"<[^>]+>", segment):
            found.append((_parameter_name(parameter), meaning_of(segments, index)))
    return tuple(found)


@cache
def all_web_routes() -> tuple[Route, ...]:
    """Every named route the resolver knows, the API's own included (they are tried as operations)."""
    return tuple(_walk(get_resolver().url_patterns))


def web_routes() -> list[Route]:
    """The routes to try: all but the excluded areas and the API's operations (tried from its OpenAPI document)."""
    operation_paths = {op.path for op in all_operations()}
    return [
        route
        for route in all_web_routes()
        if route.namespace not in EXCLUDED_NAMESPACES and _as_openapi_path(route.route) not in operation_paths
    ]


def _as_openapi_path(route: str) -> str:
    return "/" + re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", route)


@dataclass(frozen=True)
class Operation:
    """An API operation from the OpenAPI document."""

    method: str  # upper case
    path: str  # with {name} placeholders, for example /api/v1/cases/{case_id}
    tags: tuple[str, ...]
    query: tuple[str, ...]  # query parameter names
    params: tuple[tuple[str, str | None], ...]  # path parameter -> meaning

    @property
    def meanings(self) -> dict[str, str | None]:
        return dict(self.params)

    @property
    def case_owned(self) -> bool:
        return any(meaning in CASE_OWNED for _, meaning in self.params)

    @property
    def takes_case_directly(self) -> bool:
        return any(meaning == "case" for _, meaning in self.params)

    def url(self, values: Mapping[Any, Any]) -> str:
        path = self.path
        for name, meaning in self.params:
            path = path.replace(f"{{{name}}}", str(values[meaning]))
        return path

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"


@cache
def openapi_document() -> dict[str, Any]:
    """The document /api/openapi.json serves, fetched through the resolver as a signed-in person would."""
    match = resolve(OPENAPI_URL)
    request = RequestFactory().get(OPENAPI_URL)
    request.user = SimpleNamespace(is_authenticated=True)  # type: ignore[assignment]
    response = match.func(request, *match.args, **match.kwargs)
    document: dict[str, Any] = json.loads(response.content)
    return document


def all_operations(document: dict[str, Any] | None = None) -> list[Operation]:
    document = document or openapi_document()
    found = []
    for path, operations in document["paths"].items():
        segments = path.split("/")
        params = tuple(
            (_parameter_name(segment), meaning_of(segments, index))
            for index, segment in enumerate(segments)
            if segment.startswith("{")
        )
        for method, operation in operations.items():
            query = tuple(p["name"] for p in operation.get("parameters", []) if p.get("in") == "query")
            found.append(Operation(method.upper(), path, tuple(operation.get("tags", ())), query, params))
    return found


def operations() -> list[Operation]:
    """The operations to try: all but those of excluded areas."""
    return [op for op in all_operations() if not (op.tags and all(tag in EXCLUDED_API_TAGS for tag in op.tags))]


def not_understood() -> list[str]:
    """Every parameter of a tried route or operation whose meaning SEGMENT_MEANING does not give."""
    problems = [
        f"{route.name} ({route.route}): <{kwarg}>"
        for route in web_routes()
        for kwarg, meaning in route.params
        if meaning is None
    ]
    problems += [f"{op.label}: {{{name}}}" for op in operations() for name, meaning in op.params if meaning is None]
    return problems


# --- what a page's forms send --------------------------------------------------------------------


@dataclass(frozen=True)
class Form:
    method: str
    action: str  # the path it posts or gets to
    fields: tuple[str, ...]


_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
_ATTR = re.compile(r'(\w[\w-]*)\s*=\s*"([^"]*)"')
_FIELD = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"', re.I)


def forms_in(html: str, page_path: str) -> list[Form]:
    """The forms of an HTML page, with where they send and the names of their fields."""
    found = []
    for attributes, body in _FORM.findall(html):
        attrs = dict(_ATTR.findall(attributes))
        method = attrs.get("method", "get").upper()
        action = attrs.get("action") or page_path
        found.append(Form(method, action.split("?")[0], tuple(dict.fromkeys(_FIELD.findall(body)))))
    return found
