"""Forms for coding: they parse and check input; `coding.services` makes the change."""

from __future__ import annotations

from typing import Any

from django import forms

from oversight.forms import TEXT, GovukFormMixin, text_area
from oversight.returns.models import ReturnRequest, VersionAnswer

from .models import Theme
from .services import CodingDraft, ThemeDraft, codable_answers


def _themes_of(request: ReturnRequest | None) -> Any:
    return Theme.objects.filter(request=request) if request is not None else Theme.objects.none()


class ThemeForm(GovukFormMixin, forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    description = text_area("Description", required=False, rows=3, max_length=TEXT)
    parent = forms.ModelChoiceField(label="Sub-theme of", queryset=Theme.objects.none(), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(
        self, *args: Any, request: ReturnRequest | None = None, theme: Theme | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        parents = _themes_of(request)
        self.fields["parent"].queryset = parents.exclude(pk=theme.pk) if theme else parents  # type: ignore[attr-defined]

    def draft(self) -> ThemeDraft:
        data = self.cleaned_data
        return ThemeDraft(data["name"], data["description"], data["parent"])


class MergeForm(GovukFormMixin, forms.Form):
    into = forms.ModelChoiceField(label="Merge into", queryset=Theme.objects.none())

    def __init__(self, *args: Any, theme: Theme | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if theme is not None:
            others = Theme.objects.filter(request=theme.request_id).exclude(pk=theme.pk)
            self.fields["into"].queryset = others  # type: ignore[attr-defined]


class CodingForm(GovukFormMixin, forms.Form):
    answer = forms.ModelChoiceField(queryset=VersionAnswer.objects.none(), widget=forms.HiddenInput)
    start = forms.IntegerField(min_value=0, max_value=10**9, widget=forms.HiddenInput)
    end = forms.IntegerField(min_value=0, max_value=10**9, widget=forms.HiddenInput)
    theme = forms.ModelChoiceField(label="Theme", queryset=Theme.objects.none(), error_messages={
        "invalid_choice": "Choose one of this request's themes", "required": "Choose a theme"})  # fmt: skip
    memo = forms.CharField(label="Memo", required=False, max_length=5000)
    quote = forms.BooleanField(label="Quote this passage", required=False)

    def __init__(self, *args: Any, request: ReturnRequest | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if request is not None:
            self.fields["answer"].queryset = codable_answers(request)  # type: ignore[attr-defined]
        self.fields["theme"].queryset = _themes_of(request)  # type: ignore[attr-defined]

    def draft(self) -> CodingDraft:
        data = self.cleaned_data
        return CodingDraft(data["answer"], data["start"], data["end"], data["theme"], data["memo"], data["quote"])


class ThresholdForm(GovukFormMixin, forms.Form):
    threshold = forms.FloatField(label="Lowest confidence to accept", min_value=0.0, max_value=1.0)
