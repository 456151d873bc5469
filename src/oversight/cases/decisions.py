"""Decisions on a PPDA case, each through one guarded function that insists on its reasons.

Recording, the IOPC mandatory-referral checklist, the conduct assessment (kept apart from the
criminal outcome), deployment of each subject, and the 12-month then 6-monthly report to the
governing body on investigations still open (brief, section 6).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from oversight.concurrency import require
from oversight.lib.deadlines import add_months
from oversight.lib.ranks import rank_or_none

from . import access
from .models import (
    Case,
    CaseStatus,
    ConductAssessment,
    ConductOutcome,
    CriminalStatus,
    Deployment,
    DeploymentDecision,
    OpenCaseReport,
    RecordedAs,
    RecordingDecision,
    ReferralDecision,
    ReferralOutcome,
    Subject,
)
from .rules import (
    FIRST_OPEN_REPORT_MONTHS,
    REFER_BY_END_OF_DAYS_AFTER,
    REFERRAL_CRITERIA,
    REFERRAL_SUGGESTED_BY,
    REPEAT_OPEN_REPORT_MONTHS,
)
from .services import locked_case

# A decision that goes against the referral criteria, or leans on the criminal outcome, must be
# explained in at least a sentence, not a word or two.
SENTENCE_MIN_WORDS = 8

# Reports to the governing body falling due within this many days are listed as "due soon".
REPORT_DUE_SOON_DAYS = 28

# The criminal track is still running: a conduct assessment must not wait for it (brief, section 6).
CRIMINAL_ONGOING = (CriminalStatus.INVESTIGATING, CriminalStatus.CHARGED)

MISSING_REASONS = "Enter the reasons for this decision: a decision without its reasons cannot be recorded."
NOT_REFERRED_WHILE_MUST = (
    "The mandatory referral criteria are met. To record a decision not to refer, explain in at least "
    f"a sentence ({SENTENCE_MIN_WORDS} words or more) why the matter is not being referred to the IOPC."
)
UNTICKED_SUGGESTION = (
    "The recorded allegations suggest {criteria}. To record that a suggested criterion is not met, explain in at "
    f"least a sentence ({SENTENCE_MIN_WORDS} words or more) why it does not apply."
)
RELIED_ON_CRIMINAL = (
    "The misconduct decision must not simply follow the criminal outcome. Explain in at least a sentence "
    f"({SENTENCE_MIN_WORDS} words or more) why the criminal outcome was relied on and how the conduct "
    "was assessed on its own evidence."
)


def _reasons(text: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise ValidationError({"reasons": MISSING_REASONS})
    return cleaned


def is_a_sentence(text: str) -> bool:
    return len(text.split()) >= SENTENCE_MIN_WORDS


def _guard(case: Case, by: User) -> None:
    require(access.can_record_decision(by, case), "You cannot record decisions on this case.")


def _subject_of(case: Case, subject: Subject) -> Subject:
    if subject.case_id != case.pk:
        raise ValidationError({"subject": "Choose a subject of this case."})
    return subject


# Recording


def record_recording(case: Case, by: User, recorded_as: RecordedAs | str, reasons: str) -> RecordingDecision:
    """Record the case as a complaint, a (recordable) conduct matter, or not at all, with reasons."""
    _guard(case, by)
    if recorded_as not in RecordedAs.values:
        raise ValidationError({"recorded_as": "Choose how the matter is recorded."})
    cleaned = _reasons(reasons)
    with transaction.atomic():
        locked = locked_case(case, None)
        return RecordingDecision.objects.create(case=locked, recorded_as=recorded_as, reasons=cleaned, decided_by=by)


# IOPC mandatory referral


def must_refer(criteria: Iterable[str]) -> bool:
    return any(key in REFERRAL_CRITERIA for key in criteria)


def referral_reasons(criteria: Iterable[str]) -> list[str]:
    """Why the matter must be referred: the wording of each criterion that applies, in the checklist's order."""
    ticked = set(criteria)
    return [criterion.label for key, criterion in REFERRAL_CRITERIA.items() if key in ticked]


