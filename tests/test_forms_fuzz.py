"""Every form class of the project and every API operation, fed random and extreme values, answers without a
server error: a form validates and renders, an API call answers below 500.

Forms are found by importing each app's form modules, operations from the OpenAPI document; ids point at
real objects as well as at random numbers, so no operation is tried only against a 404.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import json
import pkgutil
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import Client
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import oversight
from oversight.forms import GovukFormMixin
from oversight.ingest.models import DocumentKind, Proposal, ProposalKind, ReadingStatus, SourceDocument
from oversight.organisations.models import Organisation
from oversight.recommendations import services
from oversight.recommendations.models import Committee, TrackingRecord
from oversight.returns import services as returns_services
from tests.case_personas import CasePersonas
from tests.factories import ItemFactory
from tests.personas import Personas
from tests.test_api import api_client

pytest_plugins = ["tests.case_fixtures"]

FUZZ = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)

# Tried on every form field and every parameter on every run, whatever the generator draws.
EXTREMES = [
    "", " ", "0", "-1", "99999999999999999999", "-99999999999999999999", str(2**63), "1e309", "NaN", "\x00",
    "a\x00b", "0001", "9999", "31", "2023-02-30", "30/02/2023", "yes", "on", "true", "null", "[]", "{}",
    "https://example.org", "javascript:alert(1)", "a@b.c", "\u202e\U0001f600\u0301", "x" * 2**20,
]  # fmt: skip

# Tried one input at a time, every other input plausible: the classic overflow, sign and encoding bugs.
ONE_AT_A_TIME = ["99999999999999999999", "-1", "0", "\x00", "\u0663", "1" * 5000]

extreme_text = st.one_of(
    st.sampled_from(EXTREMES),
    st.text(max_size=30),
    st.integers().map(str),
    st.text(alphabet="0123456789-./", max_size=25),
)


def _form_modules() -> list[Any]:
    names = [m.name for m in pkgutil.walk_packages(oversight.__path__, "oversight.") if m.name.endswith("forms")]
    return [importlib.import_module(name) for name in names]


def _form_classes() -> list[type[forms.BaseForm]]:
    found = {
        cls
        for module in _form_modules()
        for cls in vars(module).values()
        if inspect.isclass(cls) and issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__
    }
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


FORM_CLASSES = _form_classes()


def test_forms_are_discovered_in_every_app() -> None:
    apps = {cls.__module__.split(".")[1] for cls in FORM_CLASSES}
    assert {"accounts", "api", "cases", "recommendations", "victims", "workforce"} <= apps
    assert len(FORM_CLASSES) > 40


# --- the objects forms are built for ---------------------------------------------------------


@pytest.fixture
def world(personas: Personas, case_personas: CasePersonas, ppda_case: Any, tracking: TrackingRecord) -> dict[str, Any]:
    """What each form's constructor asks for, by parameter name: a record, a report, a case, a person..."""
    report = tracking.item.report
    wmp = tracking.organisation
    ItemFactory(report=report, number="2", text="Supervise investigations.")
    pcc = wmp.governing_body_on()
    assert pcc is not None
    committee = Committee.objects.create(name="Joint Audit Committee", organisation=pcc)
    committee.forces.set([wmp])
    response = services.start_response(report, wmp, personas.opcc_officer)
    document = SourceDocument.objects.create(
        sha256="0" * 64, original_name="response.txt", size=11, kind=DocumentKind.RESPONSE, organisation=pcc,
        report=report, response=response, uploaded_by=personas.opcc_officer, status=ReadingStatus.READ,
        text="I will act.",
    )  # fmt: skip
    proposal = Proposal.objects.create(
        document=document, kind=ProposalKind.ACTION, text="I will act.", action_status="intended", span_start=0,
        span_end=11,
    )  # fmt: skip
    return_request = returns_services.create_request(
        personas.national_analyst,
        returns_services.RequestDraft(
            body=Organisation.objects.get(slug="apcc"), title="Returns", items=[tracking.item],
            deadline=dt.date(2099, 1, 1),
        ),
    )  # fmt: skip
    returns_services.send_request(return_request, personas.national_analyst, None)
    record = return_request.returns.get(organisation=pcc)
    return {
        "record": record,
        "return": record,
        "proposal": proposal,
        "tracking": tracking,
        "report": report,
        "committee": committee,
        "response": response,
        "actions": list(response.actions.select_related("item")),
        "user": personas.opcc_officer,
        "case": ppda_case,
        "forces": Organisation.objects.forces().filter(pk=ppda_case.force_id),
        "organisations": Organisation.objects.filter(pk=ppda_case.force_id),
        "dates": [dt.date(2025, 1, 1), dt.date(2025, 7, 1)],
        "needs_reason": True,
        "headings": ["Reference", "Type", "Made", "Served", "Ends"],  # a file's headings, to map
        "request": None,
        "personas": personas,
        "case_personas": case_personas,
    }


