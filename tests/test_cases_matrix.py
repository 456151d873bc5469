"""Every page and API operation of the project against every case persona, insiders included.

The routes come from the URL resolver and the operations from the OpenAPI document the API serves
(tests/case_routes.py), so pages added later are tried without anyone listing them; the only areas
left out are named there with their reason. Each parameter is pointed at a real object of the case
(its team members, break-glass openings, audit and dip-sample entries, victim records, alerts).

The world (tests/case_personas.py): PC Hart's case, with a grant to people connected to him by each
rule (same unit, line management two levels up, a declared association, a shared previous case) and
to privileged insiders who are excluded (an administrator, a PSD lead of the force, an external
investigator), besides the case team and people with no part in it. It is built once per module.

- Refused: anyone outside the case gets from every route about the case, or about anything of it,
  exactly what they get for a case that does not exist: same status (404, or 405 where the method is
  refused before anything is looked up), same headers, same body once CSRF tokens and the requested
  path are set aside. Never 403, 500 or a redirect. Each attempt by an excluded person raises a
  silent alert to the force's PSD lead.
- Every other page (lists, search, counts, alerts, audits, dip samples, the register, the API lists)
  answers a refused person exactly as in a world where the case was never opened.
- Every form field or API parameter that takes a case reference or a search term answers the case's
  reference, its victim's and subject's names and the subject's staff number exactly as it answers
  terms that match nothing, and alerts when the person is excluded.
- The case team and the force's PSD lead reach the case.

Where a route gives the case away today (a product bug of issue 6), its test is marked
xfail(strict=True) in KNOWN with what leaks: remove the entry when the fix lands.
"""

from __future__ import annotations

import ast
import difflib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import Resolver404, resolve

import oversight
from oversight.api.models import ApiToken
from oversight.audit.models import Alert
from oversight.cases import access
from oversight.cases.models import Case, Victim
from oversight.workforce.models import Person
from tests.case_personas import (
    ALLOWED,
    EXCLUDED,
    INSIDERS_EXCLUDED,
    MAY_BREAK_GLASS,
    SEES_MASKED,
    SUBJECT_NAME,
    SUBJECT_STAFF_NUMBER,
    VICTIM_NAME,
    CasePersonas,
    Furnished,
    Insiders,
    furnish,
    make_case_personas,
    make_insiders,
    make_workforce,
)
from tests.case_routes import (
    EXCLUDED_PACKAGES,
    OPENAPI_URL,
    REFERENCE_FIELDS,
    Operation,
    Route,
    forms_in,
    not_understood,
    openapi_document,
    operations,
    web_routes,
)

PERSONAS = (*CasePersonas.__dataclass_fields__, *Insiders.__dataclass_fields__)
REFUSED = tuple(name for name in PERSONAS if name not in ALLOWED)
EXCLUDED_NAMES = (*EXCLUDED, *INSIDERS_EXCLUDED)
SEARCH = VICTIM_NAME.split()[-1]  # sent with every GET: matches the victim, yet its echo reveals nothing new
EVERY_CASE_PERSON_SEES = {"cases:detail"}  # pages the whole team reads
REASON = "Checking the case for an urgent safeguarding concern."  # what fills a form's other text fields

Target = Route | Operation


def _methods(target: Target) -> tuple[str, ...]:
    return (target.method,) if isinstance(target, Operation) else ("GET", "POST")


CASE_TARGETS: list[Target] = [
    *(route for route in web_routes() if route.case_owned),
    *(op for op in operations() if op.case_owned),
]


def _refused_targets(name: str) -> list[Target]:
    if name not in SEES_MASKED:
        return CASE_TARGETS
    return [target for target in CASE_TARGETS if not REVIEWED & set(target.meanings.values())]


# Pages that say nothing about any record, left out of the per-person comparison with their reason.
SAME_FOR_EVERYONE = {
    "api:openapi-json": "the API's description, generated from its code: compared once, in test_the_operations_are_...",
}
OTHER_TARGETS: list[Target] = [
    *(route for route in web_routes() if not route.case_owned and route.name not in SAME_FOR_EVERYONE),
    *(op for op in operations() if not op.case_owned and op.method == "GET"),
]
# What a person may look a case up by, in a field that takes a reference or a search term.
TERMS = ("reference", "victim", "subject", "staff number")

