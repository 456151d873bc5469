"""The notification settings form: for each kind, an email at once, a daily digest, or only in Oversight."""

from __future__ import annotations

from typing import Any

from django import forms

from oversight.forms import GovukFormMixin

from .models import DEFAULT_CHANNEL, Channel, NotificationKind


def _in_sentence(label: str) -> str:
    return label[0].lower() + label[1:]


class PreferencesForm(GovukFormMixin, forms.Form):
    """One radio group per kind, each starting at the person's current choice."""

    def __init__(self, *args: Any, current: dict[str, Channel] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = current or {}
        for kind in NotificationKind:
            message = f"Select how you want to hear that {_in_sentence(kind.label)}"
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Channel.choices,
                initial=current.get(kind.value, DEFAULT_CHANNEL),
                widget=forms.RadioSelect,
                error_messages={"required": message, "invalid_choice": message},
            )
