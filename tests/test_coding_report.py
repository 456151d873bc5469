"""The national summary report: drafted from the counts and people's codings (never pending
suggestions), every section resting on the return versions it names; edited with an optimistic
lock; drafted again keeping edited text; exported as DOCX and PDF; refused (404) to everyone who may
not code the request, on every page and API operation."""

from __future__ import annotations

import io
import json
from typing import Any

import pypdfium2
import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from docx import Document

from oversight.api.urls import api
from oversight.coding import report_services, services
from oversight.coding.models import Coding, ReportChange, ReportSection, SectionKind, Suggestion, SummaryReport, Theme
from oversight.coding.report import accepted_sentence, draft_report, latest_versions
from oversight.concurrency import ConcurrentEditError
from oversight.organisations.models import Organisation
from oversight.recommendations.models import Item
from oversight.returns import services as returns_services
from oversight.returns.counts import OptionCount, QuestionCounts
from oversight.returns.models import Question, QuestionKind, Recipients, Return, ReturnRequest
from tests.conftest import client_for
from tests.personas import Personas
from tests.report_helpers import HOSTILE_FORCE, HOSTILE_QUOTE, reported_request, theme
from tests.returns_helpers import question
from tests.test_api import api_client
from tests.test_coding import ANSWERS, answer_of, code
from tests.test_coding_access import REFUSED, person
from tests.test_coding_matrix import _answer_more

pytest_plugins = ["tests.returns_fixtures"]
pytestmark = pytest.mark.django_db


@pytest.fixture
def coded(personas: Personas, item: Item) -> ReturnRequest:
    return reported_request(personas, item)


@pytest.fixture
def report(personas: Personas, coded: ReturnRequest) -> SummaryReport:
    return report_services.draft(coded, personas.national_analyst, None)


@pytest.fixture
def analyst(personas: Personas) -> Client:
    return client_for(personas.national_analyst)


def _area(force: str) -> str:
    body = Organisation.objects.get(slug=force).governing_body_on()
    assert body is not None
    return body.name


def _section(report: SummaryReport, heading: str) -> ReportSection:
    return report.sections.get(heading=heading)


def _first(text: str) -> str:
    """The answer's first sentence: what the helper codes."""
    return text.split(". ")[0] + "."


# --- drafting ---------------------------------------------------------------------------------------


def test_the_introduction_gives_the_counts_of_the_structured_answers(coded: ReturnRequest) -> None:
    intro = draft_report(coded).sections[0]
    assert intro.kind == SectionKind.INTRODUCTION
    assert "Association of Police and Crime Commissioners asked 43 governing bodies about recommendation 3" in (
        intro.text
    )
    assert "4 of 43 answered; 39 have not yet answered." in intro.text
    assert "3 of the 4 governing bodies that answered accepted the recommendation; 1 partly accepted it and 0 did" in (
        intro.text
    )
    assert "coded the written answers to 3 themes" in intro.text
    assert {s.area for s in intro.sources} == {_area(f) for f in [*ANSWERS, HOSTILE_FORCE]}


def test_everyone_answering_reads_as_the_brief_says() -> None:
    accepted = Question(kind=QuestionKind.ACCEPTED, text="Do you accept the recommendation?")
    options = [OptionCount("Accepted", 43), OptionCount("Partly accepted", 0), OptionCount("Not accepted", 0)]
    counts = QuestionCounts(accepted, options, answered=43, submitted=43)
    assert accepted_sentence(counts, 43, Recipients.GOVERNING_BODIES) == (
        "43 of 43 governing bodies accepted the recommendation."
    )
    one = QuestionCounts(accepted, [OptionCount("Accepted", 1), *options[1:]], answered=1, submitted=1)
    assert (
        accepted_sentence(one, 2, Recipients.FORCES)
        == "1 of the 1 police force that answered accepted the recommendation."
    )


