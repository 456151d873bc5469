"""Inspection reports, their items, and each organisation's tracking of them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from oversight.lib.deadlines import DeadlineKind, DeadlinePhraseError, due_date_from_phrase, last_day_of_period
from oversight.lib.rag import Rag, RagInputs, RagSuggestion, suggest_rag
from oversight.organisations.models import Organisation

from .rules import RESPONSE_DAYS

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class ReportKind(models.TextChoices):
    PEEL = "peel", "PEEL inspection"
    THEMATIC = "thematic", "National thematic"
    SUPER_COMPLAINT = "super_complaint", "Super-complaint"
    SPOTLIGHT = "spotlight", "Spotlight"
    JOINT = "joint", "Joint inspection"


class ItemKind(models.TextChoices):
    CAUSE_OF_CONCERN = "cause_of_concern", "Cause of concern"
    RECOMMENDATION = "recommendation", "Recommendation"
    AREA_FOR_IMPROVEMENT = "afi", "Area for improvement"


class Addressee(models.TextChoices):
    CHIEF_CONSTABLES = "chief_constables", "Chief constables"
    PCCS = "pccs", "Police and crime commissioners"
    NPCC = "npcc", "National Police Chiefs' Council"
    COLLEGE = "college", "College of Policing"
    IOPC = "iopc", "Independent Office for Police Conduct"
    HOME_OFFICE = "home_office", "Home Office"
    MOJ = "moj", "Ministry of Justice"
    CPS = "cps", "Crown Prosecution Service"
    OTHER = "other", "Other"


class TrackingStatus(models.TextChoices):
    """The force's own status, kept apart from the inspectorate's."""

    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    EVIDENCE_GATHERING = "evidence_gathering", "Evidence gathering"
    PENDING_SIGNOFF = "pending_signoff", "Pending sign-off"
    CLOSED = "closed", "Closed"


class SignoffStage(models.TextChoices):
    NOT_SUBMITTED = "not_submitted", "Not submitted"
    SUBMITTED = "submitted", "Submitted by owner, awaiting liaison check"
    WITH_HMICFRS = "with_hmicfrs", "With HMICFRS"
    SIGNED_OFF = "signed_off", "Signed off by HMICFRS"
    RETURNED = "returned", "Returned with reasons"


class HmicfrsStatus(models.TextChoices):
    """The statuses of the inspectorate's own public register."""

    NOT_REVIEWED = "", "Not yet reviewed"
    AWAITING_REVIEW = "awaiting_review", "Awaiting review"
    BEING_PROGRESSED = "being_progressed", "Being progressed"
    COMPLETE = "complete", "Complete"


class RagOverride(models.TextChoices):
    RED = Rag.RED.value, "Red"
    AMBER = Rag.AMBER.value, "Amber"
    GREEN = Rag.GREEN.value, "Green"
    BLUE = Rag.BLUE.value, "Blue"


class ReportQuerySet(models.QuerySet["Report"]):
    def covering(self, organisation: Organisation) -> ReportQuerySet:
        return self.filter(Q(covers_all_forces=True) | Q(forces=organisation)).distinct()

    def published_between(self, start: dt.date, end: dt.date) -> ReportQuerySet:
        return self.filter(published_on__gt=start, published_on__lte=end)


