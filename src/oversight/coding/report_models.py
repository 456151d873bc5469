"""The national summary report of a request, as saved and edited: drafted from the data
(`coding/report.py`), then its sections' text edited by the analysts.

A section keeps the returns it rests on (`sources`: the submitted versions) and, for a theme, the
passages marked to quote. Quotes are the organisations' own words and are never edited here: they
change only by marking passages in the coding, then drafting again. Two analysts editing at once
never overwrite each other: each section and the report carry an optimistic lock (`version`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from oversight.returns.models import ReturnRequest, ReturnVersion, VersionAnswer


class SummaryReport(models.Model):
    """One report per request: who drafted it from the data, and when it last changed."""

    request = models.OneToOneField(ReturnRequest, on_delete=models.CASCADE, related_name="summary_report")
    title = models.CharField(max_length=300)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(default=timezone.now, help_text="Last drafted or edited")
    version = models.PositiveIntegerField(default=1, help_text="Optimistic lock: bumped on every change")

    def __str__(self) -> str:
        return self.title


class SectionKind(models.TextChoices):
    INTRODUCTION = "introduction", "Introduction"
    THEME = "theme", "Theme"
    CONCLUSION = "conclusion", "Conclusion"


class ReportSection(models.Model):
    """A section's editable text, the text as last drafted from the data, and what it rests on."""

    report = models.ForeignKey(SummaryReport, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=SectionKind.choices)
    theme = models.ForeignKey("coding.Theme", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    depth = models.PositiveSmallIntegerField(default=0, help_text="0 for a theme, 1 for a sub-theme")
    heading = models.CharField(max_length=300)
    text = models.TextField(blank=True)
    drafted_text = models.TextField(blank=True, help_text="The text as last drafted from the data")
    sources = models.ManyToManyField(ReturnVersion, related_name="+", blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    edited_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic lock: bumped on every change")

    class Meta:
        ordering = ["report", "position"]

    def __str__(self) -> str:
        return self.heading

    @property
    def is_edited(self) -> bool:
        """A person changed the text from what the data drafted."""
        return self.edited_by_id is not None and self.text != self.drafted_text


class ReportQuote(models.Model):
    """A passage marked to quote, under its theme's section: the area's own words, never edited."""

    section = models.ForeignKey(ReportSection, on_delete=models.CASCADE, related_name="quotes")
    position = models.PositiveIntegerField()
    answer = models.ForeignKey(VersionAnswer, on_delete=models.CASCADE, related_name="+")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    area = models.CharField(max_length=300, help_text="The organisation that wrote it")

    class Meta:
        ordering = ["section", "position"]

    def __str__(self) -> str:
        return f"{self.area}: {self.text}"

    @property
    def text(self) -> str:
        return self.answer.text[self.start : self.end]


class ReportChange(models.Model):
    """Who drafted or edited the report, and when: the report's history. Never edited."""

    class What(models.TextChoices):
        DRAFTED = "drafted", "Drafted from the data"
        REDRAFTED = "redrafted", "Drafted again from the data"
        EDITED = "edited", "Edited"

    report = models.ForeignKey(SummaryReport, on_delete=models.CASCADE, related_name="changes")
    section = models.ForeignKey(ReportSection, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    heading = models.CharField(max_length=300, blank=True, help_text="The section's heading at the time")
    what = models.CharField(max_length=10, choices=What.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_what_display()} by {self.by}"
