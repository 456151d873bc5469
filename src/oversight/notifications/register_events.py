"""Who in the register is told about a sign-off step or an extension, called by the register's
service functions inside their transactions (recommendations/services.py).

The person who acted is never told about their own step. Each event's key carries the record's
version after the step (or the request's id), so a step is one notification however often it is
raised, and a later step on the same record is a new one.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db.models import QuerySet

from oversight.organisations.access import members_of
from oversight.organisations.models import Membership, Organisation, Role
from oversight.recommendations.models import ExtensionDecision, ExtensionRequest, TrackingRecord, TransitionAction

from .models import NotificationKind
from .services import notify


def liaison_officers(organisation: Organisation) -> QuerySet[User]:
    return members_of(organisation, Role.LIAISON_OFFICER)


def hmicfrs_leads(force: Organisation) -> QuerySet[User]:
    """HMICFRS leads whose counting membership covers the force."""
    covering = Membership.objects.counting().filter(role=Role.HMICFRS_LEAD, covers=force)
    return User.objects.filter(is_active=True, pk__in=covering.values("user_id"))


def owner_or_liaison(tracking: TrackingRecord) -> list[User]:
    """Whoever the item waits on: its owner, or with no owner the force's liaison officers."""
    if tracking.owner is not None:
        return [tracking.owner]
    return list(liaison_officers(tracking.organisation))


def _tell(people: Iterable[User], by: User | None, kind: NotificationKind, tracking: TrackingRecord, key: str) -> int:
    told = {person.pk: person for person in people if by is None or person.pk != by.pk}
    return sum(notify(person, kind, tracking, key=key) for person in told.values())


def tracking_moved(tracking: TrackingRecord, action: str, by: User) -> int:
    """A sign-off step: tell who waits on it next (and the owner, when it leaves the force)."""
    key = f"{action}:{tracking.pk}:v{tracking.version}"
    if action == TransitionAction.SUBMIT:
        return _tell(liaison_officers(tracking.organisation), by, NotificationKind.SUBMITTED, tracking, key)
    if action in (TransitionAction.RETURN_TO_OWNER, TransitionAction.RETURN_FROM_HMICFRS):
        return _tell(owner_or_liaison(tracking), by, NotificationKind.RETURNED, tracking, key)
    if action == TransitionAction.PASS_TO_HMICFRS:
        told = _tell(hmicfrs_leads(tracking.organisation), by, NotificationKind.WITH_HMICFRS, tracking, key)
        return told + _tell(owner_or_liaison(tracking), by, NotificationKind.WITH_HMICFRS, tracking, key)
    if action == TransitionAction.SIGN_OFF:
        people = [*owner_or_liaison(tracking), *liaison_officers(tracking.organisation)]
        return _tell(people, by, NotificationKind.SIGNED_OFF, tracking, key)
    return 0


def extension_asked(request: ExtensionRequest, by: User) -> int:
    """The force's liaison officers decide extensions."""
    tracking = request.tracking
    key = f"extension-asked:{request.pk}"
    return _tell(liaison_officers(tracking.organisation), by, NotificationKind.EXTENSION_ASKED, tracking, key)


def extension_decided(request: ExtensionRequest, by: User) -> int:
    """The person who asked learns the decision (on the item's page: approved or refused, and why)."""
    if request.decision == ExtensionDecision.PENDING:
        return 0
    key = f"extension-decided:{request.pk}"
    return _tell([request.requested_by], by, NotificationKind.EXTENSION_DECIDED, request.tracking, key)