class Report(models.Model):
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=ReportKind.choices)
    published_on = models.DateField()
    url = models.URLField(max_length=500, blank=True)
    summary = models.TextField(blank=True)
    covers_all_forces = models.BooleanField(default=False)
    forces = models.ManyToManyField(
        Organisation, blank=True, related_name="reports", limit_choices_to={"kind": "force"}
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def mandatory_by_default(self) -> bool:
        # Super-complaint recommendations are not mandatory as PEEL and thematic ones are.
        return self.kind != ReportKind.SUPER_COMPLAINT

    def covers(self, force: Organisation) -> bool:
        return self.covers_all_forces or self.forces.filter(pk=force.pk).exists()


# Characters of an item's text the register shows when the item has no title.
HEADING_LENGTH = 90


class ItemQuerySet(models.QuerySet["Item"]):
    def recommendations(self) -> ItemQuerySet:
        return self.filter(kind=ItemKind.RECOMMENDATION)


class Item(models.Model):
    """A cause of concern, recommendation or area for improvement in a report."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=20, choices=ItemKind.choices)
    reference = models.CharField(max_length=40, blank=True, help_text="The inspectorate's reference, for example 10618")
    number = models.CharField(max_length=40, blank=True, help_text="As numbered in the report, for example 1")
    title = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    deadline_phrase = models.CharField(max_length=120, blank=True, help_text='As written, e.g. "Within six months"')
    deadline_kind = models.CharField(
        max_length=12, choices=[(kind.value, kind.value.title()) for kind in DeadlineKind], default="none"
    )
    due_on = models.DateField(null=True, blank=True)
    mandatory = models.BooleanField(default=True)
    cause_of_concern = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recommendations",
        limit_choices_to={"kind": ItemKind.CAUSE_OF_CONCERN},
    )
    addressees = models.JSONField(default=list, blank=True, help_text="Addressee values")

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["report", "kind", "number", "pk"]

    def __str__(self) -> str:
        label = self.get_kind_display()
        if self.reference:
            return f"{label} {self.reference}"
        return f"{label} {self.number}".strip() + f" ({self.report.title})"

    @property
    def heading(self) -> str:
        """The item's title, or the first line of its text cut to a readable length."""
        text = self.title or (self.text.strip().splitlines() or [""])[0]
        return text if len(text) <= HEADING_LENGTH else text[: HEADING_LENGTH - 1].rsplit(" ", 1)[0] + "…"

    @property
    def is_urgent(self) -> bool:
        """Asked for "immediately": urgent from publication, with no due date to be late against."""
        return self.deadline_kind == DeadlineKind.IMMEDIATELY

    @property
    def addressee_labels(self) -> list[str]:
        return [Addressee(value).label for value in self.addressees if value in Addressee.values]

    def apply_deadline(self) -> None:
        """Compute the due date from the phrase as written; raises ValidationError if it cannot."""
        try:
            deadline = due_date_from_phrase(self.deadline_phrase, self.report.published_on)
        except DeadlinePhraseError as error:
            raise ValidationError({"deadline_phrase": str(error)}) from error
        self.deadline_kind, self.due_on = deadline.kind.value, deadline.due

    def clean(self) -> None:
        if self.report_id and self.due_on and self.due_on < self.report.published_on:
            raise ValidationError({"due_on": "The due date cannot be before the report was published."})
        if self.cause_of_concern_id and self.kind != ItemKind.RECOMMENDATION:
            raise ValidationError({"cause_of_concern": "Only a recommendation can be linked to a cause of concern."})
        unknown = [value for value in self.addressees if value not in Addressee.values]
        if unknown:
            raise ValidationError({"addressees": f"Unknown addressees: {', '.join(unknown)}"})


class TrackingRecordQuerySet(models.QuerySet["TrackingRecord"]):
    def open(self) -> TrackingRecordQuerySet:
        return self.exclude(status=TrackingStatus.CLOSED)

    def overdue(self, today: dt.date | None = None) -> TrackingRecordQuerySet:
        return self.open().filter(due_on__lt=today or dt.date.today())

    def review_overdue(self, today: dt.date | None = None) -> TrackingRecordQuerySet:
        return self.open().filter(next_review_on__lt=today or dt.date.today())

    def extended(self) -> TrackingRecordQuerySet:
        return self.filter(
            extensions__decision=ExtensionDecision.APPROVED, extensions__kind=ExtensionKind.EXTENSION
        ).distinct()

    def for_organisation(self, organisation: Organisation) -> TrackingRecordQuerySet:
        return self.filter(organisation=organisation)

    def with_related(self) -> TrackingRecordQuerySet:
        """What a register row shows, in one query: subqueries rather than joins and GROUP BY, so the
        database can still sort and page the rows before it works these out for one page."""
        slips = ExtensionRequest.objects.filter(
            tracking=models.OuterRef("pk"), decision=ExtensionDecision.APPROVED, kind=ExtensionKind.EXTENSION
        )
        return (
            self.select_related("item", "item__report", "organisation", "owner")
            .with_progress()
            .annotate(
                slip_count=Coalesce(
                    models.Subquery(
                        slips.order_by().values("tracking").annotate(n=models.Count("pk")).values("n"),
                        output_field=models.IntegerField(),
                    ),
                    0,
                ),
            )
        )

    def with_progress(self) -> TrackingRecordQuerySet:
        """`last_progress_at`: when the latest progress update was written (None without one)."""
        if "last_progress_at" in self.query.annotations:
            return self
        latest = ProgressUpdate.objects.filter(tracking=models.OuterRef("pk")).order_by("-written_at")
        return self.annotate(last_progress_at=models.Subquery(latest.values("written_at")[:1]))

    def with_rag(self, today: dt.date | None = None) -> TrackingRecordQuerySet:
        """`rag_value`, `overdue_flag`, `review_overdue_flag` and `urgent_flag` worked out by the
        database, by the rule `rag`, `is_overdue`, `is_review_overdue` and `is_urgent` apply in Python,
        so the register can filter, count, sort and page on them (recommendations/expressions.py)."""
        from .expressions import rag_annotations  # it builds on this module's choices

        return self.with_progress().annotate(**rag_annotations(today or dt.date.today()))


class TrackingRecord(models.Model):
    """One organisation's work on one item: owner, statuses, RAG, dates and evidence."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="tracking_records")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="tracking_records")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_items"
    )
    portfolio = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=TrackingStatus.choices, default=TrackingStatus.OPEN)
    signoff = models.CharField(
        "sign-off stage", max_length=20, choices=SignoffStage.choices, default=SignoffStage.NOT_SUBMITTED
    )
    hmicfrs_status = models.CharField(
        "HMICFRS status", max_length=20, choices=HmicfrsStatus.choices, default="", blank=True
    )
    rag_override = models.CharField("RAG override", max_length=10, choices=RagOverride.choices, blank=True)
    rag_override_reason = models.TextField("reason for the RAG override", blank=True)
    original_due_on = models.DateField("original due date", null=True, blank=True)
    due_on = models.DateField("due date", null=True, blank=True)
    next_review_on = models.DateField("next review", null=True, blank=True)
    closed_on = models.DateField("closed on", null=True, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic lock: bumped on every change")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TrackingRecordQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "organisation"], name="one_tracking_record_per_organisation"),
            models.CheckConstraint(
                condition=Q(rag_override="") | ~Q(rag_override_reason=""), name="rag_override_needs_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} — {self.organisation}"

    @property
    def is_complete(self) -> bool:
        return self.status == TrackingStatus.CLOSED

    @property
    def is_urgent(self) -> bool:
        return not self.is_complete and self.item.is_urgent

    def last_progress_on(self) -> dt.date | None:
        stamp = getattr(self, "last_progress_at", None)
        if stamp is None and not hasattr(self, "last_progress_at"):
            latest = self.updates.order_by("-written_at").first()
            stamp = latest.written_at if latest else None
        return timezone.localdate(stamp) if stamp else None

    def suggested_rag(self, today: dt.date | None = None) -> RagSuggestion:
        return suggest_rag(
            RagInputs(
                today=today or dt.date.today(),
                complete=self.is_complete,
                awaiting_signoff=self.signoff in (SignoffStage.SUBMITTED, SignoffStage.WITH_HMICFRS),
                due_on=self.due_on,
                last_progress_on=self.last_progress_on(),
                next_review_on=self.next_review_on,
                urgent=self.is_urgent,
            )
        )

    def rag(self, today: dt.date | None = None) -> Rag:
        return Rag(self.rag_override) if self.rag_override else self.suggested_rag(today).rag

    def rag_reason(self, today: dt.date | None = None) -> str:
        """Why the record has its RAG rating: the override's reason, or the rule's."""
        return self.rag_override_reason if self.rag_override else self.suggested_rag(today).reason

    def rag_override_on(self, day: dt.date) -> Rag | None:
        """The override in force at the end of `day`, from the dated rows (prefetch `rag_changes` for
        many records); None when the rule's suggestion stood."""
        changes = [change for change in self.rag_changes.all() if timezone.localdate(change.at) <= day]
        latest = max(changes, key=lambda change: (change.at, change.pk), default=None)
        return Rag(latest.to_rag) if latest is not None and latest.to_rag else None

    def current_rag_change(self) -> RagChange | None:
        """The row that set the override in force now: who set it and when."""
        latest = self.rag_changes.select_related("by").order_by("-at", "-pk").first() if self.rag_override else None
        return latest if latest is not None and latest.to_rag == self.rag_override else None

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return not self.is_complete and self.due_on is not None and self.due_on < (today or dt.date.today())

    def is_review_overdue(self, today: dt.date | None = None) -> bool:
        today = today or dt.date.today()
        return not self.is_complete and self.next_review_on is not None and self.next_review_on < today

    def slips(self) -> int:
        count = getattr(self, "slip_count", None)
        return count if count is not None else sum(1 for extension in self.extensions.all() if extension.is_slip)

    def latest_return(self) -> Transition | None:
        """The step that returned the item with reasons, while it stays returned."""
        if self.signoff != SignoffStage.RETURNED:
            return None
        return self.transitions.filter(action__in=RETURNS).select_related("by").order_by("-at", "-pk").first()

    def status_on(self, day: dt.date) -> tuple[str, str]:
        """(status, sign-off stage) as they stood at the end of `day`, from the transition history."""
        last = self.transitions.filter(at__date__lte=day).order_by("-at", "-pk").first()
        if last is not None:
            return last.to_status, last.to_signoff
        if timezone.localdate(self.created_at) <= day:
            first = self.transitions.order_by("at", "pk").first()
            return (first.from_status, first.from_signoff) if first else (self.status, self.signoff)
        return "", ""


class TransitionAction(models.TextChoices):
    SET_STATUS = "set_status", "Status changed"
    SUBMIT = "submit", "Submitted for sign-off"
    RETURN_TO_OWNER = "return_to_owner", "Returned to owner by liaison officer"
    PASS_TO_HMICFRS = "pass_to_hmicfrs", "Submitted to HMICFRS"
    SIGN_OFF = "sign_off", "Signed off by HMICFRS"
    RETURN_FROM_HMICFRS = "return_from_hmicfrs", "Returned by HMICFRS"
    REOPEN = "reopen", "Reopened"


# The steps that hand an item back with reasons.
RETURNS = (TransitionAction.RETURN_TO_OWNER, TransitionAction.RETURN_FROM_HMICFRS)


class ImmutableModel(models.Model):
    """Dated entries that are never edited once written."""

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValidationError(f"A {self._meta.verbose_name} cannot be changed once written.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class TransitionRow(ImmutableModel):
    """Who changed a register record's state, when and why; each subclass adds from and to.

    `write` is the one way a row is written, inside the guarded service function that makes the
    change (after `lock_for_change` and `require`), so the row and the change stand or fall together.
    """

    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    @classmethod
    def write(cls, by: AbstractBaseUser, reason: str = "", **change: object) -> Self:
        """Record a change made now by `by`: `change` names the record and the from and to values."""
        return cls._default_manager.create(by=by, reason=reason.strip(), **change)


class Transition(TransitionRow):
    """A change of status or sign-off stage: who, when, from, to and why. Never edited."""

    tracking = models.ForeignKey(TrackingRecord, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=30, choices=TransitionAction.choices)
    from_status = models.CharField(max_length=20, choices=TrackingStatus.choices)
    to_status = models.CharField(max_length=20, choices=TrackingStatus.choices)
    from_signoff = models.CharField(max_length=20, choices=SignoffStage.choices)
    to_signoff = models.CharField(max_length=20, choices=SignoffStage.choices)

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.by} at {self.at:%Y-%m-%d %H:%M}"


class RagChange(TransitionRow):
    """A RAG override set, changed or cleared: who, when, from, to and why. Never edited.

    The dated history of overrides: the committee paper asks which one was in force on its "as at"
    day (`TrackingRecord.rag_override_on`); the record's own fields hold the one in force now.
    A blank rating means none: the rule's suggestion stood.
    """

    tracking = models.ForeignKey(TrackingRecord, on_delete=models.CASCADE, related_name="rag_changes")
    from_rag = models.CharField("RAG override before", max_length=10, choices=RagOverride.choices, blank=True)
    to_rag = models.CharField("RAG override after", max_length=10, choices=RagOverride.choices, blank=True)

    def __str__(self) -> str:
        return f"RAG override {self.from_rag or 'none'} to {self.to_rag or 'none'} by {self.by}"

    @property
    def action_label(self) -> str:
        if not self.to_rag:
            return "RAG override cleared"
        return "RAG override changed" if self.from_rag else "RAG override set"


class OwnerChange(TransitionRow):
    """A change of owner or portfolio: who, when, from, to and why. Never edited."""

    tracking = models.ForeignKey(TrackingRecord, on_delete=models.CASCADE, related_name="owner_changes")
    from_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="owner before",
    )  # fmt: skip
    to_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="owner after",
    )  # fmt: skip
    from_portfolio = models.CharField("portfolio before", max_length=200, blank=True)
    to_portfolio = models.CharField("portfolio after", max_length=200, blank=True)

    def __str__(self) -> str:
        return f"Owner {self.from_owner_id} to {self.to_owner_id} by {self.by}"

    @property
    def action_label(self) -> str:
        return "Owner changed" if self.from_owner_id != self.to_owner_id else "Portfolio changed"


