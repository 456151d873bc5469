"""The coding pages: themes (add, edit, merge, delete), the coding page (code, suggest, accept,
reject, bulk accept with confirmation) and the agreement table; and who is refused every one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from oversight.coding import services
from oversight.coding.models import BulkAcceptance, Coding, Suggestion, SuggestionStatus, Theme
from oversight.coding.passages import split_passages
from oversight.recommendations.models import Item
from oversight.returns.models import ReturnRequest
from tests.conftest import client_for
from tests.personas import Personas
from tests.test_coding import answer_of, coded_request
from tests.test_coding_access import REFUSED, person

pytest_plugins = ["tests.returns_fixtures"]
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fixed_csrf(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The same CSRF token on every page, so two pages can be compared byte for byte."""
    monkeypatch.setattr("django.middleware.csrf._get_new_csrf_string", lambda: "a" * 32)
    yield


@pytest.fixture
def coded(personas: Personas, item: Item) -> ReturnRequest:
    return coded_request(personas, item)


@pytest.fixture
def analyst(personas: Personas) -> Client:
    return client_for(personas.national_analyst)


def _routes() -> list[tuple[str, str]]:
    resolver = next(p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and p.namespace == "coding")
    return [(p.name or "", str(p.pattern)) for p in resolver.url_patterns if isinstance(p, URLPattern)]


ROUTES = [route for route in _routes() if not route[0].startswith("report")]  # tests/test_coding_report.py
POST_ONLY = {"merge_theme", "delete_theme", "code", "remove_coding", "suggest", "accept", "reject"}


def _url(name: str, request: ReturnRequest) -> str:
    pattern = dict(ROUTES)[name]
    kwargs = {"pk": request.pk}
    if "<int:theme>" in pattern:
        kwargs["theme"] = Theme.objects.get(name="Training").pk
    if "<int:coding>" in pattern:
        kwargs["coding"] = Coding.objects.get().pk
    if "<int:suggestion>" in pattern:
        kwargs["suggestion"] = Suggestion.objects.pending().first().pk  # type: ignore[union-attr]
    return reverse(f"coding:{name}", kwargs=kwargs)


def test_every_route_is_in_the_matrix() -> None:
    assert {name for name, _ in ROUTES} == {
        "request", "themes", "edit_theme", "merge_theme", "delete_theme", "code", "remove_coding", "suggest",
        "accept", "reject", "accept_above", "agreement", "matrix", "export_qdc", "export_qdpx",
    }  # fmt: skip


def test_the_analyst_opens_every_page(analyst: Client, coded: ReturnRequest) -> None:
    for name, _ in ROUTES:
        if name in POST_ONLY:
            continue
        url = _url(name, coded) + ("?threshold=0.5" if name == "accept_above" else "")
        assert analyst.get(url).status_code == 200, name


@pytest.mark.parametrize("name", REFUSED)
def test_refused_people_get_404_on_every_page_and_action(personas: Personas, coded: ReturnRequest, name: str) -> None:
    client = client_for(person(personas, name))
    for route, _ in ROUTES:
        url = _url(route, coded)
        assert client.get(url + "?threshold=0.5").status_code == (405 if route in POST_ONLY else 404), route
        data = {"name": "x", "into": Theme.objects.get(name="Advocacy").pk, "threshold": "0", "theme": "1"}
        assert client.post(url, data).status_code == 404, route
    assert Theme.objects.count() == 2 and Coding.objects.count() == 1
    assert not Suggestion.objects.exclude(status=SuggestionStatus.PENDING).exists()
    assert not BulkAcceptance.objects.exists()


@pytest.mark.parametrize("name", REFUSED)
def test_refused_people_get_the_page_a_missing_request_gets(
    personas: Personas, coded: ReturnRequest, name: str
) -> None:
    client = client_for(person(personas, name))
    refused = client.get(reverse("coding:request", args=[coded.pk]))
    # A missing request's address of the same length, so the Content-Length can be compared too.
    absent = coded.pk + 1 if len(str(coded.pk + 1)) == len(str(coded.pk)) else coded.pk - 1
    assert not ReturnRequest.objects.filter(pk=absent).exists()
    missing = client.get(reverse("coding:request", args=[absent]))
    assert refused.status_code == missing.status_code == 404
    # The only difference allowed is the address itself (the organisation switcher returns to it).
    same_address = refused.content.replace(f"/coding/{coded.pk}/".encode(), f"/coding/{absent}/".encode())
    assert (same_address, refused.headers) == (missing.content, missing.headers)


