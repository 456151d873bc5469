"""Forms for the victim's pages: they parse input; the services apply the rules and make the change."""

from __future__ import annotations

from typing import Any

from django import forms

from oversight.forms import LONG_TEXT, SHORT_TEXT, GovukDateField, GovukFormMixin, text_area

from .models import Channel, OicOutcome, ReferralStatus, RightStatus, RiskLevel, SupportKind, Weekday

YES_NO = [("yes", "Yes"), ("no", "No")]


def _is_yes(value: str) -> bool:
    return value == "yes"


def yes_no(
    label: str, hint: str = "", choices: list[tuple[str, str]] | None = None, *, message: str
) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, help_text=hint, choices=choices or YES_NO, coerce=_is_yes, widget=forms.RadioSelect,
        error_messages={"required": message},
    )  # fmt: skip


def text(label: str, *, required: bool = False, rows: int = 3, **kwargs: Any) -> forms.CharField:
    return text_area(label, required=required, rows=rows, **kwargs)


def line(label: str, *, required: bool = False, hint: str = "", max_length: int = 200) -> forms.CharField:
    return forms.CharField(label=label, required=required, help_text=hint, max_length=max_length)


def radios(label: str, choices: list[tuple[str, str]], hint: str = "", **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, help_text=hint, choices=choices, widget=forms.RadioSelect, **kwargs)


class PreferencesForm(GovukFormMixin, forms.Form):
    expected_number = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    channel = radios(
        "How does the victim want to be contacted?",
        Channel.choices,
        error_messages={"required": "Select how the victim wants to be contacted"},
    )
    contact_interval_days = forms.IntegerField(
        label="Agreed contact interval, in days",
        min_value=1,
        max_value=365,
        help_text="The longest the victim should go without hearing from the case team",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
    )
    safe_days = forms.MultipleChoiceField(
        label="Days when contact is safe", choices=Weekday.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    safe_times = text(
        "Safe times to contact",
        hint='For example "weekdays after 6pm, never when the children are home"',
        max_length=SHORT_TEXT,
    )
    safe_phone = line("Safe phone number", max_length=40)
    safe_email = forms.EmailField(
        label="Safe email address",
        required=False,
        help_text="Never a police mailbox for a victim who is police staff",
        widget=forms.EmailInput(attrs={"class": "govuk-input"}),
    )
    safe_address = text("Safe postal address", max_length=SHORT_TEXT)
    voicemail_ok = forms.BooleanField(label="Voicemail may be left", required=False)
    messages_ok = forms.BooleanField(label="Text or written messages may be left", required=False)
    idva_name = line("IDVA's name", hint="If the victim chose contact through an IDVA")
    idva_service = line("IDVA's service")
    language_needs = text(
        "Language needs", hint="For example an interpreter, and which language", max_length=SHORT_TEXT
    )
    accessibility_needs = text("Accessibility needs", max_length=SHORT_TEXT)
    note = text("Why the preferences are changing (optional)")


class ContactForm(GovukFormMixin, forms.Form):
    contacted_on = GovukDateField(label="Date of contact")
    channel = radios("Channel used", Channel.choices)
    summary = text("Summary", required=True, rows=5, max_length=LONG_TEXT)
    preferences_followed = yes_no(
        "Were the victim's communication preferences followed?",
        message="Select yes if the victim's communication preferences were followed",
    )
    not_followed_reason = text("If not, why not")


class OicRequestForm(GovukFormMixin, forms.Form):
    requested_on = GovukDateField(label="Date the victim asked")
    victim_reason = text("The reason the victim gave (optional)", hint="The victim does not have to give one")


class OicDecisionForm(GovukFormMixin, forms.Form):
    outcome = radios("Decision", [(OicOutcome.GRANTED, "Grant"), (OicOutcome.REFUSED, "Refuse")])
    reasons = text("Reasons", hint="Required when refusing: the victim must be told them", rows=5)


class ReferralForm(GovukFormMixin, forms.Form):
    service_name = line("Name of the service", required=True)
    kind = radios("Kind of service", SupportKind.choices)
    out_of_area = yes_no(
        "Where is the service?",
        hint="Support out of area can help a victim whose abuser is known to local services",
        choices=[("no", "In the force's area"), ("yes", "Out of area")],
        message="Select where the service is",
    )
    referred_on = GovukDateField(label="Date of referral")
    status = radios("Status", ReferralStatus.choices)
    notes = text("Notes")


class ReferralUpdateForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    status = radios("Status", ReferralStatus.choices)
    notes = text("Notes")


class MaracForm(GovukFormMixin, forms.Form):
    referred_on = GovukDateField(label="Date of referral")
    closed_panel = yes_no(
        "Closed panel?",
        hint="A closed panel limits who attends, because the suspect is police",
        message="Select yes if the MARAC is a closed panel",
    )
    open_panel_reason = text("If not a closed panel, why not")
    meeting_on = GovukDateField(label="Meeting date (optional)", required=False)
    outcome_notes = text("Outcome notes", rows=4)


class MaracUpdateForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    meeting_on = GovukDateField(label="Meeting date", required=False)
    outcome_notes = text("Outcome notes", rows=5, max_length=LONG_TEXT)


class DashForm(GovukFormMixin, forms.Form):
    level = radios("DASH risk level", RiskLevel.choices)
    assessed_on = GovukDateField(label="Date of the assessment")
    notes = text("Notes")


class RightStatusForm(GovukFormMixin, forms.Form):
    status = radios("Status", RightStatus.choices)
    evidence = text(
        "Evidence", hint="What shows the right was met, or why it does not apply. Required unless not yet met", rows=4
    )
    status_on = GovukDateField(label="Date")
