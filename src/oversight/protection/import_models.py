"""What the bulk import keeps: each force's column mapping (their headings and codes to our fields and
values) and the record of every import (who, when, which file by SHA-256, what came of it).

The importer writes in bulk, out of sight of the measures' event trail, so `ImportRun` is the record
of each import, as `workforce.ImportRun` is for the register. A file waiting for its mapping is kept
(`pending_file`) until the mapping is saved, then imported and let go.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from oversight.organisations.models import Organisation


class ImportMapping(models.Model):
    """One force's export layout: `columns` maps our field names to the force's headings, `values` maps,
    per field, the force's codes (lower-cased) to our values, e.g. {"measure_type": {"nmo": "nmo"}}."""

    force = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="protection_import_mapping")
    columns = models.JSONField(default=dict, help_text="Our field name -> the force's column heading")
    values = models.JSONField(default=dict, blank=True, help_text="Our field name -> {their code: our value}")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Import mapping of {self.force}"


class ImportOutcome(models.TextChoices):
    IMPORTED = "imported", "Imported"
    CHECKED = "checked", "Checked (dry run): nothing written"
    REFUSED = "refused", "Refused: nothing written"
    NEEDS_MAPPING = "needs_mapping", "Waiting for its columns to be matched"


class ImportRun(models.Model):
    """Who imported which file of measures and breaches into a force, and what came of it."""

    force = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="protection_imports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, help_text="SHA-256 of the file as uploaded")
    rows = models.PositiveIntegerField(default=0, help_text="Data rows read, the header not counted")
    outcome = models.CharField(max_length=20, choices=ImportOutcome.choices)
    counts = models.JSONField(default=dict, blank=True, help_text="Per record: created, updated, unchanged")
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="The first row errors: row, column, value, reason")
    summary = models.TextField(blank=True)
    pending_file = models.FileField(upload_to="protection/imports/pending/", blank=True, max_length=200)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["force", "-at"], name="protection_import_force_at")]

    def __str__(self) -> str:
        return f"{self.filename} into {self.force} ({self.get_outcome_display()})"
