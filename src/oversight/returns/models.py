"""National returns: a national body's request to many organisations, and each organisation's return.

A request asks the same questions of every organisation (brief, section 11). Each organisation's
return keeps its working answers (`Answer`) apart from what it submitted: every submission is an
immutable `ReturnVersion` with its answers (`VersionAnswer`), so coding can point at a span of
characters of an answer as it was submitted, and nothing submitted is ever edited.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from oversight.organisations.models import Organisation
from oversight.recommendations.models import ImmutableModel, Item, TransitionRow


class QuestionKind(models.TextChoices):
    # The standard questions (brief, section 11), asked once each.
    ACCEPTED = "accepted", "Whether the recommendation is accepted"
    ACTIONS_TAKEN = "actions_taken", "Actions taken"
    ACTIONS_INTENDED = "actions_intended", "Actions intended"
    REASONS_NO_ACTION = "reasons_no_action", "Reasons if no action is being taken"
    REASONS_NOT_ACCEPTED = "reasons_not_accepted", "Reasons if not accepted"
    # Further questions of the analyst's own.
    YES_NO = "yes_no", "Yes or no"
    CHOICE = "choice", "One of several options"
    FREE_TEXT = "free_text", "Free text"
    EVIDENCE = "evidence", "A file as evidence"


STANDARD_QUESTIONS: dict[str, str] = {
    QuestionKind.ACCEPTED: "Do you accept the recommendation?",
    QuestionKind.ACTIONS_TAKEN: "What actions have you already taken?",
    QuestionKind.ACTIONS_INTENDED: "What actions do you intend to take?",
    QuestionKind.REASONS_NO_ACTION: "If you are taking no action, why not?",
    QuestionKind.REASONS_NOT_ACCEPTED: "If you do not accept the recommendation, why not?",
}
FURTHER_KINDS = (QuestionKind.YES_NO, QuestionKind.CHOICE, QuestionKind.FREE_TEXT, QuestionKind.EVIDENCE)
# Answers written as prose: what analysts later code into themes.
TEXT_KINDS = frozenset(
    {
        QuestionKind.ACTIONS_TAKEN,
        QuestionKind.ACTIONS_INTENDED,
        QuestionKind.REASONS_NO_ACTION,
        QuestionKind.REASONS_NOT_ACCEPTED,
        QuestionKind.FREE_TEXT,
    }
)


class Acceptance(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    PARTLY = "partly_accepted", "Partly accepted"
    NOT_ACCEPTED = "not_accepted", "Not accepted"


class YesNo(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"


class RequestStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"
    # The requesting body has what it needs: no more submissions or clarifications.
    CLOSED = "closed", "Closed"


class Recipients(models.TextChoices):
    GOVERNING_BODIES = "governing_bodies", "Every governing body"
    FORCES = "forces", "Every police force"
    CHOSEN = "chosen", "Organisations I choose"


class ReturnStatus(models.TextChoices):
    DRAFT = "draft", "Not submitted"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned for clarification"
    RESUBMITTED = "resubmitted", "Resubmitted"


# A return can be edited only in these states: before its first submission, and when the
# requesting body returned it for clarification.
EDITABLE_STATUSES = frozenset({ReturnStatus.DRAFT, ReturnStatus.RETURNED})
SUBMITTED_STATUSES = frozenset({ReturnStatus.SUBMITTED, ReturnStatus.RESUBMITTED})


class ReturnRequestQuerySet(models.QuerySet["ReturnRequest"]):
    def from_bodies(self, body_ids: set[int]) -> ReturnRequestQuerySet:
        return self.filter(body_id__in=body_ids)

    def sent(self) -> ReturnRequestQuerySet:
        return self.filter(status=RequestStatus.SENT)


class ReturnRequest(models.Model):
    """One national body's questions about one or more recommendations, to many organisations."""

    title = models.CharField(max_length=300)
    body = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="return_requests", help_text="The national body asking"
    )
    items = models.ManyToManyField(Item, related_name="return_requests", help_text="The recommendations asked about")
    introduction = models.TextField(blank=True)
    deadline = models.DateField()
    recipients = models.CharField(max_length=20, choices=Recipients.choices, default=Recipients.GOVERNING_BODIES)
    organisations = models.ManyToManyField(Organisation, related_name="+", help_text="The organisations asked")
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, help_text="Optimistic lock: bumped on every change")

    objects = ReturnRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == RequestStatus.DRAFT

    @property
    def is_closed(self) -> bool:
        return self.status == RequestStatus.CLOSED