class ProgressUpdate(ImmutableModel):
    tracking = models.ForeignKey(TrackingRecord, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)
    text = models.TextField()

    class Meta:
        ordering = ["-written_at", "-pk"]

    def __str__(self) -> str:
        return f"Update by {self.author} on {self.written_at:%Y-%m-%d}"


class HmicfrsStatusEntry(ImmutableModel):
    """The inspectorate's dated status history and comments, mirrored beside the force's own."""

    tracking = models.ForeignKey(TrackingRecord, on_delete=models.CASCADE, related_name="hmicfrs_history")
    status = models.CharField(max_length=20, choices=HmicfrsStatus.choices)
    comment = models.TextField(blank=True)
    recorded_on = models.DateField(default=dt.date.today)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-recorded_on", "-pk"]
        verbose_name_plural = "HMICFRS status entries"

    def __str__(self) -> str:
        return f"{self.get_status_display()} on {self.recorded_on}"


class EvidenceKind(models.TextChoices):
    LINK = "link", "Link"
    FILE = "file", "File"


class Evidence(models.Model):
    tracking = models.ForeignKey(TrackingRecord, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=10, choices=EvidenceKind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    url = models.URLField(max_length=500, blank=True)
    effective_on = models.DateField(help_text="The date the evidence speaks to, apart from when it was added")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-added_at", "-pk"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.title

    @property
    def is_file(self) -> bool:
        return self.kind == EvidenceKind.FILE

    def latest_version(self) -> EvidenceVersion | None:
        return self.versions.order_by("-number").first()


def evidence_path(instance: EvidenceVersion, filename: str) -> str:
    # Files are stored under their hash, never under the uploader's file name.
    return f"evidence/{instance.sha256[:2]}/{instance.sha256}"


class EvidenceVersion(ImmutableModel):
    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=evidence_path, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["evidence", "number"], name="unique_evidence_version")]

    def __str__(self) -> str:
        return f"{self.original_name} (version {self.number})"


