"""No "None" and no raw codes where a label belongs, on any register page, paper, export or API answer.

The demo's register is loaded once for the module. Every route of the register (read from the URL
resolver, as `test_register_matrix` does) is opened with every demo object its ids can point at,
as each of several demo people; so are the register with each filter and sort, the committee
papers (page, Word file and PDF), the CSV and XLSX exports and the register's API (read from the
OpenAPI document). What a reader sees is checked: the text of the page with its tags, scripts,
styles and attribute values left out; every cell of an export; the text of a Word file or PDF;
every string of an API answer that is not itself one of the API's enumerated codes.

A leak is "None" as a word, or a choice's stored value (`with_hmicfrs`, `being_progressed`,
`peel`, `afi`) where its label belongs. Values that are ordinary words ("open", "red",
"complete") cannot be told from prose and are not looked for; codes are: any value with an
underscore, an acronym of a label written in lower case ("peel", "with hmicfrs"), and a short
value that is no word of its label ("afi", "iopc").
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, fields
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.db import models, transaction
from django.test import Client, override_settings
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader
from pytest_django import DjangoDbBlocker

from oversight.lib.deadlines import DeadlineKind
from oversight.lib.labels import in_sentence
from oversight.lib.rag import Rag
from oversight.organisations.models import Organisation
from oversight.protection.models import Measure
from oversight.recommendations import access, demo, filters, services
from oversight.recommendations.models import (
    Addressee,
    Committee,
    CommitteeMeeting,
    EvidenceKind,
    ExtensionDecision,
    ForthcomingInspection,
    GoverningBodyResponse,
    Report,
    TrackingRecord,
)
from tests.case_routes import openapi_document
from tests.test_api import api_client
from tests.test_register_matrix import Route, register_routes

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The demo's people: the register's readers, someone of another force, and people with no register.
PERSONAS = ("wmp.liaison", "wmp.ppu", "hmicfrs.fll", "jac.member", "opcc.scrutiny", "wmerc.liaison",
            "apcc.analyst", "admin")  # fmt: skip
API_PREFIX = "/api/v1/recommendations/"
NOT_TEXT = {"tracking_evidence_download"}  # the uploader's own file, served as it came


# What counts as a leak.


def _choices() -> list[tuple[str, str]]:
    """Every (value, label) of the register's and organisations' choices, and the API's enumerations."""
    found: set[tuple[str, str]] = set(Addressee.choices)
    found |= {(kind.value, kind.value.title()) for kind in DeadlineKind}
    for label in ("recommendations", "organisations"):
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.get_fields():
                if isinstance(field, models.Field) and field.choices:
                    found |= {(str(value), str(text)) for value, text in field.flatchoices}
    return sorted(found)


def _is_code(value: str, label: str) -> bool:
    acronyms = {word.lower() for word in re.findall(r"\b[A-Z]{2,}\b", label)}
    words = set(re.findall(r"[a-z]+", label.lower()))
    if not value or value != value.lower():
        return False
    return "_" in value or bool(acronyms & set(value.split("_"))) or (len(value) <= 5 and value not in words)


def _codes() -> list[str]:
    """Stored values that must never be read where a label belongs, with their spaced spellings."""
    codes = set()
    for value, label in _choices():
        if _is_code(value, label):
            codes.add(value)
            if "_" in value:
                codes.add(value.capitalize())  # "Being_progressed" is no label either
            acronyms = {word.lower() for word in re.findall(r"\b[A-Z]{2,}\b", label)}
            if acronyms & set(value.split("_")):
                codes.add(value.replace("_", " "))  # "with hmicfrs", not "in progress" (plain words)
    return sorted(codes, key=len, reverse=True)


CODES = _codes()
LEAK = re.compile(r"\bNone\b|(?<![\w-])(" + "|".join(re.escape(code) for code in CODES) + r")(?![\w-])")
# Addresses and log-in names are not labels: "hmicfrs" in justiceinspectorates.gov.uk/hmicfrs/ is right.
ADDRESSES = re.compile(r"https?://\S+|\S+@\S+|\b[\w-]+(?:\.[\w-]+)+\b|/[\w/.-]+")


