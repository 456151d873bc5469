"""Forms for the case team and the safeguards: they parse input; assignments.py and safeguards.py decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet

from oversight.forms import GovukFormMixin, text_area
from oversight.organisations.models import Organisation

from .models import Ownership, TeamRole


def _text(label: str, *, required: bool = True, hint: str = "") -> forms.CharField:
    return text_area(label, required=required, hint=hint)


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        user: User = obj
        return user.get_full_name() or user.username


class AssignForm(GovukFormMixin, forms.Form):
    """Step one: who, in which role. The independence check runs on the next page."""

    role = forms.ChoiceField(label="Role", choices=TeamRole.choices, widget=forms.RadioSelect)
    staff_number = forms.CharField(
        label="Staff number", required=False, max_length=20, help_text="Of someone in this force's workforce register"
    )
    external_user = PersonChoice(
        label="Or a person from the investigating force",
        queryset=User.objects.none(),
        required=False,
        help_text="Only when the investigation has been given to another force; they will see this case only",
    )

    def __init__(self, *args: Any, external: QuerySet[User] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["external_user"]
        assert isinstance(field, forms.ModelChoiceField)
        if external is None or not external.exists():
            del self.fields["external_user"]
        else:
            field.queryset = external


class ConfirmAssignForm(AssignForm):
    """Step two: the choice carried over, and what the check result asks of the assigner."""

    override = forms.BooleanField(
        label="Override the independence check", required=False, help_text="Only with a recorded rationale"
    )
    rationale = _text(
        "Rationale", required=False, hint="Why this person should be assigned despite the result of the check"
    )
    confirmed = forms.BooleanField(
        label="I have read the connections within two steps and confirm the assignment", required=False
    )
    seen = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("role", "staff_number", "external_user"):
            if name in self.fields:
                self.fields[name].widget = forms.HiddenInput()

    def show_only(self, *, override: bool, rationale: bool, confirmed: bool) -> None:
        """Keep the questions the check result asks, drop the rest from the page."""
        for name, keep in (("override", override), ("rationale", rationale), ("confirmed", confirmed)):
            if not keep:
                del self.fields[name]


class DeclarationForm(GovukFormMixin, forms.Form):
    agree = forms.BooleanField(
        label="I make this declaration", error_messages={"required": "Tick the box to make the declaration"}
    )


class OwnershipForm(GovukFormMixin, forms.Form):
    ownership = forms.ChoiceField(label="Who will investigate", choices=Ownership.choices, widget=forms.RadioSelect)
    external_force = forms.ModelChoiceField(
        label="The other force", queryset=Organisation.objects.none(), required=False, help_text="If another force"
    )
    victim_asked = forms.BooleanField(label="The victim asked for another force to investigate", required=False)
    reasons = _text("Rationale", required=False, hint="Why this force owns the investigation")

    def __init__(self, *args: Any, forces: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["external_force"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = forces


class BreakGlassForm(GovukFormMixin, forms.Form):
    reference = forms.CharField(
        label="Case reference", max_length=40, help_text="For example, PPDA-2024-7KQ3XM",
        error_messages={"required": "Enter the case reference"},
    )  # fmt: skip
    reason = _text(
        "Reason", required=False, hint="Why you need access now. The PSD lead is told at once and will review it."
    )


class BreakGlassReviewForm(GovukFormMixin, forms.Form):
    justified = forms.TypedChoiceField(
        label="Was the access justified?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        required=False,
        empty_value=None,
    )
    finding = _text("Finding", required=False)


class LiftExclusionForm(GovukFormMixin, forms.Form):
    reason = _text(
        "Why should this exclusion be lifted?",
        required=False,
        hint="For example, the register entry was wrong. The force's PSD leads are told, and another lead reviews it.",
    )


class RestrictionReviewForm(GovukFormMixin, forms.Form):
    finding = _text(
        "Finding", required=False, hint="Is the restriction still right: the team, the exclusions, any break-glass use"
    )


class HeldDecisionForm(GovukFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Should the change be written to the register?",
        choices=[("approve", "Yes, approve it"), ("refuse", "No, do not write it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the change should be written to the register"},
    )
    note = text_area(
        "Reason for your decision",
        required=False,
        hint="For example, the association ended and HR confirmed it. Recorded with the import.",
    )