class ExtensionDecision(models.TextChoices):
    PENDING = "pending", "Awaiting decision"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"


class ExtensionKind(models.TextChoices):
    """A due date moves only through this history: an extension, or a correction of a wrong date."""

    EXTENSION = "extension", "Extension"
    CORRECTION = "correction", "Correction of the due date"


# An approved extension is a slip; a correction is not (the date was wrong, not late).
SLIP = Q(extensions__decision=ExtensionDecision.APPROVED, extensions__kind=ExtensionKind.EXTENSION)


class ExtensionRequest(models.Model):
    tracking = models.ForeignKey(TrackingRecord, on_delete=models.CASCADE, related_name="extensions")
    kind = models.CharField(max_length=12, choices=ExtensionKind.choices, default=ExtensionKind.EXTENSION)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    current_due_on = models.DateField(null=True, blank=True, help_text="The due date when the request was made")
    requested_due_on = models.DateField()
    reason = models.TextField()
    decision = models.CharField(max_length=10, choices=ExtensionDecision.choices, default=ExtensionDecision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.requested_due_on:%-d %B %Y} ({self.get_decision_display()})"

    @property
    def is_correction(self) -> bool:
        return self.kind == ExtensionKind.CORRECTION

    @property
    def is_pending(self) -> bool:
        return self.decision == ExtensionDecision.PENDING

    @property
    def is_refused(self) -> bool:
        return self.decision == ExtensionDecision.REFUSED

    @property
    def is_approved(self) -> bool:
        return self.decision == ExtensionDecision.APPROVED

    @property
    def is_slip(self) -> bool:
        return self.is_approved and self.kind == ExtensionKind.EXTENSION