# What the dip-sample reviewers may reach by design: the case's masked entry, to record their finding on it.
REVIEWED = {"dip_entry"}
# A page of one team member's own: the fixture's team member is the investigator, who signs it.
OWN_PAGES = {"cases:team_declare": "investigator"}

# Refusals that give the case away today, each a product bug of issue 6: remove the entry when fixed.
KNOWN: dict[tuple[str, str, str], str] = {}  # none known today


def _params(kind: str, names: tuple[str, ...], targets: Any) -> list[Any]:
    """(name, target) for each name and target (`targets` may be a function of the name), marked where KNOWN."""
    found = []
    for name in names:
        for target in targets(name) if callable(targets) else targets:
            label = target if isinstance(target, str) else target.label
            reason = KNOWN.get((kind, name, label))
            marks = [pytest.mark.xfail(strict=True, reason=f"issue 6: {reason}")] if reason else []
            found.append(pytest.param(name, target, id=f"{name}-{label}", marks=marks))
    return found


# --- the world, built once for the module -----------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """A response as compared: status, headers and text, with what legitimately differs set aside."""

    status: int
    headers: tuple[tuple[str, str], ...]
    cookies: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class ReferenceForm:
    method: str
    route: str  # the route the form is sent to
    fields: tuple[str, ...]


@dataclass
class World:
    users: dict[str, User]
    sessions: dict[str, str]  # persona -> session cookie
    tokens: dict[str, str]  # persona -> raw API token
    furnished: Furnished
    forms: list[ReferenceForm] = field(default_factory=list)
    without_case: dict[tuple[str, str], Snapshot] = field(default_factory=dict)
    allegations: tuple[str, ...] = ()
    _client: Client = field(default_factory=Client)  # one for all: each new Client loads the middleware again

    @property
    def case(self) -> Case:
        assert self.furnished.case is not None
        return self.furnished.case

    def client(self, name: str) -> Client:
        """The client in the persona's session alone: no message or cookie left over from an earlier request."""
        self._client.cookies = SimpleCookie({settings.SESSION_COOKIE_NAME: self.sessions[name]})
        return self._client

    def api(self, name: str) -> tuple[Client, dict[str, str]]:
        """The client with no session, and the persona's API token to send."""
        self._client.cookies = SimpleCookie()
        return self._client, {"Authorization": f"Bearer {self.tokens[name]}"}


def _build(*, with_case: bool) -> World:
    workforce = make_workforce()
    personas = make_case_personas(workforce)
    insiders = make_insiders(workforce)
    furnished = furnish(personas, insiders, workforce, with_case=with_case)
    users = personas.everyone() | insiders.everyone()
    sessions, tokens = {}, {}
    for name, user in users.items():
        client = Client()
        client.force_login(user)
        sessions[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
        tokens[name] = ApiToken.issue(user, "matrix")[1]
    return World(users, sessions, tokens, furnished)


def _without_the_case() -> dict[tuple[str, str], Snapshot]:
    """Every other page as each refused person sees it in the same world with the case never opened."""
    with transaction.atomic():
        world = _build(with_case=False)
        found = {
            (name, target.label): _snapshot_page(world, name, target) for name in REFUSED for target in OTHER_TARGETS
        }
        transaction.set_rollback(True)
    return found


@pytest.fixture(scope="module", autouse=True)
def _media_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One media folder for the module rather than one per test (there are over a thousand): nothing here uploads."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock():
        without_case = _without_the_case()
        with transaction.atomic():
            built = _build(with_case=True)
            built.without_case = without_case
            built.forms = _reference_forms(built)
            built.allegations = tuple(built.case.allegations.values_list("description", flat=True))
            yield built
            transaction.set_rollback(True)


def _reference_forms(world: World) -> list[ReferenceForm]:
    """Forms that take a case reference or a search term, from every page as the people who use them see it."""
    found: dict[ReferenceForm, None] = {}
    for name in (*ALLOWED, *MAY_BREAK_GLASS):
        for route in (target for target in OTHER_TARGETS if isinstance(target, Route) and _is_page(target)):
            response = world.client(name).get(route.url(world.furnished.ids))
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            for form in forms_in(response.content.decode(), response.request["PATH_INFO"]):
                if set(form.fields) & set(REFERENCE_FIELDS):
                    try:
                        target = resolve(form.action).view_name
                    except Resolver404:
                        continue
                    found[ReferenceForm(form.method, target, form.fields)] = None
    return list(found)


def _is_page(route: Route) -> bool:
    """Not a file (audit.pdf, template.csv): forms are only looked for on pages."""
    return "." not in route.route.rstrip("/").rsplit("/", 1)[-1]


# --- requests and comparisons -------------------------------------------------------------------


def _send(world: World, name: str, target: Target, method: str, ids: dict[str, object], data: Any = None) -> Any:
    url = target.url(ids)
    if data is None:
        data = {"q": SEARCH} if method == "GET" else {}
    client, headers = world.api(name) if isinstance(target, Operation) else (world.client(name), {})
    return getattr(client, method.lower())(url, data, headers=headers)


def _text(response: HttpResponse) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    kind = response.get("Content-Type", "")
    if kind.startswith("application/pdf"):
        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    if "wordprocessingml" in kind:
        from docx import Document

        document = Document(io.BytesIO(content))
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)
    return content.decode(errors="replace")