def _mentions(text: str, phrases: Iterable[str]) -> str | None:
    """The first phrase the text mentions as whole words, case aside."""
    return next((p for p in phrases if re.search(rf"\b{re.escape(p)}\b", text, re.IGNORECASE)), None)


def suggested_criteria(case: Case) -> dict[str, list[str]]:
    """What the recorded allegations and subjects already say: each criterion they suggest, with why, in the
    checklist's order. Pre-ticked for the appropriate authority to confirm."""
    why: dict[str, list[str]] = {}
    for allegation in case.allegations.order_by("pk"):
        for key, phrases in REFERRAL_SUGGESTED_BY.items():
            if phrase := _mentions(allegation.description, phrases):
                why.setdefault(key, []).append(f"The allegation '{allegation.description}' mentions {phrase}.")
    for subject in case.subjects.select_related("person"):
        rank = rank_or_none(subject.person.rank_or_grade)
        if rank is not None and rank.chief_officer:
            why.setdefault("chief_officer", []).append(
                f"{subject.person.display_name} is a chief officer ({rank.title}): the local policing body is the "
                "appropriate authority."
            )
    return {key: why[key] for key in REFERRAL_CRITERIA if key in why}


def refer_by(seen_on: dt.date) -> dt.date:
    """The last day to refer: the end of the day after the day the criteria were seen to be met."""
    return seen_on + dt.timedelta(days=REFER_BY_END_OF_DAYS_AFTER)


@dataclass(frozen=True)
class ReferralTiming:
    """When a matter meeting the criteria had to be referred, and when it was."""

    seen_on: dt.date
    referred_on: dt.date | None

    @property
    def refer_by(self) -> dt.date:
        return refer_by(self.seen_on)

    @property
    def days_late(self) -> int:
        return max(((self.referred_on or self.seen_on) - self.refer_by).days, 0)

    @property
    def late(self) -> bool:
        return self.days_late > 0


def referral_timing(decision: ReferralDecision) -> ReferralTiming | None:
    """The time limit of a decision whose criteria are met; a decision not recorded with the day the criteria
    were seen counts them as seen on the day of the decision."""
    if not decision.must_refer:
        return None
    decided_on = timezone.localdate(decision.decided_at)
    referred = decided_on if decision.outcome == ReferralOutcome.REFERRED else None
    return ReferralTiming(decision.criteria_seen_on or decided_on, referred)


