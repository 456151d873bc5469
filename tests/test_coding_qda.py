"""The REFI-QDA export (`coding/qda.py`): the codebook (.qdc) and project (.qdpx) validate against the
standard's schemas (tests/data/refi/), codes nest as the themes do, every person's coding is a
selection whose text is the passage (Unicode offsets counted in code points), suggestions stay out,
GUIDs are stable, and everyone but the requesting body's analysts gets 404."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from lxml import etree

from oversight.coding import qda, services
from oversight.coding.models import Coding, Suggestion, Theme
from oversight.coding.passages import split_passages
from oversight.organisations.models import Organisation, Role
from oversight.recommendations.models import Item
from oversight.returns import services as returns_services
from oversight.returns.models import Acceptance, QuestionKind, ReturnRequest
from tests.conftest import client_for
from tests.factories import member
from tests.personas import Personas
from tests.returns_helpers import draft_request, question, send
from tests.test_coding import answer_of, code, coded_request
from tests.test_coding_access import REFUSED, person

pytest_plugins = ["tests.returns_fixtures"]
pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).parent / "data" / "refi"
P = "{urn:QDA-XML:project:1.0}"
C = "{urn:QDA-XML:codebook:1.0}"
UNICODE_ANSWER = "Café — ‘quoted’ words 😀 first. The naïve advocate’s “second” sentence."  # noqa: RUF001


def _schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


def _valid(schema: str, document: bytes) -> etree._Element:
    tree = etree.fromstring(document)
    validator = _schema(schema)
    assert validator.validate(tree), validator.error_log
    return tree


@pytest.fixture(autouse=True)
def _fixed_csrf(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same CSRF token on every page, so two pages can be compared byte for byte."""
    monkeypatch.setattr("django.middleware.csrf._get_new_csrf_string", lambda: "a" * 32)


@pytest.fixture
def coded(personas: Personas, item: Item) -> ReturnRequest:
    return coded_request(personas, item)


@pytest.fixture
def analyst(personas: Personas) -> Client:
    return client_for(personas.national_analyst)


def _sub_theme(request: ReturnRequest, by: User) -> Theme:
    training = Theme.objects.get(request=request, name="Training")
    return services.create_theme(
        request, by, services.ThemeDraft("Call handlers", "Training of call handlers", training)
    )


