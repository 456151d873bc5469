"""Forms for protective measures: they parse and check input; `protection.services` makes each change
and the statutory rules (`rules.py`) refuse what the law does not allow, with the reason and source."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone

from oversight.forms import SHORT_TEXT, TEXT, GovukDateField, GovukFormMixin, text_area
from oversight.organisations.models import Organisation
from oversight.workforce.models import Person

from . import access, services
from .models import (
    Authority,
    Breach,
    ContactMethod,
    Measure,
    MeasureKind,
    MeasureStatus,
    Outcome,
    ReportedBy,
    Response,
    ToldAbout,
)

TIME_HINT = "24-hour clock, for example 14:30"
_TIME = re.compile(r"^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$")


def time_field(label: str, required: bool = True) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=5, help_text=TIME_HINT)


def moment(day: dt.date | None, time_text: str, name: str) -> dt.datetime | None:
    """A date and a 24-hour time as a moment on the London clock; a date without a time is refused."""
    if day is None:
        return None
    match = _TIME.match(time_text.strip())
    if match is None:
        raise ValidationError({name: "Enter a time on the 24-hour clock, for example 14:30"})
    return timezone.make_aware(dt.datetime.combine(day, dt.time(int(match[1]), int(match[2]))))


class VersionForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class MeasureForm(GovukFormMixin, forms.Form):
    force = forms.ModelChoiceField(label="Force", queryset=Organisation.objects.none())
    kind = forms.ChoiceField(label="Type of measure", choices=MeasureKind.choices)
    # Named for what it is, the force's own reference for the measure: not a PPDA case's reference.
    measure_reference = forms.CharField(label="Your reference for the measure", max_length=60)
    notice = forms.ModelChoiceField(
        label="The notice it follows (optional)", queryset=Measure.objects.none(), required=False,
        help_text="For a DVPO or DAPO made after a notice: the notice then ends",
    )  # fmt: skip
    restrained_name = forms.CharField(label="Name of the person restrained", max_length=200)
    staff_number = forms.CharField(
        label="Their staff number, if they serve with the force (optional)", max_length=20, required=False,
        help_text="A serving officer or member of staff is linked to the workforce register",
    )  # fmt: skip
    victim_name = forms.CharField(label="Name of the victim protected", max_length=200)
    victim_relationship = forms.CharField(
        label="Their relationship to the person restrained (optional)", max_length=120, required=False
    )
    others = text_area("Other people protected, one on each line (optional)", required=False, max_length=TEXT)
    conditions = text_area("Conditions, prohibitions or requirements, one on each line (optional)", required=False)
    authority = forms.ChoiceField(label="Who made it?", choices=Authority.choices, widget=forms.RadioSelect)
    authorised_by_name = forms.CharField(
        label="Name of the officer who authorised it (optional)", max_length=200, required=False
    )
    authorised_by_rank = forms.CharField(label="Their rank (for a police officer)", max_length=60, required=False)
    court = forms.CharField(label="Court (for a court order)", max_length=200, required=False)
    arrested_on = GovukDateField(label="Date of arrest (for pre-charge bail)", required=False)
    made_on = GovukDateField(label="Date made")
    made_time = time_field("Time made")
    served_on = GovukDateField(label="Date served (optional)", required=False)
    served_time = time_field("Time served (optional)", required=False)
    hearing_on = GovukDateField(label="Date of the order hearing (a notice, optional)", required=False)
    hearing_time = time_field("Time of the hearing (optional)", required=False)
    ends_on = GovukDateField(label="Last day it has effect (bail: the date to return)", required=False)
    until_further_order = forms.BooleanField(label="It has effect until further order", required=False)
    renewal_on = GovukDateField(label="Review or renewal date (optional)", required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        forces = Organisation.objects.filter(pk__in=access.recording_force_ids(user))
        self.fields["force"].queryset = forces  # type: ignore[attr-defined]
        if forces.count() == 1:
            self.fields["force"].initial = forces.first()
        notices = access.visible_measures(user).notices_awaiting_order().filter(force__in=forces)
        self.fields["notice"].queryset = notices.select_related("measure_type")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("made", "served", "hearing"):
            if name + "_on" in data and data.get(name + "_on") is not None and not data.get(name + "_time"):
                self.add_error(name + "_time", f"Enter the time {name if name != 'hearing' else 'of the hearing'}")
        return data

    def draft(self) -> services.MeasureDraft:
        data = self.cleaned_data
        force: Organisation = data["force"]
        person = _restrained_person(force, data.get("staff_number", ""))
        made_at = moment(data["made_on"], data["made_time"], "made_time")
        assert made_at is not None
        protected = [services.ProtectedDraft(data["victim_name"], data.get("victim_relationship", ""))]
        protected += [services.ProtectedDraft(name, is_victim=False) for name in lines(data.get("others", ""))]
        return services.MeasureDraft(
            force=force, kind=data["kind"], reference=data["measure_reference"],
            restrained_name=data["restrained_name"],
            restrained_person=person, made_at=made_at, protected=protected,
            conditions=lines(data.get("conditions", "")),
            authority=data["authority"], authorised_by_name=data.get("authorised_by_name", ""),
            authorised_by_rank=data.get("authorised_by_rank", ""), court=data.get("court", ""),
            arrested_on=data.get("arrested_on"), served_at=moment(data.get("served_on"), data.get("served_time", ""), "served_time"),  # noqa: E501
            hearing_at=moment(data.get("hearing_on"), data.get("hearing_time", ""), "hearing_time"),
            ends_on=data.get("ends_on"), until_further_order=data.get("until_further_order", False),
            renewal_on=data.get("renewal_on"), notice=data.get("notice"),
        )  # fmt: skip


class ServeForm(VersionForm):
    served_on = GovukDateField(label="Date served")
    served_time = time_field("Time served")

    def served_at(self) -> dt.datetime:
        served = moment(self.cleaned_data["served_on"], self.cleaned_data["served_time"], "served_time")
        assert served is not None
        return served


class VaryForm(VersionForm):
    varied_on = GovukDateField(label="Date varied")
    add = text_area("Conditions added, one on each line (optional)", required=False)
    remove = forms.MultipleChoiceField(
        label="Conditions lifted (optional)", required=False, widget=forms.CheckboxSelectMultiple
    )
    reason = text_area("Why it was varied", max_length=TEXT)

    def __init__(self, *args: Any, measure: Measure | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = measure.conditions.filter(removed_on__isnull=True) if measure else []
        self.fields["remove"].choices = [(str(c.pk), c.text) for c in current]  # type: ignore[attr-defined]


class ExtendForm(VersionForm):
    authority = forms.ChoiceField(
        label="Who authorised the extension?", choices=Authority.choices, widget=forms.RadioSelect
    )
    name = forms.CharField(label="Name (optional)", max_length=200, required=False)
    rank = forms.CharField(label="Rank (for a police officer)", max_length=60, required=False)
    court = forms.CharField(label="Court (for a court)", max_length=200, required=False)
    authorised_on = GovukDateField(label="Date authorised")
    extends_to = GovukDateField(label="New last day (bail: the new date to return)")

    def draft(self) -> services.ExtensionDraft:
        data = self.cleaned_data
        at = timezone.make_aware(dt.datetime.combine(data["authorised_on"], dt.time(12)))
        return services.ExtensionDraft(
            data["authority"], at, data["extends_to"], data["name"], data["rank"], data["court"]
        )


class EndForm(VersionForm):
    ended_on = GovukDateField(label="Date it ended")
    reason = text_area("Why it ended", max_length=SHORT_TEXT)


class NotificationForm(GovukFormMixin, forms.Form):
    about = forms.ChoiceField(
        label="What was the victim told, or asked?", choices=ToldAbout.choices, widget=forms.RadioSelect
    )
    told_on = GovukDateField(label="Date")
    told_time = time_field("Time")
    method = forms.ChoiceField(label="How?", choices=ContactMethod.choices, widget=forms.RadioSelect)
    views = text_area("Their views (bail conditions, optional)", required=False)

    def notification(self) -> services.Notification:
        data = self.cleaned_data
        told = moment(data["told_on"], data["told_time"], "told_time")
        assert told is not None
        return services.Notification(data["about"], told, data["method"], data.get("views", ""))


class BreachForm(GovukFormMixin, forms.Form):
    reported_on = GovukDateField(label="Date reported")
    reported_time = time_field("Time reported")
    reported_by = forms.ChoiceField(label="Who reported it?", choices=ReportedBy.choices, widget=forms.RadioSelect)
    reporter_name = forms.CharField(label="Their name (optional)", max_length=200, required=False)
    description = text_area("What happened", max_length=TEXT)

    def report(self) -> services.BreachReport:
        data = self.cleaned_data
        reported = moment(data["reported_on"], data["reported_time"], "reported_time")
        assert reported is not None
        return services.BreachReport(reported, data["reported_by"], data["description"], data["reporter_name"])


RESPONSES = [(value, label) for value, label in Response.choices if value]


class ResponseForm(VersionForm):
    response = forms.ChoiceField(label="What did the police do?", choices=RESPONSES, widget=forms.RadioSelect)
    responded_on = GovukDateField(label="Date (of the arrest, if arrested)")
    responded_time = time_field("Time")
    no_action_reason = text_area("Why no action was taken (if none)", required=False, max_length=TEXT)

    def responded_at(self) -> dt.datetime:
        at = moment(self.cleaned_data["responded_on"], self.cleaned_data["responded_time"], "responded_time")
        assert at is not None
        return at


class ChargeForm(VersionForm):
    charged_on = GovukDateField(label="Date charged")
    charge = forms.CharField(label="Charge", max_length=300)


class OutcomeForm(VersionForm):
    outcome = forms.ChoiceField(label="Outcome", choices=Outcome.choices, widget=forms.RadioSelect)
    outcome_on = GovukDateField(label="Date of the outcome (not needed while pending)", required=False)


class UnusedPowerForm(GovukFormMixin, forms.Form):
    force = forms.ModelChoiceField(label="Force", queryset=Organisation.objects.none())
    incident_reference = forms.CharField(label="Crime or incident reference", max_length=60)
    kind = forms.ChoiceField(label="Measure available but not used", choices=MeasureKind.choices)
    decided_on = GovukDateField(label="Date of the decision")
    restrained_name = forms.CharField(label="Name of the suspect (optional)", max_length=200, required=False)
    staff_number = forms.CharField(
        label="Their staff number, if they serve with the force (optional)", max_length=20, required=False
    )
    reason = text_area("Why it was not used", max_length=TEXT)
    instead = text_area("What was done instead to protect the victim", max_length=TEXT)
    told_on = GovukDateField(label="Date the victim was told (optional)", required=False)
    told_time = time_field("Time the victim was told (optional)", required=False)
    method = forms.ChoiceField(
        label="How the victim was told (optional)",
        choices=[("", "Not yet told"), *ContactMethod.choices],
        required=False,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        forces = Organisation.objects.filter(pk__in=access.recording_force_ids(user))
        self.fields["force"].queryset = forces  # type: ignore[attr-defined]
        if forces.count() == 1:
            self.fields["force"].initial = forces.first()

    def draft(self) -> services.UnusedPowerDraft:
        data = self.cleaned_data
        force: Organisation = data["force"]
        person = _restrained_person(force, data.get("staff_number", ""))
        told = moment(data.get("told_on"), data.get("told_time", ""), "told_time")
        if told is not None and not data.get("method"):
            raise ValidationError({"method": "Choose how the victim was told"})
        return services.UnusedPowerDraft(
            force=force, incident_reference=data["incident_reference"], kind=data["kind"], decided_on=data["decided_on"],  # noqa: E501
            reason=data["reason"], instead=data["instead"], restrained_name=data.get("restrained_name", ""),
            restrained_person=person, victim_told_at=told, victim_told_method=data.get("method", "") if told else "",
        )  # fmt: skip


class ToldForm(VersionForm):
    told_on = GovukDateField(label="Date the victim was told")
    told_time = time_field("Time")
    method = forms.ChoiceField(label="How?", choices=ContactMethod.choices, widget=forms.RadioSelect)

    def told_at(self) -> dt.datetime:
        at = moment(self.cleaned_data["told_on"], self.cleaned_data["told_time"], "told_time")
        assert at is not None
        return at


class FilterForm(GovukFormMixin, forms.Form):
    """The list's filters (GET): type, status and force; unknown values are ignored, never an error page."""

    kind = forms.ChoiceField(label="Type", choices=[("", "All types"), *MeasureKind.choices], required=False)
    status = forms.ChoiceField(label="Status", choices=[("", "Any status"), *MeasureStatus.choices], required=False)
    force = forms.ModelChoiceField(
        label="Force", queryset=Organisation.objects.none(), required=False, empty_label="All forces"
    )
    q = forms.CharField(label="Reference or name", required=False, max_length=100)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["force"].queryset = Organisation.objects.filter(pk__in=access.reading_force_ids(user))  # type: ignore[attr-defined]


def breach_choice(breach: Breach) -> str:
    return f"{breach.measure} reported {timezone.localtime(breach.reported_at):%-d %B %Y %H:%M}"


def _restrained_person(force: Organisation, staff_number: str) -> Person | None:
    """The register entry a staff number names in the force, if one is given; an unknown one is an error."""
    if not staff_number.strip():
        return None
    person = Person.objects.filter(force=force, staff_number=staff_number.strip()).first()
    if person is None:
        raise ValidationError({"staff_number": f"No one in {force.name}'s workforce register has this staff number"})
    return person
