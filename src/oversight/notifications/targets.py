"""What a notification may point at, and who may see it now: each target type asks its own app.

For each model a notification can be about: which of some ids a person may see (through that app's
access module: the register's scoping, the case lock, the alerts a PSD lead may see), where it
opens, and what it is called on the page. Anything else cannot be notified about.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse

from oversight.audit.models import Alert
from oversight.cases import access as case_access
from oversight.cases.models import BreakGlass, Case
from oversight.recommendations import access as register_access
from oversight.recommendations.models import GoverningBodyResponse, Report, TrackingRecord


@dataclass(frozen=True)
class Target:
    visible: Callable[[User, set[int]], set[int]]  # of these ids, the ones the person may see now
    url: Callable[[int], str]
    names: Callable[[set[int]], dict[int, str]]  # how the page calls each (read only for visible ids)
    case_of: Callable[[models.Model], int | None] = lambda record: None  # the case it belongs to, if any


def _ids(query: models.QuerySet, ids: Iterable[int]) -> set[int]:
    return set(query.filter(pk__in=list(ids)).values_list("pk", flat=True))


def _tracking_names(ids: set[int]) -> dict[int, str]:
    rows = TrackingRecord.objects.filter(pk__in=ids).select_related("item", "organisation")
    return {row.pk: f"{row.item.reference}, {row.organisation.name}" for row in rows}


def _response_names(ids: set[int]) -> dict[int, str]:
    rows = GoverningBodyResponse.objects.filter(pk__in=ids).select_related("report", "force")
    return {row.pk: f"{row.report.title}, {row.force.name}" for row in rows}


def _break_glass_visible(user: User, ids: set[int]) -> set[int]:
    cases = case_access.visible_cases(user).values("pk")
    return _ids(BreakGlass.objects.filter(case__in=cases).exclude(user_id=user.pk), ids)


def _break_glass_names(ids: set[int]) -> dict[int, str]:
    rows = BreakGlass.objects.filter(pk__in=ids).select_related("case")
    return {row.pk: row.case.reference for row in rows}


def _break_glass_url(pk: int) -> str:
    case_id = BreakGlass.objects.filter(pk=pk).values_list("case_id", flat=True).get()
    return reverse("cases:safeguards", args=[case_id])


def _alert_names(ids: set[int]) -> dict[int, str]:
    return {alert.pk: alert.get_kind_display() for alert in Alert.objects.filter(pk__in=ids)}


def _case_of_alert(alert: models.Model) -> int | None:
    assert isinstance(alert, Alert)
    return alert.object_id if alert.content_type_id == ContentType.objects.get_for_model(Case).pk else None


TARGETS: dict[type[models.Model], Target] = {
    TrackingRecord: Target(
        visible=lambda user, ids: _ids(register_access.visible_tracking_records(user), ids),
        url=lambda pk: reverse("recommendations:tracking", args=[pk]),
        names=_tracking_names,
    ),
    GoverningBodyResponse: Target(
        visible=lambda user, ids: _ids(register_access.visible_responses(user), ids),
        url=lambda pk: reverse("recommendations:response", args=[pk]),
        names=_response_names,
    ),
    Report: Target(
        visible=lambda user, ids: _ids(register_access.visible_reports(user), ids),
        url=lambda pk: reverse("recommendations:report", args=[pk]),
        names=lambda ids: dict(Report.objects.filter(pk__in=ids).values_list("pk", "title")),
    ),
    Case: Target(
        visible=lambda user, ids: _ids(case_access.visible_cases(user), ids),
        url=lambda pk: reverse("cases:detail", args=[pk]),
        names=lambda ids: dict(Case.objects.filter(pk__in=ids).values_list("pk", "reference")),
        case_of=lambda record: record.pk,
    ),
    BreakGlass: Target(
        visible=_break_glass_visible,
        url=_break_glass_url,
        names=_break_glass_names,
        case_of=lambda record: record.case_id,  # type: ignore[attr-defined]
    ),
    Alert: Target(
        visible=lambda user, ids: _ids(case_access.visible_alerts(user), ids),
        url=lambda pk: reverse("cases:alerts"),
        names=_alert_names,
        case_of=_case_of_alert,
    ),
}


def target_for(content_type: ContentType) -> Target | None:
    model = content_type.model_class()
    return TARGETS.get(model) if model is not None else None


def content_type_of(record: models.Model) -> ContentType:
    if type(record) not in TARGETS:
        raise ValueError(f"Notifications cannot point at a {type(record).__name__}")
    return ContentType.objects.get_for_model(record)


def case_of(record: models.Model) -> int | None:
    return TARGETS[type(record)].case_of(record)


def can_see(user: User, record: models.Model) -> bool:
    """May the person see this target now? Asked before telling anyone anything about it."""
    return record.pk in TARGETS[type(record)].visible(user, {record.pk})