def _normalise(text: str, world: World, *echoes: str) -> str:
    """Set aside what differs between two answers without saying anything about the case."""
    for echo in sorted(filter(None, echoes), key=len, reverse=True):
        text = text.replace(echo, "«echo»")
    for reference, written in world.furnished.references.items():
        text = text.replace(reference, written)
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', text)
    # Ids differ between the two worlds (PostgreSQL's sequences are not rolled back): in links, JSON,
    # form values, and element names built from them ("e12-finding").
    text = re.sub(r"(?<=/)\d+(?=[/\"?#.&])", "«id»", text)
    text = re.sub(r'("id":\s*|value=")\d+', r"\1«id»", text)
    text = re.sub(r'\b((?:name|id|for|aria-describedby)="[^"\d]*)\d+', r"\1«id»", text)
    text = re.sub(r"\d{4}-\d{2}-\d{2}T[\d:.+-]+", "«datetime»", text)  # machine-readable stamps, to the microsecond
    return re.sub(r"\b\d{1,2}:\d{2}(:\d{2})?\b", "«time»", text)  # when the world was built; Expires headers


def _snapshot(response: HttpResponse, world: World, *echoes: str) -> Snapshot:
    headers = tuple(
        sorted((key, _normalise(value, world, *echoes)) for key, value in response.items() if key != "Content-Length")
    )
    return Snapshot(
        response.status_code, headers, tuple(sorted(response.cookies)), _normalise(_text(response), world, *echoes)
    )


def _snapshot_page(world: World, name: str, target: Target) -> Snapshot:
    return _snapshot(_send(world, name, target, "GET", world.furnished.ids), world)


def _differences(label: str, one: Snapshot, other: Snapshot) -> list[str]:
    if one == other:
        return []
    found = []
    if one.status != other.status:
        found.append(f"{label}: status {one.status}, not {other.status}")
    if one.headers != other.headers or one.cookies != other.cookies:
        found.append(f"{label}: headers {sorted(set(one.headers) ^ set(other.headers))}")
    if one.text != other.text:
        diff = difflib.unified_diff(other.text.splitlines(), one.text.splitlines(), lineterm="", n=0)
        found.append(f"{label}: body differs\n    " + "\n    ".join(list(diff)[2:14]))
    return found


def _secrets(world: World, name: str) -> tuple[str, ...]:
    """What a refused person must never read. The reviewers of dip samples read a masked summary."""
    case = world.case
    if name in SEES_MASKED:
        return (case.reference, VICTIM_NAME, SUBJECT_NAME, SUBJECT_STAFF_NUMBER)
    return (case.reference, VICTIM_NAME, case.summary, *world.allegations, "Black Country Women's Aid")


