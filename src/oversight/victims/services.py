"""Every change to the victim's voice, each a guarded function, and the reads the pages show.

Each write checks access (victims/access.py) and raises PermissionDenied for someone who may not
make it, and ValidationError, with a message that says what to fix, for input the rules refuse.
Nothing is overwritten where the history matters: preferences, risk levels and Victims' Code
statuses gain a new row per change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.dateformat import format as date_format

from oversight.cases.models import Case, TeamMember, TeamRole, Victim
from oversight.concurrency import ConcurrentEditError, check_version, lock_for_change, require

from . import access
from .models import (
    Channel,
    CodeRightStatus,
    ContactEntry,
    ContactPreferences,
    DashAssessment,
    MaracReferral,
    OicChangeRequest,
    OicOutcome,
    ReferralStatus,
    RightStatus,
    RiskLevel,
    SupportKind,
    SupportReferral,
    Weekday,
)
from .rules import RIGHT_NUMBERS, VICTIMS_CODE_RIGHTS, Right, is_police_mailbox

POLICE_MAILBOX = (
    "{email} is a police mailbox. The victim is police staff, so they must never be contacted on a "
    "police email address: the subject may be able to read it. Ask the victim for a personal email address."
)


def _require(check: Callable[[User, Case], bool], by: User, case: Case) -> None:
    require(check(by, case), "You cannot change the victim's record on this case.")


def _not_future(day: dt.date | None, field_name: str, what: str) -> dict[str, str]:
    if day is not None and day > timezone.localdate():
        return {field_name: f"The date {what} cannot be in the future."}
    return {}


def _victim(case: Case) -> Victim:
    victim = Victim.objects.filter(case=case).first()
    if victim is None:
        raise ValidationError("This case has no victim recorded yet.")
    return victim


# --- single point of contact ------------------------------------------------------------------


def spocs(case: Case) -> list[TeamMember]:
    """The case's active single points of contact, the senior (longest in post) first."""
    return list(
        TeamMember.objects.active()
        .filter(case=case, role=TeamRole.SPOC)
        .select_related("user", "organisation")
        .order_by("added_at", "pk")
    )


def senior_spoc(case: Case) -> TeamMember | None:
    found = spocs(case)
    return found[0] if found else None


# --- communication preferences ----------------------------------------------------------------


@dataclass
class PreferencesInput:
    channel: str
    contact_interval_days: int
    safe_times: str = ""
    safe_days: list[str] = field(default_factory=list)
    safe_address: str = ""
    safe_phone: str = ""
    safe_email: str = ""
    voicemail_ok: bool = False
    messages_ok: bool = False
    idva_name: str = ""
    idva_service: str = ""
    language_needs: str = ""
    accessibility_needs: str = ""
    note: str = ""


def current_preferences(case: Case) -> ContactPreferences | None:
    return ContactPreferences.objects.filter(victim__case=case).select_related("victim", "recorded_by").first()


def preferences_history(case: Case) -> list[ContactPreferences]:
    return list(ContactPreferences.objects.filter(victim__case=case).select_related("victim", "recorded_by"))


_CHANNEL_NEEDS = {
    Channel.PHONE: ("safe_phone", "Enter a safe phone number: the victim chose contact by phone."),
    Channel.EMAIL: ("safe_email", "Enter a safe email address: the victim chose contact by email."),
    Channel.LETTER: ("safe_address", "Enter a safe postal address: the victim chose contact by letter."),
}


def check_preferences(victim: Victim, new: PreferencesInput) -> None:
    """The rules a set of preferences must meet; raises ValidationError with every problem."""
    errors: dict[str, str] = {}
    if new.channel not in Channel.values:
        errors["channel"] = "Choose how the victim wants to be contacted."
    needed = _CHANNEL_NEEDS.get(Channel(new.channel)) if new.channel in Channel.values else None
    if needed and not getattr(new, needed[0]).strip():
        errors[needed[0]] = needed[1]
    if new.channel == Channel.IDVA:
        if not new.idva_name.strip():
            errors["idva_name"] = "Enter the IDVA's name: the victim chose contact through an IDVA."
        if not new.idva_service.strip():
            errors["idva_service"] = "Enter the IDVA's service: the victim chose contact through an IDVA."
    if victim.is_police_staff and new.safe_email and is_police_mailbox(new.safe_email):
        errors["safe_email"] = POLICE_MAILBOX.format(email=new.safe_email.strip())
    if not 1 <= new.contact_interval_days <= 365:
        errors["contact_interval_days"] = "The agreed contact interval must be between 1 and 365 days."
    if any(day not in Weekday.values for day in new.safe_days):
        errors["safe_days"] = "Choose days of the week."
    if errors:
        raise ValidationError(errors)


