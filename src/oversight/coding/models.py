"""Coding national returns: an analyst's themes for a request, people's codings of passages, and the
system's suggestions kept apart from them until a person accepts or rejects each.

A passage is a span `text[start:end]` of a submitted answer (`returns.VersionAnswer`), whose text
never changes, so a coding's offsets stay true for good.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from oversight.returns.models import ReturnRequest, VersionAnswer


class Theme(models.Model):
    """A theme of one request's codebook; a parent makes it a sub-theme."""

    request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic lock: bumped on every change")

    class Meta:
        ordering = ["request", "name"]
        constraints = [models.UniqueConstraint(fields=["request", "name"], name="one_theme_name_per_request")]

    def __str__(self) -> str:
        return self.name


def check_span(answer: VersionAnswer, start: int, end: int) -> None:
    """A passage must be a non-empty span inside the answer's text."""
    if not 0 <= start < end <= len(answer.text):
        raise ValidationError(f"No passage {start} to {end} in an answer of {len(answer.text)} characters.")


class Span(models.Model):
    """A span of a submitted answer: what both a person's coding and a suggestion point at."""

    answer = models.ForeignKey(VersionAnswer, on_delete=models.CASCADE, related_name="+")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()

    class Meta:
        abstract = True

    @property
    def text(self) -> str:
        return self.answer.text[self.start : self.end]


class Coding(Span):
    """A person's coding of a passage to a theme. Two analysts coding the same passage keep a row each."""

    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="codings")
    coder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="codings")
    memo = models.TextField(blank=True)
    quote = models.BooleanField(default=False, help_text="Mark the passage to quote in the report")
    created_at = models.DateTimeField(default=timezone.now)
    suggestion = models.OneToOneField(
        "Suggestion", null=True, blank=True, on_delete=models.SET_NULL, related_name="coding",
        help_text="The suggestion accepted to make this coding, if any",
    )  # fmt: skip

    class Meta:
        ordering = ["answer", "start", "end", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["answer", "start", "end", "theme", "coder"], name="one_coding_per_coder"),
            models.CheckConstraint(condition=models.Q(start__lt=models.F("end")), name="coding_span_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.theme} by {self.coder}"


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class BulkAcceptance(models.Model):
    """A person accepted every pending suggestion at or above a confidence in one go: the record of it."""

    request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="bulk_acceptances")
    threshold = models.FloatField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    accepted = models.PositiveIntegerField(default=0, help_text="Suggestions accepted")

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.accepted} accepted at {self.threshold:.2f} or above by {self.by}"


class SuggestionQuerySet(models.QuerySet["Suggestion"]):
    def pending(self) -> SuggestionQuerySet:
        return self.filter(status=SuggestionStatus.PENDING)


class Suggestion(Span):
    """The system's coding of a passage, apart from people's until a person accepts or rejects it."""

    request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="suggestions")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="suggestions")
    score = models.FloatField(help_text="Confidence in [0, 1]")
    because = models.TextField(help_text="The words or coded examples behind the suggestion")
    status = models.CharField(max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    bulk = models.ForeignKey(
        BulkAcceptance, null=True, blank=True, on_delete=models.PROTECT, related_name="suggestions"
    )

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["answer", "start", "-score", "pk"]

    def __str__(self) -> str:
        return f"{self.theme} ({self.score:.2f})"

    @property
    def is_pending(self) -> bool:
        return self.status == SuggestionStatus.PENDING


# The national summary report, saved and edited: its own module, registered with the app here.
from .report_models import ReportChange, ReportQuote, ReportSection, SectionKind, SummaryReport  # noqa: E402, F401
