"""Forms of the retention pages: they parse input; retention/services.py decides and writes."""

from __future__ import annotations

from django import forms

from oversight.forms import GovukFormMixin, text_area


class EraseForm(GovukFormMixin, forms.Form):
    reason = text_area(
        "Reason for deleting it",
        hint="Kept in the audit trail with your name for as long as the trail is kept: say why, not what it held",
    )


class SubjectAccessForm(GovukFormMixin, forms.Form):
    username = forms.CharField(label="Username of the person who asked", max_length=150)
