"""The recommendation 1 audit of a force's PPDA cases, its report, and dip samples for the governing body.

The audit covers every case of the force live on the chosen date and those closed in the 12 months
before it (brief, section 5, item 1), limited to the cases the PSD lead running it may see: a lead
excluded from a case neither sees nor counts it. Dip samples show the governing body's reviewers
masked summaries only; they never get access to the cases.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from oversight.concurrency import bump_version, lock_for_change
from oversight.lib.deadlines import add_months
from oversight.organisations.access import members_of
from oversight.organisations.models import Organisation, Role

from . import access
from .models import (
    INDEPENDENT_ROLES,
    Arrival,
    AuditStatus,
    Case,
    CaseAudit,
    CaseAuditEntry,
    CaseQuerySet,
    DipSample,
    DipSampleEntry,
    RecordedAs,
    Score,
    TeamMember,
)
from .rules import AUDIT_CHECKLIST, AUDIT_LOOKBACK_MONTHS

# Population and starting an audit


def closed_by(case: Case, as_of: dt.date) -> bool:
    """Was the case already closed on the audit date? (A case closed later was live then.)"""
    return case.closed_on is not None and case.closed_on <= as_of


def audit_population(force: Organisation, as_of: dt.date) -> CaseQuerySet:
    """Every case of the force live on `as_of` or closed in the 12 months before it."""
    since = add_months(as_of, -AUDIT_LOOKBACK_MONTHS)
    live_or_recent = Q(closed_on__isnull=True) | Q(closed_on__gte=since)
    return Case.objects.for_force(force).filter(received_on__lte=as_of).filter(live_or_recent)


def start_audit(force: Organisation, as_of: dt.date, by: User) -> CaseAudit:
    """Start a draft audit of the force's whole population.

    Cases the lead is shut out of are not dropped: they go into a companion audit of the same date,
    led by another PSD lead of the force who may see them. The companion is invisible to anyone
    excluded from one of its cases (access.visible_audits), so the lead who started the audit is not
    told that such cases exist.
    """
    if not access.can_audit_force(by, force.pk):
        raise PermissionDenied("Only the force's PSD lead runs its PPDA case audit.")
    if as_of > timezone.localdate():
        raise ValidationError({"as_of": "The audit date cannot be in the future."})
    with transaction.atomic():
        population = list(audit_population(force, as_of).order_by("pk").values_list("pk", flat=True))
        shut = access.excluded_among(by, population)
        audit = _new_audit(force, as_of, by, [pk for pk in population if pk not in shut])
        if shut:
            _new_audit(force, as_of, _other_lead(force, by, shut) or by, sorted(shut), handed_from=audit)
    return audit


def _new_audit(
    force: Organisation, as_of: dt.date, lead: User, case_ids: list[int], handed_from: CaseAudit | None = None
) -> CaseAudit:
    audit = CaseAudit.objects.create(force=force, as_of=as_of, created_by=lead, handed_from=handed_from)
    CaseAuditEntry.objects.bulk_create([CaseAuditEntry(audit=audit, case_id=pk) for pk in case_ids])
    return audit


def _other_lead(force: Organisation, not_this: User, case_ids: set[int]) -> User | None:
    """A PSD lead of the force, other than `not_this`, shut out of none of these cases."""
    leads = members_of(force, Role.PSD_LEAD).exclude(pk=not_this.pk)
    for lead in leads.order_by("pk"):
        if not access.excluded_among(lead, case_ids):
            return lead
    return None  # any lead who may see the cases finds the companion audit in their list


def _locked_audit(audit: CaseAudit, by: User, expected_version: int) -> CaseAudit:
    if not access.can_edit_audit(by, audit):
        raise PermissionDenied("You cannot change this audit.")
    locked = lock_for_change(CaseAudit, audit.pk, expected_version, noun="audit")
    if locked.status != AuditStatus.DRAFT:
        raise ValidationError("The audit is final and can no longer be changed.")
    return locked


def _bump(audit: CaseAudit, *fields: str) -> None:
    bump_version(audit, *fields)


# Suggested scores, derived from what the case record shows


@dataclass(frozen=True)
class Suggestion:
    score: Score
    why: str


def _suggest_recording(case: Case) -> Suggestion:
    latest = case.recording_decisions.order_by("-decided_at", "-pk").first()
    if latest is None:
        return Suggestion(Score.NOT_MET, "No recording decision is on the case.")
    if latest.recorded_as == RecordedAs.NOT_RECORDED:
        return Suggestion(Score.NOT_MET, "The latest recording decision was not to record the matter.")
    return Suggestion(Score.MET, f"Recorded as {latest.get_recorded_as_display().lower()}.")


def _suggest_deployment(case: Case) -> Suggestion:
    subjects = set(case.subjects.values_list("pk", flat=True))
    decided = set(case.deployment_decisions.values_list("subject_id", flat=True)) & subjects
    if subjects and decided == subjects:
        return Suggestion(Score.MET, "A deployment decision is recorded for every subject.")
    if decided:
        return Suggestion(Score.PARTLY, f"Deployment decisions for {len(decided)} of {len(subjects)} subjects.")
    return Suggestion(Score.NOT_MET, "No deployment decision is recorded.")


def _suggest_independence(case: Case) -> Suggestion | None:
    members = list(TeamMember.objects.active().filter(case=case, role__in=INDEPENDENT_ROLES))
    if not members:
        return None
    signed = [member for member in members if member.declaration_signed_at]
    overridden = [member for member in members if member.override_rationale]
    if len(signed) == len(members) and not overridden:
        return Suggestion(Score.MET, "Every investigator, decision maker and SPOC signed an independence declaration.")
    why = f"{len(signed)} of {len(members)} independence declarations signed"
    if overridden:
        why += f"; {len(overridden)} blocked independence check(s) overridden"
    return Suggestion(Score.PARTLY, why + ".")


def suggested_scores(case: Case) -> dict[str, Suggestion]:
    """Scores the record itself supports; the lead confirms or changes them."""
    found: dict[str, Suggestion | None] = {
        "complaint_or_conduct": _suggest_recording(case),
        "deployment": _suggest_deployment(case),
        "impartial_joined_up": _suggest_independence(case),
    }
    return {key: suggestion for key, suggestion in found.items() if suggestion is not None}


# Scoring and findings


def _check_scores(scores: Mapping[str, str]) -> dict[str, str]:
    chosen = {key: value for key, value in scores.items() if value}
    if unknown := sorted(set(chosen) - set(AUDIT_CHECKLIST)):
        raise ValidationError(f"Unknown checklist areas: {', '.join(unknown)}.")
    if bad := sorted(key for key, value in chosen.items() if value not in Score.values):
        raise ValidationError({f"score_{key}": "Choose met, partly met, not met or not applicable." for key in bad})
    return {key: chosen[key] for key in AUDIT_CHECKLIST if key in chosen}


def score_entry(
    entry: CaseAuditEntry, by: User, expected_version: int, scores: Mapping[str, str], notes: str, action_needed: str
) -> CaseAuditEntry:
    """Score one case against the checklist; an area not met needs the action to be taken."""
    if not access.visible_audit_entries(by, entry.audit).filter(pk=entry.pk).exists():
        raise PermissionDenied("You cannot score this case.")
    cleaned = _check_scores(scores)
    if Score.NOT_MET in cleaned.values() and not action_needed.strip():
        raise ValidationError({"action_needed": "Enter the action needed where an area is not met."})
    with transaction.atomic():
        audit = _locked_audit(entry.audit, by, expected_version)
        entry.scores, entry.notes, entry.action_needed = cleaned, notes.strip(), action_needed.strip()
        entry.save(update_fields=["scores", "notes", "action_needed"])
        _bump(audit)
    return entry


def save_findings(
    audit: CaseAudit, by: User, expected_version: int, findings: str, improvements: Mapping[str, str]
) -> CaseAudit:
    """The overall findings and, for each checklist area, how the force has improved or will."""
    kept = {key: improvements[key].strip() for key in AUDIT_CHECKLIST if improvements.get(key, "").strip()}
    with transaction.atomic():
        locked = _locked_audit(audit, by, expected_version)
        locked.findings, locked.improvements = findings.strip(), kept
        _bump(locked, "findings", "improvements")
    return locked


def finalise_audit(audit: CaseAudit, by: User, expected_version: int) -> CaseAudit:
    """Make the audit final once every case is scored in every area and the findings are written."""
    with transaction.atomic():
        locked = _locked_audit(audit, by, expected_version)
        unscored = [e for e in locked.entries.select_related("case") if len(e.scores) < len(AUDIT_CHECKLIST)]
        if unscored:
            raise ValidationError(_unscored_message(unscored, by))
        if not locked.findings:
            raise ValidationError("Write the findings before making the audit final.")
        locked.status = AuditStatus.FINAL
        _bump(locked, "status")
    return locked


def _unscored_message(unscored: list[CaseAuditEntry], reader: User) -> str:
    """Names only the cases the reader may see: an error never names a case to someone shut out of it."""
    seen = access.visible_cases(reader).filter(pk__in=[entry.case_id for entry in unscored])
    named = sorted(seen.values_list("reference", flat=True))
    if not named:
        return "Score every area for every case first."
    return f"Score every area for every case first. Not yet complete: {', '.join(named)}."


# The report for the force's letter to the College, the IOPC and HMICFRS (via the NPCC)


@dataclass
class AreaCount:
    key: str
    label: str
    improvement: str
    counts: dict[str, int] = field(default_factory=dict)
    unscored: int = 0

    @property
    def met(self) -> int:
        return self.counts.get(Score.MET, 0)

    @property
    def partly(self) -> int:
        return self.counts.get(Score.PARTLY, 0)

    @property
    def not_met(self) -> int:
        return self.counts.get(Score.NOT_MET, 0)

    @property
    def not_applicable(self) -> int:
        return self.counts.get(Score.NOT_APPLICABLE, 0)


@dataclass(frozen=True)
class AuditRow:
    """One case in the report's table: its reference, never a victim's or subject's name."""

    entry_id: int
    reference: str
    state: str
    received_on: dt.date
    closed_on: dt.date | None
    scores: list[str]
    action_needed: str


