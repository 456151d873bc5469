"""A force's workforce register: people, units, postings, line management, associations, case involvement.

The connection rules that read these tables live in `connections.py`; the indexes below are shaped
for its queries at national scale (about 240,000 people and 3 million connections), each query
starting from the people it is asked about (see `connections.py` for which index serves which rule).

`ChainLink` is not part of the register but derived from it: the line-management closure, every
(ancestor, descendant) pair with the days on which the chain between them counts. `chains.py` keeps
it current after every write of `LineManagement`: single rows through signals (the admin site, the
demo, tests), bulk writes through `LineManagementQuerySet` (the CSV importer's delete and
bulk_create), and the generator, which writes raw SQL, computes it with the rows it writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from oversight.organisations.models import Organisation


class PersonKind(models.TextChoices):
    OFFICER = "officer", "Police officer"
    STAFF = "staff", "Police staff"


class AssociationKind(models.TextChoices):
    PARTNER = "partner", "Partner"
    FAMILY = "family", "Family"
    FRIENDSHIP = "friendship", "Friendship"
    OTHER = "other", "Other"


class Unit(models.Model):
    """A team or department, within an area or command ("Response Team B" in "Walsall")."""

    force = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="units", limit_choices_to={"kind": "force"}
    )
    name = models.CharField(max_length=120)
    area = models.CharField(max_length=120, blank=True, help_text="Area or command; blank for force-wide units")

    class Meta:
        ordering = ["force", "area", "name"]
        constraints = [models.UniqueConstraint(fields=["force", "area", "name"], name="unit_unique_in_force")]

    def __str__(self) -> str:
        return f"{self.name}, {self.area}" if self.area else self.name


class Person(models.Model):
    """Someone serving with a force, officer or staff, with their current unit."""

    force = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="workforce", limit_choices_to={"kind": "force"}
    )
    staff_number = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=PersonKind.choices)
    rank_or_grade = models.CharField(max_length=60, blank=True)
    role = models.CharField(max_length=120, blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="current_people")
    service_start = models.DateField(null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workforce_person",
        help_text="The login of this person, if they have one",
    )
    works_with_vulnerable = models.BooleanField(default=False, help_text="Works with vulnerable victims")

    class Meta:
        ordering = ["force", "name"]
        verbose_name_plural = "people"
        constraints = [models.UniqueConstraint(fields=["force", "staff_number"], name="person_staff_number_unique")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """Rank and name as colleagues write it ("Sgt A Khan")."""
        return f"{self.rank_or_grade} {self.name}".strip()


class PostingQuerySet(models.QuerySet["Posting"]):
    def overlapping(self, posting: Posting) -> PostingQuerySet:
        """Postings whose period shares at least one day with `posting`'s."""
        found = self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=posting.started_on))
        if posting.ended_on:
            found = found.filter(started_on__lte=posting.ended_on)
        return found