def _leaks(world: World, name: str, response: HttpResponse, echo: str = "") -> list[str]:
    """The secrets in a response, less the term the person typed, echoed back."""
    text = _text(response).replace(echo, "") if echo else _text(response)
    if name == "subject":
        text = text.replace(world.users[name].get_full_name(), "")  # his own name is in the page header
    return [secret for secret in _secrets(world, name) if secret in text]


def _alerts_about_the_case(world: World, name: str) -> set[int]:
    case_type = ContentType.objects.get_for_model(Case)
    rows = Alert.objects.filter(actor=world.users[name], content_type=case_type, object_id=world.case.pk)
    return set(rows.values_list("pk", flat=True))


def _alert_problems(world: World, name: str, before: set[int], what: str) -> list[str]:
    """An excluded person's attempt: a new alert about the case, to the force's PSD lead."""
    new = _alerts_about_the_case(world, name) - before
    if not new:
        return [f"{what}: no alert to the PSD lead"]
    seen_by_lead = access.visible_alerts(world.users["psd_lead"]).filter(pk__in=new).count()
    if seen_by_lead != len(new):
        return [f"{what}: the alert does not reach the force's PSD lead"]
    return []


# --- the routes themselves ---------------------------------------------------------------------


def test_every_parameter_is_understood() -> None:
    """A route whose parameter names something new must say what (tests/case_routes.py SEGMENT_MEANING)."""
    assert not_understood() == []


def test_the_matrix_covers_the_known_pages() -> None:
    names = {target.label for target in CASE_TARGETS + OTHER_TARGETS}
    assert {"cases:list", "cases:detail", "cases:audit_entry", "victims:referral_update", "workforce:register"} <= names
    assert {"GET /api/v1/cases/{case_id}", "GET /api/v1/cases/search", "GET /api/v1/cases/"} <= names


