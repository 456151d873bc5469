"""Forms for the register's pages: they parse and check input; the services make the change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Prefetch

from oversight.forms import (
    DATE_HINT,
    LONG_TEXT,
    GovukDateField,
    GovukFormMixin,
    ModelMultipleChoiceField,
    text_area,
)
from oversight.lib.deadlines import DeadlinePhraseError, due_date_from_phrase, find_deadline_phrase
from oversight.organisations.models import Membership, Organisation, OrganisationKind

from .access import owner_candidates
from .models import Addressee, HmicfrsStatus, Item, ItemKind, RagOverride, Report, ReportKind, TrackingRecord
from .services import WORK_STATUSES


class VersionedForm(GovukFormMixin, forms.Form):
    """Carries the record's version so a change made on a stale page is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def reason_field(label: str, *, required: bool = True, hint: str = "", **kwargs: Any) -> forms.CharField:
    return text_area(label, required=required, hint=hint, **kwargs)


class UpdateForm(VersionedForm):
    text = reason_field(
        "Progress update",
        hint="What has been done since the last update. It cannot be changed later.",
        max_length=LONG_TEXT,
    )


class EvidenceForm(GovukFormMixin, forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    description = reason_field("Description (optional)", required=False)
    url = forms.URLField(
        label="Link to the evidence",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Leave blank if you upload a file",
        widget=forms.URLInput(attrs={"class": "govuk-input"}),
    )
    file = forms.FileField(label="Or upload a file", required=False, help_text="PDF, Word, Excel, PowerPoint, "
                           "OpenDocument text, CSV, text, PNG or JPEG")  # fmt: skip
    effective_on = GovukDateField(
        label="Effective date", help_text=f"The date the evidence speaks to, not today's date. {DATE_HINT}"
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        if data.get("url") and data.get("file"):
            raise ValidationError("Give either a link or a file as the evidence, not both", code="link_or_file")
        if not data.get("url") and not data.get("file"):
            self.add_error("url", ValidationError("Enter a link to the evidence or upload a file", code="link_or_file"))
        return data


class EvidenceVersionForm(GovukFormMixin, forms.Form):
    file = forms.FileField(label="New version of the file")


class SignoffForm(VersionedForm):
    reason = reason_field("Note")

    def __init__(self, *args: Any, needs_reason: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.required = needs_reason
        field.label = "Reasons" if needs_reason else "Note (optional)"
        if needs_reason:
            field.help_text = "Say what is missing or needed, so the owner knows what to do."
            field.error_messages["required"] = "Give the reasons so the owner knows what is needed."


class WorkStatusForm(VersionedForm):
    status = forms.ChoiceField(
        label="Status", widget=forms.RadioSelect, choices=[(status.value, status.label) for status in WORK_STATUSES]
    )
    note = reason_field("Note (optional)", required=False)


class ExtensionRequestForm(VersionedForm):
    requested_due_on = GovukDateField(label="New due date")
    reason = reason_field(
        "Why is an extension needed?", error_messages={"required": "Enter why an extension is needed"}
    )


class DueDateCorrectionForm(VersionedForm):
    new_due_on = GovukDateField(label="Correct due date")
    reason = reason_field(
        "Why the due date is wrong",
        hint="For example, the deadline was misread from the report. The correction is kept in the "
        "extension history and is not counted as a slip.",
    )


class ExtensionDecisionForm(VersionedForm):
    decision = forms.ChoiceField(
        label="Decision", widget=forms.RadioSelect, choices=[("approve", "Approve"), ("refuse", "Refuse")]
    )
    decision_reason = reason_field("Reasons for the decision")


class RagOverrideForm(VersionedForm):
    rag = forms.ChoiceField(
        label="RAG rating",
        widget=forms.RadioSelect,
        choices=[*RagOverride.choices, ("", "Use the suggested rating (clear the override)")],
        required=False,
    )
    reason = reason_field("Reason for the override", required=False, hint="Needed when you set a rating")


class ReviewForm(VersionedForm):
    reviewed_on = GovukDateField(label="Date of the review")
    note = reason_field("What the review found")


class HmicfrsStatusForm(VersionedForm):
    status = forms.ChoiceField(
        label="HMICFRS status", widget=forms.RadioSelect, choices=[c for c in HmicfrsStatus.choices if c[0]]
    )
    comment = reason_field("Comment (optional)", required=False, hint="As written on the inspectorate's register")


def _unit_of(user: User) -> str:
    """The person's current unit on their force's workforce register, read through the login's link
    to its register entry (the `workforce_person` relation); blank when the login has none."""
    try:
        unit = user.workforce_person.unit
    except ObjectDoesNotExist:
        return ""
    return str(unit) if unit is not None else ""


def owner_label(user: User, memberships: Iterable[Membership], *, in_force: bool) -> str:
    """A person as the owner list shows them: name, roles in the organisation (with the portfolio
    they lead) and unit, so two people of the same name or role are told apart."""
    name = user.get_full_name() or user.get_username()
    roles = ", ".join(m.get_role_display() + (f" ({m.portfolio})" if m.portfolio else "") for m in memberships)
    unit = _unit_of(user) or ("unit not recorded" if in_force else "")
    return " – ".join(part for part in (name, roles, unit) if part)  # noqa: RUF001 (an en dash)


class OwnerChoiceField(forms.ModelChoiceField):
    """Each eligible person with their role, portfolio and unit, so the right one is chosen."""

    in_force: bool = True

    def label_from_instance(self, obj: User) -> str:
        return owner_label(obj, obj.roles_here, in_force=self.in_force)  # type: ignore[attr-defined]


class TrackingEditForm(VersionedForm):
    owner = OwnerChoiceField(label="Owner", queryset=User.objects.none(), required=False, empty_label="No owner")
    portfolio = forms.CharField(
        label="Portfolio",
        max_length=200,
        required=False,
        help_text="Left as it is, a new owner's portfolio replaces it when the register records one",
    )
    keep_portfolio = forms.BooleanField(label="The portfolio stays the same with the new owner", required=False)
    reason = reason_field(
        "Why the owner or portfolio changes (optional)",
        required=False,
        hint="Kept in the item's change history with who made the change and when",
    )
    next_review_on = GovukDateField(label="Next review date", required=False)

    def __init__(self, *args: Any, tracking: TrackingRecord, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(OwnerChoiceField, self.fields["owner"])
        organisation = tracking.organisation
        roles_here = Membership.objects.counting().filter(organisation=organisation).order_by("role")
        candidates = owner_candidates(organisation).select_related("workforce_person__unit")
        field.queryset = candidates.prefetch_related(Prefetch("memberships", queryset=roles_here, to_attr="roles_here"))
        field.in_force = organisation.kind == OrganisationKind.FORCE


# Reports and items

FORCES_ALL, FORCES_CHOSEN = "all", "chosen"


class ReportForm(GovukFormMixin, forms.Form):
    title = forms.CharField(label="Title", max_length=300)
    kind = forms.ChoiceField(label="Kind of report", choices=ReportKind.choices, widget=forms.RadioSelect)
    published_on = GovukDateField(label="Publication date")
    url = forms.URLField(
        label="Link to the report (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"class": "govuk-input"}),
    )
    summary = reason_field("Summary (optional)", required=False, max_length=LONG_TEXT)
    coverage = forms.ChoiceField(
        label="Forces covered",
        widget=forms.RadioSelect,
        choices=[(FORCES_ALL, "All forces"), (FORCES_CHOSEN, "The forces chosen below")],
    )
    forces = ModelMultipleChoiceField(
        label="Forces", queryset=Organisation.objects.forces(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("coverage") == FORCES_CHOSEN and not data.get("forces") and "forces" not in self.errors:
            self.add_error("forces", "Select the forces the report covers, or select all forces")
        if (published := data.get("published_on")) and published > dt.date.today():
            self.add_error("published_on", "The publication date must be today or in the past.")
        return data

    def report_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "kind": data["kind"],
            "published_on": data["published_on"],
            "url": data["url"],
            "summary": data["summary"],
            "covers_all_forces": data["coverage"] == FORCES_ALL,
            "forces": list(data["forces"]) if data["coverage"] == FORCES_CHOSEN else [],
        }


class ItemForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Kind of item", choices=ItemKind.choices, widget=forms.RadioSelect)
    reference = forms.CharField(label="Inspectorate's reference (optional)", max_length=40, required=False,
                                help_text="For example, 10618")  # fmt: skip
    number = forms.CharField(label="Number in the report (optional)", max_length=40, required=False)
    text = reason_field("Text as written in the report", max_length=LONG_TEXT)
    deadline_phrase = forms.CharField(
        label="Deadline as written (optional)",
        max_length=120,
        required=False,
        help_text='For example "Within six months" or "By March 2023". Left blank, it is taken from the text.',
    )
    addressees = forms.MultipleChoiceField(
        label="Addressed to", choices=Addressee.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    mandatory = forms.BooleanField(label="Mandatory", required=False, initial=True)
    cause_of_concern = forms.ModelChoiceField(
        label="Cause of concern it answers (optional)", queryset=Item.objects.none(), required=False
    )

    def __init__(self, *args: Any, report: Report, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.report = report
        self.fields["cause_of_concern"].queryset = report.items.filter(  # type: ignore[attr-defined]
            kind=ItemKind.CAUSE_OF_CONCERN
        )
        self.fields["mandatory"].initial = report.mandatory_by_default

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("deadline_phrase") and data.get("text"):
            data["deadline_phrase"] = find_deadline_phrase(data["text"])
        try:
            due_date_from_phrase(data.get("deadline_phrase"), self.report.published_on)
        except DeadlinePhraseError as error:
            self.add_error("deadline_phrase", f"{error}. Write it as the report does, for example 'Within six months'.")
        if data.get("cause_of_concern") and data.get("kind") != ItemKind.RECOMMENDATION:
            self.add_error("cause_of_concern", "Only a recommendation can be linked to a cause of concern.")
        return data

    def item_fields(self) -> dict[str, Any]:
        names = ("kind", "reference", "number", "text", "deadline_phrase", "addressees", "mandatory")
        fields = {name: self.cleaned_data[name] for name in names}
        fields["cause_of_concern"] = self.cleaned_data.get("cause_of_concern")
        return fields