class QuarterlyReview(ImmutableModel):
    tracking = models.ForeignKey(TrackingRecord, on_delete=models.CASCADE, related_name="reviews")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_on = models.DateField()
    note = models.TextField()
    next_review_on = models.DateField()

    class Meta:
        ordering = ["-reviewed_on", "-pk"]

    def __str__(self) -> str:
        return f"Review on {self.reviewed_on}"


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class GoverningBodyResponseQuerySet(models.QuerySet["GoverningBodyResponse"]):
    def overdue(self, today: dt.date | None = None) -> GoverningBodyResponseQuerySet:
        return self.filter(status=ResponseStatus.DRAFT, due_on__lt=today or dt.date.today())


class GoverningBodyResponse(models.Model):
    """The governing body's published response to an HMICFRS report on its force (s.55 Police Act 1996)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="responses")
    force = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    body = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="responses")
    due_on = models.DateField()
    chief_constable_comments = models.TextField(blank=True)
    body_comments = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=ResponseStatus.choices, default=ResponseStatus.DRAFT)
    published_on = models.DateField(null=True, blank=True)
    published_url = models.URLField(max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = GoverningBodyResponseQuerySet.as_manager()

    class Meta:
        ordering = ["due_on"]
        constraints = [models.UniqueConstraint(fields=["report", "force"], name="one_response_per_report_force")]

    def __str__(self) -> str:
        return f"{self.body} response to {self.report}"

    @staticmethod
    def due_date_for(report: Report) -> dt.date:
        return last_day_of_period(report.published_on, RESPONSE_DAYS)

    @property
    def is_published(self) -> bool:
        return self.status == ResponseStatus.PUBLISHED

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.status == ResponseStatus.DRAFT and self.due_on < (today or dt.date.today())

    @property
    def days_late(self) -> int:
        """How many days after its due date the response was published; 0 when on time or not published."""
        if self.published_on is None:
            return 0
        return max((self.published_on - self.due_on).days, 0)


class ResponseTransition(TransitionRow):
    """A change of a response's status (publishing it): who, when, from, to and why. Never edited."""

    response = models.ForeignKey("GoverningBodyResponse", on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=10, choices=ResponseStatus.choices)
    to_status = models.CharField(max_length=10, choices=ResponseStatus.choices)

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} to {self.get_to_status_display()} by {self.by}"