def test_a_section_per_theme_parents_first_with_areas_and_quoted_passages(coded: ReturnRequest) -> None:
    sections = draft_report(coded).sections
    assert [s.heading for s in sections] == ["Introduction", "Advocacy", "Funded posts", "Training", "Conclusion"]
    advocacy, funded, training = sections[1:4]
    assert (advocacy.depth, funded.depth) == (0, 1)
    assert advocacy.text.startswith("Independent advocates for victims\n\nCoded in 4 of 4 areas: ")
    assert "Coded in 1 of 4 areas" in training.text and "Coded in 1 of 4 areas" in funded.text
    # Quoted: marked passages only, by area name, a passage two analysts marked once; Merseyside is not marked.
    quoted = [(q.source.area, q.text) for q in advocacy.quotes]
    expected = [
        (_area("avon-and-somerset-police"), _first(ANSWERS["avon-and-somerset-police"])),
        (_area(HOSTILE_FORCE), HOSTILE_QUOTE),
        (_area("west-midlands-police"), _first(ANSWERS["west-midlands-police"])),
    ]
    assert quoted == sorted(expected, key=lambda pair: pair[0].lower())
    assert training.quotes == () and funded.quotes == ()
    assert sections[-1].text.startswith("Across the 4 areas that answered, the themes coded in the most areas were ")
    assert "Advocacy (4 of 4)" in sections[-1].text


def test_pending_suggestions_never_reach_the_report(coded: ReturnRequest) -> None:
    sections = {s.heading: s for s in draft_report(coded).sections}
    people = set(Coding.objects.values_list("theme__name", "answer__version__return_record__organisation__name"))
    pending = Suggestion.objects.filter(request=coded).pending().select_related("theme", "answer__version")
    unconfirmed = [
        (s.theme.name, s.answer.version.return_record.organisation.name)
        for s in pending
        if (s.theme.name, s.answer.version.return_record.organisation.name) not in people
    ]
    assert unconfirmed  # suggestions of themes in areas no person coded them in
    for theme_name, area in unconfirmed:
        assert area not in {source.area for source in sections[theme_name].sources}


def test_sources_are_the_latest_submitted_versions(personas: Personas, coded: ReturnRequest) -> None:
    wm = Return.objects.get(request=coded, organisation__name=_area("west-midlands-police"))
    point = {question(coded, QuestionKind.ACTIONS_TAKEN).pk: "Which advocate service?"}
    wm = returns_services.return_for_clarification(wm, personas.national_analyst, wm.version, point)
    officer = User.objects.get(username=f"{wm.organisation.slug}.opcc")
    wm = returns_services.resubmit_return(wm, officer, wm.version)
    intro, advocacy = draft_report(coded).sections[:2]
    wm_sources = [s for s in intro.sources if s.area == wm.organisation.name]
    assert [(s.return_id, s.number) for s in wm_sources] == [(wm.pk, 2)]
    assert {s.version_id for s in intro.sources} == set(latest_versions(coded).values_list("pk", flat=True))
    # The codings were made on version 1, which is no longer the latest: West Midlands drops out of the theme.
    assert wm.organisation.name not in {s.area for s in advocacy.sources}


# --- the saved report, its page and its changes -----------------------------------------------------


def test_the_analyst_drafts_the_report_and_sees_its_sources_linked(analyst: Client, coded: ReturnRequest) -> None:
    page = analyst.get(reverse("coding:report", args=[coded.pk]))
    assert page.status_code == 200 and "Draft the report from the data" in page.content.decode()
    assert (
        reverse("coding:report", args=[coded.pk])
        in analyst.get(reverse("coding:request", args=[coded.pk])).content.decode()
    )
    assert analyst.post(reverse("coding:report_draft", args=[coded.pk])).status_code == 302
    report = SummaryReport.objects.get(request=coded)
    assert ReportChange.objects.get(report=report).what == ReportChange.What.DRAFTED
    html = analyst.get(reverse("coding:report", args=[coded.pk])).content.decode()
    for version in latest_versions(coded):
        assert reverse("returns:version", kwargs={"pk": version.return_record_id, "number": version.number}) in html
    assert "Coded in 4 of 4 areas" in html and _first(ANSWERS["avon-and-somerset-police"]) in html
    # The answers come from outside organisations: their markup is shown, never run.
    assert "<script>alert" not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    advocacy = _section(report, "Advocacy")
    assert {v.return_record.organisation.name for v in advocacy.sources.all()} == {
        _area(f) for f in [*ANSWERS, HOSTILE_FORCE]
    }
    assert advocacy.quotes.count() == 3


