"""The API fuzzed from its own OpenAPI document: every operation, as several personas, with bounded examples.

Schemathesis generates requests from /api/openapi.json (read through the URL resolver, so an operation
added later is fuzzed without anyone listing it) and sends them to Django's WSGI application with each
persona's bearer token. About half the examples have their path ids pointed at real records of one world
(the locked PPDA case and what hangs on it, a tracking record, a national return), so no operation is
tried only against a 404. Every response must not be a server error, must carry a status code, a
content type and a body the document declares, and, for a persona locked out of the case, must not
hold the case's reference, its id or any of the marker strings planted in its fields.

Examples are derandomised (the same requests on every run) and few per operation, so the file runs in
a couple of minutes on two cores; a new failure is reproduced by running it again.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from ninja import Schema
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from oversight.api.models import ApiToken
from oversight.cases.models import Allegation, Case, Victim
from oversight.protection.models import Breach, Measure, ProtectedPerson, UnusedPower
from oversight.recommendations.models import TrackingRecord
from oversight.returns.models import Return
from tests.case_personas import CasePersonas, Furnished
from tests.case_routes import openapi_document
from tests.personas import Personas

pytest_plugins = ["tests.case_fixtures", "tests.returns_fixtures"]
pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 5  # per persona: 56 operations x 6 personas x 5 is about 1,700 requests
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

# Strings planted in the locked case's fields: none may reach a persona locked out of it.
MARKERS = {
    "summary": "Qzv-summary-marker: threats made at the canal lock",
    "victim": "Qzvictim Markerton",
    "allegation": "Qzv-allegation-marker: tracked her phone",
    "breach": "Qzv-breach-marker: waited outside her work",
}

# The personas, each with whether the locked case is theirs to see.
PERSONAS = {
    "force_liaison": False,  # West Midlands' register liaison officer: no case role
    "psd_handler": True,  # the case's handler
    "subject_officer": False,  # PC Hart, the subject
    "excluded_psd_insider": False,  # his partner, a PSD handler of the force
    "unrelated_force": False,  # Avon and Somerset's PSD lead
    "connected_administrator": False,  # an administrator and PSD lead of the force, once his team-mate
}


@dataclass
class World:
    users: dict[str, User]
    ids: dict[str, object]  # path parameter name -> a real record's id
    secrets: list[str]  # what a locked-out persona must never receive


@pytest.fixture
def world(
    personas: Personas,
    case_personas: CasePersonas,
    furnished_case: Furnished,
    tracking: TrackingRecord,
    wm_return: Return,
) -> World:
    case = furnished_case.case
    assert case is not None
    _plant_markers(case)
    ids = furnished_case.ids
    question = wm_return.request.questions.first()
    users = {
        "force_liaison": personas.liaison,
        "psd_handler": case_personas.psd_handler,
        "subject_officer": case_personas.subject,
        "excluded_psd_insider": case_personas.subject_partner,
        "unrelated_force": case_personas.other_force_psd,
        "connected_administrator": case_personas.connected_administrator,
    }
    return World(
        users=users,
        ids={
            "case_id": case.pk,
            "measure_id": ids["protective_measure"],
            "breach_id": ids["protective_breach"],
            "unused_id": ids["unused_power"],
            "tracking_id": tracking.pk,
            "report_id": tracking.item.report_id,
            "request_id": wm_return.request_id,
            "return_id": wm_return.pk,
            "question_id": question.pk if question else 1,
        },
        secrets=_secrets(case, ids),
    )


def _plant_markers(case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(summary=MARKERS["summary"])
    Victim.objects.filter(case=case).update(name=MARKERS["victim"])
    Allegation.objects.filter(case=case).update(description=MARKERS["allegation"])


def _secrets(case: Case, ids: dict[str, object]) -> list[str]:
    measure = Measure.objects.get(pk=ids["protective_measure"])
    Breach.objects.filter(pk=ids["protective_breach"]).update(description=MARKERS["breach"])
    ProtectedPerson.objects.filter(measure=measure).update(name=MARKERS["victim"])
    unused = UnusedPower.objects.get(pk=ids["unused_power"])
    return [
        case.reference,
        str(case.pk),  # a random id of ten digits or more: in a URL, a body or a count it names the case
        measure.reference,
        unused.incident_reference,
        *MARKERS.values(),
    ]


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    """Django's WSGI application, inside the test's transaction: as Django's test client does, the
    request signals do not close the test's database connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _schema(app: WSGIHandler) -> Any:
    schema = schemathesis.openapi.from_dict(copy.deepcopy(openapi_document()))
    schema.app = app
    return schema


