"""The safeguards around a case's lock: break-glass access, its review, yearly restriction reviews, alerts.

Break glass is for professional standards staff of the case's force who are not on the team: it
needs a reason, lasts rules.BREAK_GLASS_HOURS, alerts the PSD lead at once and is reviewed by a PSD
lead other than the person who opened it. Someone who may not break the glass, an excluded person
included, is told exactly what an unknown reference gets; an excluded person's attempt alerts the PSD
lead silently.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from oversight.audit.models import Alert, AlertKind, raise_alert, record_refusal
from oversight.concurrency import require
from oversight.lib.deadlines import add_months
from oversight.notifications import case_events

from . import access
from .models import BreakGlass, Case, Exclusion, RestrictionReview, restriction_review_due
from .rules import BREAK_GLASS_HOURS, RESTRICTION_REVIEW_MONTHS
from .services import who

NO_SUCH_CASE = "There is no case with that reference. Check the reference and try again."


def _no_such_case() -> ValidationError:
    return ValidationError({"reference": NO_SUCH_CASE}, code="no_such_case")


def _require(allowed: bool) -> None:
    require(allowed, "Not available")


@dataclass(frozen=True)
class Opened:
    case: Case
    access: BreakGlass | None  # None when the person could already see the case


def break_glass(reference: str, reason: str, by: User) -> Opened:
    """Open emergency access to a case by its reference, or refuse as if it did not exist.

    The input is checked before anything is looked up, and every refusal does the same work (one
    lookup, the exclusion check, one write: an alert when the person is excluded, a refusal record
    otherwise), so neither the words, the order of the checks nor the time taken tell a reference
    that exists from one that does not.
    """
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason you need access to this case."})
    case = Case.objects.filter(reference__iexact=reference.strip()).select_related("force").first()
    shut = access.shut_out_now(by, case.pk if case else 0)
    if case is not None and shut:
        detail = f"{who(by)} asked for break-glass access to {case.reference}."
        raise_alert(AlertKind.EXCLUDED_OPENED, case.force, case, by, detail)
        raise _no_such_case()
    visible = case is not None and access.can_view_case(by, case)
    if case is None or not (visible or access.can_break_glass(by, case)):
        record_refusal(by, Case, case.pk if case else 0, "break-glass by reference")
        raise _no_such_case()
    if visible:
        return Opened(case, None)
    now = timezone.now()
    expires = now + dt.timedelta(hours=BREAK_GLASS_HOURS)
    with transaction.atomic():
        opened = BreakGlass.objects.create(case=case, user=by, reason=reason.strip(), opened_at=now, expires_at=expires)
        until = timezone.localtime(expires).strftime("%d %b %Y %H:%M")
        detail = f"{who(by)} opened break-glass access until {until}. Reason: {opened.reason}"
        raise_alert(AlertKind.BREAK_GLASS, case.force, case, by, detail)
        case_events.break_glass_opened(opened)
    return Opened(case, opened)


def review_break_glass(opened: BreakGlass, by: User, *, justified: bool | None, finding: str) -> BreakGlass:
    """A PSD lead, not the opener, records whether the access was justified."""
    _require(access.can_review_break_glass(by, opened.case, opened.user_id))
    errors: dict[str, str] = {}
    if justified is None:
        errors["justified"] = "Say whether the access was justified."
    if not finding.strip():
        errors["finding"] = "Give your finding."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = BreakGlass.objects.select_for_update().get(pk=opened.pk)
        if locked.reviewed_at is not None:
            raise ValidationError("This access has already been reviewed.")
        locked.justified = justified
        locked.review_finding = finding.strip()
        locked.reviewed_by = by
        locked.reviewed_at = timezone.now()
        locked.save(update_fields=["justified", "review_finding", "reviewed_by", "reviewed_at"])
    return locked


def lift_exclusion(exclusion: Exclusion, by: User, reason: str) -> Exclusion:
    """A PSD lead who is not excluded lifts a standing exclusion, with a reason; the force's leads are
    alerted and another lead reviews it. Someone still connected in the register stays shut out by the
    live check: lifting only ends what the register no longer shows."""
    _require(access.can_lift_exclusion(by, exclusion))
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason the exclusion should be lifted."})
    with transaction.atomic():
        locked = Exclusion.objects.select_for_update().select_related("case__force", "person").get(pk=exclusion.pk)
        _require(access.can_lift_exclusion(by, locked))  # again, inside the lock
        if locked.lifted:
            raise ValidationError("This exclusion has already been lifted.")
        locked.lifted_at, locked.lifted_by, locked.lift_reason = timezone.now(), by, reason.strip()
        locked.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
        detail = f"{who(by)} lifted the exclusion of {locked.person} from this case. Reason: {locked.lift_reason}"
        raise_alert(AlertKind.EXCLUSION_LIFTED, locked.case.force, locked.case, by, detail)
    return locked


def review_exclusion_lift(exclusion: Exclusion, by: User, *, justified: bool | None, finding: str) -> Exclusion:
    """A second PSD lead, not the one who lifted it, records whether lifting the exclusion was right."""
    _require(access.can_review_exclusion_lift(by, exclusion))
    errors: dict[str, str] = {}
    if justified is None:
        errors["justified"] = "Say whether lifting the exclusion was justified."
    if not finding.strip():
        errors["finding"] = "Give your finding."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Exclusion.objects.select_for_update().get(pk=exclusion.pk)
        if locked.reviewed_at is not None:
            raise ValidationError("This lifting has already been reviewed.")
        if not justified:
            locked.lifted_at, locked.lifted_by = None, None  # not justified: the exclusion stands again
        locked.reviewed_by, locked.reviewed_at = by, timezone.now()
        locked.review_finding = f"{'Justified' if justified else 'Not justified'}: {finding.strip()}"
        locked.save(update_fields=["lifted_at", "lifted_by", "reviewed_by", "reviewed_at", "review_finding"])
    return locked


def review_restriction(case: Case, by: User, *, finding: str, on: dt.date | None = None) -> RestrictionReview:
    """The yearly review of the case's restriction: the next falls due 12 months on."""
    _require(access.can_review_restriction(by, case))
    on = on or timezone.localdate()
    if not finding.strip():
        raise ValidationError({"finding": "Give the finding of your review."})
    if on > timezone.localdate():
        raise ValidationError({"reviewed_on": "The review date cannot be in the future."})
    return RestrictionReview.objects.create(
        case=case,
        reviewed_by=by,
        reviewed_on=on,
        finding=finding.strip(),
        next_due_on=add_months(on, RESTRICTION_REVIEW_MONTHS),
    )


def restriction_overdue(case: Case, on: dt.date | None = None) -> bool:
    return restriction_review_due(case) < (on or timezone.localdate())


def case_of_alert(alert_id: int) -> int | None:
    """The case an alert is about, if it is about a case: for the alert a refused acknowledgement raises."""
    case_type = ContentType.objects.get_for_model(Case)
    alerts = Alert.objects.filter(pk=min(alert_id, access.LARGEST_ID), content_type=case_type)
    return alerts.values_list("object_id", flat=True).first()


def case_of_reference(reference: str) -> int | None:
    return Case.objects.filter(reference__iexact=reference.strip()[:40]).values_list("pk", flat=True).first()


def acknowledge_alert(alert_id: int, by: User) -> Alert:
    """Mark an alert read; only one the person may see (cases/access.py visible_alerts)."""
    with transaction.atomic():
        alert = access.visible_alerts(by).select_for_update().filter(pk=alert_id).first()
        if alert is None:
            raise PermissionDenied("Not available")
        if alert.acknowledged_at is not None:
            return alert
        alert.acknowledged_by = by
        alert.acknowledged_at = timezone.now()
        alert.save(update_fields=["acknowledged_by", "acknowledged_at"])
    return alert
