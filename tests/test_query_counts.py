"""The register, the case list and the home page run as many queries for 3N rows as for N.

Each page is read as the people who use it (an OPCC officer, a force liaison officer, a PSD
handler) once with N rows of every kind behind it and again with 3N, and the two counts must be
equal: a query per row shows as a difference. N is kept below a page's size (50), so that every
row is on the page both times and a query per listed row cannot hide behind a full page. A bound
on the count catches a page that is constant but wasteful.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from oversight.cases.models import Arrival, Case
from oversight.cases.services import NewCase, open_case
from oversight.recommendations.models import (
    ExtensionRequest,
    ProgressUpdate,
    RagChange,
    SignoffStage,
    TrackingStatus,
    Transition,
    TransitionAction,
)
from tests.case_personas import CasePersonas, Workforce
from tests.conftest import client_for
from tests.factories import ReportFactory, TrackingRecordFactory
from tests.personas import Personas

pytest_plugins = ["tests.case_fixtures"]  # the case personas' fixtures

N = 4
# Generous for pages that read the person's memberships, the filter panel's choices and the work
# queues, and far below a query per row at national scale.
MOST_QUERIES = 40
TODAY = timezone.localdate()
REGISTER_QUERY = {"rag": "red", "open": "1", "sort": "-reference"}


@dataclass
class World:
    personas: Personas
    case_personas: CasePersonas
    workforce: Workforce

    def grow(self, n: int) -> None:
        """n more register items in every state, and n more cases the PSD handler works on."""
        for index in range(n):
            self._register_rows(index)
            self._case(index)

    def _register_rows(self, index: int) -> None:
        p, wmp = self.personas, self.workforce.wmp
        report = ReportFactory(forces=[wmp])
        late = TrackingRecordFactory(item__report=report, organisation=wmp, owner=p.owner, next_review_on=TODAY)
        ProgressUpdate.objects.create(tracking=late, author=p.owner, text="Progress")
        ExtensionRequest.objects.create(
            tracking=late, requested_by=p.owner, requested_due_on=TODAY + dt.timedelta(days=90), reason="More time"
        )
        overridden = TrackingRecordFactory(
            item__report=report, organisation=wmp, owner=p.second_owner, rag_override="red",
            rag_override_reason="Judged late", due_on=TODAY + dt.timedelta(days=200),
        )  # fmt: skip
        RagChange.objects.create(tracking=overridden, by=p.liaison, to_rag="red", reason="Judged late")
        returned = TrackingRecordFactory(
            item__report=report, organisation=wmp, owner=None if index % 2 else p.owner,
            signoff=SignoffStage.RETURNED, status=TrackingStatus.IN_PROGRESS,
        )  # fmt: skip
        Transition.objects.create(
            tracking=returned, by=p.liaison, action=TransitionAction.RETURN_TO_OWNER, reason="Needs evidence",
            from_status=TrackingStatus.PENDING_SIGNOFF, to_status=TrackingStatus.IN_PROGRESS,
            from_signoff=SignoffStage.SUBMITTED, to_signoff=SignoffStage.RETURNED,
        )  # fmt: skip
        TrackingRecordFactory(item__report=report, organisation=wmp, signoff=SignoffStage.SUBMITTED)

    def _case(self, index: int) -> Case:
        new = NewCase(
            force=self.workforce.wmp, arrival=Arrival.HOTLINE, received_on=TODAY - dt.timedelta(days=400 + index),
            summary="A report.", victim_name=f"Victim {index}", subjects=[self.workforce.unrelated],
            allegations=["Abuse of position"],
        )  # fmt: skip
        return open_case(new, self.case_personas.psd_handler)


@pytest.fixture
def world(personas: Personas, case_personas: CasePersonas, case_workforce: Workforce) -> World:
    return World(personas, case_personas, case_workforce)


def _register(client: Client) -> str:
    """How many rows the filtered, sorted register lists."""
    response = client.get(reverse("recommendations:register"), REGISTER_QUERY)
    assert response.status_code == 200
    return str(response.content.decode().count("app-register__item"))


def _cases(client: Client) -> str:
    response = client.get(reverse("cases:list"))
    assert response.status_code == 200
    return str(len(set(re.findall(r'href="/cases/(\d+)/"', response.content.decode()))))


def _home(client: Client) -> str:
    """The numbers the home page shows: they change with the rows behind them."""
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return " ".join(re.findall(r">(\d+)<", response.content.decode()))


Page = Callable[[Client], str]
READS: list[tuple[str, str, Page]] = [
    ("register", "opcc_officer", _register),
    ("register", "liaison", _register),
    ("register", "owner", _register),
    ("case list", "psd_handler", _cases),
    ("case list", "psd_lead", _cases),
    ("home", "opcc_officer", _home),
    ("home", "liaison", _home),
    ("home", "owner", _home),
    ("home", "psd_handler", _home),
]


def _person(world: World, name: str) -> User:
    found = getattr(world.personas, name, None) if name not in ("psd_handler", "psd_lead") else None
    return found or getattr(world.case_personas, name)


def _queries(client: Client, page: Page) -> tuple[int, str]:
    page(client)  # the first read fills per-process caches (content types, the session): not per row
    with CaptureQueriesContext(connection) as captured:
        shown = page(client)
    return len(captured.captured_queries), shown


@pytest.mark.parametrize(("page_name", "persona", "page"), READS, ids=[f"{p}-{who}" for p, who, _ in READS])
def test_a_page_runs_as_many_queries_for_three_times_the_rows(
    world: World, page_name: str, persona: str, page: Page
) -> None:
    client = client_for(_person(world, persona))
    world.grow(N)
    small, shown_small = _queries(client, page)
    world.grow(2 * N)
    large, shown_large = _queries(client, page)
    assert shown_large != shown_small, f"{page_name} as {persona} shows the same for more rows: a vacuous count"
    assert small == large, f"{page_name} as {persona}: {small} queries for {N} rows, {large} for {3 * N}"
    assert large <= MOST_QUERIES, f"{page_name} as {persona}: {large} queries"
