"""Every URL of the cases and victims areas, and every cases API path, against every case persona.

The patterns are read from the URL resolver and the API's routers, so pages added later are checked
without anyone listing them here. Kwargs come from the fixture case: `case_pk`, `case_id`, or a
leading `<int:pk>/`, is the case; every other int kwarg is 1.

- People outside the case get 404 from every page and API path about it, for GET and POST: never
  403, never 200; and no page outside a case (lists, alerts, audits) shows them its reference,
  victim or subject.
- People on the case never get 404 from its page; its PSD lead never gets 404 from any page about it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from oversight.api.models import ApiToken
from oversight.api.urls import api
from oversight.cases.models import Case
from tests.case_personas import ALLOWED, SUBJECT_NAME, SUBJECT_STAFF_NUMBER, VICTIM_NAME, CasePersonas
from tests.conftest import client_for

pytest_plugins = ["tests.case_fixtures"]  # the case personas' fixtures
pytestmark = pytest.mark.django_db

NAMESPACES = ("cases", "victims")
API_PREFIXES = ("/v1/cases", "/v1/victims")
CASE_KWARGS = ("case_pk", "case_id")
EVERY_CASE_PERSON_SEES = {"cases:detail"}  # pages the whole team reads
SECRETS = (VICTIM_NAME, SUBJECT_NAME, SUBJECT_STAFF_NUMBER)
SEARCH = VICTIM_NAME.split()[-1]  # sent to every page: matches the victim, yet its echo reveals nothing new


@dataclass(frozen=True)
class Route:
    name: str
    route: str  # the pattern as written, for deciding which kwarg is the case
    kwargs: dict[str, bool]  # kwarg -> is an int

    @property
    def case_kwarg(self) -> str | None:
        for name in CASE_KWARGS:
            if name in self.kwargs:
                return name
        return "pk" if re.match(r"<int:pk>/", self.route) else None

    def url(self, case_pk: int) -> str:
        values = {
            name: (case_pk if name == self.case_kwarg else 1 if is_int else "x") for name, is_int in self.kwargs.items()
        }
        return reverse(self.name, kwargs=values)

    @property
    def only_case(self) -> bool:
        return self.case_kwarg is not None and len(self.kwargs) == 1


def _walk(patterns: list[URLPattern | URLResolver], namespace: str, prefix: str = "") -> Iterator[Route]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, inner, route)
        elif pattern.name:
            converters = getattr(pattern.pattern, "converters", {})
            kwargs = {name: isinstance(converter, IntConverter) for name, converter in converters.items()}
            kwargs.update({name: False for name in pattern.pattern.regex.groupindex if name not in kwargs})
            yield Route(f"{namespace}:{pattern.name}", route, kwargs)


def web_routes() -> list[Route]:
    resolver = get_resolver()
    found: list[Route] = []
    for namespace in NAMESPACES:
        if namespace in resolver.namespace_dict:
            found += _walk(resolver.namespace_dict[namespace][1].url_patterns, namespace)
    return found


@dataclass(frozen=True)
class ApiPath:
    path: str  # with {name} placeholders
    methods: tuple[str, ...]

    @property
    def is_case(self) -> bool:
        return any(f"{{{name}}}" in self.path for name in CASE_KWARGS)

    def url(self, case_pk: int) -> str:
        path = self.path
        for name in CASE_KWARGS:
            path = path.replace(f"{{{name}}}", str(case_pk))
        return re.sub(r"\{[^}]+\}", "1", path)


def api_paths() -> list[ApiPath]:
    found = []
    for prefix, router in api._routers:  # the routers' own list of paths
        if prefix.rstrip("/").startswith(API_PREFIXES):
            for path, view in router.path_operations.items():
                methods = tuple(method for operation in view.operations for method in operation.methods)
                found.append(ApiPath("/api" + prefix.rstrip("/") + path, methods))
    return found


def test_the_matrix_covers_the_known_pages() -> None:
    names = {route.name for route in web_routes()}
    assert {"cases:list", "cases:new", "cases:detail", "cases:statuses", "cases:reads"} <= names
    assert {"/api/v1/cases/", "/api/v1/cases/{case_id}", "/api/v1/cases/search"} <= {p.path for p in api_paths()}


@pytest.fixture
def seen_by_everyone(case_personas: CasePersonas, ppda_case: Case) -> Case:
    """The case after the subject has tried to open it: an alert now exists for alert pages to show."""
    client_for(case_personas.subject).get(reverse("cases:detail", args=[ppda_case.pk]))
    return ppda_case


def _leaks(body: bytes, case: Case, user: User) -> list[str]:
    # The person's own name is in the page header: the subject may see his own name.
    text = body.decode(errors="replace").replace(user.get_full_name(), "")
    return [secret for secret in (case.reference, *SECRETS) if secret in text]


def _refusal(client: Client, method: str, response: HttpResponse, missing_url: str) -> str:
    """What is wrong with the answer to someone outside the case; "" if nothing."""
    if response.status_code == 404:
        return ""
    if response.status_code == 405 and _request(client, method, missing_url).status_code == 405:
        return ""  # the method is refused before any case is looked up: the same for a case that does not exist
    return f"{response.status_code}, not 404"


def _request(client: Client, method: str, url: str) -> HttpResponse:
    data = {"q": SEARCH} if method.upper() == "GET" else {}
    response: HttpResponse = getattr(client, method.lower())(url, data)
    return response


def _refused_problems(user: User, client: Client, api_client: Client, case: Case) -> list[str]:
    problems = []
    missing = case.pk + 1000
    for route in web_routes():
        for method in ("GET", "POST") if route.case_kwarg else ("GET",):
            response = _request(client, method, route.url(case.pk))
            if route.case_kwarg and (wrong := _refusal(client, method, response, route.url(missing))):
                problems.append(f"{method} {route.name} {route.url(case.pk)}: {wrong}")
            elif leaked := _leaks(response.content, case, user):
                problems.append(f"{method} {route.name} {route.url(case.pk)} shows {leaked}")
    for path in api_paths():
        for method in path.methods:
            response = _request(api_client, method, path.url(case.pk))
            if path.is_case and (wrong := _refusal(api_client, method, response, path.url(missing))):
                problems.append(f"{method} {path.url(case.pk)}: {wrong}")
            elif leaked := _leaks(response.content, case, user):
                problems.append(f"{method} {path.url(case.pk)} shows {leaked}")
    return problems


def _allowed_problems(name: str, client: Client, api_client: Client, case: Case) -> list[str]:
    problems = []
    for route in web_routes():
        if not route.only_case or (name != "psd_lead" and route.name not in EVERY_CASE_PERSON_SEES):
            continue
        response = client.get(route.url(case.pk))
        if response.status_code == 404:
            problems.append(f"GET {route.name}: 404")
    for path in api_paths():
        if path.is_case and "GET" in path.methods and api_client.get(path.url(case.pk)).status_code == 404:
            problems.append(f"GET {path.path}: 404")
    return problems


def _api_client(user: User) -> Client:
    _, raw = ApiToken.issue(user, "matrix")
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.mark.parametrize("name", list(CasePersonas.__dataclass_fields__))
def test_every_page_against_every_persona(case_personas: CasePersonas, seen_by_everyone: Case, name: str) -> None:
    user = getattr(case_personas, name)
    client, api_client = client_for(user), _api_client(user)
    if name in ALLOWED:
        problems = _allowed_problems(name, client, api_client, seen_by_everyone)
    else:
        problems = _refused_problems(user, client, api_client, seen_by_everyone)
    assert not problems, "\n".join(problems)