def _constructor_kwargs(cls: type[forms.BaseForm], world: dict[str, Any]) -> dict[str, Any]:
    """Every argument the form's constructor needs (beyond data and files), taken from the world by name."""
    needed = {}
    constructors = [
        c.__dict__["__init__"] for c in cls.__mro__[: cls.__mro__.index(forms.BaseForm)] if "__init__" in c.__dict__
    ]
    for constructor in constructors:
        for name, parameter in inspect.signature(constructor).parameters.items():
            if name in {"self", "data", "files"} or parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
                continue
            if parameter.default is parameter.empty or name in world:
                assert name in world, f"{cls.__name__} needs '{name}': add it to the world fixture"
                needed[name] = world[name]
    return needed


# Plausible day, month and year, so that one part at a time is extreme.
DATE_PARTS = (["1", "15", "28", "29", "31"], ["1", "2", "12"], ["1900", "2024", "2100"])


class Input:
    """One name the page posts, the field it belongs to, and values the field would accept."""

    def __init__(self, name: str, field: forms.Field, valid: list[str]) -> None:
        self.name, self.field, self.valid = name, field, valid

    def values(self) -> st.SearchStrategy[Any]:
        single = st.one_of(extreme_text, st.sampled_from(self.valid)) if self.valid else extreme_text
        if isinstance(self.field.widget, forms.SelectMultiple | forms.CheckboxSelectMultiple):
            return st.lists(single, max_size=3)
        return single


def _inputs(form: forms.BaseForm) -> list[Input]:
    """The names the page posts for each field: a date field posts day, month and year."""
    inputs = []
    for bound in form:
        field = bound.field
        if isinstance(field.widget, forms.MultiWidget):
            inputs += [Input(f"{bound.html_name}_{index}", field, DATE_PARTS[index]) for index in range(3)]
        elif isinstance(field, forms.ChoiceField):
            valid = [str(getattr(value, "value", value)) for value, _ in field.choices if value != ""][:10]
            inputs.append(Input(bound.html_name, field, valid))
        else:
            inputs.append(Input(bound.html_name, field, []))
    return inputs


upload = st.builds(
    SimpleUploadedFile,
    st.sampled_from(["people.csv", "plan.pdf", "x", "É.CSV", "a" * 300 + ".csv", ".csv", "report.docx"]),
    st.one_of(st.binary(max_size=64), st.sampled_from([b"record\r\nperson\r\n", b"\x00\x00", b"\xff\xfe", b""])),
)


def _check(cls: type[forms.BaseForm], kwargs: dict[str, Any], data: MultiValueDict[str, Any], files: Any) -> None:
    form = cls(data=data, files=files, **kwargs)  # type: ignore[call-arg]
    form.is_valid()
    html = Template("{% load crispy_forms_tags crispy_forms_gds %}{% error_summary form %}{% crispy form %}").render(
        Context({"form": form})
    )
    assert "This field is required" not in html


def _one_extreme(each: Input, *, target: Input, extreme: str) -> str:
    return extreme if each is target else (each.valid or ["x"])[-1]


def _payload(inputs: list[Input], value: Callable[[Input], Any]) -> MultiValueDict[str, Any]:
    data: MultiValueDict[str, Any] = MultiValueDict()
    for each in inputs:
        drawn = value(each)
        data.setlist(each.name, drawn if isinstance(drawn, list) else [drawn])
    return data


@pytest.mark.django_db
@pytest.mark.parametrize("cls", FORM_CLASSES, ids=lambda cls: f"{cls.__module__.split('.')[1]}.{cls.__name__}")
def test_no_form_fails_on_random_and_extreme_input(cls: type[forms.BaseForm], world: dict[str, Any]) -> None:
    kwargs = _constructor_kwargs(cls, world)
    inputs = _inputs(cls(**kwargs))  # type: ignore[call-arg]
    file_names = [each.name for each in inputs if isinstance(each.field, forms.FileField)]
    fields = [each for each in inputs if each.name not in file_names]
    for extreme in EXTREMES:  # every extreme in every field at once
        _check(cls, kwargs, _payload(fields, lambda each, extreme=extreme: extreme), None)
    for target in fields:  # then each in one field, the others plausible; then the generator's mixtures
        for extreme in ONE_AT_A_TIME:
            _check(cls, kwargs, _payload(fields, partial(_one_extreme, target=target, extreme=extreme)), None)

    @FUZZ
    @given(data=st.data())
    def fuzz(data: st.DataObject) -> None:
        payload = _payload(fields, lambda each: data.draw(each.values()))
        files = MultiValueDict({name: [data.draw(upload)] for name in file_names})
        _check(cls, kwargs, payload, files)

    fuzz()


