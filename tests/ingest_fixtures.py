"""Shared helpers for the documents-in tests: a stand-in reader and rules, and stored documents.

The stand-ins let the app's wiring be tested on its own: the real reader and rules are tested by
their own suites, and used here where a test says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile

from oversight.ingest import services
from oversight.ingest.models import SourceDocument
from oversight.lib import documents, extraction
from oversight.lib.documents import CleanDocument, DocumentFormat
from oversight.lib.extraction.model import (
    ActionStatus,
    ProposedAction,
    ProposedAddressee,
    ProposedItem,
    ProposedKind,
    Span,
)
from oversight.organisations.models import Organisation
from oversight.recommendations.models import Report

REPORT_TEXT = (
    "Cause of concern\n\nThe force does not record stalking well.\n\n"
    "Recommendation 1\n\nWithin six months, chief constables should record stalking.\n\n"
    "Recommendation 2\n\nBy autumn 2024, forces should train call handlers.\n\n"
    "Area for improvement\n\nThe force should tell victims about progress."
)


def span_of(text: str, passage: str) -> Span:
    start = text.index(passage)
    return Span(start, start + len(passage))


def fake_items(text: str, published: dt.date | None) -> list[ProposedItem]:
    """What the rules would propose from REPORT_TEXT (each with its passage)."""
    concern = "The force does not record stalking well."
    first = "Within six months, chief constables should record stalking."
    second = "By autumn 2024, forces should train call handlers."
    third = "The force should tell victims about progress."
    return [
        ProposedItem(ProposedKind.CAUSE_OF_CONCERN, None, concern, span_of(text, concern)),
        ProposedItem(
            ProposedKind.RECOMMENDATION, "1", first, span_of(text, first),
            addressees=(ProposedAddressee.CHIEF_CONSTABLES, ProposedAddressee.COLLEGE_OF_POLICING),
            deadline_text="Within six months", due=dt.date(2022, 12, 30), cause_of_concern=0,
        ),
        ProposedItem(
            ProposedKind.RECOMMENDATION, "2", second, span_of(text, second),
            addressees=(ProposedAddressee.FORCES,), deadline_text="By autumn 2024", deadline_understood=False,
        ),
        ProposedItem(ProposedKind.AREA_FOR_IMPROVEMENT, None, third, span_of(text, third)),
    ]  # fmt: skip


def fake_actions(text: str) -> list[ProposedAction]:
    steps = [line for line in text.split("\n\n") if line.startswith("I will") or line.startswith("We have")]
    return [
        ProposedAction(
            step, ActionStatus.TAKEN if step.startswith("We have") else ActionStatus.INTENDED, span_of(text, step), "1"
        )
        for step in steps
    ]


def fake_reader(pages: int = 12) -> Callable[..., CleanDocument]:
    def read_document(data: bytes, filename: str, *, max_bytes: int, progress: Any = None) -> CleanDocument:
        for page in range(1, pages + 1):
            if progress:
                progress(page, pages)
        text = data.decode("utf-8")
        return CleanDocument(text, DocumentFormat.TEXT, pages, tuple(range(0, len(text), max(len(text) // pages, 1))))

    return read_document


@pytest.fixture
def stand_ins(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader and rules replaced by the stand-ins above."""
    monkeypatch.setattr(documents, "read_document", fake_reader(), raising=False)
    monkeypatch.setattr(extraction, "extract_report", fake_items, raising=False)
    monkeypatch.setattr(extraction, "extract_response", fake_actions, raising=False)


@pytest.fixture
def immediate_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def store(
    by: User,
    organisation: Organisation,
    report: Report,
    text: str = REPORT_TEXT,
    name: str = "report.txt",
    queue: bool = True,
) -> SourceDocument:
    return services.store_document(
        by, ContentFile(text.encode(), name=name), kind="report", organisation=organisation, report=report, queue=queue
    )