def test_excluded_areas_never_touch_cases() -> None:
    """The areas the matrix leaves out for never reading a case really import neither cases nor victims."""
    root = Path(oversight.__file__).parent
    for package in EXCLUDED_PACKAGES.values():
        for source in (root / package.removeprefix("oversight.").replace(".", "/")).rglob("*.py"):
            tree = ast.parse(source.read_text())
            imported = [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
            imported += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
            touching = [name for name in imported if re.search(r"(^|\.)(cases|victims)(\.|$)", name)]
            assert not touching, f"{source} imports {touching}: take {package} out of EXCLUDED_NAMESPACES"


@pytest.mark.django_db
def test_the_operations_are_the_ones_the_api_serves(world: World) -> None:
    served = world.client("psd_lead").get(OPENAPI_URL)
    assert served.status_code == 200
    assert served.json() == openapi_document()


# --- refused: every route about the case ----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "target"), _params("refused", REFUSED, _refused_targets))
def test_refused_exactly_as_for_a_case_that_does_not_exist(world: World, name: str, target: Target) -> None:
    problems = []
    ids, missing = world.furnished.ids, world.furnished.missing_ids()
    for method in _methods(target):
        what = f"{method} {target.url(ids)}"
        before = _alerts_about_the_case(world, name)
        response = _send(world, name, target, method, ids)
        if name in EXCLUDED_NAMES and response.status_code != 405:
            problems += _alert_problems(world, name, before, what)
        unknown = _send(world, name, target, method, missing)
        if unknown.status_code not in (404, 405):
            problems.append(f"{what}: a case that does not exist answers {unknown.status_code}")
        echoes = (target.url(ids), target.url(missing))
        problems += _differences(what, _snapshot(response, world, *echoes), _snapshot(unknown, world, *echoes))
        problems += [f"{what} shows {leak}" for leak in _leaks(world, name, response)]
    assert not problems, "\n".join(problems)


# --- refused: every other page is as if the case never existed ------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "target"), _params("page", REFUSED, OTHER_TARGETS))
def test_every_other_page_as_if_the_case_never_existed(world: World, name: str, target: Target) -> None:
    response = _send(world, name, target, "GET", world.furnished.ids)
    what = f"GET {target.url(world.furnished.ids)}"
    problems = [f"{what} shows {leak}" for leak in _leaks(world, name, response)]
    if name not in SEES_MASKED:
        problems += _differences(what, _snapshot(response, world), world.without_case[(name, target.label)])
    assert not problems, "\n".join(problems)


# --- refused: looking the case up by its reference, or its parties by name -----------------------


def _where(target: Target) -> str:
    return target.path if isinstance(target, Operation) else target.name


def _term(world: World, kind: str) -> tuple[str, str]:
    """A term that finds the case, and one of the same shape that matches nothing at all."""
    if kind == "reference":
        reference = world.case.reference
        return reference, re.sub(r"\d", lambda digit: str((int(digit.group()) + 5) % 10), reference)
    return {"victim": (SEARCH, "Clerkwell"), "subject": (SUBJECT_NAME, "Dennis Harte"),
            "staff number": (SUBJECT_STAFF_NUMBER, "WM49911")}[kind]  # fmt: skip


def _inputs(world: World, name: str, kind: str) -> Iterator[tuple[Target, str, str, dict[str, str], bool]]:
    """Every field that takes a term of this kind: (target, method, field, the form's other fields, whether an
    excluded person's try must alert). Forms that take more than the term are sent with the rest empty, and
    then filled in (but not by someone who may break the glass: for them, that opens the case)."""
    fields = REFERENCE_FIELDS if kind == "reference" else ("q",)
    for op in operations():
        for field_name in set(op.query) & set(fields):
            yield op, op.method, field_name, {}, True
    routes = {route.name: route for route in web_routes()}
    for form in world.forms:
        others = [f for f in form.fields if f not in REFERENCE_FIELDS and not f.startswith("csrf")]
        for field_name in set(form.fields) & set(fields):
            yield routes[form.route], form.method, field_name, dict.fromkeys(others, ""), form.method == "GET"
            if form.method == "POST" and others and name not in MAY_BREAK_GLASS:
                yield routes[form.route], form.method, field_name, dict.fromkeys(others, REASON), True


@pytest.mark.django_db
def test_the_unknown_terms_match_nothing(world: World) -> None:
    for kind in TERMS:
        term, unknown = _term(world, kind)
        assert term != unknown
        assert len(term) == len(unknown) or kind != "reference"
        assert not Case.objects.filter(reference__icontains=unknown).exists()
        assert not Person.objects.filter(Q(name__icontains=unknown) | Q(staff_number__iexact=unknown)).exists()
        assert not Victim.objects.filter(name__icontains=unknown).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kind"), _params("search", REFUSED, list(TERMS)))
def test_looking_the_case_up_is_answered_as_for_nothing(world: World, name: str, kind: str) -> None:
    problems = []
    term, unknown = _term(world, kind)
    echoes = (term, unknown, *(value.replace(" ", "+") for value in (term, unknown)))
    inputs = list(_inputs(world, name, kind))
    assert inputs, f"nothing takes a {kind}"
    for target, method, field_name, others, alerts in inputs:
        what = f"{method} {_where(target)} {field_name}={term!r} {others or ''}"
        before = _alerts_about_the_case(world, name)
        response = _send(world, name, target, method, world.furnished.ids, {field_name: term, **others})
        if name in EXCLUDED_NAMES and alerts:
            problems += _alert_problems(world, name, before, what)
        nothing = _send(world, name, target, method, world.furnished.ids, {field_name: unknown, **others})
        problems += _differences(what, _snapshot(response, world, *echoes), _snapshot(nothing, world, *echoes))
        problems += [f"{what} shows {leak}" for leak in _leaks(world, name, response, term)]
    assert not problems, "\n".join(problems)


# --- allowed: the team and the force's PSD lead reach the case -----------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ALLOWED)
def test_the_team_and_the_psd_lead_reach_the_case(world: World, name: str) -> None:
    problems = []
    for target in filter(lambda target: _reaches(name, target), CASE_TARGETS):
        response = _send(world, name, target, "GET", world.furnished.ids)
        if response.status_code == 404:
            problems.append(f"GET {target.label}: 404")
    assert not problems, "\n".join(problems)


def _reaches(name: str, target: Target) -> bool:
    """Does this person of the case team reach this route? The PSD lead every page, the team the case's page."""
    if isinstance(target, Operation):
        return target.method == "GET"
    if target.name in OWN_PAGES:
        return OWN_PAGES[target.name] == name
    return name == "psd_lead" or target.name in EVERY_CASE_PERSON_SEES
