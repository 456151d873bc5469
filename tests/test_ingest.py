"""Documents in: storing a file, reading it in the background, and confirming proposals into the register."""

from __future__ import annotations

import datetime as dt
import hashlib
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from oversight.ingest import reading, services
from oversight.ingest.models import Decision, ProposalKind, ReadingStatus, SourceDocument
from oversight.lib import documents
from oversight.lib.documents import DocumentError
from oversight.organisations.models import Organisation
from oversight.recommendations.models import Addressee, Item, ItemKind, TrackingRecord
from tests.factories import ReportFactory
from tests.ingest_fixtures import REPORT_TEXT, store
from tests.personas import Personas

pytest_plugins = ["tests.ingest_fixtures"]

pytestmark = pytest.mark.usefixtures("stand_ins")


@pytest.fixture
def report(wmp: Organisation):  # type: ignore[no-untyped-def]
    return ReportFactory(title="Stalking inspection", forces=[wmp], published_on=dt.date(2022, 6, 30))


@pytest.mark.usefixtures("immediate_tasks")
def test_a_stored_document_keeps_its_file_and_hash_and_is_read_into_proposals(personas: Personas, wmp, report) -> None:
    document = store(personas.liaison, wmp, report, name="../../etc/Stalking report.txt")
    document.refresh_from_db()
    assert document.sha256 == hashlib.sha256(REPORT_TEXT.encode()).hexdigest()
    assert document.original_name == "Stalking report.txt"
    assert document.file.read() == REPORT_TEXT.encode()
    assert document.status == ReadingStatus.READ
    assert (document.pages_done, document.pages_total) == (12, 12)
    assert document.text == REPORT_TEXT
    proposals = list(document.proposals.all())
    assert [p.item_kind for p in proposals] == ["cause_of_concern", "recommendation", "recommendation", "afi"]
    assert proposals[1].cause_of_concern == proposals[0]
    assert proposals[1].addressees == [Addressee.CHIEF_CONSTABLES, Addressee.COLLEGE]
    assert proposals[2].addressees == [Addressee.CHIEF_CONSTABLES]  # "forces" are their chief constables
    assert proposals[1].passage == "Within six months, chief constables should record stalking."
    assert proposals[2].needs_due_date