class Question(models.Model):
    request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=30, choices=QuestionKind.choices)
    text = models.CharField(max_length=500)
    hint = models.CharField(max_length=500, blank=True)
    options = models.JSONField(default=list, blank=True, help_text="For a choice: the options offered")
    required = models.BooleanField(default=False)

    class Meta:
        ordering = ["request", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def is_text(self) -> bool:
        return self.kind in TEXT_KINDS

    @property
    def is_file(self) -> bool:
        return self.kind == QuestionKind.EVIDENCE

    def choices(self) -> list[tuple[str, str]]:
        """The values an answer may take, for a question answered by choosing; empty otherwise."""
        if self.kind == QuestionKind.ACCEPTED:
            return list(Acceptance.choices)
        if self.kind == QuestionKind.YES_NO:
            return list(YesNo.choices)
        if self.kind == QuestionKind.CHOICE:
            return [(option, option) for option in self.options]
        return []

    def clean_answer(self, value: str) -> str:
        """The answer as kept, or ValidationError naming the question."""
        value = value.strip()
        choices = dict(self.choices())
        if value and choices and value not in choices:
            raise ValidationError(f"Choose one of the answers offered to “{self.text}”")
        return value

    def label_for(self, value: str) -> str:
        """An answer as a person reads it: the label of a chosen value, or the text itself."""
        return dict(self.choices()).get(value, value)


class ReturnQuerySet(models.QuerySet["Return"]):
    def for_organisations(self, organisation_ids: set[int]) -> ReturnQuerySet:
        return self.filter(organisation_id__in=organisation_ids)

    def awaiting_answer(self) -> ReturnQuerySet:
        """Returns the organisation still has to submit: never submitted, or returned for clarification."""
        return self.filter(status__in=EDITABLE_STATUSES, request__status=RequestStatus.SENT)


class Return(models.Model):
    """One organisation's answers to a request: its working answers, state, and submitted versions."""

    request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="returns")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="returns")
    status = models.CharField(max_length=12, choices=ReturnStatus.choices, default=ReturnStatus.DRAFT)
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    last_submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic lock: bumped on every change")

    objects = ReturnQuerySet.as_manager()

    class Meta:
        ordering = ["request", "organisation__name"]
        constraints = [models.UniqueConstraint(fields=["request", "organisation"], name="one_return_per_organisation")]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.request}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def has_answered(self) -> bool:
        return self.first_submitted_at is not None

    def days_late(self, today: dt.date | None = None) -> int:
        """Days after the deadline it was first submitted, or (not yet submitted) that it is now late."""
        if self.first_submitted_at is not None:
            on = timezone.localdate(self.first_submitted_at)
        else:
            on = today or timezone.localdate()
        return max((on - self.request.deadline).days, 0)

    def latest_version(self) -> ReturnVersion | None:
        return self.versions.order_by("-number").first()

    def open_points(self) -> list[ClarificationPoint]:
        """While returned for clarification: the points the requesting body asked about."""
        if self.status != ReturnStatus.RETURNED:
            return []
        latest = self.latest_version()
        return list(latest.clarification_points.select_related("question")) if latest else []


def evidence_path(instance: Answer, filename: str) -> str:
    # Files are stored under their hash, never under the uploader's name; versions share the file.
    return f"returns/{instance.sha256[:2]}/{instance.sha256}"


class Answer(models.Model):
    """The working answer to one question: changed freely while the return is editable."""

    return_record = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True)
    file = models.FileField(upload_to=evidence_path, max_length=200, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["question__position", "question__pk"]
        constraints = [models.UniqueConstraint(fields=["return_record", "question"], name="one_answer_per_question")]

    def __str__(self) -> str:
        return f"Answer to {self.question}"

    @property
    def is_empty(self) -> bool:
        return not self.text.strip() and not self.file


class ReturnVersion(ImmutableModel):
    """What the organisation submitted, as submitted: never edited. Number 1 is the first submission."""

    return_record = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=ReturnStatus.choices, help_text="Submitted or resubmitted")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["return_record", "number"]
        constraints = [models.UniqueConstraint(fields=["return_record", "number"], name="one_version_number")]

    def __str__(self) -> str:
        return f"Version {self.number} of {self.return_record}"


class VersionAnswer(ImmutableModel):
    """One answer as submitted in a version. Coding addresses its text by character offsets:
    `text[start:end]` is a passage, and the text never changes."""

    version = models.ForeignKey(ReturnVersion, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True)
    file = models.FileField(max_length=200, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["version", "question__position", "question__pk"]
        constraints = [models.UniqueConstraint(fields=["version", "question"], name="one_submitted_answer")]

    def __str__(self) -> str:
        return f"{self.question} (version {self.version.number})"

    def passage(self, start: int, end: int) -> str:
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"No passage {start}-{end} in an answer of {len(self.text)} characters")
        return self.text[start:end]


class ClarificationPoint(ImmutableModel):
    """What the requesting body needs clarified in a submitted version, per question (or overall)."""

    version = models.ForeignKey(ReturnVersion, on_delete=models.CASCADE, related_name="clarification_points")
    question = models.ForeignKey(Question, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()

    class Meta:
        # Points about a question in the question's order, then those about the return overall.
        ordering = ["version", models.F("question__position").asc(nulls_last=True), "pk"]

    def __str__(self) -> str:
        return self.text


class RequestTransition(TransitionRow):
    """A change of a request's status (sending or closing it): who, when, from, to and why. Never edited."""

    request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=10, choices=RequestStatus.choices)
    to_status = models.CharField(max_length=10, choices=RequestStatus.choices)

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} to {self.get_to_status_display()} by {self.by}"


class ReturnTransition(TransitionRow):
    """A change of a return's status: who, when, from, to and why. Never edited."""

    return_record = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=12, choices=ReturnStatus.choices)
    to_status = models.CharField(max_length=12, choices=ReturnStatus.choices)

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} to {self.get_to_status_display()} by {self.by}"


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", "Due soon"
    OVERDUE = "overdue", "Overdue"


class Reminder(models.Model):
    """A reminder sent about a return: one per return, kind and day, so a second run sends nothing twice."""

    return_record = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    on = models.DateField()
    recipients = models.PositiveIntegerField(default=0, help_text="People emailed")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["return_record", "kind", "on"], name="one_reminder_per_kind_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} reminder for {self.return_record} on {self.on}"

    def message(self) -> str:
        deadline = self.return_record.request.deadline
        if self.kind == ReminderKind.OVERDUE:
            return f"This return was due on {deadline:%-d %B %Y} and has not been submitted."
        return f"This return is due on {deadline:%-d %B %Y}."