def record_preferences(case: Case, new: PreferencesInput, by: User, expected_number: int) -> ContactPreferences:
    """A new current set of preferences; the earlier sets are kept. `expected_number` is the number of
    the set the person was looking at (0 for none), so a change made on a stale page is refused."""
    _require(access.can_write, by, case)
    victim = _victim(case)
    check_preferences(victim, new)
    try:
        with transaction.atomic():
            Victim.objects.select_for_update().filter(pk=victim.pk).first()
            latest = ContactPreferences.objects.filter(victim=victim).aggregate(n=Max("number"))["n"] or 0
            check_version(latest, expected_number)
            return ContactPreferences.objects.create(
                victim=victim,
                number=latest + 1,
                channel=new.channel,
                safe_times=new.safe_times.strip(),
                safe_days=[day for day in Weekday.values if day in new.safe_days],
                safe_address=new.safe_address.strip(),
                safe_phone=new.safe_phone.strip(),
                safe_email=new.safe_email.strip(),
                voicemail_ok=new.voicemail_ok,
                messages_ok=new.messages_ok,
                idva_name=new.idva_name.strip(),
                idva_service=new.idva_service.strip(),
                language_needs=new.language_needs.strip(),
                accessibility_needs=new.accessibility_needs.strip(),
                contact_interval_days=new.contact_interval_days,
                note=new.note.strip(),
                recorded_by=by,
            )
    except IntegrityError as clash:
        raise ConcurrentEditError() from clash


# --- contact log --------------------------------------------------------------------------------


def preferences_on(case: Case, day: dt.date) -> ContactPreferences | None:
    """The preferences in force on a day: the latest set recorded on or before it."""
    return ContactPreferences.objects.filter(victim__case=case, recorded_at__date__lte=day).first()


def record_contact(
    case: Case,
    by: User,
    *,
    contacted_on: dt.date,
    channel: str,
    summary: str,
    preferences_followed: bool,
    not_followed_reason: str = "",
) -> ContactEntry:
    _require(access.can_write, by, case)
    errors = _not_future(contacted_on, "contacted_on", "of contact")
    if not summary.strip():
        errors["summary"] = "Enter a summary of the contact."
    preferences = preferences_on(case, contacted_on)
    if preferences is not None and channel != preferences.channel and preferences_followed:
        errors["preferences_followed"] = (
            f"The victim chose {preferences.get_channel_display().lower()}, but this contact was by "
            f"{Channel(channel).label.lower()}: say the preferences were not followed, and why."
        )
    if not preferences_followed and not not_followed_reason.strip():
        errors["not_followed_reason"] = "Say why the victim's preferences were not followed."
    if errors:
        raise ValidationError(errors)
    return ContactEntry.objects.create(
        case=case,
        contacted_on=contacted_on,
        by=by,
        channel=channel,
        summary=summary.strip(),
        preferences=preferences,
        preferences_followed=preferences_followed,
        not_followed_reason=not_followed_reason.strip() if not preferences_followed else "",
    )


def contact_log(case: Case) -> list[ContactEntry]:
    return list(ContactEntry.objects.filter(case=case).select_related("by", "preferences"))


@dataclass(frozen=True)
class ContactDue:
    """When the victim was last contacted and whether the agreed interval has passed."""

    last_on: dt.date | None
    agreed_on: dt.date | None  # when the current interval was agreed
    interval_days: int | None
    due_on: dt.date | None
    overdue: bool
    days_overdue: int


def interval_agreed_on(versions: Iterable[tuple[int, dt.datetime]]) -> dt.date | None:
    """The day the current contact interval was agreed, from (interval, recorded at) of each set of
    preferences, newest first: the earliest set of the latest run with that interval, so a change of
    channel alone does not restart the count, while a new interval does."""
    agreed: tuple[int, dt.datetime] | None = None
    for interval, recorded_at in versions:
        if agreed is not None and interval != agreed[0]:
            break
        agreed = (interval, recorded_at)
    return timezone.localdate(agreed[1]) if agreed else None


def contact_due_from(
    agreed_on: dt.date | None, last_on: dt.date | None, interval: int | None, today: dt.date
) -> ContactDue:
    """Measured from the last contact or, if later or there has been none, from the day the interval was
    agreed: nothing can be overdue before there was an interval to keep to."""
    if interval is None or agreed_on is None:
        return ContactDue(last_on, None, None, None, False, 0)
    due_on = max(agreed_on, last_on or agreed_on) + dt.timedelta(days=interval)
    late = (today - due_on).days
    return ContactDue(last_on, agreed_on, interval, due_on, late > 0, max(late, 0))