@dataclass
class AuditReport:
    audit: CaseAudit
    rows: list[AuditRow]
    areas: list[AreaCount]
    live: int
    closed: int

    @property
    def cases(self) -> int:
        return len(self.rows)

    @property
    def since(self) -> dt.date:
        return add_months(self.audit.as_of, -AUDIT_LOOKBACK_MONTHS)

    @property
    def title(self) -> str:
        return f"PPDA case audit: {self.audit.force.name}, as of {self.audit.as_of:%-d %B %Y}"


SHORT_SCORES = {Score.MET: "Met", Score.PARTLY: "Partly", Score.NOT_MET: "Not met", Score.NOT_APPLICABLE: "N/A"}


def build_report(audit: CaseAudit, reader: User) -> AuditReport:
    """The counts, findings, improvements and case table as this reader may see them."""
    entries = list(access.visible_audit_entries(reader, audit).select_related("case"))
    areas = [AreaCount(key, label, audit.improvements.get(key, "")) for key, label in AUDIT_CHECKLIST.items()]
    for entry in entries:
        for area in areas:
            score = entry.scores.get(area.key)
            if score:
                area.counts[score] = area.counts.get(score, 0) + 1
            else:
                area.unscored += 1
    rows = [_row(entry, audit.as_of) for entry in entries]
    closed = sum(1 for row in rows if row.state == "Closed")
    return AuditReport(audit=audit, rows=rows, areas=areas, live=len(rows) - closed, closed=closed)


