"""Forms for decisions on a case, the recommendation 1 audit and dip samples: they parse input; the
services in decisions.py and audits.py check it and make the change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from crispy_forms_gds.choices import Choice
from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import QueryDict

from oversight.forms import DATE_HINT, LONG_TEXT, TEXT, GovukDateField, GovukFormMixin, text_area
from oversight.organisations.models import Organisation

from . import access
from .decisions import MISSING_REASONS, must_refer, suggested_criteria
from .models import Case, ConductOutcome, Deployment, RecordedAs, ReferralOutcome, Score, Subject
from .rules import AUDIT_CHECKLIST, REFERRAL_CRITERIA, REFERRAL_GUIDANCE


def reasons_field(label: str = "Reasons", hint: str = "") -> forms.CharField:
    return text_area(label, hint=hint, max_length=LONG_TEXT, error_messages={"required": MISSING_REASONS})


def text_field(
    label: str, message: str, *, required: bool = True, hint: str = "", max_length: int = TEXT
) -> forms.CharField:
    messages = {"required": message} if message else {}
    return text_area(label, required=required, hint=hint, rows=3, max_length=max_length, error_messages=messages)


class SubjectChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Subject) -> str:
        person = obj.person
        flag = " (works with vulnerable victims)" if person.works_with_vulnerable else ""
        return f"{person.display_name}, {person.staff_number}{flag}"


class CaseForm(GovukFormMixin, forms.Form):
    """A decision form on one case; each has its own prefix so several fit on a page."""

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        if "subject" in self.fields:
            field = self.fields["subject"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = case.subjects.select_related("person").order_by("pk")


# Decisions


class RecordingForm(CaseForm):
    prefix = "recording"
    recorded_as = forms.ChoiceField(
        label="Record the matter as", choices=RecordedAs.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select how the matter is recorded"},
    )  # fmt: skip
    reasons = reasons_field()


class ReferralForm(CaseForm):
    """The checklist with each criterion's meaning beside its box, pre-ticked with what the recorded
    allegations suggest for the appropriate authority to confirm."""

    prefix = "referral"
    criteria_met = forms.MultipleChoiceField(
        label="Mandatory referral criteria that apply",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Tick every criterion that applies. If any applies, the matter must be referred to the IOPC "
        "by the end of the day after the day that became clear. Criteria the recorded allegations suggest are "
        f"ticked for you: confirm each one. Meanings from the {REFERRAL_GUIDANCE}.",
    )
    criteria_seen_on = GovukDateField(
        label="Date it first became clear that the criteria were met",
        required=False,
        help_text=f"Needed when any criterion is ticked: the time limit for referring runs from it. {DATE_HINT}",
    )
    outcome = forms.ChoiceField(
        label="Decision", choices=ReferralOutcome.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select whether the matter was referred to the IOPC"},
    )  # fmt: skip
    iopc_reference = forms.CharField(label="IOPC reference", max_length=60, required=False)
    reasons = reasons_field(
        hint="A decision not to refer while any criterion is met, or unticking a criterion the allegations suggest, "
        "needs at least a full sentence explaining why."
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        self.suggestions = suggested_criteria(case)
        field = self.fields["criteria_met"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [Choice(key, item.label, hint=self._hint(key)) for key, item in REFERRAL_CRITERIA.items()]
        self.initial.setdefault("criteria_met", list(self.suggestions))

    def _hint(self, key: str) -> str:
        criterion = REFERRAL_CRITERIA[key]
        hint = f"{criterion.meaning} ({criterion.source}.)"
        if why := self.suggestions.get(key):
            hint += f" Suggested: {' '.join(why)} Confirm, or untick and explain why it does not apply."
        return hint

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        unseen = not cleaned.get("criteria_seen_on") and "criteria_seen_on" not in self.errors
        if cleaned.get("criteria_met") and unseen:
            self.add_error("criteria_seen_on", "Enter the date it first became clear that the criteria were met.")
        return cleaned

    def ticked(self) -> list[str]:
        """The criteria as ticked on the submitted form, valid or not: the page warns as soon as one is."""
        if not self.is_bound:
            return []
        data = self.data
        values = data.getlist(self.add_prefix("criteria_met")) if isinstance(data, QueryDict) else []
        return [key for key in values if key in REFERRAL_CRITERIA]

    def seen_on_as_typed(self) -> dt.date | None:
        """The date the criteria were seen to be met as submitted, if it is a real date; None otherwise."""
        field = self.fields["criteria_seen_on"]
        try:
            seen = field.clean(self["criteria_seen_on"].value())
        except forms.ValidationError:
            return None
        return seen if isinstance(seen, dt.date) else None

    def unsaved_copy(self) -> ReferralForm:
        """A fresh form holding what was submitted, for showing the checklist's outcome without errors."""
        keep = {name: self.data.get(self.add_prefix(name), "") for name in ("outcome", "iopc_reference", "reasons")}
        initial = {"criteria_met": self.ticked(), "criteria_seen_on": self.seen_on_as_typed(), **keep}
        return ReferralForm(case=self.case, initial=initial)

    @property
    def must_refer(self) -> bool:
        return must_refer(self.ticked())


