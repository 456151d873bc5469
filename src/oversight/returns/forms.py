"""Forms for national returns: they parse and check input; `returns.services` makes the change."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone

from oversight.forms import (
    DOCUMENT_TEXT,
    SHORT_TEXT,
    TEXT,
    GovukDateField,
    GovukFormMixin,
    ModelMultipleChoiceField,
    text_area,
)
from oversight.lib.documents import ACCEPTED_SUFFIXES
from oversight.organisations.models import Organisation, OrganisationKind
from oversight.recommendations.models import Item

from . import access
from .models import FURTHER_KINDS, STANDARD_QUESTIONS, Answer, Question, Recipients, Return
from .services import QuestionDraft, RequestChanges, RequestDraft


class RecommendationChoice(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Item) -> str:
        number = f"Recommendation {obj.number}" if obj.number else str(obj)
        return f"{obj.report.title}: {number}, {obj.heading}"


class RequestForm(GovukFormMixin, forms.Form):
    title = forms.CharField(label="Title of the request", max_length=300)
    body = forms.ModelChoiceField(label="Sent on behalf of", queryset=Organisation.objects.none())
    items = RecommendationChoice(
        label="Recommendations it is about", queryset=Item.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    introduction = text_area(
        "Introduction (optional)", required=False, max_length=TEXT, hint="Shown above the questions"
    )
    deadline = GovukDateField(label="Deadline")
    recipients = forms.ChoiceField(
        label="Who is asked?", choices=Recipients.choices, widget=forms.RadioSelect, initial=Recipients.GOVERNING_BODIES
    )
    organisations = ModelMultipleChoiceField(
        label="Organisations to ask (only if you chose them yourself)",
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    standard = forms.MultipleChoiceField(
        label="Standard questions to ask",
        choices=list(STANDARD_QUESTIONS.items()),
        widget=forms.CheckboxSelectMultiple,
        initial=list(STANDARD_QUESTIONS),
        required=False,
        help_text="You can add questions of your own once the request is created",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bodies = Organisation.objects.filter(pk__in=access.requesting_body_ids(user))
        self.fields["body"].queryset = bodies  # type: ignore[attr-defined]
        self.fields["body"].initial = bodies.first()
        items = Item.objects.recommendations().select_related("report").order_by("-report__published_on", "number")
        self.fields["items"].queryset = items  # type: ignore[attr-defined]
        askable = Organisation.objects.filter(
            is_active=True, kind__in=(OrganisationKind.GOVERNING_BODY, OrganisationKind.FORCE)
        ).order_by("kind", "name")
        self.fields["organisations"].queryset = askable  # type: ignore[attr-defined]

    def clean_deadline(self) -> Any:
        deadline = self.cleaned_data["deadline"]
        if deadline and deadline < timezone.localdate():
            raise ValidationError("The deadline must be today or in the future")
        return deadline

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("recipients") == Recipients.CHOSEN and not data.get("organisations"):
            self.add_error("organisations", "Select the governing bodies or forces to ask")
        if not data.get("standard") and "standard" not in self.errors:
            data["standard"] = []
        return data

    def draft(self) -> RequestDraft:
        data = self.cleaned_data
        return RequestDraft(
            body=data["body"], title=data["title"], items=list(data["items"]), deadline=data["deadline"],
            recipients=data["recipients"], chosen=tuple(data.get("organisations") or ()),
            introduction=data.get("introduction", ""), standard=tuple(data.get("standard") or ()),
        )  # fmt: skip


class VersionForm(GovukFormMixin, forms.Form):
    """A step on a page: carries the record's version so a stale page is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class RequestDetailsForm(VersionForm):
    """A draft's details, changed before it is sent: the fields of `RequestForm` that may change."""

    title = RequestForm.base_fields["title"]
    introduction = RequestForm.base_fields["introduction"]
    deadline = RequestForm.base_fields["deadline"]
    recipients = RequestForm.base_fields["recipients"]
    organisations = RequestForm.base_fields["organisations"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        askable = Organisation.objects.filter(
            is_active=True, kind__in=(OrganisationKind.GOVERNING_BODY, OrganisationKind.FORCE)
        ).order_by("kind", "name")
        self.fields["organisations"].queryset = askable  # type: ignore[attr-defined]
        self.fields["version"] = self.fields.pop("version")

    clean_deadline = RequestForm.clean_deadline

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("recipients") == Recipients.CHOSEN and not data.get("organisations"):
            self.add_error("organisations", "Select the governing bodies or forces to ask")
        return data

    def changes(self) -> RequestChanges:
        data = self.cleaned_data
        return RequestChanges(
            title=data["title"], deadline=data["deadline"], recipients=data["recipients"],
            chosen=tuple(data.get("organisations") or ()), introduction=data.get("introduction", ""),
        )  # fmt: skip


class CloseForm(VersionForm):
    reason = text_area("Why are you closing it? (optional)", required=False, max_length=TEXT)


class QuestionForm(VersionForm):
    kind = forms.ChoiceField(
        label="What kind of answer does it need?",
        choices=[(kind.value, kind.label) for kind in FURTHER_KINDS],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(label="Question", max_length=500)
    hint = forms.CharField(label="Hint (optional)", max_length=500, required=False)
    options = text_area(
        "Options (for one of several options)",
        required=False,
        max_length=SHORT_TEXT * 4,
        hint="One option on each line",
    )
    required = forms.BooleanField(label="An answer is required before the return can be submitted", required=False)

    def draft(self) -> QuestionDraft:
        data = self.cleaned_data
        options = tuple(line for line in data.get("options", "").splitlines())
        return QuestionDraft(data["kind"], data["text"], data["hint"], options, data["required"])


def _answer_field(question: Question, answer: Answer | None) -> forms.Field:
    label = question.text if question.required else f"{question.text} (optional)"
    if question.choices():
        return forms.ChoiceField(
            label=label, choices=question.choices(), widget=forms.RadioSelect, required=False, help_text=question.hint
        )
    if question.is_file:
        hint = question.hint or "PDF, Word, Excel, PowerPoint, image or text"
        if answer is not None and answer.file_name:
            hint += f". Now attached: {answer.file_name} (choose a file to replace it)"
        limit = settings.EVIDENCE_MAX_BYTES // (1024 * 1024)
        return forms.FileField(label=label, required=False, help_text=f"{hint}, up to {limit} MB")
    return text_area(label, required=False, rows=6, max_length=DOCUMENT_TEXT, hint=question.hint)


class AnswersForm(VersionForm):
    """One field per question of the request, named `q<question id>`."""

    def __init__(self, *args: Any, record: Return, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(record.request.questions.all())
        answers = {answer.question_id: answer for answer in record.answers.all()}
        for question in self.questions:
            self.fields[f"q{question.pk}"] = _answer_field(question, answers.get(question.pk))
            if question.pk in answers and not question.is_file:
                self.initial.setdefault(f"q{question.pk}", answers[question.pk].text)
        self.fields["version"] = self.fields.pop("version")

    def answers(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") or "" for q in self.questions if not q.is_file}

    def uploads(self) -> dict[int, Any]:
        uploads = {q.pk: self.cleaned_data.get(f"q{q.pk}") for q in self.questions if q.is_file}
        return {pk: upload for pk, upload in uploads.items() if upload}


class ClarificationForm(VersionForm):
    """What needs clarifying, per question (`q<question id>`) and overall."""

    overall = text_area("Anything else to clarify (optional)", required=False, max_length=TEXT)

    def __init__(self, *args: Any, record: Return, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(record.request.questions.all())
        for question in self.questions:
            self.fields[f"q{question.pk}"] = text_area(
                f"What needs clarifying in “{question.text}” (optional)", required=False, rows=3, max_length=TEXT
            )
        self.fields["overall"] = self.fields.pop("overall")
        self.fields["version"] = self.fields.pop("version")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(str(value or "").strip() for name, value in data.items() if name != "version"):
            first = f"q{self.questions[0].pk}" if self.questions else "overall"
            self.add_error(first, "Say what needs clarifying, for at least one question")
        return data

    def points(self) -> dict[int | None, str]:
        points: dict[int | None, str] = {q.pk: self.cleaned_data.get(f"q{q.pk}", "") for q in self.questions}
        points[None] = self.cleaned_data.get("overall", "")
        return points


class PrefillForm(VersionForm):
    file = forms.FileField(
        label="The response you published",
        error_messages={"required": "Select the document to read", "empty": "The selected file is empty"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = settings.INGEST_MAX_BYTES // (1024 * 1024)
        self.fields["file"].help_text = f"PDF, Word (.docx), HTML, Markdown or text, up to {limit} MB"
        self.fields["file"].widget.attrs["accept"] = ",".join(ACCEPTED_SUFFIXES)
        self.fields["version"] = self.fields.pop("version")