def _row(entry: CaseAuditEntry, as_of: dt.date) -> AuditRow:
    case = entry.case
    return AuditRow(
        entry_id=entry.pk,
        reference=case.reference,
        state="Closed" if closed_by(case, as_of) else "Live",
        received_on=case.received_on,
        closed_on=case.closed_on if closed_by(case, as_of) else None,
        scores=[
            SHORT_SCORES.get(Score(entry.scores[key]), "") if key in entry.scores else "—" for key in AUDIT_CHECKLIST
        ],
        action_needed=entry.action_needed,
    )


# Dip samples for the governing body's reviewers


def dip_population(force: Organisation, start: dt.date, end: dt.date) -> CaseQuerySet:
    """Complaint cases of the force received in the period (arrived as one or recorded as one), by pk.

    The whole force's, whoever draws: the reviewers see every sampled case (masked); the lead who drew
    sees only those they may, numbered for them alone (access.numbered_dip_entries)."""
    complaints = Q(arrival=Arrival.COMPLAINT) | Q(recording_decisions__recorded_as=RecordedAs.COMPLAINT)
    cases = Case.objects.for_force(force).filter(received_on__gte=start, received_on__lte=end)
    return cases.filter(complaints).distinct().order_by("received_on", "created_at", "pk")


def draw(population: list[Case], size: int, seed: int) -> list[Case]:
    """The same seed over the same population gives the same sample, in the same order."""
    return random.Random(seed).sample(population, min(size, len(population)))  # noqa: S311 (reproducible on purpose)


def new_seed() -> int:
    return secrets.randbelow(2**53)


