"""Police and crime plan measures: what a governing body commits its force to (for example, bail
conditions imposed in a share of domestic abuse arrests), with the target and the period; and the
monthly figures a force enters where the system does not hold the denominator (domestic abuse
arrests are recorded in the force's own custody system, not here).

How each measure is counted from the records is in `plans.py`; the dashboard shows it against the
target in words (met / not met), never in colour alone.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from oversight.organisations.models import Organisation


class PlanCount(models.TextChoices):
    """What a plan measure counts: a share, numerator over denominator, over the period."""

    BREACHES_ARRESTED = "breaches_arrested", "Share of reported breaches resulting in arrest"
    BREACHES_CHARGED = "breaches_charged", "Share of reported breaches resulting in a charge"
    BAIL_CONDITIONS = "bail_conditions", "Share of domestic abuse arrests with bail conditions imposed"


class TargetDirection(models.TextChoices):
    AT_LEAST = "at_least", "At least"
    AT_MOST = "at_most", "At most"


class ForceFigure(models.TextChoices):
    """Monthly figures a force enters because the system does not record them."""

    DOMESTIC_ABUSE_ARRESTS = "da_arrests", "Domestic abuse arrests"


class PlanMeasure(models.Model):
    """One measure of a police and crime plan, set by a governing body for a force it governs."""

    body = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="plan_measures_set")
    force = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="plan_measures")
    name = models.CharField(max_length=200)
    counts = models.CharField(max_length=30, choices=PlanCount.choices)
    direction = models.CharField(max_length=10, choices=TargetDirection.choices, default=TargetDirection.AT_LEAST)
    target_percent = models.DecimalField(max_digits=4, decimal_places=1, help_text="The target share, in per cent")
    starts_on = models.DateField()
    ends_on = models.DateField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["force", "starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="plan_measure_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(target_percent__gte=0) & Q(target_percent__lte=100), name="plan_target_is_a_share"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.force})"


class MonthlyFigure(models.Model):
    """A force's own count for a month (the first day stands for the month), with who entered it."""

    force = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="monthly_figures")
    figure = models.CharField(max_length=20, choices=ForceFigure.choices)
    month = models.DateField(help_text="The first day of the month")
    value = models.PositiveIntegerField()
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["force", "figure", "month"]
        constraints = [
            models.UniqueConstraint(fields=["force", "figure", "month"], name="one_figure_per_force_and_month")
        ]

    def __str__(self) -> str:
        return f"{self.get_figure_display()} in {self.force}, {self.month:%B %Y}: {self.value}"
