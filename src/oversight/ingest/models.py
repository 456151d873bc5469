"""Documents read into the register: the stored file, its reading, and the proposals a person decides on.

Nothing here changes the register: a confirmed proposal is handed to `recommendations` through its
service functions (`ingest.services.confirm_document`), and keeps a link to what it created.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from oversight.lib.documents import DocumentFormat
from oversight.organisations.models import Organisation
from oversight.recommendations.models import Addressee, GoverningBodyResponse, Item, ItemKind, Report, ResponseAction


class DocumentKind(models.TextChoices):
    REPORT = "report", "An inspection report, or a paper about one"
    RESPONSE = "response", "A response to a report"
    REGISTER = "register", "Entries from the inspectorate's public register"


class ReadingStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to be read"
    READING = "reading", "Being read"
    READ = "read", "Read"
    FAILED = "failed", "Could not be read"


class SourceDocumentQuerySet(models.QuerySet["SourceDocument"]):
    def for_organisations(self, organisation_ids: set[int]) -> SourceDocumentQuerySet:
        return self.filter(organisation_id__in=organisation_ids)


def document_path(instance: SourceDocument, filename: str) -> str:
    # Files are stored under their hash, never under the uploader's file name.
    return f"documents/{instance.sha256[:2]}/{instance.sha256}"


class SourceDocument(models.Model):
    """An uploaded file kept as given (with its SHA-256), and its clean text once read."""

    file = models.FileField(upload_to=document_path, max_length=200)
    sha256 = models.CharField(max_length=64, db_index=True)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    format = models.CharField(max_length=10, choices=[(f.value, f.value.upper()) for f in DocumentFormat], blank=True)
    kind = models.CharField(max_length=10, choices=DocumentKind.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="source_documents")
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.PROTECT, related_name="source_documents")
    response = models.ForeignKey(
        GoverningBodyResponse, null=True, blank=True, on_delete=models.PROTECT, related_name="source_documents"
    )
    published_on = models.DateField(null=True, blank=True, help_text="Deadlines are counted from this date")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=ReadingStatus.choices, default=ReadingStatus.QUEUED)
    failure_reason = models.TextField(blank=True)
    pages_done = models.PositiveIntegerField(default=0)
    pages_total = models.PositiveIntegerField(default=0)
    text = models.TextField(blank=True)
    page_starts = models.JSONField(default=list, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Each reading is numbered: a reading that was given up for stalled (its worker died) and later
    # wakes up finds a newer number and writes nothing over the newer reading.
    attempt = models.PositiveIntegerField(default=0)
    progress_at = models.DateTimeField(null=True, blank=True, help_text="When the reading last moved")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic lock: bumped by every review change")

    objects = SourceDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_finished(self) -> bool:
        return self.status in (ReadingStatus.READ, ReadingStatus.FAILED)

    @property
    def is_failed(self) -> bool:
        return self.status == ReadingStatus.FAILED

    @property
    def is_read(self) -> bool:
        return self.status == ReadingStatus.READ

    @property
    def is_report(self) -> bool:
        return self.kind == DocumentKind.REPORT

    def is_stalled(self, now: dt.datetime | None = None) -> bool:
        """Being read, but not moved for longer than a reading takes: its worker stopped mid-way."""
        if self.status != ReadingStatus.READING or self.progress_at is None:
            return False
        limit = dt.timedelta(minutes=settings.INGEST_STALLED_MINUTES)
        return (now or timezone.now()) - self.progress_at > limit

    @property
    def percent_done(self) -> int:
        if self.status == ReadingStatus.READ:
            return 100
        return min(100, self.pages_done * 100 // self.pages_total) if self.pages_total else 0

    def page_of(self, offset: int) -> int:
        """The page (from 1) on which the character at `offset` of the clean text stands."""
        page = 1
        for number, start in enumerate(self.page_starts or [0], start=1):
            if start > offset:
                break
            page = number
        return page


class ProposalKind(models.TextChoices):
    ITEM = "item", "Item"
    ACTION = "action", "Action"
    REGISTER_ENTRY = "register_entry", "Register entry"


class Decision(models.TextChoices):
    PENDING = "pending", "To review"
    CONFIRMED = "confirmed", "Confirmed"
    DROPPED = "dropped", "Dropped"


class ActionStatus(models.TextChoices):
    INTENDED = "intended", "Intended"
    TAKEN = "taken", "Taken"


class ProposalQuerySet(models.QuerySet["Proposal"]):
    def pending(self) -> ProposalQuerySet:
        return self.filter(decision=Decision.PENDING)

    def confirmed(self) -> ProposalQuerySet:
        return self.filter(decision=Decision.CONFIRMED)


class Proposal(models.Model):
    """One item, action or register entry the rules found, as the person corrects it before deciding."""

    document = models.ForeignKey(SourceDocument, on_delete=models.CASCADE, related_name="proposals")
    kind = models.CharField(max_length=20, choices=ProposalKind.choices)
    position = models.PositiveIntegerField(default=0, help_text="Order in the document")
    # Items and register entries
    item_kind = models.CharField(max_length=20, choices=ItemKind.choices, blank=True)
    reference = models.CharField(max_length=40, blank=True)
    text = models.TextField()
    addressees = models.JSONField(default=list, blank=True, help_text="recommendations.Addressee values")
    deadline_phrase = models.CharField(max_length=120, blank=True)
    due_on = models.DateField(null=True, blank=True)
    urgent = models.BooleanField(default=False)
    deadline_understood = models.BooleanField(default=True)
    cause_of_concern = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="under_it"
    )
    history = models.JSONField(
        default=list, blank=True, help_text="Register entries: [{'on': 'YYYY-MM-DD', 'status': ..., 'comment': ...}]"
    )
    # Actions from a response
    action_status = models.CharField(max_length=10, choices=ActionStatus.choices, blank=True)
    answers = models.CharField(max_length=40, blank=True, help_text="The reference the response gives, as written")
    answers_item = models.ForeignKey(Item, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Where it came from, and what became of it
    span_start = models.PositiveIntegerField()
    span_end = models.PositiveIntegerField()
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    item = models.ForeignKey(Item, null=True, blank=True, on_delete=models.SET_NULL, related_name="source_proposals")
    response_action = models.ForeignKey(
        ResponseAction, null=True, blank=True, on_delete=models.SET_NULL, related_name="source_proposals"
    )

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["document", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(span_end__gte=models.F("span_start")), name="span_in_order")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}".strip()

    @property
    def passage(self) -> str:
        return self.document.text[self.span_start : self.span_end]

    @property
    def page(self) -> int:
        return self.document.page_of(self.span_start)

    @property
    def is_pending(self) -> bool:
        return self.decision == Decision.PENDING

    @property
    def is_confirmed(self) -> bool:
        return self.decision == Decision.CONFIRMED

    @property
    def is_dropped(self) -> bool:
        return self.decision == Decision.DROPPED

    @property
    def is_action(self) -> bool:
        return self.kind == ProposalKind.ACTION

    @property
    def addressee_labels(self) -> list[str]:
        return [Addressee(value).label for value in self.addressees if value in Addressee.values]

    @property
    def needs_due_date(self) -> bool:
        """A deadline phrase was found that no rule could read, and no date has been given."""
        return not self.deadline_understood and self.due_on is None and not self.urgent