def draw_dip_sample(
    force: Organisation, start: dt.date, end: dt.date, size: int, seed: int | None, by: User
) -> DipSample:
    """Draw and record a sample; each entry gets a masked label and summary for the reviewers."""
    if not access.can_audit_force(by, force.pk):
        raise PermissionDenied("Only the force's PSD lead draws dip samples.")
    errors: dict[str, str] = {}
    if end < start:
        errors["period_end"] = "The end of the period must be on or after its start."
    if size < 1:
        errors["size"] = "The sample must have at least one case."
    body = force.governing_body_on()
    if body is None:
        errors["force"] = "The force has no governing body on record to review the sample."
    if errors:
        raise ValidationError(errors)
    assert body is not None
    seed = new_seed() if seed is None else seed
    chosen = draw(list(dip_population(force, start, end)), size, seed)
    if not chosen:
        raise ValidationError("No complaint cases were received in that period.")
    with transaction.atomic():
        sample = DipSample.objects.create(
            force=force, reviewing_body=body, period_start=start, period_end=end, size=size, seed=seed, drawn_by=by
        )
        DipSampleEntry.objects.bulk_create(
            DipSampleEntry(
                sample=sample, case=case, position=number, label=f"Case {number}", masked_summary=masked_summary(case)
            )
            for number, case in enumerate(chosen, start=1)
        )
    return sample


def record_dip_finding(entry: DipSampleEntry, by: User, finding: str) -> DipSampleEntry:
    if not access.can_review_dip_sample(by, entry.sample):
        raise PermissionDenied("Only the governing body's reviewers record findings on a dip sample.")
    if not access.visible_dip_entries(by, entry.sample).filter(pk=entry.pk).exists():
        raise PermissionDenied("You cannot review this entry.")
    if not finding.strip():
        raise ValidationError({"finding": "Enter your finding on this case."})
    entry.reviewer_finding, entry.reviewed_by, entry.reviewed_at = finding.strip(), by, timezone.now()
    entry.save(update_fields=["reviewer_finding", "reviewed_by", "reviewed_at"])
    return entry


# Masking


def identities(case: Case) -> list[tuple[str, str]]:
    """(text to hide, replacement) for the victim and each subject: names, their parts, staff numbers."""
    pairs: list[tuple[str, str]] = []
    victim = getattr(case, "victim", None)
    if victim is not None:
        pairs += _person_texts("[victim]", victim.name, victim.person.display_name if victim.person else "")
        if victim.person:
            pairs.append((victim.person.staff_number, "[victim]"))
    for number, subject in enumerate(case.subjects.select_related("person").order_by("pk"), start=1):
        label = f"[subject {number}]"
        pairs += _person_texts(label, subject.person.name, subject.person.display_name)
        pairs.append((subject.person.staff_number, label))
    return pairs


def _person_texts(label: str, *names: str) -> list[tuple[str, str]]:
    texts = {name for name in names if name}
    texts |= {part for name in names for part in re.split(r"[\s\-']+", name) if len(part.strip(".")) >= 3}
    return [(text, label) for text in texts]


def mask(text: str, pairs: list[tuple[str, str]]) -> str:
    """Replace each identity, longest first, wherever it stands as a whole word (any case)."""
    for hidden, label in sorted(pairs, key=lambda pair: -len(pair[0])):
        if hidden.strip():
            text = re.sub(rf"(?<!\w){re.escape(hidden.strip())}(?!\w)", label, text, flags=re.IGNORECASE)
    return text


def masked_summary(case: Case) -> str:
    """What the reviewers read: the case's handling with every identity of victim and subjects replaced."""
    lines = [
        f"Arrived as: {case.get_arrival_display()}, received {case.received_on:%B %Y}.",
        f"Status: {case.get_status_display()}. Criminal track: {case.get_criminal_status_display()}. "
        f"Conduct track: {case.get_conduct_status_display()}.",
        f"Summary: {case.summary}",
    ]
    lines += [f"Allegation: {allegation.description}" for allegation in case.allegations.all()]
    lines += _decision_lines(case)
    return mask("\n".join(lines), identities(case))


def _decision_lines(case: Case) -> list[str]:
    lines = [f"Recorded as {d.get_recorded_as_display()}: {d.reasons}" for d in case.recording_decisions.all()]
    lines += [f"IOPC referral: {d.get_outcome_display()}: {d.reasons}" for d in case.referral_decisions.all()]
    for d in case.conduct_assessments.select_related("subject__person"):
        lines.append(f"Conduct assessment of {d.subject.person.name}: {d.get_outcome_display()}: {d.reasons}")
    for dep in case.deployment_decisions.select_related("subject__person"):
        lines.append(f"Deployment of {dep.subject.person.name}: {dep.get_deployment_display()}: {dep.reasons}")
    return lines