def test_progress_is_written_every_few_pages_as_the_reader_goes(
    personas: Personas, wmp, report, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = store(personas.liaison, wmp, report, queue=False)
    seen: list[tuple[int, int]] = []

    def reader(data: bytes, filename: str, *, max_bytes: int, progress) -> documents.CleanDocument:  # type: ignore[no-untyped-def]
        for page in range(1, 13):
            progress(page, 12)
            stored = SourceDocument.objects.get(pk=document.pk)
            seen.append((stored.pages_done, stored.status))  # type: ignore[arg-type]
        return documents.CleanDocument(REPORT_TEXT, documents.DocumentFormat.TEXT, 12)

    monkeypatch.setattr(documents, "read_document", reader, raising=False)
    reading.read_and_propose(document.pk)
    assert seen[4] == (5, ReadingStatus.READING) and seen[9] == (10, ReadingStatus.READING)
    assert seen[3] == (0, ReadingStatus.READING)  # not every page: every fifth, and the last
    assert seen[-1][0] == 12


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (DocumentError("This PDF has no text in it: it needs text, not scanned images."), "no text in it"),
        (MemoryError(), "Something went wrong while reading this document"),
        (KeyError("page"), "Something went wrong while reading this document"),
    ],
)
def test_a_failed_reading_says_why_in_words_and_writes_no_proposals(
    personas: Personas, wmp, report, monkeypatch: pytest.MonkeyPatch, error: Exception, shown: str
) -> None:
    document = store(personas.liaison, wmp, report, queue=False)

    def reader(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(documents, "read_document", reader, raising=False)
    reading.read_and_propose(document.pk)
    document.refresh_from_db()
    assert document.status == ReadingStatus.FAILED
    assert shown in document.failure_reason
    assert "Traceback" not in document.failure_reason and "KeyError" not in document.failure_reason
    assert not document.proposals.exists()


def test_rules_failing_halfway_leave_no_text_and_no_proposals(
    personas: Personas, wmp, report, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = store(personas.liaison, wmp, report, queue=False)
    real_write = reading.write_proposals

    def write_then_fail(document: SourceDocument, proposals: list) -> None:  # type: ignore[type-arg]
        real_write(document, proposals[:2])
        raise RuntimeError("disk full")

    monkeypatch.setattr(reading, "write_proposals", write_then_fail)
    reading.read_and_propose(document.pk)
    document.refresh_from_db()
    assert document.status == ReadingStatus.FAILED and document.text == ""
    assert not document.proposals.exists()


def test_the_database_queue_and_its_worker_read_the_document(
    personas: Personas, wmp, report, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real path: the upload writes a job row; `oversight db_worker --batch` runs it."""
    # The worker closes connections it thinks stale, which includes the test's own transaction (as
    # Django's test client, it is kept open here); everything else is the command as `make run` runs it.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    document = store(personas.liaison, wmp, report)
    assert SourceDocument.objects.get(pk=document.pk).status == ReadingStatus.QUEUED
    assert DBTaskResult.objects.filter(args_kwargs__args=[document.pk]).count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=StringIO(), stderr=StringIO())
    document.refresh_from_db()
    assert document.status == ReadingStatus.READ
    assert document.proposals.count() == 4
    assert DBTaskResult.objects.get(args_kwargs__args=[document.pk]).status == "SUCCESSFUL"


@pytest.mark.usefixtures("immediate_tasks")
def test_confirming_creates_the_items_linked_to_their_passages_in_one_go(personas: Personas, wmp, report) -> None:
    document = SourceDocument.objects.get(pk=store(personas.liaison, wmp, report).pk)
    concern, first, unread, afi = document.proposals.all()
    with pytest.raises(ValidationError, match="By autumn 2024"):
        services.confirm_document(document, personas.liaison, document.version)
    assert not Item.objects.filter(report=report).exists()

    services.edit_proposal(unread, personas.liaison, document.version, deadline_phrase="By March 2023")
    document.refresh_from_db()
    created = services.confirm_document(document, personas.liaison, document.version)
    assert len(created) == 4
    items = {p.pk: p.item for p in document.proposals.all()}
    assert items[first.pk].cause_of_concern == items[concern.pk]
    assert items[first.pk].due_on == dt.date(2022, 12, 30)
    assert items[unread.pk].due_on == dt.date(2023, 3, 31)
    assert items[afi.pk].kind == ItemKind.AREA_FOR_IMPROVEMENT
    assert items[first.pk].source_proposals.get() == first
    assert TrackingRecord.objects.filter(item__report=report, organisation=wmp).count() == 4
    assert set(document.proposals.values_list("decision", flat=True)) == {Decision.CONFIRMED}


@pytest.mark.usefixtures("immediate_tasks")
def test_reading_the_same_file_again_proposes_nothing_already_confirmed(personas: Personas, wmp, report) -> None:
    first = SourceDocument.objects.get(pk=store(personas.liaison, wmp, report).pk)
    _concern, _rec, unread, _afi = first.proposals.all()
    services.drop_proposal(unread, personas.liaison, first.version)
    first.refresh_from_db()
    services.confirm_document(first, personas.liaison, first.version)

    again = SourceDocument.objects.get(pk=store(personas.liaison, wmp, report).pk)
    assert again.sha256 == first.sha256
    assert [p.text for p in again.proposals.all()] == [unread.text]  # only the one dropped before
    assert again.proposals.get().kind == ProposalKind.ITEM


def test_a_reading_whose_worker_stopped_can_be_read_again_and_the_old_reading_writes_nothing(
    personas: Personas, wmp, report, settings
) -> None:
    document = store(personas.liaison, wmp, report, queue=False)
    with pytest.raises(ValidationError):  # waiting in the queue is not stalled
        services.read_again(document, personas.liaison)
    stopped = reading.start_reading(document.pk)  # a worker takes it, then dies
    assert stopped is not None
    document.refresh_from_db()
    assert not document.is_stalled()
    with pytest.raises(ValidationError):  # still moving: not offered again
        services.read_again(document, personas.liaison)

    later = document.progress_at + dt.timedelta(minutes=settings.INGEST_STALLED_MINUTES + 1)
    assert document.is_stalled(now=later)
    SourceDocument.objects.filter(pk=document.pk).update(
        progress_at=document.progress_at - (later - document.progress_at)
    )
    document.refresh_from_db()
    services.read_again(document, personas.liaison)
    document.refresh_from_db()
    assert document.status == ReadingStatus.QUEUED
    fresh = reading.read_and_propose(document.pk)
    assert fresh is not None and fresh.status == ReadingStatus.READ and fresh.attempt == stopped.attempt + 1
    count = fresh.proposals.count()
    assert count > 0

    # The first worker wakes up and finishes (or fails): the newer reading stands untouched.
    reading._fail(stopped, "the old reading failed")
    reading._finish(stopped, documents.CleanDocument("old text", documents.DocumentFormat.TEXT, 1), [])
    document.refresh_from_db()
    assert document.status == ReadingStatus.READ and document.failure_reason == ""
    assert document.text == fresh.text and document.proposals.count() == count
