"""Forms for coding: they parse and check input; `coding.services` makes the change."""

from __future__ import annotations

from typing import Any

from django import forms

from oversight.forms import DOCUMENT_TEXT, TEXT, GovukFormMixin, ModelMultipleChoiceField, text_area
from oversight.returns.models import ReturnRequest, VersionAnswer

from .models import Theme
from .passages import find_words, in_context, same_words, trimmed
from .services import CodingDraft, SpanDraft, ThemeDraft, codable_answers


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
        "invalid_choice": "Choose one of this request's themes (the one chosen may have been deleted or merged since "
                          "you opened the page)", "required": "Choose a theme"})  # fmt: skip
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


class SpanForm(GovukFormMixin, forms.Form):
    """Code any words of an answer: typed or pasted into the box, or selected on the page (the script
    fills the box and the offsets). The offsets are used only when the answer has exactly those words
    there; otherwise the words are looked for, and where they appear more than once the person
    chooses which."""

    answer = forms.ModelChoiceField(queryset=VersionAnswer.objects.none(), widget=forms.HiddenInput, error_messages={
        "invalid_choice": "That answer is no longer one to code (a newer version may have been submitted): "
                          "reload the page and try again"})  # fmt: skip
    words = forms.CharField(label="The words to code, exactly as in the answer", max_length=DOCUMENT_TEXT,
                            widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    occurrence = forms.IntegerField(label="Which of them", required=False, min_value=1, max_value=10**6)
    start = forms.IntegerField(required=False, min_value=0, max_value=10**9, widget=forms.HiddenInput)
    end = forms.IntegerField(required=False, min_value=0, max_value=10**9, widget=forms.HiddenInput)
    themes = ModelMultipleChoiceField(label="Themes", queryset=Theme.objects.none(),
                                      widget=forms.CheckboxSelectMultiple, error_messages={
        "invalid_choice": "Choose themes of this request (one chosen may have been deleted or merged since you "
                          "opened the page)", "required": "Select at least one theme"})  # fmt: skip
    memo = forms.CharField(label="Memo (optional)", required=False, max_length=5000)
    quote = forms.BooleanField(label="Quote these words in the report", required=False)

    def __init__(self, *args: Any, request: ReturnRequest | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if request is not None:
            self.fields["answer"].queryset = codable_answers(request)  # type: ignore[attr-defined]
        self.fields["themes"].queryset = _themes_of(request)  # type: ignore[attr-defined]
        self.places: list[tuple[str, str, str]] = []  # where the words appear, when the person must choose

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        answer, words = data.get("answer"), data.get("words")
        if answer is None or not words:
            return data
        start, end = data.get("start"), data.get("end")
        if start is not None and end is not None and start < end and same_words(answer.text[start:end], words):
            data["start"], data["end"] = trimmed(answer.text, start, end)
            return data
        data["start"], data["end"] = self._place(answer.text, words, data.get("occurrence"))
        return data

    def _place(self, text: str, words: str, occurrence: int | None) -> tuple[int | None, int | None]:
        found = find_words(text, words)
        if not found:
            self.add_error("words", "These words are not in the answer: copy them exactly as the answer has them")
        elif len(found) == 1:
            return found[0]
        elif occurrence is not None and occurrence <= len(found):
            return found[occurrence - 1]
        else:
            self.places = [in_context(text, span) for span in found]
            self.add_error("occurrence", f"These words appear {len(found)} times in the answer: choose which to code")
        return None, None

    def draft(self) -> SpanDraft:
        data = self.cleaned_data
        themes = tuple(data["themes"])
        return SpanDraft(data["answer"], data["start"], data["end"], themes, data["memo"], data["quote"])


class ThresholdForm(GovukFormMixin, forms.Form):
    threshold = forms.FloatField(label="Lowest confidence to accept", min_value=0.0, max_value=1.0)