def leaks(text: str) -> list[str]:
    """The leaks in a reader's text, each with the words around it."""
    text = ADDRESSES.sub(" ", text)
    return [text[max(0, m.start() - 40) : m.end() + 40].replace("\n", " ") for m in LEAK.finditer(text)]


def test_the_codes_looked_for_are_the_ones_users_saw() -> None:
    for code in ("peel", "with hmicfrs", "with_hmicfrs", "being_progressed", "afi", "in_progress", "iopc"):
        assert code in CODES, code
    for word in ("open", "red", "complete", "closed", "draft", "link", "recommendation", "thematic", "joint"):
        assert word not in CODES, word
    assert leaks("Status: With HMICFRS, being progressed; see https://example.org/hmicfrs/peel") == []
    assert len(leaks("Status: with_hmicfrs. Kind: peel. Due: None. HMICFRS: Being_progressed")) == 4


def test_a_label_inside_a_sentence_keeps_its_acronyms() -> None:
    assert in_sentence("With HMICFRS") == "with HMICFRS"
    assert in_sentence("PEEL inspection") == "PEEL inspection"
    assert in_sentence("Signed off by HMICFRS") == "signed off by HMICFRS"
    assert in_sentence("RAG") == "RAG" and in_sentence("") == ""
    assert in_sentence("National thematic") == "national thematic"


# What a reader sees.


class VisibleText(HTMLParser):
    """The text of a page as read on screen or by a screen reader: no scripts, styles or attributes."""

    SKIPPED = {"script", "style", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self.skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)

    @classmethod
    def of(cls, html: str) -> str:
        parser = cls()
        parser.feed(html)
        return " ".join(parser.parts)


def _cells(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content))
    values = (cell for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row)
    return "\n".join(str(value) for value in values if value is not None)


