"""The form for creating an API token."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from oversight.forms import GovukFormMixin

# Tokens expire by default; "never" is offered for service accounts that an administrator watches.
LIFETIMES = [("30", "30 days"), ("90", "90 days"), ("365", "1 year"), ("never", "Never")]


class TokenForm(GovukFormMixin, forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="So you can tell your tokens apart, for example 'Power BI register report'",
        error_messages={"required": "Enter a name for the token"},
    )
    lifetime = forms.ChoiceField(
        label="Expires after",
        choices=LIFETIMES,
        initial="90",
        widget=forms.RadioSelect,
        error_messages={"required": "Select when the token expires"},
    )

    def expires_at(self) -> dt.datetime | None:
        lifetime = self.cleaned_data["lifetime"]
        return None if lifetime == "never" else timezone.now() + dt.timedelta(days=int(lifetime))
