"""Forms for reading documents in: they parse and check input; `ingest.services` makes the change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from oversight.forms import LONG_TEXT, GovukDateField, GovukFormMixin, text_area
from oversight.lib.documents import ACCEPTED_SUFFIXES
from oversight.organisations.models import Organisation
from oversight.recommendations.models import Addressee, GoverningBodyResponse, Item, ItemKind, ReportKind

from . import access
from .models import ActionStatus, DocumentKind, Proposal
from .services import check_file

NEW_REPORT = "new"


class UploadForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="Document",
        error_messages={"required": "Select the document to read", "empty": "The selected file is empty"},
    )
    kind = forms.ChoiceField(label="What is the document?", choices=DocumentKind.choices, widget=forms.RadioSelect)
    organisation = forms.ModelChoiceField(label="Organisation it belongs to", queryset=Organisation.objects.none())
    report = forms.ChoiceField(label="Report (for a report, a paper about one, or register entries)", required=False)
    new_report_title = forms.CharField(label="Title of the new report", max_length=300, required=False)
    new_report_kind = forms.ChoiceField(
        label="Kind of the new report", choices=[("", "Choose"), *ReportKind.choices], required=False
    )
    new_report_published = GovukDateField(label="Publication date of the new report", required=False)
    response = forms.ModelChoiceField(
        label="Response (for a response)", queryset=GoverningBodyResponse.objects.none(), required=False
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = settings.INGEST_MAX_BYTES // (1024 * 1024)
        self.fields["file"].help_text = f"PDF, Word (.docx), HTML, Markdown or text, up to {limit} MB"
        self.fields["file"].widget.attrs["accept"] = ",".join(ACCEPTED_SUFFIXES)
        organisations = Organisation.objects.filter(pk__in=access.document_organisation_ids(user)).order_by("name")
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()
        self.reports = {str(r.pk): r for r in access.report_choices(user)}
        self.fields["report"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a report"), (NEW_REPORT, "A new report: enter its details below"),
            *((pk, f"{r.title} ({r.published_on:%-d %B %Y})") for pk, r in self.reports.items()),
        ]  # fmt: skip
        self.fields["response"].queryset = access.response_choices(user).select_related("report", "body")  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        upload.seek(0)
        head = upload.read(8)
        upload.seek(0)
        try:
            check_file(upload.name or "", upload.size or 0, head)
        except ValidationError as error:
            raise ValidationError(error.message_dict["file"]) from error
        return upload

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind = data.get("kind")
        if kind == DocumentKind.RESPONSE and not data.get("response") and "response" not in self.errors:
            self.add_error("response", "Select the response this document is")
        if kind in (DocumentKind.REPORT, DocumentKind.REGISTER):
            self._clean_report(data)
        return data

    def _clean_report(self, data: dict[str, Any]) -> None:
        choice = data.get("report")
        if not choice:
            self.add_error("report", "Select the report, or choose a new report")
        elif choice != NEW_REPORT:
            data["report"] = self.reports.get(choice)
        elif "new_report_published" not in self.errors:
            for name, message in (
                ("new_report_title", "Enter the title of the new report"),
                ("new_report_kind", "Select the kind of the new report"),
                ("new_report_published", "Enter the publication date of the new report"),
            ):
                if not data.get(name):
                    self.add_error(name, message)
            published = data.get("new_report_published")
            if published and published > dt.date.today():
                self.add_error("new_report_published", "The publication date must be today or in the past")

    def new_report(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if data.get("kind") == DocumentKind.RESPONSE or data.get("report") != NEW_REPORT:
            return None
        return {"title": data["new_report_title"], "kind": data["new_report_kind"],
                "published_on": data["new_report_published"]}  # fmt: skip


class VersionForm(GovukFormMixin, forms.Form):
    """A review step on a page: carries the document's version so a stale page is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ItemProposalForm(VersionForm):
    item_kind = forms.ChoiceField(label="Kind of item", choices=ItemKind.choices, widget=forms.RadioSelect)
    reference = forms.CharField(label="Reference (optional)", max_length=40, required=False)
    text = text_area("Text", rows=8, max_length=LONG_TEXT)
    addressees = forms.MultipleChoiceField(
        label="Addressed to", choices=Addressee.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    deadline_phrase = forms.CharField(
        label="Deadline as written (optional)",
        max_length=120,
        required=False,
        help_text='For example "Within six months" or "By March 2023". The due date is worked out from it.',
    )
    due_on = GovukDateField(
        label="Due date (optional)",
        required=False,
        help_text="Only when we cannot work out the date from the deadline as written. For example, 31 3 2024",
    )
    urgent = forms.BooleanField(label="To act on immediately (urgent, with no due date)", required=False)

    def changes(self) -> dict[str, Any]:
        names = ("item_kind", "reference", "text", "addressees", "deadline_phrase", "due_on", "urgent")
        return {name: self.cleaned_data[name] for name in names}


class ActionProposalForm(VersionForm):
    text = text_area("What the response commits to, or reports done", rows=6, max_length=LONG_TEXT)
    action_status = forms.ChoiceField(label="Status", choices=ActionStatus.choices, widget=forms.RadioSelect)
    answers_item = forms.ModelChoiceField(label="Recommendation it answers", queryset=Item.objects.none())

    def __init__(self, *args: Any, proposal: Proposal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        report = proposal.document.report
        items = report.items.recommendations() if report else None
        self.fields["answers_item"].queryset = items  # type: ignore[attr-defined]

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("text", "action_status", "answers_item")}


class SplitForm(VersionForm):
    before = forms.CharField(
        label="Words where the second part begins",
        max_length=200,
        help_text="Copy them from the text above, for example the first words of a sub-bullet",
    )
