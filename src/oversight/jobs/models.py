"""What the daily jobs did: one `DailyRun` per (job, day), its transitions, and `Delivery` rows that make
a job's messages go out once per day and recipient however often the job runs.

The unique (job, day) row is the claim: whoever inserts it or locks it first runs that day, and nobody
else does while its lease lasts (`runs.py`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from .registry import NAME_MAX_LENGTH


class RunStatus(models.TextChoices):
    PENDING = "pending", "Waiting to run"
    RUNNING = "running", "Running"
    RETRYING = "retrying", "Failed, to be tried again"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"


UNFINISHED = (RunStatus.PENDING, RunStatus.RUNNING, RunStatus.RETRYING)


class DailyRunQuerySet(models.QuerySet["DailyRun"]):
    def unfinished(self) -> DailyRunQuerySet:
        return self.filter(status__in=UNFINISHED)

    def runnable(self, now: dt.datetime) -> DailyRunQuerySet:
        """Waiting, or failed with its wait over, or running past its lease (its worker was lost)."""
        return self.filter(
            Q(status=RunStatus.PENDING)
            | Q(status=RunStatus.RETRYING, next_attempt_at__lte=now)
            | Q(status=RunStatus.RUNNING, lease_expires_at__lt=now)
        )

    def failed(self) -> DailyRunQuerySet:
        return self.filter(status=RunStatus.FAILED)


class DailyRun(models.Model):
    job = models.CharField(max_length=NAME_MAX_LENGTH)
    day = models.DateField()
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # What the job returned (for example, emails sent) when it finished.
    result = models.IntegerField(null=True, blank=True)
    # The last failure's exception type and where it was raised: never its message, which can quote
    # a row's values (see `runs.error_summary`).
    last_error = models.CharField(max_length=300, blank=True)
    # Who holds the current claim: a token per claim, and the worker's host and process for people.
    claim = models.UUIDField(null=True, blank=True)
    claimed_by = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    objects = DailyRunQuerySet.as_manager()

    class Meta:
        ordering = ["job", "day"]
        constraints = [models.UniqueConstraint(fields=["job", "day"], name="jobs_one_run_per_job_and_day")]
        indexes = [models.Index(fields=["status", "job", "day"], name="jobs_run_status_job_day")]

    def __str__(self) -> str:
        return f"{self.job} for {self.day:%Y-%m-%d}"

    def is_runnable(self, now: dt.datetime) -> bool:
        if self.status == RunStatus.PENDING:
            return True
        if self.status == RunStatus.RETRYING:
            return self.next_attempt_at is not None and self.next_attempt_at <= now
        if self.status == RunStatus.RUNNING:
            return self.lease_expires_at is not None and self.lease_expires_at < now
        return False


class RunTransition(models.Model):
    """One change of a run's status: by a worker (its id) or by a person (run again)."""

    run = models.ForeignKey(DailyRun, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=16, choices=RunStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=RunStatus.choices)
    at = models.DateTimeField()
    attempt = models.PositiveSmallIntegerField(default=0)
    worker = models.CharField(max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} to {self.to_status}"


class Delivery(models.Model):
    """A message a daily job sent to one recipient for one day: written in the same transaction as the
    sending, so a job run again that day (two sweeps, a killed worker) skips whoever already has it."""

    job = models.CharField(max_length=NAME_MAX_LENGTH)
    day = models.DateField()
    recipient = models.CharField(max_length=200)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "day", "recipient"], name="jobs_one_delivery_per_day_and_recipient")
        ]

    def __str__(self) -> str:
        return f"{self.job} for {self.day:%Y-%m-%d} to {self.recipient}"