class ConductForm(CaseForm):
    prefix = "conduct"
    subject = SubjectChoiceField(
        queryset=Subject.objects.none(), label="Subject", widget=forms.RadioSelect, empty_label=None,
        error_messages={"required": "Select the subject assessed"},
    )  # fmt: skip
    outcome = forms.ChoiceField(
        label="Conduct assessment", choices=ConductOutcome.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome of the conduct assessment"},
    )  # fmt: skip
    relied_on_criminal = forms.BooleanField(
        label="The assessment relied on the criminal outcome",
        required=False,
        help_text="A misconduct decision must not wait on, or simply follow, the criminal outcome. "
        "If you tick this, explain why in your reasons.",
    )
    reasons = reasons_field()

    @property
    def relied_ticked(self) -> bool:
        """Ticked on the submitted form: the page warns that the decision must not follow the criminal outcome."""
        return self.is_bound and bool(self.data.get(self.add_prefix("relied_on_criminal")))


class DeploymentForm(CaseForm):
    prefix = "deployment"
    subject = SubjectChoiceField(
        queryset=Subject.objects.none(), label="Subject", widget=forms.RadioSelect, empty_label=None,
        error_messages={"required": "Select the subject"},
    )  # fmt: skip
    deployment = forms.ChoiceField(
        label="Deployment", choices=Deployment.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select how the subject is deployed"},
    )  # fmt: skip
    review_on = GovukDateField(label="Review date", required_message="Enter the review date")
    reasons = reasons_field("Rationale")


class OpenCaseReportForm(CaseForm):
    prefix = "report"
    due_on = forms.TypedChoiceField(
        label="Report due on", coerce=dt.date.fromisoformat, widget=forms.RadioSelect,
        error_messages={"required": "Select the report date this report answers"},
    )  # fmt: skip
    reasons_still_open = text_field("Why the investigation is still open", "Enter why the investigation is still open.")
    next_steps = text_field("Next steps", "Enter the next steps.")

    def __init__(self, *args: Any, case: Case, dates: list[dt.date], **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        field = self.fields["due_on"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(day.isoformat(), f"{day:%-d %B %Y}") for day in dates]


# Audits


def led_forces(user: User) -> QuerySet[Organisation]:
    return Organisation.objects.forces().filter(pk__in=access.audit_force_ids(user)).order_by("name")


class StartAuditForm(GovukFormMixin, forms.Form):
    force = forms.ModelChoiceField(queryset=Organisation.objects.none(), label="Force", empty_label=None)
    as_of = GovukDateField(
        label="Audit date",
        help_text=f"The audit covers cases live on this date and those closed in the 12 months before it. {DATE_HINT}",
        required_message="Enter the audit date",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["force"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = led_forces(user)


class VersionForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


SCORE_CHOICES = [("", "Not yet scored"), *Score.choices]


class AuditEntryForm(VersionForm):
    notes = text_field("Notes", "", required=False)
    action_needed = text_field(
        "Action needed", "", required=False, hint="Where the case was not handled appropriately: what will be done."
    )

    def __init__(self, *args: Any, suggestions: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in AUDIT_CHECKLIST.items():
            hint = suggestions.get(key, "") if suggestions else ""
            self.fields[f"score_{key}"] = forms.ChoiceField(
                label=label, choices=SCORE_CHOICES, required=False, widget=forms.RadioSelect, help_text=hint
            )
        self.order_fields([f"score_{key}" for key in AUDIT_CHECKLIST] + ["notes", "action_needed", "version"])

    def scores(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(f"score_{key}", "") for key in AUDIT_CHECKLIST}


class FindingsForm(VersionForm):
    findings = text_field(
        "Findings", "", required=False, hint="The overall findings of the audit.", max_length=LONG_TEXT
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in AUDIT_CHECKLIST.items():
            self.fields[f"improvement_{key}"] = text_area(
                f"How the force has improved or will improve: {label.lower()}", required=False, rows=3
            )

    def improvements(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(f"improvement_{key}", "") for key in AUDIT_CHECKLIST}


# Dip samples


class DipSampleForm(GovukFormMixin, forms.Form):
    force = forms.ModelChoiceField(queryset=Organisation.objects.none(), label="Force", empty_label=None)
    period_start = GovukDateField(label="Received from", required_message="Enter the start of the period")
    period_end = GovukDateField(label="Received up to", required_message="Enter the end of the period")
    size = forms.IntegerField(
        label="Number of cases",
        min_value=1,
        max_value=500,
        error_messages={"required": "Enter how many cases to draw"},
    )
    seed = forms.IntegerField(
        label="Seed (optional)",
        required=False,
        min_value=0,
        max_value=2**63 - 1,
        help_text="Leave blank for a new random seed. The same seed over the same cases draws the same sample.",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["force"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = led_forces(user)


class DipFindingForm(GovukFormMixin, forms.Form):
    finding = text_field("Your finding", "Enter your finding on this case.", max_length=LONG_TEXT)
