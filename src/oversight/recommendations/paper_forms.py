"""Forms for committees, their meetings, forthcoming inspections and the 56-day response.

They parse and check input; the services in `services.py` write the rows."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import HTML, Field, Fieldset, Layout
from django import forms
from django.contrib.auth.models import User
from django.utils import timezone

from oversight.forms import DOCUMENT_TEXT, LONG_TEXT, GovukFormMixin, counted, text_area
from oversight.organisations.models import Organisation

from . import access
from .forms import GovukDateField, VersionedForm
from .models import Committee, GoverningBodyResponse, ResponseAction


class MeetingForm(GovukFormMixin, forms.Form):
    held_on = GovukDateField(label="Date of the meeting")
    agenda_item = forms.CharField(
        label="Agenda item", required=False, max_length=40, help_text="As numbered on the agenda, for example 07"
    )

    def __init__(self, *args: Any, committee: Committee, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.committee = committee
        self.helper.disable_csrf = True

    def clean_held_on(self) -> Any:
        held_on = self.cleaned_data["held_on"]
        if held_on and self.committee.meetings.filter(held_on=held_on).exists():
            raise forms.ValidationError("The committee already has a meeting on that date.")
        return held_on


class ForthcomingInspectionForm(GovukFormMixin, forms.Form):
    force = forms.ModelChoiceField(queryset=Organisation.objects.none(), label="Force", empty_label=None)
    title = forms.CharField(
        label="Inspection", max_length=200, help_text="For example, Thematic inspection of ROCU",
        error_messages={"required": "Enter the name of the inspection"},
    )  # fmt: skip
    expected = forms.CharField(
        label="When it is expected", max_length=100, help_text="As notified, for example Early October",
        error_messages={"required": "Enter when the inspection is expected"},
    )  # fmt: skip
    notified_on = GovukDateField(label="Date the force was notified")

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.helper.disable_csrf = True
        self.fields["force"].queryset = access.forthcoming_inspection_forces(user)  # type: ignore[attr-defined]

    def clean_notified_on(self) -> Any:
        notified_on = self.cleaned_data["notified_on"]
        if notified_on and notified_on > timezone.localdate():
            raise forms.ValidationError("The date the force was notified cannot be in the future.")
        return notified_on


def _text_area(label: str, hint: str = "", max_length: int = LONG_TEXT) -> forms.CharField:
    return text_area(label, hint=hint, required=False, rows=6, max_length=max_length)


class NarrativeForm(VersionedForm):
    """The paper's words that only the liaison officer can give; the figures come from the register."""

    inspection_activity = _text_area(
        "Inspection activity", "For example, whether PEEL or other inspection activity is scheduled for the force"
    )
    governance = _text_area(
        "Governance", "How recommendations are managed and owners held to account, and progress since the last meeting"
    )
    new_reports = _text_area("The force's response to new reports", "Whether the force accepts them and how")
    next_steps = _text_area("Next steps")
    background_documents = _text_area(
        "Background documents (optional)", "One a line. Reports in the paper are listed already."
    )
    contact_name = forms.CharField(label="Contact officer's name (optional)", max_length=200, required=False,
                                   help_text="Leave blank to name the force liaison officer")  # fmt: skip
    contact_title = forms.CharField(label="Contact officer's title (optional)", max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.disable_csrf = True


class InspectionHeldForm(GovukFormMixin, forms.Form):
    held_on = GovukDateField(label="Date the inspection took place")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.disable_csrf = True

    def clean_held_on(self) -> Any:
        held_on = self.cleaned_data["held_on"]
        if held_on and held_on > timezone.localdate():
            raise forms.ValidationError("The date the inspection took place cannot be in the future.")
        return held_on


class ResponseForm(VersionedForm):
    """The parts of the 56-day response this person may write; the rest is shown, not edited."""

    def __init__(
        self, *args: Any, response: GoverningBodyResponse, actions: list[ResponseAction], user: User, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.writes_cc = access.can_write_chief_constable_comments(user, response)
        self.writes_body = access.can_write_body_response(user, response)
        self.actions = actions
        self.item_texts: dict[str, str] = {}
        self.helper.disable_csrf = True
        layout: list[Any] = [Field("version")]
        if self.writes_cc:
            self.fields["chief_constable_comments"] = _text_area(
                f"Comments of the chief constable, {response.force}", max_length=DOCUMENT_TEXT
            )
            layout.append(counted("chief_constable_comments", self.fields["chief_constable_comments"]))
        if self.writes_body:
            self.fields["body_comments"] = _text_area(f"Comments of {response.body}", max_length=DOCUMENT_TEXT)
            layout.append(counted("body_comments", self.fields["body_comments"]))
            layout += [self._action_fields(action) for action in actions]
        self.helper.layout = Layout(*layout)

    def _action_fields(self, action: ResponseAction) -> Fieldset:
        item = action.item
        steps, reason = f"steps_{item.pk}", f"reason_{item.pk}"
        self.fields[steps] = _text_area("Steps to be taken")
        self.fields[reason] = _text_area("Or why no steps will be taken")
        legend = f"Recommendation {item.number}".strip() + (f" ({item.reference})" if item.reference else "")
        # crispy compiles HTML() content as a template: the text goes in as a variable, never as markup.
        self.item_texts[f"i{item.pk}"] = item.text
        text = HTML(f'<div class="govuk-inset-text">{{{{ form.item_texts.i{item.pk}|linebreaks }}}}</div>')
        fields = (counted(steps, self.fields[steps]), counted(reason, self.fields[reason]))
        return Fieldset(text, *fields, legend=legend, legend_size="m")

    @property
    def writes_anything(self) -> bool:
        return self.writes_cc or self.writes_body

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for action in self.actions if self.writes_body else []:
            steps, reason = f"steps_{action.item_id}", f"reason_{action.item_id}"
            if data.get(steps, "").strip() and data.get(reason, "").strip():
                self.add_error(reason, "Give either the steps to be taken or why no steps will be taken, not both")
        return data

    def changes(self) -> dict[str, Any]:
        """Keyword arguments for services.save_response: only the parts this person may write."""
        data = self.cleaned_data
        changes: dict[str, Any] = {}
        if self.writes_cc:
            changes["chief_constable_comments"] = data["chief_constable_comments"]
        if self.writes_body:
            changes["body_comments"] = data["body_comments"]
            changes["actions"] = {
                a.item_id: (data[f"steps_{a.item_id}"], data[f"reason_{a.item_id}"]) for a in self.actions
            }
        return changes


def response_initial(response: GoverningBodyResponse, actions: list[ResponseAction]) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "version": response.version,
        "chief_constable_comments": response.chief_constable_comments,
        "body_comments": response.body_comments,
    }
    for action in actions:
        initial[f"steps_{action.item_id}"] = action.steps
        initial[f"reason_{action.item_id}"] = action.no_action_reason
    return initial


class StartResponseForm(GovukFormMixin, forms.Form):
    report = forms.IntegerField(widget=forms.HiddenInput)
    force = forms.IntegerField(widget=forms.HiddenInput)


class PublishResponseForm(VersionedForm):
    """Publishing cannot be undone: the first post shows a confirmation page, which posts `confirmed`."""

    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    published_url = forms.URLField(
        label="Where the response is published (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="The address of the response on the governing body's website",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Field("version"), Field.text("published_url"))