def test_themes_are_added_edited_merged_and_deleted(analyst: Client, coded: ReturnRequest) -> None:
    url = reverse("coding:themes", args=[coded.pk])
    assert analyst.post(url, {"name": "Funding", "description": "Money"}).status_code == 302
    page = analyst.post(url, {"name": "funding"})
    assert page.status_code == 400 and "already a theme" in page.content.decode()
    funding = Theme.objects.get(name="Funding")
    edit = reverse("coding:edit_theme", args=[coded.pk, funding.pk])
    assert analyst.post(edit, {"name": "Funding and grants", "version": 1}).status_code == 302
    stale = analyst.post(edit, {"name": "Money", "version": 1})
    assert stale.status_code == 400 and "Someone else changed this theme" in stale.content.decode()
    advocacy = Theme.objects.get(name="Advocacy")
    refused = analyst.post(reverse("coding:delete_theme", args=[coded.pk, advocacy.pk]))
    assert refused.status_code == 400 and "merge it into another theme" in refused.content.decode()
    merge = reverse("coding:merge_theme", args=[coded.pk, advocacy.pk])
    assert analyst.post(merge, {"into": funding.pk}).status_code == 302
    assert Coding.objects.get().theme == funding
    assert analyst.post(reverse("coding:delete_theme", args=[coded.pk, Theme.objects.get(name="Training").pk]))
    assert set(Theme.objects.values_list("name", flat=True)) == {"Funding and grants"}


def test_a_passage_is_coded_on_the_page(analyst: Client, coded: ReturnRequest) -> None:
    page = analyst.get(reverse("coding:request", args=[coded.pk])).content.decode()
    assert "We commissioned a specialist advocate service." in page and "Why: " in page
    answer = answer_of(coded, "merseyside-police")
    start, end = split_passages(answer.text)[1]
    training = Theme.objects.get(name="Training")
    data = {
        "answer": answer.pk,
        "start": start,
        "end": end,
        "theme": training.pk,
        "memo": "Under review",
        "quote": "on",
    }
    assert analyst.post(reverse("coding:code", args=[coded.pk]), data).status_code == 302
    coding = Coding.objects.get(answer=answer)
    assert (coding.text, coding.memo, coding.quote) == ("The budget is under review.", "Under review", True)
    bad = analyst.post(reverse("coding:code", args=[coded.pk]), {**data, "end": 10_000})
    assert bad.status_code == 400 and "No passage" in bad.content.decode()
    unknown = analyst.post(reverse("coding:code", args=[coded.pk]), {**data, "theme": 999_999})
    assert unknown.status_code == 400 and "Choose one of this request" in unknown.content.decode()
    again = analyst.post(reverse("coding:code", args=[coded.pk]), data)
    assert again.status_code == 400 and "already coded" in again.content.decode()


def test_suggestions_are_accepted_rejected_and_accepted_in_bulk(analyst: Client, coded: ReturnRequest) -> None:
    first, second, *rest = Suggestion.objects.pending()
    assert analyst.post(reverse("coding:accept", args=[coded.pk, first.pk])).status_code == 302
    assert analyst.post(reverse("coding:reject", args=[coded.pk, second.pk])).status_code == 302
    twice = analyst.post(reverse("coding:reject", args=[coded.pk, second.pk]))
    assert twice.status_code == 400 and "already been rejected" in twice.content.decode()
    url = reverse("coding:accept_above", args=[coded.pk])
    confirm = analyst.get(url, {"threshold": "0"})
    assert f"Accept {len(rest)} suggestions?" in confirm.content.decode()
    assert not BulkAcceptance.objects.exists()
    assert analyst.post(url, {"threshold": "0"}).status_code == 302
    bulk = BulkAcceptance.objects.get()
    assert (bulk.threshold, bulk.accepted) == (0.0, len(rest))
    assert analyst.get(url, {"threshold": "2"}).status_code == 400
    assert analyst.post(reverse("coding:suggest", args=[coded.pk])).status_code == 302


def test_the_agreement_table(personas: Personas, analyst: Client, coded: ReturnRequest) -> None:
    services.accept_suggestion(Suggestion.objects.pending().first(), personas.national_analyst)  # type: ignore[arg-type]
    page = analyst.get(reverse("coding:agreement", args=[coded.pk])).content.decode()
    assert "Nina Lowe and the suggestions" in page and "Passages both coded" in page


def test_the_request_page_links_to_coding(analyst: Client, coded: ReturnRequest) -> None:
    page = analyst.get(reverse("returns:request", args=[coded.pk])).content.decode()
    assert reverse("coding:request", args=[coded.pk]) in page