def _check_referral(case: Case, choice: ReferralChoice, today: dt.date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if unknown := sorted(key for key in choice.criteria if key not in REFERRAL_CRITERIA):
        errors["criteria_met"] = f"Unknown referral criteria: {', '.join(unknown)}."
    if choice.outcome not in ReferralOutcome.values:
        errors["outcome"] = "Choose whether the matter was referred to the IOPC."
    if seen := _seen_on_problem(case, choice.criteria_seen_on, today):
        errors["criteria_seen_on"] = seen
    if not choice.reasons.strip():
        errors["reasons"] = MISSING_REASONS
    elif not is_a_sentence(choice.reasons) and (explain := _needs_a_sentence(case, choice)):
        errors["reasons"] = explain
    if choice.outcome == ReferralOutcome.REFERRED and not choice.iopc_reference.strip():
        errors["iopc_reference"] = "Enter the IOPC reference for the referral."
    return errors


def _seen_on_problem(case: Case, seen_on: dt.date | None, today: dt.date) -> str | None:
    if seen_on is not None and seen_on > today:
        return "The date the criteria were seen to be met cannot be in the future."
    if seen_on is not None and seen_on < case.received_on:
        received = f"{case.received_on:%-d %B %Y}"
        return f"The date the criteria were seen to be met cannot be before the case was received ({received})."
    return None


def _needs_a_sentence(case: Case, choice: ReferralChoice) -> str | None:
    """Short reasons will not do when not referring against the criteria, or when a criterion the allegations
    suggest was unticked."""
    if choice.outcome == ReferralOutcome.NOT_REFERRED and must_refer(choice.criteria):
        return NOT_REFERRED_WHILE_MUST
    if unticked := [key for key in suggested_criteria(case) if key not in set(choice.criteria)]:
        return UNTICKED_SUGGESTION.format(criteria="; ".join(REFERRAL_CRITERIA[key].label.lower() for key in unticked))
    return None


@dataclass(frozen=True)
class ReferralChoice:
    """The checklist as ticked and what was decided."""

    criteria: Collection[str]
    outcome: str
    reasons: str
    iopc_reference: str = ""
    criteria_seen_on: dt.date | None = None


def record_referral(
    case: Case,
    by: User,
    criteria: Collection[str],
    outcome: ReferralOutcome | str,
    reasons: str,
    iopc_reference: str = "",
    *,
    criteria_seen_on: dt.date | None = None,
    today: dt.date | None = None,
) -> ReferralDecision:
    """The checklist as ticked and what was decided; a decision not to refer needs reasons too. Without the day
    the criteria were seen to be met, they count as seen on the day of the decision."""
    _guard(case, by)
    choice = ReferralChoice(criteria, str(outcome), reasons, iopc_reference, criteria_seen_on)
    if errors := _check_referral(case, choice, today or timezone.localdate()):
        raise ValidationError(errors)
    ticked = [key for key in REFERRAL_CRITERIA if key in set(criteria)]  # in the checklist's order
    reference = iopc_reference.strip() if outcome == ReferralOutcome.REFERRED else ""
    with transaction.atomic():
        locked = locked_case(case, None)
        return ReferralDecision.objects.create(
            case=locked,
            criteria_met=ticked,
            outcome=outcome,
            iopc_reference=reference,
            criteria_seen_on=criteria_seen_on if ticked else None,
            reasons=reasons.strip(),
            decided_by=by,
        )


# Conduct assessment


def record_conduct_assessment(
    case: Case, by: User, subject: Subject, outcome: ConductOutcome | str, reasons: str, *, relied_on_criminal: bool
) -> ConductAssessment:
    """Assess a subject's conduct on its own evidence; leaning on the criminal outcome must be explained."""
    _guard(case, by)
    _subject_of(case, subject)
    if outcome not in ConductOutcome.values:
        raise ValidationError({"outcome": "Choose the outcome of the conduct assessment."})
    cleaned = _reasons(reasons)
    if relied_on_criminal and not is_a_sentence(cleaned):
        raise ValidationError({"reasons": RELIED_ON_CRIMINAL})
    with transaction.atomic():
        locked = locked_case(case, None)
        return ConductAssessment.objects.create(
            case=locked,
            subject=subject,
            outcome=outcome,
            criminal_outcome_relied_on=relied_on_criminal,
            reasons=cleaned,
            decided_by=by,
        )


def subjects_awaiting_assessment(case: Case) -> list[Subject]:
    assessed = set(case.conduct_assessments.values_list("subject_id", flat=True))
    return [subject for subject in case.subjects.select_related("person") if subject.pk not in assessed]


def conduct_waits_on_criminal(case: Case) -> bool:
    """The conduct assessment is outstanding while the criminal track is still running."""
    return (
        case.status != CaseStatus.CLOSED
        and case.criminal_status in CRIMINAL_ONGOING
        and (bool(subjects_awaiting_assessment(case)))
    )


# Deployment


def record_deployment(
    case: Case,
    by: User,
    subject: Subject,
    deployment: Deployment | str,
    review_on: dt.date | None,
    reasons: str,
    *,
    today: dt.date | None = None,
) -> DeploymentDecision:
    """Deploy the subject (no change, restricted, suspended) with rationale and a future review date."""
    _guard(case, by)
    _subject_of(case, subject)
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if deployment not in Deployment.values:
        errors["deployment"] = "Choose how the subject is deployed."
    if review_on is None:
        errors["review_on"] = "Enter the date this decision will be reviewed."
    elif review_on <= today:
        errors["review_on"] = "The review date must be in the future."
    if not reasons.strip():
        errors["reasons"] = MISSING_REASONS
    if errors:
        raise ValidationError(errors)
    assert review_on is not None
    with transaction.atomic():
        locked = locked_case(case, None)
        return DeploymentDecision.objects.create(
            case=locked,
            subject=subject,
            deployment=deployment,
            review_on=review_on,
            works_with_vulnerable=subject.person.works_with_vulnerable,
            reasons=reasons.strip(),
            decided_by=by,
        )


def unrestricted_with_vulnerable(decision: DeploymentDecision) -> bool:
    """The flag: a subject who works with vulnerable victims left in post without restriction."""
    return decision.works_with_vulnerable and decision.deployment == Deployment.NO_CHANGE


# Reports on investigations still open


def open_report_dates(received_on: dt.date, until: dt.date) -> list[dt.date]:
    """Due dates from receipt: at 12 months, then every 6 months, up to and including `until`."""
    dates: list[dt.date] = []
    months = FIRST_OPEN_REPORT_MONTHS
    while (due := add_months(received_on, months)) <= until:
        dates.append(due)
        months += REPEAT_OPEN_REPORT_MONTHS
    return dates


def next_open_report_date(case: Case, today: dt.date) -> dt.date | None:
    """The next report date after today, for a case still open."""
    if case.status == CaseStatus.CLOSED:
        return None
    months = FIRST_OPEN_REPORT_MONTHS
    while (due := add_months(case.received_on, months)) <= today:
        months += REPEAT_OPEN_REPORT_MONTHS
    return due


def open_case_reports_due(case: Case, today: dt.date) -> list[dt.date]:
    """Report dates on or before today not yet reported; none once the case is closed."""
    if case.status == CaseStatus.CLOSED:
        return []
    reported = set(case.open_case_reports.values_list("due_on", flat=True))
    return [due for due in open_report_dates(case.received_on, today) if due not in reported]


@dataclass(frozen=True)
class ReportDue:
    case: Case
    due_on: dt.date
    today: dt.date

    @property
    def overdue(self) -> bool:
        return self.due_on < self.today


def reports_due(user: User, today: dt.date) -> list[ReportDue]:
    """Unreported and soon-due reports on open cases the person may see, earliest first."""
    soon = today + dt.timedelta(days=REPORT_DUE_SOON_DAYS)
    found: list[ReportDue] = []
    cases = access.visible_cases(user).live().filter(received_on__lte=add_months(soon, -FIRST_OPEN_REPORT_MONTHS))
    for case in cases.prefetch_related("open_case_reports").order_by("pk"):
        reported = {report.due_on for report in case.open_case_reports.all()}
        found += [
            ReportDue(case, due, today) for due in open_report_dates(case.received_on, soon) if due not in reported
        ]
    return sorted(found, key=lambda item: (item.due_on, item.case.reference))


def report_dates_open_to_record(case: Case, today: dt.date) -> list[dt.date]:
    """Dates a report may be recorded against: those past and unreported, and the next one."""
    dates = open_case_reports_due(case, today)
    upcoming = next_open_report_date(case, today)
    return dates + ([upcoming] if upcoming and upcoming not in dates else [])


def record_open_case_report(
    case: Case,
    by: User,
    due_on: dt.date,
    reasons_still_open: str,
    next_steps: str,
    *,
    today: dt.date | None = None,
) -> OpenCaseReport:
    """Record the report to the governing body and the IOPC: why the case is still open and what comes next."""
    _guard(case, by)
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if case.status == CaseStatus.CLOSED:
        raise ValidationError("The case is closed: no report on an open investigation is needed.")
    if due_on not in report_dates_open_to_record(case, today):
        errors["due_on"] = "Choose a report date that is due and not yet reported."
    if not reasons_still_open.strip():
        errors["reasons_still_open"] = "Enter why the investigation is still open."
    if not next_steps.strip():
        errors["next_steps"] = "Enter the next steps."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = locked_case(case, None)
        return OpenCaseReport.objects.create(
            case=locked,
            due_on=due_on,
            reported_on=today,
            reasons_still_open=reasons_still_open.strip(),
            next_steps=next_steps.strip(),
            reported_by=by,
        )


# What the decisions page shows


@dataclass
class DecisionsSummary:
    """Every decision on the case with the warnings the page must raise."""

    case: Case
    today: dt.date
    recordings: list[RecordingDecision]
    referrals: list[ReferralDecision]
    assessments: list[ConductAssessment]
    deployments: list[DeploymentDecision]
    reports: list[OpenCaseReport]
    reports_due: list[dt.date]
    next_report_on: dt.date | None
    awaiting_assessment: list[Subject]
    conduct_waits: bool
    suggestions: dict[str, list[str]]

    @property
    def latest_referral(self) -> ReferralDecision | None:
        return self.referrals[0] if self.referrals else None

    @property
    def referral_made(self) -> ReferralDecision | None:
        """The latest decision, when it was to refer: the must-refer warning gives way to it."""
        latest = self.latest_referral
        return latest if latest is not None and latest.outcome == ReferralOutcome.REFERRED else None

    @property
    def latest_timing(self) -> ReferralTiming | None:
        latest = self.latest_referral
        return referral_timing(latest) if latest is not None else None

    @property
    def case_open(self) -> bool:
        return self.case.status != CaseStatus.CLOSED

    @property
    def suggested_rows(self) -> list[tuple[str, list[str]]]:
        """What the recorded allegations suggest, worded, while no referral decision is recorded."""
        if self.referrals:
            return []
        return [(REFERRAL_CRITERIA[key].label, why) for key, why in self.suggestions.items()]

    @property
    def referral_rows(self) -> list[tuple[ReferralDecision, list[str], ReferralTiming | None]]:
        """Each referral decision with the wording of the criteria ticked and its time limit."""
        return [(d, referral_reasons(d.criteria_met), referral_timing(d)) for d in self.referrals]

    @property
    def not_referred_against_criteria(self) -> bool:
        latest = self.latest_referral
        return latest is not None and latest.must_refer and latest.outcome == ReferralOutcome.NOT_REFERRED

    @property
    def vulnerable_unrestricted(self) -> list[DeploymentDecision]:
        return [decision for decision in self.latest_deployments if unrestricted_with_vulnerable(decision)]

    @property
    def latest_deployments(self) -> list[DeploymentDecision]:
        seen: dict[int, DeploymentDecision] = {}
        for decision in self.deployments:  # newest first
            seen.setdefault(decision.subject_id, decision)
        return list(seen.values())

    @property
    def deployment_reviews_due(self) -> list[DeploymentDecision]:
        return [decision for decision in self.latest_deployments if decision.review_on <= self.today]


def decisions_summary(case: Case, today: dt.date) -> DecisionsSummary:
    return DecisionsSummary(
        case=case,
        today=today,
        recordings=list(case.recording_decisions.select_related("decided_by")),
        referrals=list(case.referral_decisions.select_related("decided_by")),
        assessments=list(case.conduct_assessments.select_related("decided_by", "subject__person")),
        deployments=list(case.deployment_decisions.select_related("decided_by", "subject__person")),
        reports=list(case.open_case_reports.select_related("reported_by")),
        reports_due=open_case_reports_due(case, today),
        next_report_on=next_open_report_date(case, today),
        awaiting_assessment=subjects_awaiting_assessment(case),
        conduct_waits=conduct_waits_on_criminal(case),
        suggestions=suggested_criteria(case),
    )