def _project(client: Client, request: ReturnRequest) -> tuple[etree._Element, zipfile.ZipFile]:
    response = client.get(reverse("coding:export_qdpx", args=[request.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert (
        response["Content-Disposition"].startswith("attachment; filename=")
        and ".qdpx" in response["Content-Disposition"]
    )
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return _valid("Project.xsd", archive.read("project.qde")), archive


def _selections(tree: etree._Element, archive: zipfile.ZipFile) -> list[tuple[str, str, str]]:
    """(text the selection covers in its source file, the code's GUID, the memo) for every selection."""
    found = []
    for source in tree.iter(f"{P}TextSource"):
        path = source.get("plainTextPath")
        assert path == f"internal://{source.get('guid')}.txt"
        text = archive.read(f"sources/{source.get('guid')}.txt").decode("utf-8")
        for selection in source.iter(f"{P}PlainTextSelection"):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            (coding,) = selection.findall(f"{P}Coding")
            assert coding.get("creatingUser") == selection.get("creatingUser")
            memo = selection.findtext(f"{P}Description") or ""
            found.append((text[start:end], coding.find(f"{P}CodeRef").get("targetGUID"), memo))
    return found


def test_the_codebook_validates_and_nests_codes_as_the_themes_do(
    personas: Personas, analyst: Client, coded: ReturnRequest
) -> None:
    sub = _sub_theme(coded, personas.national_analyst)
    response = analyst.get(reverse("coding:export_qdc", args=[coded.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    assert response["Content-Disposition"].endswith('-codebook.qdc"')
    tree = _valid("Codebook.xsd", response.content)
    assert tree.tag == f"{C}CodeBook" and tree.get("origin") == "Oversight"
    top = tree.find(f"{C}Codes").findall(f"{C}Code")
    assert [code.get("name") for code in top] == ["Advocacy", "Training"]
    assert all(code.get("isCodable") == "true" for code in tree.iter(f"{C}Code"))
    (child,) = top[1].findall(f"{C}Code")
    assert (child.get("name"), child.findtext(f"{C}Description")) == ("Call handlers", "Training of call handlers")
    assert child.get("guid") == qda.guid("theme", sub.pk)
    assert top[0].findtext(f"{C}Description") == "Independent advocates for victims"
    again = etree.fromstring(analyst.get(reverse("coding:export_qdc", args=[coded.pk])).content)
    assert [c.get("guid") for c in again.iter(f"{C}Code")] == [c.get("guid") for c in tree.iter(f"{C}Code")]


def test_the_project_holds_every_persons_coding_and_no_suggestion(
    personas: Personas, analyst: Client, coded: ReturnRequest
) -> None:
    colleague = User.objects.create_user("apcc.second", first_name="Sam", last_name="Ode")
    member(colleague, Organisation.objects.get(slug="apcc"), Role.NATIONAL_ANALYST)
    advocacy, training = Theme.objects.get(name="Advocacy"), _sub_theme(coded, personas.national_analyst)
    wm = answer_of(coded, "west-midlands-police")
    code(colleague, wm, 0, advocacy, memo="Same passage, second coder")
    code(colleague, answer_of(coded, "avon-and-somerset-police"), 1, training, memo="Call handlers", quote=True)
    services.accept_suggestion(Suggestion.objects.pending().first(), colleague)  # type: ignore[arg-type]
    assert Suggestion.objects.pending().exists()

    tree, archive = _project(analyst, coded)
    assert tree.tag == f"{P}Project" and tree.get("name") == coded.title
    codings = list(Coding.objects.select_related("answer"))
    exported = _selections(tree, archive)
    assert len(exported) == len(codings) == 4
    assert sorted(exported) == sorted((c.text, qda.guid("theme", c.theme_id), c.memo) for c in codings)
    users = {u.get("name"): u.get("guid") for u in tree.find(f"{P}Users")}
    assert users == {
        "Nina Lowe": qda.guid("user", personas.national_analyst.pk),
        "Sam Ode": qda.guid("user", colleague.pk),
    }
    both = [
        s
        for s in tree.iter(f"{P}PlainTextSelection")
        if s.get("startPosition") == "0" and s.get("name") == wm.text[: split_passages(wm.text)[0][1]]
    ]
    assert len(both) == 2 and {s.get("creatingUser") for s in both} == set(users.values())
    codes = [c.get("name") for c in tree.find(f"{P}CodeBook").iter(f"{P}Code")]
    assert codes == ["Advocacy", "Training", "Call handlers"]


def test_sources_are_each_areas_answers_named_and_grouped_by_area(analyst: Client, coded: ReturnRequest) -> None:
    tree, archive = _project(analyst, coded)
    answers = list(services.codable_answers(coded))
    sources = tree.find(f"{P}Sources").findall(f"{P}TextSource")
    assert len(sources) == len(answers) == 3
    names = {s.get("name") for s in sources}
    body = Organisation.objects.get(slug="merseyside-police").governing_body_on()
    assert f"{body.name} — What actions have you already taken?" in names  # type: ignore[union-attr]
    for source in sources:
        answer = next(a for a in answers if qda.guid("answer", a.pk) == source.get("guid"))
        assert archive.read(f"sources/{source.get('guid')}.txt") == answer.text.encode("utf-8")
    cases = tree.find(f"{P}Cases").findall(f"{P}Case")
    assert len(cases) == 3 and body.name in {case.get("name") for case in cases}  # type: ignore[union-attr]
    assert {ref.get("targetGUID") for case in cases for ref in case} == {s.get("guid") for s in sources}


def test_offsets_count_code_points_of_non_ascii_text(personas: Personas, analyst: Client, item: Item) -> None:
    request = send(draft_request(personas, item), personas.national_analyst)
    body = Organisation.objects.get(slug="west-midlands-police").governing_body_on()
    officer = User.objects.create_user("wm.opcc")
    member(officer, body, Role.OPCC_OFFICER)  # type: ignore[arg-type]
    answers = {question(request, QuestionKind.ACCEPTED).pk: Acceptance.ACCEPTED}
    answers[question(request, QuestionKind.ACTIONS_TAKEN).pk] = UNICODE_ANSWER
    record = returns_services.save_answers(request.returns.get(organisation=body), officer, None, answers)
    returns_services.submit_return(record, officer, record.version)
    theme = services.create_theme(request, personas.national_analyst, services.ThemeDraft("Advocacy"))
    (answer,) = services.codable_answers(request)
    coding = code(personas.national_analyst, answer, 1, theme)
    assert coding.text == "The naïve advocate’s “second” sentence."  # noqa: RUF001
    # The UTF-8 byte offset differs from the code point offset: a writer counting bytes would fail.
    assert len(UNICODE_ANSWER[: coding.start].encode("utf-8")) != coding.start

    tree, archive = _project(analyst, request)
    (selection,) = tree.iter(f"{P}PlainTextSelection")
    assert (int(selection.get("startPosition")), int(selection.get("endPosition"))) == (coding.start, coding.end)
    assert _selections(tree, archive) == [(coding.text, qda.guid("theme", theme.pk), "")]
    assert selection.get("name") == coding.text


def test_a_request_with_nothing_coded_still_exports_a_valid_project(
    personas: Personas, analyst: Client, item: Item
) -> None:
    request = send(draft_request(personas, item), personas.national_analyst)
    tree, archive = _project(analyst, request)
    assert tree.find(f"{P}Sources") is None and archive.namelist() == ["project.qde"]
    page = analyst.get(reverse("coding:export_qdc", args=[request.pk]), follow=True)
    assert page.redirect_chain[-1][0] == reverse("coding:themes", args=[request.pk])
    assert "There are no themes to export yet" in page.content.decode()


def test_the_writers_keep_xml_valid_whatever_the_text() -> None:
    when = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
    code_ = qda.QdaCode(qda.guid("theme", 1), "Bell\x07 <&> “odd”", "Line\x0bbreak")
    selection = qda.QdaSelection(
        qda.guid("selection", 1), 0, 4, "Café", qda.guid("user", 1), when, qda.guid("coding", 1), code_.guid, "m\x00"
    )
    source = qda.QdaSource(qda.guid("answer", 1), "Area — Question", "Café au lait", when, (selection,))
    project = qda.QdaProject("Name", when, (code_,), (qda.QdaUser(qda.guid("user", 1), "A"),), (source,))
    tree = _valid("Project.xsd", qda.project_xml(project))
    assert tree.find(f"{P}CodeBook").find(f"{P}Codes").find(f"{P}Code").get("name") == "Bell <&> “odd”"
    assert tree.get("creationDateTime") == "2026-03-01T09:30:00Z"
    _valid("Codebook.xsd", qda.codebook_xml([code_]))
    assert qda.project_qdpx(project) == qda.project_qdpx(project)


@pytest.mark.parametrize("name", REFUSED)
def test_refused_people_get_the_404_a_missing_request_gets(personas: Personas, coded: ReturnRequest, name: str) -> None:
    client = client_for(person(personas, name))
    absent = coded.pk + 1 if len(str(coded.pk + 1)) == len(str(coded.pk)) else coded.pk - 1
    assert not ReturnRequest.objects.filter(pk=absent).exists()
    for route in ("coding:export_qdc", "coding:export_qdpx"):
        refused = client.get(reverse(route, args=[coded.pk]))
        missing = client.get(reverse(route, args=[absent]))
        assert refused.status_code == missing.status_code == 404, route
        same_address = refused.content.replace(f"/coding/{coded.pk}/".encode(), f"/coding/{absent}/".encode())
        assert same_address == missing.content, route


def test_the_themes_page_offers_both_downloads(analyst: Client, coded: ReturnRequest) -> None:
    page = analyst.get(reverse("coding:themes", args=[coded.pk])).content.decode()
    assert reverse("coding:export_qdc", args=[coded.pk]) in page
    assert reverse("coding:export_qdpx", args=[coded.pk]) in page


def test_the_project_is_read_in_a_fixed_number_of_queries(personas: Personas, coded: ReturnRequest) -> None:
    with CaptureQueriesContext(connection) as few:
        qda.project_of(coded)
    for sentence, theme in ((1, "Training"), (0, "Training")):
        code(personas.national_analyst, answer_of(coded, "merseyside-police"), sentence, Theme.objects.get(name=theme))
    services.accept_suggestion(Suggestion.objects.pending().first(), personas.national_analyst)  # type: ignore[arg-type]
    with CaptureQueriesContext(connection) as more:
        project = qda.project_of(coded)
    assert sum(len(source.selections) for source in project.sources) == Coding.objects.count() == 4
    assert len(more) == len(few)