def _docx(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = (cell.text for table in document.tables for row in table.rows for cell in row.cells)
    headers = (p.text for section in document.sections for p in section.header.paragraphs)
    return "\n".join([*(p.text for p in document.paragraphs), *cells, *headers])


def reader_text(content_type: str, content: bytes) -> str:
    """What a reader sees of a response, by its type."""
    if content_type.startswith("text/html"):
        return VisibleText.of(content.decode())
    if content_type.startswith("text/csv"):
        return content.decode("utf-8-sig")
    if content_type.startswith("application/pdf"):
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    if "spreadsheetml" in content_type:
        return _cells(content)
    if "wordprocessingml" in content_type:
        return _docx(content)
    raise AssertionError(f"no reader for {content_type}")


def test_the_reader_sees_text_not_attributes_or_scripts() -> None:
    html = (
        '<title>Item</title><input type="hidden" name="status" value="in_progress">'
        '<option value="with_hmicfrs">With HMICFRS</option><script>let kind = "peel";</script>'
        '<span class="govuk-visually-hidden">Status: being_progressed</span>'
    )
    found = leaks(VisibleText.of(html))
    assert len(found) == 1 and "Status: being_progressed" in found[0] and "Item With HMICFRS" in found[0]


# The demo, loaded once for the module.


@dataclass(frozen=True)
class Demo:
    media_root: Path


@pytest.fixture(scope="module")
def loaded(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Demo]:
    media_root = tmp_path_factory.mktemp("demo-media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media_root, PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        demo.load()
        yield Demo(media_root)
        transaction.set_rollback(True)


@pytest.fixture
def seen(loaded: Demo, db: None, settings: Any) -> Demo:
    settings.MEDIA_ROOT = loaded.media_root
    return loaded


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# Every id of every route, pointed at each demo object it can name.


def sample(records: list[TrackingRecord]) -> list[TrackingRecord]:
    """One record of each kind of state (stage, status, override, kind of item and of report, with or
    without an owner): the action pages differ by the record's state, not by each record."""
    chosen: dict[tuple[object, ...], TrackingRecord] = {}
    for record in records:
        state = (record.signoff, record.status, bool(record.rag_override), record.item.kind,
                 record.item.report.kind, record.owner_id is None)  # fmt: skip
        chosen.setdefault(state, record)
    return list(chosen.values())


@dataclass(frozen=True)
class Objects:
    """The demo objects a person's crawl points ids at: every record they see, for the record's own
    page and history, and a sample of them for the action pages."""

    records: list[TrackingRecord]
    sampled: list[TrackingRecord]

    @classmethod
    def seen_by(cls, user: User) -> Objects:
        records = list(access.visible_tracking_records(user).select_related("item__report").order_by("pk"))
        return cls(records, sample(records))


def _kwargs(route: Route, objects: Objects) -> Iterator[dict[str, Any]]:
    """Each set of ids the route takes, from the demo's objects."""
    first = route.route.split("/", 1)[0]
    owners: dict[str, type[models.Model]] = {"reports": Report, "responses": GoverningBodyResponse,
                                             "committees": Committee, "papers": CommitteeMeeting}  # fmt: skip
    if "inspections/<" in route.route:
        yield from ({"pk": pk} for pk in ForthcomingInspection.objects.values_list("pk", flat=True))
    elif not route.kwargs:
        yield {}
    elif first in owners:
        yield from ({"pk": pk} for pk in owners[first]._default_manager.values_list("pk", flat=True))
    else:
        records = objects.records if route.name in ("tracking", "tracking_history") else objects.sampled
        for record in records:
            yield from _tracking_kwargs(route, record)


def _tracking_kwargs(route: Route, record: TrackingRecord) -> Iterator[dict[str, Any]]:
    base = {"pk": record.pk}
    if "step" in route.kwargs:
        yield from ({**base, "step": step} for step in services.RULES)
    elif "extension_pk" in route.kwargs:
        pending = record.extensions.filter(decision=ExtensionDecision.PENDING)
        yield from ({**base, "extension_pk": pk} for pk in pending.values_list("pk", flat=True))
    elif "version_pk" in route.kwargs:
        for evidence in record.evidence.filter(kind=EvidenceKind.FILE):
            yield from ({**base, "evidence_pk": evidence.pk, "version_pk": v.pk} for v in evidence.versions.all())
    elif "evidence_pk" in route.kwargs:
        files = record.evidence.filter(kind=EvidenceKind.FILE)
        yield from ({**base, "evidence_pk": pk} for pk in files.values_list("pk", flat=True))
    else:
        assert set(route.kwargs) == {"pk"}, f"say which demo objects {route.name} takes"
        yield base


def register_urls(user: User) -> Iterator[tuple[str, str]]:
    """(route name, address) for every route and the demo objects its ids can point at."""
    objects = Objects.seen_by(user)
    for route in register_routes():
        if route.name in NOT_TEXT:
            continue
        for kwargs in _kwargs(route, objects):
            yield route.name, reverse(f"recommendations:{route.name}", kwargs=kwargs)


def filter_queries() -> Iterator[dict[str, str]]:
    """The register with each filter and each sort; a filter added later fails until it is here."""
    values: dict[str, list[str]] = {
        "organisation": [str(pk) for pk in Organisation.objects.filter(tracking_records__isnull=False)
                         .distinct().values_list("pk", flat=True)],
        "report": [str(pk) for pk in Report.objects.values_list("pk", flat=True)],
        "report_kind": [value for value, _ in Report._meta.get_field("kind").flatchoices],
        "kind": list(filters.ItemKind.values),
        "status": list(filters.TrackingStatus.values),
        "signoff": list(filters.SignoffStage.values),
        "rag": [rag.value for rag in Rag],
        "owner": [str(pk) for pk in TrackingRecord.objects.exclude(owner=None).values_list("owner", flat=True)],
        "overdue": [value for value, _ in filters.OVERDUE_CHOICES],
        "open": ["1"],
        "sort": [*filters.SORTS, *(f"-{name}" for name in filters.SORTS)],
    }  # fmt: skip
    assert set(values) | {"descending"} == {f.name for f in fields(filters.RegisterFilters)}
    for name, choices in values.items():
        yield from ({name: value} for value in dict.fromkeys(choices))


@dataclass
class Crawl:
    """What one person reads, and every leak found in it."""

    client: Client
    found: list[str]
    read: int = 0

    def get(self, url: str, data: dict[str, str] | None = None) -> None:
        self.read_answer(url, data, self.client.get(url, data or {}))

    def post_nothing(self, url: str) -> None:
        """A form sent empty: its error page names fields by their labels too."""
        self.read_answer(url, {"posted": "nothing"}, self.client.post(url, {}))

    def read_answer(self, url: str, data: dict[str, str] | None, response: Any) -> None:
        if response.status_code not in (200, 400):
            assert response.status_code in (302, 404, 405), (url, data, response.status_code)
            return
        self.read += 1
        text = reader_text(response["Content-Type"], response.getvalue())
        self.found += [f"{url} {data or ''}: ...{leak}..." for leak in leaks(text)]


BINARY = {"paper_pdf", "paper_docx", "response_pdf", "response_docx", "register_xlsx"}
LISTS = {
    "register",
    "register_csv",
    "reports",
    "report",
    "tracking",
    "tracking_history",
    "response_list",
    "committee_list",
    "committee",
    "paper",
}  # pages without a form


@pytest.mark.parametrize("username", PERSONAS)
def test_no_page_shows_none_or_a_code(seen: Demo, username: str) -> None:
    user = User.objects.get(username=username)
    crawl = Crawl(_client(user), [])
    for name, url in register_urls(user):
        if name not in BINARY:
            crawl.get(url)
    for name, url in register_urls(user):
        if name not in BINARY and name not in LISTS:
            crawl.post_nothing(url)
    for query in filter_queries():
        crawl.get(reverse("recommendations:register"), query)
        crawl.get(reverse("recommendations:register_csv"), query)
    crawl.get(reverse("home"))
    assert crawl.read > 20 or username in ("apcc.analyst", "admin"), crawl.read
    assert not crawl.found, "\n".join(crawl.found)


@pytest.mark.parametrize("username", ["wmp.liaison", "opcc.scrutiny"])
def test_no_paper_response_or_export_file_shows_none_or_a_code(seen: Demo, username: str) -> None:
    """The Word files, PDFs and workbooks (slower to make: read as two people who reach them all)."""
    user = User.objects.get(username=username)
    crawl = Crawl(_client(user), [])
    for name, url in register_urls(user):
        if name in BINARY:
            crawl.get(url)
    for query in filter_queries():
        if set(query) - {"sort"}:
            crawl.get(reverse("recommendations:register_xlsx"), query)
    assert crawl.read > 10, crawl.read
    assert not crawl.found, "\n".join(crawl.found)


def _api_strings(value: object, enums: set[str], path: str = "") -> Iterator[tuple[str, str]]:
    """(where, text) for each string of an API answer a person reads: not the API's own codes."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _api_strings(inner, enums, f"{path}.{key}")
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _api_strings(inner, enums, f"{path}[{index}]")
    elif isinstance(value, str) and value not in enums:
        yield path, value


def _enums(document: dict[str, Any]) -> set[str]:
    """Every value the OpenAPI document declares as an enumeration: codes by design."""
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            found.update(str(value) for value in node.get("enum", []))
            for inner in node.values():
                walk(inner)
        elif isinstance(node, list):
            for inner in node:
                walk(inner)

    walk(document)
    return found


def api_urls(document: dict[str, Any]) -> Iterator[str]:
    ids = {"report_id": Report.objects.values_list("pk", flat=True),
           "tracking_id": TrackingRecord.objects.values_list("pk", flat=True),
           "measure_id": Measure.objects.values_list("pk", flat=True)}  # fmt: skip
    for path, operations in document["paths"].items():
        if "get" not in operations or not path.startswith(API_PREFIX):
            continue
        names = re.findall(r"{(\w+)}", path)
        assert set(names) <= set(ids), f"say which demo objects {path} takes"
        if not names:
            yield path
        for pk in ids[names[0]] if names else ():
            yield path.replace(f"{{{names[0]}}}", str(pk))


@pytest.mark.parametrize("username", ["wmp.liaison", "hmicfrs.fll", "opcc.scrutiny"])
def test_no_api_answer_shows_none_or_a_code_in_its_text(seen: Demo, username: str) -> None:
    document = openapi_document()
    enums, client, found, read = _enums(document), api_client(User.objects.get(username=username)), [], 0
    for url in api_urls(document):
        response = client.get(url, {"limit": 1000} if "{" not in url and url.endswith(("reports", "tracking")) else {})
        if response.status_code != 200:
            assert response.status_code == 404, (url, response.status_code)
            continue
        read += 1
        for where, text in _api_strings(json.loads(response.content), enums):
            found += [f"{url} {where}: ...{leak}..." for leak in leaks(text)]
    assert read > 10, read
    assert not found, "\n".join(found)