def test_a_section_is_edited_and_a_stale_edit_is_refused(
    personas: Personas, analyst: Client, report: SummaryReport
) -> None:
    section = _section(report, "Advocacy")
    url = reverse("coding:report_section", args=[report.request_id, section.pk])
    assert analyst.get(url).status_code == 200
    saved = analyst.post(url, {"text": "Advocacy was the commonest theme.\r\n\r\nEvery area named it.", "version": 1})
    assert saved.status_code == 302
    section.refresh_from_db()
    assert (section.text, section.version, section.edited_by) == (
        "Advocacy was the commonest theme.\n\nEvery area named it.", 2, personas.national_analyst,
    )  # fmt: skip
    assert section.is_edited
    stale = analyst.post(url, {"text": "An older page's text", "version": 1})
    assert stale.status_code == 400 and "Someone else changed this section" in stale.content.decode()
    with pytest.raises(ConcurrentEditError):
        report_services.edit_section(section, personas.national_analyst, 1, "Also stale")
    section.refresh_from_db()
    assert section.text.startswith("Advocacy was the commonest theme.") and section.version == 2
    assert ReportChange.objects.filter(report=report, what=ReportChange.What.EDITED).count() == 1
    page = analyst.get(reverse("coding:report", args=[report.request_id])).content.decode()
    assert "Every area named it." in page and "Edited" in page and "Nina Lowe" in page


def test_drafting_again_keeps_edited_text_and_refreshes_the_rest(
    personas: Personas, analyst: Client, report: SummaryReport
) -> None:
    coded = report.request
    advocacy = _section(report, "Advocacy")
    report_services.edit_section(advocacy, personas.national_analyst, advocacy.version, "Our own words.")
    training = theme(coded, "Training")
    code(personas.national_analyst, answer_of(coded, "avon-and-somerset-police"), 1, training, quote=True)
    report.refresh_from_db()
    confirm = analyst.get(reverse("coding:report_draft", args=[coded.pk])).content.decode()
    assert "Draft the report again from the data?" in confirm and "Advocacy (edited by Nina Lowe" in confirm
    stale = analyst.post(reverse("coding:report_draft", args=[coded.pk]), {"version": report.version - 1})
    assert stale.status_code == 400 and "Someone else changed this report" in stale.content.decode()
    assert analyst.post(reverse("coding:report_draft", args=[coded.pk]), {"version": report.version}).status_code == 302
    advocacy.refresh_from_db()
    assert advocacy.text == "Our own words." and "Coded in 4 of 4 areas" in advocacy.drafted_text
    new_training = _section(report, "Training")
    assert "Coded in 2 of 4 areas" in new_training.text
    assert [q.text for q in new_training.quotes.all()] == ["Training for call handlers began in May."]
    with pytest.raises(ConcurrentEditError):  # a second "first draft" from a page opened before this one
        report_services.draft(coded, personas.national_analyst, None)


def test_a_section_whose_theme_has_gone_is_listed_then_removed(
    personas: Personas, analyst: Client, report: SummaryReport
) -> None:
    funded = _section(report, "Funded posts")
    report_services.edit_section(funded, personas.national_analyst, funded.version, "Kept until the theme goes.")
    services.merge_themes(
        theme(report.request, "Funded posts"), theme(report.request, "Advocacy"), personas.national_analyst
    )
    confirm = analyst.get(reverse("coding:report_draft", args=[report.request_id])).content.decode()
    assert "no longer in the codebook" in confirm and "Funded posts" in confirm
    report.refresh_from_db()
    report_services.draft(report.request, personas.national_analyst, report.version)
    assert [s.heading for s in report.sections.all()] == ["Introduction", "Advocacy", "Training", "Conclusion"]