def _operations(schema: Any) -> list[Any]:
    found = [result.ok() for result in schema.get_all_operations()]
    assert len(found) == sum(len(methods) for methods in openapi_document()["paths"].values())
    return found


def _schemas(root: type) -> Iterator[type]:
    for child in root.__subclasses__():
        if child.__module__.startswith("oversight."):
            yield child
        yield from _schemas(child)


def test_no_two_api_schemas_share_a_name() -> None:
    """The OpenAPI document names each schema by its class name, and django-ninja keeps only one of two
    classes with the same name: the fuzz found the register's list of reports described by the coding
    report's `ReportOut`, and three different `CountsOut`. Each name must belong to one class."""
    import oversight.api.urls  # noqa: F401 (imports every app's API module)

    classes: dict[str, set[str]] = {}
    for schema in set(_schemas(Schema)):
        classes.setdefault(schema.__name__, set()).add(f"{schema.__module__}.{schema.__qualname__}")
    assert {name: found for name, found in classes.items() if len(found) > 1} == {}


def test_every_operation_of_the_document_is_fuzzed(wsgi_app: WSGIHandler) -> None:
    """The document loads, and every operation in it yields a strategy (none is skipped as unreadable)."""
    operations = _operations(_schema(wsgi_app))
    assert len(operations) >= 50
    for operation in operations:
        assert operation.as_strategy() is not None, operation.label


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_fuzzed_api_answers_within_its_schema_and_never_leaks_the_locked_case(
    persona: str, world: World, wsgi_app: WSGIHandler
) -> None:
    user = world.users[persona]
    _, token = ApiToken.issue(user, "fuzz")
    headers = {"Authorization": f"Bearer {token}"}
    failures: list[str] = []
    for operation in _operations(_schema(wsgi_app)):
        try:
            _fuzz(operation, headers, world, check_leaks=not PERSONAS[persona])
        except (Exception, BaseExceptionGroup) as error:  # schemathesis's FailureGroup is a BaseExceptionGroup
            failures.append(f"{operation.label}: {_summary(error)}")
    assert not failures, f"{len(failures)} operations failed for {persona}:\n" + "\n\n".join(failures)


def _summary(error: BaseException) -> str:
    """The failure's first lines: what failed and on which request, without the whole schema."""
    lines = [line for line in str(error).splitlines() if line.strip()]
    curl = [line.strip() for line in str(error).splitlines() if line.strip().startswith("curl ")]
    return f"{type(error).__name__}: " + " / ".join(lines[:6]) + (f" / {curl[0]}" if curl else "")


def _fuzz(operation: Any, headers: dict[str, str], world: World, *, check_leaks: bool) -> None:
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(), real_ids=st.booleans())
    def run(case: Any, real_ids: bool) -> None:
        if real_ids and case.path_parameters:
            case.path_parameters = {name: world.ids.get(name, value) for name, value in case.path_parameters.items()}
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)
        if check_leaks:
            _assert_no_secret(case, response, world.secrets)

    run()


def _assert_no_secret(case: Any, response: Any, secrets: list[str]) -> None:
    """No secret in the body or headers, unless the request itself carried it (an echo is not a leak)."""
    sent = json.dumps([case.path_parameters, case.query, case.body], default=str)
    received = response.content.decode(errors="replace") + json.dumps(dict(response.headers))
    leaked = [secret for secret in secrets if secret in received and secret not in sent]
    assert not leaked, f"{case.method} {case.formatted_path} answered {response.status_code} with {leaked}"
