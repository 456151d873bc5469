"""Forms for the Roles pages: they parse and check input; grants/services.py decides and writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet

from oversight.forms import GovukFormMixin, text_area
from oversight.organisations.models import GUARDED_ROLES, Organisation, Role
from oversight.workforce.models import Person

from .services import GrantRequest

ROLE_CHOICES = [(value, label) for value, label in Role.choices if value in GUARDED_ROLES]


def _reason(label: str, hint: str = "") -> forms.CharField:
    return text_area(label, hint=hint)


class AskForm(GovukFormMixin, forms.Form):
    username = forms.CharField(label="Their username", max_length=150, help_text="The login that will hold the role")
    organisation = forms.ModelChoiceField(label="Organisation", queryset=Organisation.objects.none())
    role = forms.ChoiceField(label="Role", choices=ROLE_CHOICES, widget=forms.RadioSelect)
    staff_number = forms.CharField(
        label="Their staff number (if their login is not yet linked to the workforce register)",
        max_length=20,
        required=False,
        help_text="On approval their login is linked to this entry, so that the cases they are connected to stay "
        "closed to them",
    )
    home_force = forms.ModelChoiceField(
        label="Their home force (external investigators only)",
        queryset=Organisation.objects.forces().filter(is_active=True),
        required=False,
        help_text="Whose register the staff number is in, when it is not the organisation's own",
    )
    reason = _reason(
        "Why do they need the role?",
        "Everyone who grants roles and the PSD leads read this: do not name a case, a subject or a victim",
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]

    def clean_username(self) -> User:
        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            raise forms.ValidationError("There is no login with that username.")
        return user

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        number = (data.get("staff_number") or "").strip().upper()
        organisation = data.get("organisation")
        force = data.get("home_force") or organisation
        data["person"] = None
        if number and force is not None:
            person = Person.objects.filter(force=force, staff_number__iexact=number).select_related("force").first()
            if person is None:
                self.add_error("staff_number", f"There is no one with that staff number in {force.name}'s register.")
            data["person"] = person
        return data

    def request(self) -> GrantRequest:
        data = self.cleaned_data
        return GrantRequest(
            user=data["username"],
            organisation=data["organisation"],
            role=data["role"],
            reason=data["reason"],
            person=data["person"],
        )


class DecisionForm(GovukFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve: they hold the role from now"), ("refuse", "Refuse")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to approve or refuse"},
    )
    reason = _reason("Your reason", "Recorded with the decision and sent to the PSD leads: do not name a case")


class RevokeForm(GovukFormMixin, forms.Form):
    reason = _reason("Why is the role revoked?", "Recorded and sent to the PSD leads: do not name a case")