# --- exports ----------------------------------------------------------------------------------------


def test_the_docx_has_the_themes_quotes_and_sources(analyst: Client, report: SummaryReport) -> None:
    response = analyst.get(reverse("coding:report_docx", args=[report.request_id]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    for heading in ("Introduction", "Advocacy", "Funded posts", "Training", "Conclusion", "Sources"):
        assert heading in [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert f"“{_first(ANSWERS['west-midlands-police'])}” [" in text
    assert f"“{HOSTILE_QUOTE}”" in text  # as written, as text
    assert "[1] " in text and settings.SITE_URL + "/returns/return/" in text
    assert analyst.get(reverse("coding:report_docx", args=[report.request_id])).content == response.content


def test_the_pdf_has_the_themes(analyst: Client, report: SummaryReport) -> None:
    response = analyst.get(reverse("coding:report_pdf", args=[report.request_id]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    pdf = pypdfium2.PdfDocument(response.content)
    text = " ".join(page.get_textpage().get_text_range() for page in pdf)
    normalised = " ".join(text.split())
    for name in ("Introduction", "Advocacy", "Funded posts", "Training", "Conclusion", "Sources"):
        assert name in normalised
    assert "accepted the recommendation" in normalised and "Coded in 4 of 4 areas" in normalised


def test_no_export_before_a_report_is_drafted(analyst: Client, coded: ReturnRequest) -> None:
    for name in ("coding:report_pdf", "coding:report_docx"):
        assert analyst.get(reverse(name, args=[coded.pk])).status_code == 404


# --- who may see it ---------------------------------------------------------------------------------


def _routes() -> list[tuple[str, str]]:
    resolver = next(p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and p.namespace == "coding")
    return [
        (p.name or "", str(p.pattern))
        for p in resolver.url_patterns
        if isinstance(p, URLPattern) and (p.name or "").startswith("report")
    ]


ROUTES = _routes()


def _url(name: str, report: SummaryReport) -> str:
    kwargs = {"pk": report.request_id}
    if "<int:section>" in dict(ROUTES)[name]:
        kwargs["section"] = _section(report, "Advocacy").pk
    return reverse(f"coding:{name}", kwargs=kwargs)


def test_every_report_route_is_tested() -> None:
    assert {name for name, _ in ROUTES} == {"report", "report_draft", "report_section", "report_pdf", "report_docx"}


def test_the_analyst_opens_every_report_route(analyst: Client, report: SummaryReport) -> None:
    for name, _ in ROUTES:
        assert analyst.get(_url(name, report)).status_code == 200, name


def _unchanged(report: SummaryReport) -> None:
    report.refresh_from_db()
    assert report.version == 1 and ReportChange.objects.count() == 1
    assert not ReportSection.objects.exclude(version=1).exists()


@pytest.mark.parametrize("name", REFUSED)
def test_refused_people_get_404_on_every_report_route(personas: Personas, report: SummaryReport, name: str) -> None:
    client = client_for(person(personas, name))
    for route, _ in ROUTES:
        url = _url(route, report)
        assert client.get(url).status_code == 404, route
        assert client.post(url, {"text": "Mine", "version": 1}).status_code in (404, 405), route
    _unchanged(report)


@pytest.mark.parametrize("name", ["opcc_officer", "other_national_analyst", "administrator"])
def test_refused_people_cannot_draft_a_first_report(personas: Personas, coded: ReturnRequest, name: str) -> None:
    user = person(personas, name)
    assert client_for(user).post(reverse("coding:report_draft", args=[coded.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        report_services.draft(coded, user, None)
    assert not SummaryReport.objects.exists()


def test_signed_out_people_are_sent_to_sign_in(report: SummaryReport) -> None:
    for route, _ in ROUTES:
        response = Client().get(_url(route, report))
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), route
    assert Client().get(f"/api/v1/coding/requests/{report.request_id}/report").status_code == 401
    _unchanged(report)


# --- the API ----------------------------------------------------------------------------------------


def _put(client: Client, url: str, body: object) -> Any:
    return client.put(url, json.dumps(body), content_type="application/json")


def _operations() -> list[tuple[str, str]]:
    """Every operation of the report's tag in the OpenAPI document, as the API serves it."""
    document = api.get_openapi_schema()
    return [
        (method, path)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
        if operation.get("tags") == ["coding report"]
    ]


def test_the_api_reads_the_report_and_changes_a_section(personas: Personas, report: SummaryReport) -> None:
    client = api_client(personas.national_analyst)
    base = f"/api/v1/coding/requests/{report.request_id}/report"
    body = client.get(base).json()
    assert [s["heading"] for s in body["sections"]] == [
        "Introduction", "Advocacy", "Funded posts", "Training", "Conclusion",
    ]  # fmt: skip
    advocacy = body["sections"][1]
    numbers = {s["number"]: s for s in body["sources"]}
    assert {numbers[n]["area"] for n in advocacy["sources"]} == {_area(f) for f in [*ANSWERS, HOSTILE_FORCE]}
    assert {q["area"] for q in advocacy["quotes"]} == {numbers[q["source"]]["area"] for q in advocacy["quotes"]}
    assert all(s["url"].startswith("/returns/return/") for s in body["sources"])
    url = f"{base}/sections/{advocacy['id']}"
    changed = _put(client, url, {"text": "From the API.", "version": advocacy["version"]})
    assert changed.status_code == 200 and changed.json()["sections"][1]["text"] == "From the API."
    assert _put(client, url, {"text": "Stale.", "version": advocacy["version"]}).status_code == 409
    assert _put(client, url, {"text": "x" * 20_001, "version": 2}).status_code in (400, 422)
    assert _section(report, "Advocacy").text == "From the API."


def test_the_api_has_no_report_before_it_is_drafted(personas: Personas, coded: ReturnRequest) -> None:
    response = api_client(personas.national_analyst).get(f"/api/v1/coding/requests/{coded.pk}/report")
    assert response.status_code == 404


@pytest.mark.parametrize("name", REFUSED)
def test_refused_people_get_404_from_every_report_operation(
    personas: Personas, report: SummaryReport, name: str
) -> None:
    client = api_client(person(personas, name))
    operations = _operations()
    assert {method for method, _ in operations} == {"get", "put"}
    ids = {"request_id": report.request_id, "section_id": _section(report, "Advocacy").pk}
    for method, path in operations:
        url = path.format(**ids)
        response = client.get(url) if method == "get" else _put(client, url, {"text": "Mine", "version": 1})
        assert response.status_code == 404, (method, path)
        assert response.json() == {"detail": "Not found"}
    _unchanged(report)


def test_the_themes_stay_the_codings_and_nothing_else_changes(coded: ReturnRequest) -> None:
    before = list(Theme.objects.values_list("pk", "version"))
    draft_report(coded)
    assert list(Theme.objects.values_list("pk", "version")) == before and not SummaryReport.objects.exists()


def test_drafting_and_showing_take_the_same_queries_whatever_the_number_of_returns(
    personas: Personas, analyst: Client, report: SummaryReport
) -> None:
    coded = report.request

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as drafting:
            draft_report(coded)
        with CaptureQueriesContext(connection) as showing:
            analyst.get(reverse("coding:report", args=[coded.pk]))
        return len(drafting), len(showing)

    before = queries()
    slugs = [o.slug for o in Organisation.objects.filter(kind="force").exclude(slug__in=[*ANSWERS, HOSTILE_FORCE])[:3]]
    _answer_more(coded, slugs)
    for slug in slugs:
        body = Organisation.objects.get(slug=slug).governing_body_on()
        answer = services.codable_answers(coded).get(version__return_record__organisation=body)
        code(personas.national_analyst, answer, 0, theme(coded, "Training"), quote=True)
    report_services.draft(coded, personas.national_analyst, report.version)
    edited = _section(report, "Training")
    report_services.edit_section(edited, personas.national_analyst, edited.version, "Edited, so the page names who.")
    assert queries() == before
    assert "Coded in 4 of 7 areas" in _section(report, "Training").drafted_text