def contact_due(case: Case, today: dt.date) -> ContactDue:
    """Without an agreed interval nothing is overdue (the page says no interval is agreed)."""
    last_on = ContactEntry.objects.filter(case=case).aggregate(last=Max("contacted_on"))["last"]
    return _due(preferences_history(case), last_on, today)


def _due(history: list[ContactPreferences], last_on: dt.date | None, today: dt.date) -> ContactDue:
    """`history` newest first, as preferences_history gives it."""
    return _due_from_versions([(v.contact_interval_days, v.recorded_at) for v in history], last_on, today)


def _due_from_versions(versions: list[tuple[int, dt.datetime]], last_on: dt.date | None, today: dt.date) -> ContactDue:
    """`versions` are (interval, recorded at) of each set of preferences, newest first."""
    interval = versions[0][0] if versions else None
    return contact_due_from(interval_agreed_on(versions), last_on, interval, today)


def contact_overdue(case: Case, today: dt.date) -> bool:
    """The last contact (or the agreement of the interval, if later) is older than the agreed interval."""
    return contact_due(case, today).overdue


@dataclass(frozen=True)
class OverdueRow:
    case: Case
    due: ContactDue


def overdue_contacts(user: User, today: dt.date) -> list[OverdueRow]:
    """Live cases this person can see whose victim is overdue contact, most overdue first."""
    cases = list(access.visible_cases(user).live().select_related("victim", "force"))
    ids = [case.pk for case in cases]
    last = dict(
        ContactEntry.objects.filter(case_id__in=ids)
        .values_list("case_id")
        .annotate(last=Max("contacted_on"))
        .values_list("case_id", "last")
    )
    versions: dict[int, list[tuple[int, dt.datetime]]] = {}
    for case_id, interval, recorded_at in ContactPreferences.objects.filter(victim__case_id__in=ids).values_list(
        "victim__case_id", "contact_interval_days", "recorded_at"
    ):
        versions.setdefault(case_id, []).append((interval, recorded_at))  # ordered by -number: newest first
    rows = [OverdueRow(case, _due_from_versions(versions.get(case.pk, []), last.get(case.pk), today)) for case in cases]
    overdue = [row for row in rows if row.due.overdue]
    return sorted(overdue, key=lambda row: (-row.due.days_overdue, row.case.reference))


def oic_requests(case: Case) -> list[OicChangeRequest]:
    return list(OicChangeRequest.objects.filter(case=case).select_related("decided_by", "recorded_by"))


def support_referrals(case: Case) -> list[SupportReferral]:
    return list(SupportReferral.objects.filter(case=case).select_related("recorded_by"))


def marac_referrals(case: Case) -> list[MaracReferral]:
    return list(MaracReferral.objects.filter(case=case).select_related("recorded_by"))


def dash_history(case: Case) -> list[DashAssessment]:
    return list(DashAssessment.objects.filter(case=case).select_related("recorded_by"))


# --- change of officer in the case --------------------------------------------------------------


def request_oic_change(case: Case, by: User, *, requested_on: dt.date, victim_reason: str = "") -> OicChangeRequest:
    _require(access.can_write, by, case)
    errors = _not_future(requested_on, "requested_on", "of the request")
    if errors:
        raise ValidationError(errors)
    return OicChangeRequest.objects.create(
        case=case, requested_on=requested_on, victim_reason=victim_reason.strip(), recorded_by=by
    )


def decide_oic_change(request: OicChangeRequest, by: User, *, outcome: str, reasons: str) -> OicChangeRequest:
    """Grant or refuse; refusing needs reasons (the victim is told them). A decided request stays decided."""
    _require(access.can_decide_oic_change, by, request.case)
    if outcome not in (OicOutcome.GRANTED, OicOutcome.REFUSED):
        raise ValidationError({"outcome": "Choose whether the request is granted or refused."})
    if outcome == OicOutcome.REFUSED and not reasons.strip():
        raise ValidationError({"reasons": "Give the reasons for refusing the request: the victim must be told them."})
    with transaction.atomic():
        locked = OicChangeRequest.objects.select_for_update().get(pk=request.pk)
        if locked.outcome != OicOutcome.PENDING:
            raise ValidationError(
                "This request has already been decided. Your decision has not been saved: reload the page to see it.",
                code="stale",
            )
        locked.outcome = outcome
        locked.outcome_reasons = reasons.strip()
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.save(update_fields=["outcome", "outcome_reasons", "decided_by", "decided_at"])
    return locked


