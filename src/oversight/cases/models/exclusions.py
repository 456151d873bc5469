"""Who is shut out of a case, kept once found: the exclusion is sticky.

When a case is opened, and whenever the workforce register changes while it is live, everyone who is
a subject or directly connected to one is written here. A later register change that would remove
the connection does not lift the row: only a recorded decision by a PSD lead who is not excluded
does (cases/safeguards.py `lift_exclusion`), with an alert and a review. The row names the login the
person had when found, so a login unlinked from the register later stays shut out.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from oversight.workforce.models import Person

from .core import Case


class ExclusionQuerySet(models.QuerySet["Exclusion"]):
    def standing(self) -> ExclusionQuerySet:
        return self.filter(lifted_at__isnull=True)

    def of(self, person_id: int | None, user_id: int | None) -> ExclusionQuerySet:
        """Exclusions that shut out this person (by register entry) or this login."""
        who = Q(pk__in=[])
        if person_id is not None:
            who |= Q(person_id=person_id)
        if user_id is not None:
            who |= Q(user_id=user_id)
        return self.filter(who)


class Exclusion(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exclusions")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="The person's login when the exclusion was found",
    )  # fmt: skip
    why = models.CharField(max_length=500, help_text="The connection that excluded them, in words")
    found_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lift_reason = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_finding = models.TextField(blank=True)

    objects = ExclusionQuerySet.as_manager()

    class Meta:
        ordering = ["case", "person__name"]
        constraints = [models.UniqueConstraint(fields=["case", "person"], name="one_exclusion_per_person")]
        # Keyed on the person or the login, then the case; lifted_at too, so a request's standing read
        # answers from the index alone (cases/access.py `_standing`): a senior officer's thousands of
        # standing exclusions are not each read again from the table to see whether it was lifted.
        indexes = [
            models.Index(fields=["person", "case", "lifted_at"], name="exclusion_person_case"),
            models.Index(fields=["user", "case", "lifted_at"], name="exclusion_user_case"),
        ]

    def __str__(self) -> str:
        return f"{self.person} excluded from {self.case}"

    @property
    def lifted(self) -> bool:
        return self.lifted_at is not None