class ResponseAction(models.Model):
    """For one recommendation: the steps to be taken, or why none will be."""

    response = models.ForeignKey(GoverningBodyResponse, on_delete=models.CASCADE, related_name="actions")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    steps = models.TextField(blank=True)
    no_action_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["item__number", "item__pk"]
        constraints = [models.UniqueConstraint(fields=["response", "item"], name="one_action_per_item")]

    def __str__(self) -> str:
        return f"Action on {self.item}"

    @property
    def is_answered(self) -> bool:
        """Steps or a reason, exactly one of them (s.55(5)(b): what will be done, or why nothing)."""
        return bool(self.steps.strip()) != bool(self.no_action_reason.strip())

    @property
    def has_both(self) -> bool:
        return bool(self.steps.strip()) and bool(self.no_action_reason.strip())


class Committee(models.Model):
    """A committee that receives the HMICFRS update paper, e.g. a Joint Audit Committee."""

    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="committees")
    forces = models.ManyToManyField(Organisation, related_name="+", limit_choices_to={"kind": "force"})

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CommitteeMeeting(models.Model):
    """A meeting and the narrative its paper keeps (written by the liaison officer, kept as written)."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField()
    agenda_item = models.CharField(max_length=40, blank=True)
    inspection_activity = models.TextField(blank=True, help_text="Inspection activity since the last meeting")
    governance = models.TextField(blank=True, help_text="How recommendations are governed and owners held to account")
    new_reports = models.TextField(blank=True, help_text="The force's acceptance of new reports")
    next_steps = models.TextField(blank=True)
    background_documents = models.TextField(blank=True, help_text="One a line")
    contact_name = models.CharField(max_length=200, blank=True)
    contact_title = models.CharField(max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-held_on"]
        constraints = [models.UniqueConstraint(fields=["committee", "held_on"], name="one_meeting_per_day")]

    def __str__(self) -> str:
        return f"{self.committee} on {self.held_on:%-d %B %Y}"

    @property
    def background_document_lines(self) -> list[str]:
        return [line.strip() for line in self.background_documents.splitlines() if line.strip()]

    def previous(self) -> CommitteeMeeting | None:
        return self.committee.meetings.filter(held_on__lt=self.held_on).order_by("-held_on").first()


class ForthcomingInspection(models.Model):
    force = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="forthcoming_inspections")
    title = models.CharField(max_length=200)
    expected = models.CharField(max_length=100, help_text='As notified, for example "Early October"')
    notified_on = models.DateField()
    completed_on = models.DateField(
        null=True, blank=True, help_text="When the inspection took place; papers before then still list it"
    )

    class Meta:
        ordering = ["notified_on"]

    def __str__(self) -> str:
        return f"{self.title} ({self.expected})"