# --- support referrals --------------------------------------------------------------------------


def refer_to_support(
    case: Case,
    by: User,
    *,
    service_name: str,
    kind: str,
    out_of_area: bool,
    referred_on: dt.date,
    status: str = ReferralStatus.AWAITING,
    notes: str = "",
) -> SupportReferral:
    _require(access.can_write, by, case)
    errors = _not_future(referred_on, "referred_on", "of referral")
    if not service_name.strip():
        errors["service_name"] = "Enter the name of the service."
    if kind not in SupportKind.values:
        errors["kind"] = "Choose the kind of service."
    if errors:
        raise ValidationError(errors)
    return SupportReferral.objects.create(
        case=case,
        service_name=service_name.strip(),
        kind=kind,
        out_of_area=out_of_area,
        referred_on=referred_on,
        status=status,
        notes=notes.strip(),
        recorded_by=by,
    )


def update_referral(
    referral: SupportReferral, by: User, *, status: str, notes: str, expected_version: int
) -> SupportReferral:
    _require(access.can_write, by, referral.case)
    if status not in ReferralStatus.values:
        raise ValidationError({"status": "Choose whether the referral was accepted, declined or is awaiting a reply."})
    with transaction.atomic():
        locked = lock_for_change(SupportReferral, referral.pk, expected_version)
        locked.status = status
        locked.notes = notes.strip()
        locked.version += 1
        locked.save(update_fields=["status", "notes", "version"])
    return locked


# --- MARAC and DASH -----------------------------------------------------------------------------


def refer_to_marac(
    case: Case,
    by: User,
    *,
    referred_on: dt.date,
    closed_panel: bool,
    open_panel_reason: str = "",
    meeting_on: dt.date | None = None,
    outcome_notes: str = "",
) -> MaracReferral:
    """The suspect in a PPDA case is police, so an open panel needs a recorded reason."""
    _require(access.can_write, by, case)
    errors = _not_future(referred_on, "referred_on", "of referral")
    if not closed_panel and not open_panel_reason.strip():
        errors["open_panel_reason"] = (
            "The suspect is police: say why the MARAC is not a closed panel, or choose a closed panel."
        )
    if meeting_on and meeting_on < referred_on:
        errors["meeting_on"] = "The meeting cannot be before the referral."
    if errors:
        raise ValidationError(errors)
    return MaracReferral.objects.create(
        case=case,
        referred_on=referred_on,
        closed_panel=closed_panel,
        open_panel_reason=open_panel_reason.strip() if not closed_panel else "",
        meeting_on=meeting_on,
        outcome_notes=outcome_notes.strip(),
        recorded_by=by,
    )


def update_marac(
    marac: MaracReferral, by: User, *, meeting_on: dt.date | None, outcome_notes: str, expected_version: int
) -> MaracReferral:
    _require(access.can_write, by, marac.case)
    if meeting_on and meeting_on < marac.referred_on:
        raise ValidationError({"meeting_on": "The meeting cannot be before the referral."})
    with transaction.atomic():
        locked = lock_for_change(MaracReferral, marac.pk, expected_version)
        locked.meeting_on = meeting_on
        locked.outcome_notes = outcome_notes.strip()
        locked.version += 1
        locked.save(update_fields=["meeting_on", "outcome_notes", "version"])
    return locked


def record_dash(case: Case, by: User, *, level: str, assessed_on: dt.date, notes: str = "") -> DashAssessment:
    _require(access.can_write, by, case)
    errors = _not_future(assessed_on, "assessed_on", "of the assessment")
    if level not in RiskLevel.values:
        errors["level"] = "Choose the DASH risk level."
    if errors:
        raise ValidationError(errors)
    return DashAssessment.objects.create(
        case=case, level=level, assessed_on=assessed_on, notes=notes.strip(), recorded_by=by
    )


# --- the Victims' Code --------------------------------------------------------------------------


def set_right_status(
    case: Case, by: User, *, right: int, status: str, evidence: str, status_on: dt.date
) -> CodeRightStatus:
    """A new status for one right; met needs its evidence, not applicable its reason."""
    _require(access.can_write, by, case)
    if right not in RIGHT_NUMBERS:
        raise ValidationError("There is no such right in the Victims' Code.")
    errors = _not_future(status_on, "status_on", "of the status")
    if status not in RightStatus.values:
        errors["status"] = "Choose whether the right is met, not yet met or not applicable."
    elif status == RightStatus.MET and not evidence.strip():
        errors["evidence"] = "Say what shows the right was met (the evidence)."
    elif status == RightStatus.NOT_APPLICABLE and not evidence.strip():
        errors["evidence"] = "Say why the right does not apply to this case."
    if errors:
        raise ValidationError(errors)
    return CodeRightStatus.objects.create(
        case=case, right=right, status=status, evidence=evidence.strip(), status_on=status_on, recorded_by=by
    )