class Posting(models.Model):
    """A period in a unit. `ended_on` is the last day in post; open postings have none."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="postings")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="postings")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    objects = PostingQuerySet.as_manager()

    class Meta:
        ordering = ["person", "started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")), name="posting_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["person"], condition=Q(ended_on__isnull=True), name="posting_one_open_per_person"
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "started_on", "ended_on"], name="posting_unit_period"),
            models.Index(fields=["person", "started_on"], name="posting_person_period"),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.unit} from {self.started_on}"

    def clean(self) -> None:
        if self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": "A posting cannot end before it starts."})
        overlapping = Posting.objects.filter(person_id=self.person_id).exclude(pk=self.pk).overlapping(self)
        if overlapping.exists():
            raise ValidationError("This posting overlaps another posting of the same person.")


class LineManagementQuerySet(models.QuerySet["LineManagement"]):
    """Bulk writes that keep the line-management closure (`ChainLink`) current, once per call, not per row."""

    def bulk_create(self, objs: Iterable[LineManagement], *args: Any, **kwargs: Any) -> list[LineManagement]:
        from . import chains

        created = super().bulk_create(objs, *args, **kwargs)
        chains.refresh({row.person_id for row in created})
        return created

    def update(self, **kwargs: Any) -> int:
        from . import chains

        rows = list(self.values_list("pk", "person_id"))
        with chains.deferred() as touched:
            updated = super().update(**kwargs)
            touched.update(person for _, person in rows)
            if "person" in kwargs or "person_id" in kwargs:
                moved = LineManagement.objects.filter(pk__in=[pk for pk, _ in rows])
                touched.update(moved.values_list("person_id", flat=True))
        return updated

    def delete(self) -> tuple[int, dict[str, int]]:
        from . import chains

        with chains.deferred() as touched:
            touched.update(self.values_list("person_id", flat=True))
            return super().delete()


class LineManagement(models.Model):
    """`manager` line-manages `person` over the period."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="managed_by")
    manager = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="manages")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    objects = LineManagementQuerySet.as_manager()

    class Meta:
        ordering = ["person", "started_on"]
        constraints = [
            models.CheckConstraint(condition=~Q(person=F("manager")), name="line_manager_not_self"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="line_management_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "ended_on"], name="line_mgmt_person"),
            models.Index(fields=["manager", "ended_on"], name="line_mgmt_manager"),
        ]

    def __str__(self) -> str:
        return f"{self.manager} manages {self.person} from {self.started_on}"


class ChainLink(models.Model):
    """`ancestor` is above `descendant` in line management through `depth` steps (the line-management closure).

    A chain counts on a day when every period on it had begun by that day and none had ended before
    the connection window opened (rules.py), that is when its latest start (`started_on`) is on or
    before the day and its earliest end (`ended_on`, none while all are open) is on or after the day
    the window opens. Where two people are joined by several chains, only those that count on some
    day no other chain covers are kept (no kept chain starts later and ends earlier than another), so
    a pair has one row, or a few when a person had several managers over time. Chains longer than
    rules.MAX_CHAIN_DEPTH are not kept, as the rules do not follow them. Derived from `LineManagement`
    by `chains.py`; never edited by hand.
    """

    ancestor = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", db_index=False)
    descendant = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", db_index=False)
    depth = models.PositiveSmallIntegerField()
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        # Both lead with the person asked about and hold every column a rule reads: index-only lookups.
        indexes = [
            models.Index(fields=["descendant", "ancestor", "started_on", "ended_on"], name="chain_link_up"),
            models.Index(fields=["ancestor", "descendant", "started_on", "ended_on"], name="chain_link_down"),
        ]

    def __str__(self) -> str:
        return f"{self.ancestor_id} above {self.descendant_id} ({self.depth} steps) from {self.started_on}"


class Association(models.Model):
    """A relationship `person` declared with `other`; it connects them both ways."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="associations")
    other = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="associated_by")
    kind = models.CharField(max_length=12, choices=AssociationKind.choices)
    declared_on = models.DateField()
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["person", "declared_on"]
        constraints = [models.CheckConstraint(condition=~Q(person=F("other")), name="association_not_self")]
        indexes = [
            models.Index(fields=["person"], name="association_person"),
            models.Index(fields=["other"], name="association_other"),
        ]

    def __str__(self) -> str:
        return f"{self.person} declared {self.get_kind_display().lower()} {self.other}"


class CaseInvolvement(models.Model):
    """A part someone played in a previous case (investigator, witness, subject...)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="case_involvements")
    case_reference = models.CharField(max_length=60)
    role = models.CharField(max_length=60)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["person", "started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="case_involvement_ends_after_start",
            )
        ]
        indexes = [
            models.Index(fields=["person"], name="case_involvement_person"),
            models.Index(fields=["case_reference"], name="case_involvement_reference"),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.role} in {self.case_reference}"


class ImportOutcome(models.TextChoices):
    IMPORTED = "imported", "Imported"
    REFUSED = "refused", "Refused: nothing written"
    HELD = "held", "Held for a second PSD lead's approval"
    NOT_APPROVED = "not_approved", "Held, then not approved: nothing written"


class ImportRun(models.Model):
    """Who uploaded which workforce file into a force's register, and what came of it.

    The importer writes in bulk, out of sight of the change log, so this is the record of each import.
    """

    force = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="workforce_imports", limit_choices_to={"kind": "force"}
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="workforce_imports"
    )
    at = models.DateTimeField(default=timezone.now)
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, help_text="SHA-256 of the file as uploaded")
    rows = models.PositiveIntegerField(help_text="Rows in the file after the header")
    outcome = models.CharField(max_length=20, choices=ImportOutcome.choices)
    summary = models.TextField(help_text="What was added or updated, or the number of errors and the first of them")
    # A file that would remove a connection a live case's restriction rests on is held (cases/holds.py).
    held_file = models.FileField(upload_to="workforce/held/", blank=True, max_length=200)
    held_reasons = models.JSONField(default=list, blank=True, help_text="Why it was held, one line each")
    held_case_ids = models.JSONField(default=list, blank=True, help_text="The live cases it touches")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["force", "-at"], name="import_run_force_at")]

    def __str__(self) -> str:
        return f"{self.filename} into {self.force} on {self.at:%Y-%m-%d %H:%M}: {self.get_outcome_display()}"
