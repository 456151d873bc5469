"""Counts for the home page, from the cases the person may see (never from all cases)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from . import access
from .decisions import reports_due
from .models import BreakGlass, CaseStatus


def case_summary(user: User, today: dt.date | None = None) -> dict[str, Any]:
    """What needs the person's attention in PPDA cases; empty for people with no cases section."""
    if not access.has_cases_section(user):
        return {}
    today = today or timezone.localdate()
    visible = access.visible_cases(user)
    due = reports_due(user, today)
    summary: dict[str, Any] = {
        "live": visible.live().count(),
        "awaiting_decision": visible.filter(status=CaseStatus.DECISION).count(),
        "reports_overdue": sum(1 for item in due if item.due_on < today),
    }
    if access.can_see_alerts(user):
        summary["alerts"] = access.visible_alerts(user).unacknowledged().count()
        summary["break_glass_to_review"] = (
            BreakGlass.objects.awaiting_review().filter(case__in=visible).exclude(user=user).count()
        )
    return summary
