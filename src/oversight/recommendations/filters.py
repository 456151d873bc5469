"""Filtering and sorting the register from GET parameters; the page, its exports and the API share it.

Everything happens in the database: the filters (RAG and overdue too, through `with_rag`), every
sort (recommendations/expressions.py), the count and the paging. Python builds a `Row` only for
the records it shows or writes out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Q
from django.db.models.expressions import OrderBy
from django.http import QueryDict

from oversight.lib.rag import Rag
from oversight.organisations.models import Organisation

from . import expressions
from .models import (
    ItemKind,
    Report,
    ReportKind,
    SignoffStage,
    TrackingRecord,
    TrackingRecordQuerySet,
    TrackingStatus,
)

OVERDUE_DUE, OVERDUE_REVIEW = "due", "review"
OVERDUE_CHOICES = [(OVERDUE_DUE, "Past its due date"), (OVERDUE_REVIEW, "Quarterly review overdue")]
RAG_CHOICES = [(rag.value, rag.value.title()) for rag in Rag]


@dataclass(frozen=True)
class Row:
    """One record as the register shows it, with its RAG and flags worked out once."""

    record: TrackingRecord
    rag: Rag
    rag_reason: str
    overdue: bool
    review_overdue: bool
    urgent: bool

    @classmethod
    def of(cls, record: TrackingRecord, today: dt.date) -> Row:
        return cls(
            record, record.rag(today), record.rag_reason(today), record.is_overdue(today),
            record.is_review_overdue(today), record.is_urgent,
        )  # fmt: skip


# Each sort's label and its database ordering, ascending or descending.
SORTS: dict[str, tuple[str, Callable[[bool], list[OrderBy]]]] = {
    "due": ("Due date", expressions.by_due),
    "reference": ("Reference", expressions.by_reference),
    "rag": ("RAG", expressions.by_rag),
    "status": ("Local status", expressions.by_status),
    "organisation": ("Organisation", expressions.by_organisation),
}
DEFAULT_SORT = "due"


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _choice(value: str | None, allowed: list[str]) -> str:
    return value if value in allowed else ""


@dataclass(frozen=True)
class RegisterFilters:
    organisation: int | None = None
    report: int | None = None
    report_kind: str = ""
    kind: str = ""
    status: str = ""
    signoff: str = ""
    rag: str = ""
    owner: int | None = None
    overdue: str = ""
    open: bool = False
    sort: str = DEFAULT_SORT
    descending: bool = False

    @classmethod
    def from_query(cls, params: QueryDict) -> RegisterFilters:
        """Unknown or malformed values are ignored rather than refused: a filter is a view, not a change."""
        sort = params.get("sort", DEFAULT_SORT)
        descending = sort.startswith("-")
        sort = sort.lstrip("-")
        return cls(
            organisation=_int(params.get("organisation")),
            report=_int(params.get("report")),
            report_kind=_choice(params.get("report_kind"), ReportKind.values),
            kind=_choice(params.get("kind"), ItemKind.values),
            status=_choice(params.get("status"), TrackingStatus.values),
            signoff=_choice(params.get("signoff"), SignoffStage.values),
            rag=_choice(params.get("rag"), [rag.value for rag in Rag]),
            owner=_int(params.get("owner")),
            overdue=_choice(params.get("overdue"), [OVERDUE_DUE, OVERDUE_REVIEW]),
            open=params.get("open") == "1",
            sort=sort if sort in SORTS else DEFAULT_SORT,
            descending=descending,
        )

    def params(self, **changes: Any) -> dict[str, str]:
        """The filters as GET parameters, with `changes` applied (None removes one)."""
        values: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        sort, descending = values.pop("sort"), values.pop("descending")
        query = {name: ("1" if value is True else str(value)) for name, value in values.items() if value}
        if sort != DEFAULT_SORT or descending:
            query["sort"] = f"{'-' if descending else ''}{sort}"
        return query

    def is_active(self) -> bool:
        return bool(self.params(sort=DEFAULT_SORT, descending=False))

    def filter_queryset(self, records: TrackingRecordQuerySet, today: dt.date) -> TrackingRecordQuerySet:
        lookups = {
            "organisation_id": self.organisation,
            "item__report_id": self.report,
            "item__report__kind": self.report_kind,
            "item__kind": self.kind,
            "status": self.status,
            "signoff": self.signoff,
            "owner_id": self.owner,
        }
        records = records.filter(**{name: value for name, value in lookups.items() if value})
        if self.open:
            records = records.open()
        if self.overdue == OVERDUE_DUE:
            records = records.overdue(today)
        elif self.overdue == OVERDUE_REVIEW:
            records = records.review_overdue(today)
        return records

    def records(self, records: TrackingRecordQuerySet, today: dt.date | None = None) -> TrackingRecordQuerySet:
        """The filtered, sorted records, as a query: what the page lists (a page of it) and the exports
        contain (all of it, in chunks). Ready to build `Row`s from: related rows joined, RAG annotated."""
        today = today or dt.date.today()
        queryset = self.filter_queryset(records.with_rag(today), today)
        if self.rag:
            queryset = queryset.filter(Q(rag_value=self.rag))  # an annotation: Q keeps the type checker out
        return queryset.with_related().order_by(*SORTS[self.sort][1](self.descending))


def rows_of(records: Iterable[TrackingRecord], today: dt.date | None = None) -> list[Row]:
    today = today or dt.date.today()
    return [Row.of(record, today) for record in records]


@dataclass(frozen=True)
class FilterOptions:
    """The choices the filter panel offers, drawn from the records the person may see."""

    organisations: list[Organisation]
    reports: list[Report]
    owners: list[User]

    @classmethod
    def for_records(cls, records: TrackingRecordQuerySet) -> FilterOptions:
        ids = records.values("pk")
        return cls(
            organisations=list(Organisation.objects.filter(tracking_records__in=ids).distinct()),
            reports=list(Report.objects.filter(items__tracking_records__in=ids).distinct()),
            owners=list(User.objects.filter(owned_items__in=ids).distinct().order_by("first_name", "last_name")),
        )


def selected_labels(filters: RegisterFilters, options: FilterOptions) -> list[tuple[str, str, dict[str, str]]]:
    """(heading, label, parameters without it) for each active filter, for the 'selected filters' tags."""
    names: dict[str, dict[Any, str]] = {
        "organisation": {org.pk: org.name for org in options.organisations},
        "report": {report.pk: report.title for report in options.reports},
        "report_kind": dict(ReportKind.choices),
        "kind": dict(ItemKind.choices),
        "status": dict(TrackingStatus.choices),
        "signoff": dict(SignoffStage.choices),
        "rag": dict(RAG_CHOICES),
        "owner": {user.pk: user.get_full_name() or user.get_username() for user in options.owners},
        "overdue": dict(OVERDUE_CHOICES),
        "open": {True: "Open items only"},
    }
    headings = {
        "organisation": "Organisation", "report": "Report", "report_kind": "Kind of report", "kind": "Kind of item",
        "status": "Local status", "signoff": "Sign-off", "rag": "RAG", "owner": "Owner", "overdue": "Overdue",
        "open": "Show",
    }  # fmt: skip
    selected = []
    for name, labels in names.items():
        value = getattr(filters, name)
        if value:
            selected.append((headings[name], labels.get(value, str(value)), filters.params(**{name: None})))
    return selected