@dataclass(frozen=True)
class RightRow:
    right: Right
    current: CodeRightStatus | None

    @property
    def status(self) -> str:
        return self.current.status if self.current else RightStatus.NOT_YET


@dataclass(frozen=True)
class CodeSummary:
    rows: list[RightRow]

    def _count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def met(self) -> int:
        return self._count(RightStatus.MET)

    @property
    def not_applicable(self) -> int:
        return self._count(RightStatus.NOT_APPLICABLE)

    @property
    def not_yet(self) -> int:
        return self._count(RightStatus.NOT_YET)

    @property
    def sentence(self) -> str:
        text = f"{self.met} of {self.total} met"
        return f"{text}, {self.not_applicable} not applicable" if self.not_applicable else text


def _latest_per_right(statuses: Iterable[CodeRightStatus]) -> dict[int, CodeRightStatus]:
    latest: dict[int, CodeRightStatus] = {}
    for status in statuses:  # ordered by right, then newest first
        latest.setdefault(status.right, status)
    return latest


def code_summary(case: Case) -> CodeSummary:
    latest = _latest_per_right(CodeRightStatus.objects.filter(case=case).select_related("recorded_by"))
    return CodeSummary([RightRow(right, latest.get(right.number)) for right in VICTIMS_CODE_RIGHTS])


def right_history(case: Case, right: int) -> list[CodeRightStatus]:
    return list(CodeRightStatus.objects.filter(case=case, right=right).select_related("recorded_by"))


# --- the victim's page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class VictimPage:
    """Everything the victim's page shows, each read once; the warnings are worked out from it."""

    spocs: list[TeamMember]
    preferences: ContactPreferences | None
    due: ContactDue
    contacts: list[ContactEntry]
    oic_requests: list[OicChangeRequest]
    referrals: list[SupportReferral]
    maracs: list[MaracReferral]
    dash: list[DashAssessment]
    code: CodeSummary
    warnings: list[str]


def victim_page(case: Case, today: dt.date) -> VictimPage:
    history = preferences_history(case)
    preferences = history[0] if history else None
    contacts = contact_log(case)  # newest first
    due = _due(history, contacts[0].contacted_on if contacts else None, today)
    spoc_list, maracs, dash = spocs(case), marac_referrals(case), dash_history(case)
    return VictimPage(
        spocs=spoc_list,
        preferences=preferences,
        due=due,
        contacts=contacts,
        oic_requests=oic_requests(case),
        referrals=support_referrals(case),
        maracs=maracs,
        dash=dash,
        code=code_summary(case),
        warnings=_warnings(spoc_list, preferences, due, contacts, dash[0] if dash else None, bool(maracs)),
    )


def _long(day: dt.date | None) -> str:
    return date_format(day, "j F Y") if day else ""


def warnings(case: Case, today: dt.date) -> list[str]:
    """Everything about the victim's voice on this case that needs someone's attention."""
    return victim_page(case, today).warnings


def _warnings(
    spoc_list: list[TeamMember],
    preferences: ContactPreferences | None,
    due: ContactDue,
    contacts: list[ContactEntry],
    dash: DashAssessment | None,
    has_marac: bool,
) -> list[str]:
    found: list[str] = []
    if not spoc_list:
        found.append("No single point of contact is assigned to the victim.")
    if preferences is None:
        found.append("The victim's communication preferences have not been recorded.")
    elif preferences.victim.is_police_staff and preferences.safe_email and is_police_mailbox(preferences.safe_email):
        found.append(f"The safe email address {preferences.safe_email} is a police mailbox: record a personal one.")
    if due.overdue:
        found.append(f"Contact is overdue: due by {_long(due.due_on)}, {due.days_overdue} days ago.")
    for entry in contacts:
        if entry.unchosen_channel and entry.preferences:
            found.append(
                f"The contact on {_long(entry.contacted_on)} was by {entry.get_channel_display().lower()}, "
                f"a channel the victim did not choose (they chose {entry.preferences.get_channel_display().lower()})."
            )
    if dash and dash.level == RiskLevel.HIGH and not has_marac:
        found.append("The DASH risk level is high but there is no MARAC referral.")
    return found
