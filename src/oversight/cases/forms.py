"""Forms for the PPDA case pages: they parse and check input; cases/services.py makes the change."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from oversight.forms import LONG_TEXT, GovukDateField, GovukFormMixin, text_area
from oversight.organisations.models import Organisation
from oversight.workforce.models import Person

from .models import Arrival, Case, CaseStatus, ConductStatus, CriminalStatus
from .services import NewCase, StatusChange


def staff_numbers(text: str) -> list[str]:
    """Staff numbers written one per line, or separated by commas or spaces; repeats dropped."""
    return list(dict.fromkeys(number.upper() for number in re.split(r"[\s,;]+", text) if number))


class NewCaseForm(GovukFormMixin, forms.Form):
    """A report from the hotline, a complaint, a conduct matter or a third party, as it arrives."""

    force = forms.ModelChoiceField(label="Force", queryset=Organisation.objects.none(), empty_label=None)
    arrival = forms.ChoiceField(
        label="How did the report arrive?", choices=Arrival.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select how the report arrived"},
    )  # fmt: skip
    received_on = GovukDateField(label="Date received")
    summary = text_area(
        "What was reported", hint="In brief. Details go in the allegations below.", max_length=LONG_TEXT
    )
    victim_name = forms.CharField(label="Victim's name", max_length=200)
    victim_is_police_staff = forms.BooleanField(
        label="The victim is an officer or member of staff of this force", required=False
    )
    victim_staff_number = forms.CharField(
        label="Victim's staff number",
        max_length=20,
        required=False,
        help_text="Needed when the victim works for the force, so that investigators connected to them are flagged",
    )
    subject_staff_numbers = text_area(
        "Subjects' staff numbers",
        hint="The staff number of each officer or member of staff accused, one per line, from the workforce register",
        rows=3,
    )
    allegations = text_area(
        "Allegations (optional)", required=False, hint="One allegation per line", rows=5, max_length=LONG_TEXT
    )

    def __init__(self, *args: Any, forces: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["force"]
        field.queryset = Organisation.objects.filter(pk__in=[force.pk for force in forces])  # type: ignore[attr-defined]
        self.only_force = forces[0] if len(forces) == 1 else None
        if self.only_force is not None:
            del self.fields["force"]
        self.subjects: list[Person] = []
        self.victim_person: Person | None = None

    def chosen_force(self) -> Organisation | None:
        chosen: Organisation | None = self.only_force or self.cleaned_data.get("force")
        return chosen

    def clean_received_on(self) -> dt.date | None:
        received: dt.date | None = self.cleaned_data.get("received_on")
        if received and received > dt.date.today():
            raise ValidationError("The date received cannot be in the future.")
        return received

    def clean(self) -> dict[str, Any]:
        super().clean()
        force = self.chosen_force()
        if force is not None:
            self._find_subjects(force)
            self._find_victim(force)
        return self.cleaned_data

    def _register(self, force: Organisation, numbers: list[str]) -> dict[str, Person]:
        people = Person.objects.filter(force=force, staff_number__in=numbers).select_related("unit")
        return {person.staff_number.upper(): person for person in people}

    def _find_subjects(self, force: Organisation) -> None:
        numbers = staff_numbers(self.cleaned_data.get("subject_staff_numbers", ""))
        if not numbers:
            return  # the field is required: its own error says so
        found = self._register(force, numbers)
        unknown = [number for number in numbers if number not in found]
        if unknown:
            listed = ", ".join(unknown)
            self.add_error(
                "subject_staff_numbers",
                f"No one with staff number {listed} is in the workforce register of {force.name}. "
                "Check the number against the register.",
            )
            return
        self.subjects = [found[number] for number in numbers]

    def _find_victim(self, force: Organisation) -> None:
        if not self.cleaned_data.get("victim_is_police_staff"):
            return
        number = self.cleaned_data.get("victim_staff_number", "").strip().upper()
        if not number:
            self.add_error(
                "victim_staff_number",
                "Enter the victim's staff number, or untick the box that says they work for this force.",
            )
            return
        person = self._register(force, [number]).get(number)
        if person is None:
            self.add_error(
                "victim_staff_number",
                f"No one with staff number {number} is in the workforce register of {force.name}.",
            )
        elif person in self.subjects:
            self.add_error("victim_staff_number", "The victim cannot also be a subject of the same report.")
        else:
            self.victim_person = person

    def new_case(self) -> NewCase:
        data = self.cleaned_data
        force = self.chosen_force()
        assert force is not None  # a valid form has one
        return NewCase(
            force=force,
            arrival=Arrival(data["arrival"]),
            received_on=data["received_on"],
            summary=data["summary"],
            victim_name=data["victim_name"],
            subjects=self.subjects,
            allegations=[line for line in data["allegations"].splitlines() if line.strip()],
            victim_is_police_staff=data["victim_is_police_staff"],
            victim_person=self.victim_person,
        )


class StatusForm(GovukFormMixin, forms.Form):
    """The case's status and its two tracks; carries the version so a stale change is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    status = forms.ChoiceField(label="Case status", choices=CaseStatus.choices, widget=forms.RadioSelect)
    closed_on = GovukDateField(label="Date closed", required=False, help_text="Needed when the case is closed")
    criminal_status = forms.ChoiceField(label="Criminal track", choices=CriminalStatus.choices)
    conduct_status = forms.ChoiceField(label="Conduct track", choices=ConductStatus.choices)

    @classmethod
    def initial_for(cls, case: Case) -> dict[str, Any]:
        return {
            "version": case.version,
            "status": case.status,
            "closed_on": case.closed_on,
            "criminal_status": case.criminal_status,
            "conduct_status": case.conduct_status,
        }

    def change(self) -> StatusChange:
        data = self.cleaned_data
        return StatusChange(
            status=CaseStatus(data["status"]),
            criminal_status=CriminalStatus(data["criminal_status"]),
            conduct_status=ConductStatus(data["conduct_status"]),
            closed_on=data.get("closed_on"),
        )
