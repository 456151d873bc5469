"""The form for creating an API token."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from oversight.accounts.rules import TOKEN_MAX_LIFETIME
from oversight.forms import GovukFormMixin

# Every token expires (accounts/rules.py: at most TOKEN_MAX_LIFETIME); 90 days unless chosen.
LIFETIMES = [("30", "30 days"), ("90", "90 days"), (str(TOKEN_MAX_LIFETIME.days), "1 year")]


class Access:
    READ_ONLY = "read"
    READ_WRITE = "write"


class TokenForm(GovukFormMixin, forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="So you can tell your tokens apart, for example 'Power BI register report'",
        error_messages={"required": "Enter a name for the token"},
    )
    access = forms.ChoiceField(
        label="What may it do?",
        choices=[
            (Access.READ_ONLY, "Read only: read what you can see, change nothing"),
            (Access.READ_WRITE, "Read and change: also post updates and take sign-off steps as you"),
        ],
        initial=Access.READ_ONLY,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the token may do"},
    )
    lifetime = forms.ChoiceField(
        label="Expires after",
        choices=LIFETIMES,
        initial="90",
        widget=forms.RadioSelect,
        error_messages={"required": "Select when the token expires"},
    )

    def expires_at(self) -> dt.datetime:
        return timezone.now() + dt.timedelta(days=int(self.cleaned_data["lifetime"]))

    def read_only(self) -> bool:
        return bool(self.cleaned_data["access"] == Access.READ_ONLY)