def test_every_text_field_has_a_limit(world: dict[str, Any]) -> None:
    unlimited = [
        f"{cls.__name__}.{name}"
        for cls in FORM_CLASSES
        for name, field in cls(**_constructor_kwargs(cls, world)).fields.items()  # type: ignore[call-arg]
        if isinstance(field, forms.CharField) and not field.max_length
    ]
    assert unlimited == []


def test_every_form_uses_the_gov_uk_mixin() -> None:
    assert [cls.__name__ for cls in FORM_CLASSES if not issubclass(cls, GovukFormMixin)] == []


# --- the API ---------------------------------------------------------------------------------


def _clients(world: dict[str, Any]) -> list[Client]:
    personas, case_personas = world["personas"], world["case_personas"]
    return [api_client(personas.liaison), api_client(personas.owner), api_client(case_personas.psd_lead)]


def _operations(client: Client) -> list[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    return [
        (method, path, operation, document["components"]["schemas"])
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return _resolve(components[schema["$ref"].rsplit("/", 1)[-1]], components)
    if "anyOf" in schema:
        return _resolve(next(option for option in schema["anyOf"] if option.get("type") != "null"), components)
    return schema


wrong_json = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20), st.sampled_from(EXTREMES),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.just(2**70), st.just(-(2**70)),
)  # fmt: skip


def _json_value(schema: dict[str, Any], components: dict[str, Any]) -> st.SearchStrategy[Any]:
    schema = _resolve(schema, components)
    right: st.SearchStrategy[Any]
    if "enum" in schema:
        right = st.sampled_from(schema["enum"])
    elif schema.get("type") == "integer":
        right = st.integers(min_value=-1, max_value=5) | st.integers()
    elif schema.get("type") == "boolean":
        right = st.booleans()
    else:
        right = extreme_text
    return st.one_of(right, wrong_json)


def _parameter(schema: dict[str, Any], components: dict[str, Any], real: list[int]) -> st.SearchStrategy[str]:
    schema = _resolve(schema, components)
    if "enum" in schema:
        return st.one_of(st.sampled_from([str(value) for value in schema["enum"]]), extreme_text)
    if schema.get("type") == "integer":
        return st.one_of(st.sampled_from(real or [1]).map(str), st.integers().map(str), extreme_text)
    return extreme_text


def _real_ids(world: dict[str, Any], name: str) -> list[int]:
    """An id parameter named after an object in the world points at it: tracking_id at the record."""
    target = world.get(name.removesuffix("_id"))
    return [target.pk] if target is not None and hasattr(target, "pk") else []


def _request_strategy(
    operation: dict[str, Any], components: dict[str, Any], world: dict[str, Any]
) -> st.SearchStrategy[tuple[dict[str, str], dict[str, str], Any]]:
    path: dict[str, st.SearchStrategy[str]] = {}
    query: dict[str, st.SearchStrategy[str]] = {}
    for parameter in operation.get("parameters", []):
        strategy = _parameter(parameter["schema"], components, _real_ids(world, parameter["name"]))
        if parameter["in"] == "path":
            path[parameter["name"]] = strategy.filter(lambda text: text.strip("/") != "" and "/" not in text)
        else:
            query[parameter["name"]] = strategy
    body: st.SearchStrategy[Any] = st.none()
    if content := operation.get("requestBody", {}).get("content", {}).get("application/json"):
        schema = _resolve(content["schema"], components)
        fields = {name: _json_value(value, components) for name, value in schema.get("properties", {}).items()}
        body = st.one_of(st.fixed_dictionaries({}, optional=fields), wrong_json)
    optional_query = st.fixed_dictionaries({}, optional=query)
    return st.tuples(st.fixed_dictionaries(path), optional_query, body)


def _call(client: Client, method: str, path: str, request: tuple[dict[str, str], dict[str, str], Any]) -> int:
    path_values, query, body = request
    url = path.format(**{name: _quote(value) for name, value in path_values.items()})
    if method == "get":
        return client.get(url, query).status_code
    raw = body if isinstance(body, str) and body.startswith("{") else json.dumps(body)
    return client.generic(method.upper(), url, raw, content_type="application/json").status_code


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


@pytest.mark.django_db
def test_no_api_operation_fails_on_random_and_extreme_input(world: dict[str, Any]) -> None:
    clients = _clients(world)
    operations = _operations(clients[0])
    assert {path.split("/")[3] for _, path, _, _ in operations} >= {"recommendations", "cases"}
    for method, path, operation, components in operations:
        _fuzz_operation(method, path, _request_strategy(operation, components, world), clients)


def _fuzz_operation(method: str, path: str, strategy: st.SearchStrategy[Any], clients: list[Client]) -> None:
    @FUZZ
    @given(request=strategy, client=st.sampled_from(clients))
    def fuzz(request: tuple[dict[str, str], dict[str, str], Any], client: Client) -> None:
        status = _call(client, method, path, request)
        assert status < 500, f"{method.upper()} {path} {request!r:.300} answered {status}"

    fuzz()
