"""State changes of the register: each one a guarded function that checks access, locks the
row, refuses stale or disallowed changes with a clear message, and records what happened."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from oversight.concurrency import ConcurrentEditError, bump_version, lock_for_change, require
from oversight.lib.deadlines import add_months
from oversight.lib.labels import in_sentence
from oversight.lib.screening import FileRefused, kept_name, screen_file
from oversight.notifications import register_events
from oversight.organisations.access import AnyUser
from oversight.organisations.models import Organisation, OrganisationKind

from . import access
from .models import (
    Addressee,
    Committee,
    CommitteeMeeting,
    Evidence,
    EvidenceKind,
    EvidenceVersion,
    ExtensionDecision,
    ExtensionKind,
    ExtensionRequest,
    ForthcomingInspection,
    GoverningBodyResponse,
    HmicfrsStatus,
    HmicfrsStatusEntry,
    Item,
    OwnerChange,
    ProgressUpdate,
    QuarterlyReview,
    RagChange,
    RagOverride,
    Report,
    ResponseAction,
    ResponseStatus,
    ResponseTransition,
    SignoffStage,
    TrackingRecord,
    TrackingStatus,
    Transition,
    TransitionAction,
)
from .rules import EVIDENCE_CONTENT_TYPES, REVIEW_INTERVAL_MONTHS

__all__ = ["ConcurrentEditError", "TransitionNotAllowed"]


class TransitionNotAllowed(ValidationError):
    pass


def _locked(tracking: TrackingRecord, expected_version: int | None) -> TrackingRecord:
    return lock_for_change(TrackingRecord, tracking.pk, expected_version)


# Sign-off: the transitions, their starting stages, who may make them and where they lead.


@dataclass(frozen=True)
class Rule:
    from_stages: tuple[str, ...]
    to_stage: str
    to_status: str
    allowed: Callable[[AnyUser, TrackingRecord], bool]
    needs_reason: bool = False
    hmicfrs_status: str | None = None


WORKING = (SignoffStage.NOT_SUBMITTED, SignoffStage.RETURNED)
RULES: dict[str, Rule] = {
    TransitionAction.SUBMIT: Rule(
        WORKING, SignoffStage.SUBMITTED, TrackingStatus.PENDING_SIGNOFF, access.can_contribute
    ),
    TransitionAction.RETURN_TO_OWNER: Rule(
        (SignoffStage.SUBMITTED,),
        SignoffStage.RETURNED,
        TrackingStatus.EVIDENCE_GATHERING,
        access.is_liaison_for,
        needs_reason=True,
    ),
    TransitionAction.PASS_TO_HMICFRS: Rule(
        (SignoffStage.SUBMITTED,),
        SignoffStage.WITH_HMICFRS,
        TrackingStatus.PENDING_SIGNOFF,
        access.is_liaison_for,
        hmicfrs_status=HmicfrsStatus.AWAITING_REVIEW,
    ),
    TransitionAction.SIGN_OFF: Rule(
        (SignoffStage.WITH_HMICFRS,),
        SignoffStage.SIGNED_OFF,
        TrackingStatus.CLOSED,
        access.is_hmicfrs_lead_for,
        hmicfrs_status=HmicfrsStatus.COMPLETE,
    ),
    TransitionAction.RETURN_FROM_HMICFRS: Rule(
        (SignoffStage.WITH_HMICFRS,),
        SignoffStage.RETURNED,
        TrackingStatus.EVIDENCE_GATHERING,
        access.is_hmicfrs_lead_for,
        needs_reason=True,
        hmicfrs_status=HmicfrsStatus.BEING_PROGRESSED,
    ),
}


def _transition(tracking: TrackingRecord, by: User, action: str, reason: str, version: int | None) -> TrackingRecord:
    rule = RULES[action]
    with transaction.atomic():
        locked = _locked(tracking, version)
        require(rule.allowed(by, locked))
        if locked.signoff not in rule.from_stages:
            raise TransitionNotAllowed(
                f"This item is '{locked.get_signoff_display()}', so it cannot be "
                f"{in_sentence(TransitionAction(action).label)} now."
            )
        if rule.needs_reason and not reason.strip():
            raise TransitionNotAllowed("Give the reasons so the owner knows what is needed.")
        if action == TransitionAction.SUBMIT and not locked.evidence.exists():
            raise TransitionNotAllowed("Add at least one piece of evidence before submitting for sign-off.")
        _record(locked, by, action, rule.to_status, rule.to_stage, reason)
        if rule.hmicfrs_status is not None:
            _mirror_hmicfrs(locked, by, rule.hmicfrs_status, reason)
        register_events.tracking_moved(locked, action, by)
        return locked


def _record(tracking: TrackingRecord, by: User, action: str, status: str, stage: str, reason: str) -> None:
    Transition.write(
        by, reason, tracking=tracking, action=action, from_status=tracking.status, to_status=status,
        from_signoff=tracking.signoff, to_signoff=stage,
    )  # fmt: skip
    tracking.status, tracking.signoff = status, stage
    tracking.closed_on = timezone.localdate() if status == TrackingStatus.CLOSED else None
    bump_version(tracking, "status", "signoff", "closed_on")


def _mirror_hmicfrs(tracking: TrackingRecord, by: User, status: str, comment: str) -> None:
    HmicfrsStatusEntry.objects.create(tracking=tracking, status=status, comment=comment.strip(), recorded_by=by)
    tracking.hmicfrs_status = status
    tracking.save(update_fields=["hmicfrs_status"])


def submit_for_signoff(
    tracking: TrackingRecord, by: User, note: str = "", version: int | None = None
) -> TrackingRecord:
    return _transition(tracking, by, TransitionAction.SUBMIT, note, version)


def return_to_owner(tracking: TrackingRecord, by: User, reason: str, version: int | None = None) -> TrackingRecord:
    return _transition(tracking, by, TransitionAction.RETURN_TO_OWNER, reason, version)


def pass_to_hmicfrs(tracking: TrackingRecord, by: User, note: str = "", version: int | None = None) -> TrackingRecord:
    return _transition(tracking, by, TransitionAction.PASS_TO_HMICFRS, note, version)


def sign_off(tracking: TrackingRecord, by: User, note: str = "", version: int | None = None) -> TrackingRecord:
    return _transition(tracking, by, TransitionAction.SIGN_OFF, note, version)


def return_from_hmicfrs(tracking: TrackingRecord, by: User, reason: str, version: int | None = None) -> TrackingRecord:
    return _transition(tracking, by, TransitionAction.RETURN_FROM_HMICFRS, reason, version)


def transition(tracking: TrackingRecord, by: User, action: str, reason: str, version: int | None) -> TrackingRecord:
    """Dispatch by action name (views and the API take the action from the request)."""
    if action not in RULES:
        raise TransitionNotAllowed(f"'{action}' is not a sign-off step.")
    return _transition(tracking, by, action, reason, version)


def allowed_actions(user: AnyUser, tracking: TrackingRecord) -> list[TransitionAction]:
    """The sign-off steps this person may take on the record as it stands."""
    return [
        TransitionAction(action)
        for action, rule in RULES.items()
        if tracking.signoff in rule.from_stages and rule.allowed(user, tracking)
    ]


WORK_STATUSES = (TrackingStatus.OPEN, TrackingStatus.IN_PROGRESS, TrackingStatus.EVIDENCE_GATHERING)


def set_work_status(
    tracking: TrackingRecord, by: User, status: str, note: str = "", version: int | None = None
) -> TrackingRecord:
    """Move between open, in progress and evidence gathering while the owner works."""
    with transaction.atomic():
        locked = _locked(tracking, version)
        require(access.can_contribute(by, locked))
        if status not in WORK_STATUSES or locked.signoff not in WORKING:
            raise TransitionNotAllowed(
                "The status can only be changed between open, in progress and evidence gathering "
                "while the item is not awaiting sign-off."
            )
        if status != locked.status:
            _record(locked, by, TransitionAction.SET_STATUS, status, locked.signoff, note)
        return locked


# Progress, evidence, reviews and extensions


def post_update(tracking: TrackingRecord, by: User, text: str, version: int | None = None) -> ProgressUpdate:
    if not text.strip():
        raise ValidationError({"text": "Enter the progress update."})
    with transaction.atomic():
        locked = _locked(tracking, version)
        require(access.can_contribute(by, locked))
        update = ProgressUpdate.objects.create(tracking=locked, author=by, text=text.strip())
        if locked.status == TrackingStatus.OPEN:
            set_work_status(locked, by, TrackingStatus.IN_PROGRESS, "First progress update")
    return update


def check_evidence_file(upload: UploadedFile) -> str:
    """The content type for an allowed upload; raises ValidationError for the wrong type or size."""
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in EVIDENCE_CONTENT_TYPES:
        allowed = ", ".join(sorted(s.lstrip(".").upper() for s in EVIDENCE_CONTENT_TYPES))
        raise ValidationError({"file": f"The file must be one of: {allowed}."})
    if upload.size is None or upload.size == 0:
        raise ValidationError({"file": "The selected file is empty."})
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        limit = settings.EVIDENCE_MAX_BYTES // (1024 * 1024)
        raise ValidationError({"file": f"The file must be smaller than {limit} MB."})
    head = upload.read(8)
    upload.seek(0)
    if not _content_matches(suffix, head):
        raise ValidationError({"file": "The file's contents do not match its type. Check you chose the right file."})
    try:
        screen_file(upload.name or "", upload)
    except FileRefused as refused:
        raise ValidationError({"file": f"{refused}."}) from refused
    return EVIDENCE_CONTENT_TYPES[suffix]


# Office formats are ZIP files; the rest have their own signatures. Text types have none.
_SIGNATURES = {".pdf": b"%PDF", ".png": b"\x89PNG", ".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff"}
_ZIPPED = {".docx", ".xlsx", ".pptx", ".odt"}


def _content_matches(suffix: str, head: bytes) -> bool:
    if suffix in _ZIPPED:
        return head.startswith(b"PK\x03\x04")
    if suffix in _SIGNATURES:
        return head.startswith(_SIGNATURES[suffix])
    return b"\x00" not in head


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def add_evidence(
    tracking: TrackingRecord,
    by: User,
    *,
    title: str,
    effective_on: dt.date,
    description: str = "",
    url: str = "",
    upload: UploadedFile | None = None,
) -> Evidence:
    """Evidence as a link or a file (exactly one). Nothing is written if the file is refused."""
    if bool(url) == bool(upload):
        raise ValidationError("Give either a link or a file as the evidence.")
    content_type = check_evidence_file(upload) if upload else ""
    with transaction.atomic():
        locked = _locked(tracking, None)
        require(access.can_contribute(by, locked))
        evidence = Evidence.objects.create(
            tracking=locked,
            kind=EvidenceKind.FILE if upload else EvidenceKind.LINK,
            title=title.strip(),
            description=description.strip(),
            url=url,
            effective_on=effective_on,
            added_by=by,
        )
        if upload:
            _store_version(evidence, by, upload, content_type)
    return evidence


def add_evidence_version(evidence: Evidence, by: User, upload: UploadedFile) -> EvidenceVersion:
    if evidence.kind != EvidenceKind.FILE:
        raise ValidationError("A link has no file versions: add the new link as new evidence.")
    content_type = check_evidence_file(upload)
    with transaction.atomic():
        require(access.can_contribute(by, _locked(evidence.tracking, None)))
        Evidence.objects.select_for_update().filter(pk=evidence.pk).first()
        return _store_version(evidence, by, upload, content_type)


def _store_version(evidence: Evidence, by: User, upload: UploadedFile, content_type: str) -> EvidenceVersion:
    number = (evidence.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = EvidenceVersion(
        evidence=evidence,
        number=number,
        original_name=kept_name(upload.name or "", "evidence"),
        content_type=content_type,
        size=upload.size or 0,
        sha256=_sha256(upload),
        uploaded_by=by,
    )
    version.file.save(version.sha256, upload, save=False)
    version.save()
    return version


def record_review(
    tracking: TrackingRecord, by: User, note: str, reviewed_on: dt.date | None = None, version: int | None = None
) -> QuarterlyReview:
    reviewed_on = reviewed_on or timezone.localdate()
    if not note.strip():
        raise ValidationError({"note": "Enter what the review found."})
    if reviewed_on > timezone.localdate():
        raise ValidationError({"reviewed_on": "The review date cannot be in the future."})
    with transaction.atomic():
        locked = _locked(tracking, version)
        require(access.can_record_review(by, locked))
        next_on = add_months(reviewed_on, REVIEW_INTERVAL_MONTHS)
        review = QuarterlyReview.objects.create(
            tracking=locked, reviewed_by=by, reviewed_on=reviewed_on, note=note.strip(), next_review_on=next_on
        )
        locked.next_review_on = next_on
        bump_version(locked, "next_review_on")
    return review


def override_rag(
    tracking: TrackingRecord, by: User, rag: str, reason: str, version: int | None = None
) -> TrackingRecord:
    """Set, change or clear (rag='') the RAG override; an override needs its reason. Each change is
    a dated row (who, when, from, to, why), so a paper as at a past day uses the override then."""
    if rag not in RagOverride.values and rag != "":
        raise ValidationError({"rag": "Choose a RAG rating, or the suggested rating."})
    if rag and not reason.strip():
        raise ValidationError({"reason": "Give the reason for overriding the suggested RAG rating."})
    with transaction.atomic():
        locked = _locked(tracking, version)
        require(access.can_override_rag(by, locked))
        new_reason = reason.strip() if rag else ""
        if (rag, new_reason) == (locked.rag_override, locked.rag_override_reason):
            return locked
        RagChange.write(by, reason, tracking=locked, from_rag=locked.rag_override, to_rag=rag)
        locked.rag_override, locked.rag_override_reason = rag, new_reason
        bump_version(locked, "rag_override", "rag_override_reason")
    return locked


def request_extension(
    tracking: TrackingRecord, by: User, new_due_on: dt.date, reason: str, version: int | None = None
) -> ExtensionRequest:
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason an extension is needed."})
    with transaction.atomic():
        locked = _locked(tracking, version)
        require(access.can_contribute(by, locked))
        if locked.due_on and new_due_on <= locked.due_on:
            raise ValidationError({"requested_due_on": "The new due date must be after the current due date."})
        if locked.extensions.filter(decision=ExtensionDecision.PENDING).exists():
            raise ValidationError("An extension request is already awaiting a decision.")
        request = ExtensionRequest.objects.create(
            tracking=locked, requested_by=by, current_due_on=locked.due_on, requested_due_on=new_due_on,
            reason=reason.strip(),
        )  # fmt: skip
        register_events.extension_asked(request, by)
        return request


def decide_extension(
    request: ExtensionRequest, by: User, approve: bool, reason: str, version: int | None = None
) -> ExtensionRequest:
    if not reason.strip():
        raise ValidationError({"decision_reason": "Give the reasons for the decision."})
    with transaction.atomic():
        locked_request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
        tracking = _locked(locked_request.tracking, version)
        require(access.can_decide_extension(by, tracking))
        if locked_request.decision != ExtensionDecision.PENDING:
            raise TransitionNotAllowed("This extension request has already been decided.")
        locked_request.decision = ExtensionDecision.APPROVED if approve else ExtensionDecision.REFUSED
        locked_request.decided_by, locked_request.decided_at = by, timezone.now()
        locked_request.decision_reason = reason.strip()
        locked_request.save()
        if approve:
            tracking.due_on = locked_request.requested_due_on
            bump_version(tracking, "due_on")
        register_events.extension_decided(locked_request, by)
    return locked_request


def correct_due_date(
    tracking: TrackingRecord, by: User, new_due_on: dt.date | None, reason: str, version: int | None = None
) -> ExtensionRequest:
    """Correct a wrongly entered due date, recorded in the extension history as a correction
    (decided at once by the liaison officer, not counted as a slip)."""
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason the due date is wrong."})
    with transaction.atomic():
        locked = _locked(tracking, version)
        require(access.can_correct_due_date(by, locked))
        if new_due_on is None or new_due_on < locked.item.report.published_on:
            raise ValidationError({"new_due_on": "The due date cannot be before the report was published."})
        if new_due_on == locked.due_on:
            raise ValidationError({"new_due_on": "The due date is already that date."})
        correction = ExtensionRequest.objects.create(
            tracking=locked, kind=ExtensionKind.CORRECTION, requested_by=by, current_due_on=locked.due_on,
            requested_due_on=new_due_on, reason=reason.strip(), decision=ExtensionDecision.APPROVED,
            decided_by=by, decided_at=timezone.now(), decision_reason=reason.strip(),
        )  # fmt: skip
        locked.due_on = new_due_on
        bump_version(locked, "due_on")
    return correction


def _portfolio_for(owner: User, tracking: TrackingRecord) -> str:
    """A new owner's portfolio in the organisation; asks for it when the register records none."""
    recorded = owner.memberships.filter(organisation=tracking.organisation).exclude(portfolio="")
    portfolio = recorded.values_list("portfolio", flat=True).first()
    if portfolio is None and tracking.portfolio:
        raise ValidationError({"portfolio": f"Enter the portfolio {owner.get_full_name() or owner.get_username()} "
                               f"leads, or say it stays {tracking.portfolio}"})  # fmt: skip
    return portfolio or ""


def update_tracking(
    tracking: TrackingRecord,
    by: User,
    version: int,
    *,
    keep_portfolio: bool = False,
    reason: str = "",
    **changes: Any,
) -> TrackingRecord:
    """Owner, portfolio or review date, refusing a stale edit. A new owner brings their recorded
    portfolio unless another is given (or `keep_portfolio`); a change of owner or portfolio is a
    transition row with `reason`. The due date moves only through an extension decision or a
    recorded correction (`correct_due_date`), which the paper counts."""
    allowed = {"owner", "portfolio", "next_review_on"}
    if unknown := set(changes) - allowed:
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))} here")
    with transaction.atomic():
        locked = _locked(tracking, version)
        require(access.can_edit_tracking(by, locked))
        owner = changes.get("owner")
        if owner is not None and not access.owner_candidates(locked.organisation).filter(pk=owner.pk).exists():
            raise ValidationError({"owner": "The owner must be someone in the organisation."})
        if owner is not None and "portfolio" not in changes and not keep_portfolio:
            changes["portfolio"] = _portfolio_for(owner, locked)
        _record_owner_change(locked, by, changes, reason)
        for field, value in changes.items():
            setattr(locked, field, value)
        bump_version(locked, *changes)
    return locked


def _record_owner_change(tracking: TrackingRecord, by: User, changes: dict[str, Any], reason: str) -> None:
    """A transition row when the owner or the portfolio changes (before the record is changed)."""
    owner = changes.get("owner", tracking.owner)
    portfolio = changes.get("portfolio", tracking.portfolio)
    if (getattr(owner, "pk", None), portfolio) == (tracking.owner_id, tracking.portfolio):
        return
    OwnerChange.write(
        by, reason, tracking=tracking, from_owner_id=tracking.owner_id, to_owner=owner,
        from_portfolio=tracking.portfolio, to_portfolio=portfolio,
    )  # fmt: skip


def record_hmicfrs_status(
    tracking: TrackingRecord, by: User, status: str, comment: str, version: int | None = None
) -> HmicfrsStatusEntry:
    """A dated entry mirroring the inspectorate's own register, without changing the sign-off stage."""
    if status not in HmicfrsStatus.values or not status:
        raise ValidationError({"status": "Choose the inspectorate's status."})
    with transaction.atomic():
        locked = _locked(tracking, version)
        require(access.can_record_hmicfrs_status(by, locked))
        _mirror_hmicfrs(locked, by, status, comment)
        bump_version(locked)
    return locked.hmicfrs_history.first()  # type: ignore[return-value]


# Reports: creating one opens a tracking record for each organisation it applies to.

NATIONAL_ADDRESSEES = {
    Addressee.NPCC: "npcc",
    Addressee.COLLEGE: "college-of-policing",
    Addressee.IOPC: "iopc",
    Addressee.HOME_OFFICE: "home-office",
    Addressee.MOJ: "ministry-of-justice",
    Addressee.CPS: "cps",
}


def organisations_for(item: Item) -> list[Organisation]:
    """Who must act on an item: the covered forces, their governing bodies, named national bodies."""
    report = item.report
    forces = list(Organisation.objects.forces() if report.covers_all_forces else report.forces.all())
    targets: list[Organisation] = []
    if Addressee.CHIEF_CONSTABLES in item.addressees or not item.addressees:
        targets += forces
    if Addressee.PCCS in item.addressees:
        bodies = (force.governing_body_on(report.published_on) for force in forces)
        targets += [body for body in bodies if body is not None]
    slugs = [NATIONAL_ADDRESSEES[Addressee(a)] for a in item.addressees if a in NATIONAL_ADDRESSEES]
    targets += list(Organisation.objects.filter(kind=OrganisationKind.NATIONAL, slug__in=slugs))
    return list({org.pk: org for org in targets}.values())


def open_tracking_records(item: Item) -> list[TrackingRecord]:
    """A tracking record for each organisation the item applies to; existing ones are kept."""
    review_on = add_months(max(item.report.published_on, timezone.localdate()), REVIEW_INTERVAL_MONTHS)
    records = []
    for organisation in organisations_for(item):
        record, _ = TrackingRecord.objects.get_or_create(
            item=item,
            organisation=organisation,
            defaults={"due_on": item.due_on, "original_due_on": item.due_on, "next_review_on": review_on},
        )
        records.append(record)
    return records


def add_report(by: User, *, forces: list[Organisation] | None = None, **fields: Any) -> Report:
    """A published report and the forces it covers (all of them, or those chosen)."""
    require(access.can_manage_reports(by))
    report = Report(**fields)
    report.full_clean()
    chosen = [] if report.covers_all_forces else list(forces or [])
    if not report.covers_all_forces and not chosen:
        raise ValidationError({"forces": "Choose the forces the report covers, or say it covers all forces."})
    with transaction.atomic():
        report.save()
        report.forces.set(chosen)
    return report


def add_item(report: Report, by: User, **fields: Any) -> Item:
    """Add an item to a report, computing its due date from the phrase as written."""
    require(access.can_manage_reports(by))
    item = Item(report=report, **fields)
    if "mandatory" not in fields:
        item.mandatory = report.mandatory_by_default
    item.apply_deadline()
    item.full_clean()
    with transaction.atomic():
        item.save()
        open_tracking_records(item)
    return item


# 56-day responses


def start_response(report: Report, force: Organisation, by: User) -> GoverningBodyResponse:
    """Open the governing body's response, one action row per recommendation covering the force."""
    if not report.covers(force):
        raise ValidationError("This report does not cover that force.")
    body = force.governing_body_on(report.published_on) or force.governing_body_on()
    if body is None:
        raise ValidationError("This force has no governing body recorded for the report's publication date.")
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=force.pk).first()  # one start at a time
        require(access.can_start_response(by, force))
        response, _ = GoverningBodyResponse.objects.get_or_create(
            report=report, force=force, defaults={"body": body, "due_on": GoverningBodyResponse.due_date_for(report)}
        )
        for item in report.items.recommendations():
            ResponseAction.objects.get_or_create(response=response, item=item)
    return response


def save_response(
    response: GoverningBodyResponse,
    by: User,
    version: int,
    *,
    body_comments: str | None = None,
    chief_constable_comments: str | None = None,
    actions: dict[int, tuple[str, str]] | None = None,
) -> GoverningBodyResponse:
    """Save what this person may write; `actions` maps item id to (steps, why no action)."""
    with transaction.atomic():
        locked = lock_for_change(GoverningBodyResponse, response.pk, version)
        if body_comments is not None or actions is not None:
            require(access.can_write_body_response(by, locked))
        if chief_constable_comments is not None:
            require(access.can_write_chief_constable_comments(by, locked))
            locked.chief_constable_comments = chief_constable_comments.strip()
        if body_comments is not None:
            locked.body_comments = body_comments.strip()
        _check_actions(actions or {})
        for item_id, (steps, reason) in (actions or {}).items():
            locked.actions.filter(item_id=item_id).update(steps=steps.strip(), no_action_reason=reason.strip())
        bump_version(locked, "body_comments", "chief_constable_comments")
    return locked


def _check_actions(actions: dict[int, tuple[str, str]]) -> None:
    """Each recommendation takes the steps to be taken, or why none will be: never both."""
    both = {
        f"reason_{item_id}": "Give either the steps to be taken or why no steps will be taken, not both."
        for item_id, (steps, reason) in actions.items()
        if steps.strip() and reason.strip()
    }
    if both:
        raise ValidationError(both)


def check_ready_to_publish(response: GoverningBodyResponse) -> None:
    """Refuse, saying what is missing, unless every part of the response is written."""
    missing = [str(action.item) for action in response.actions.select_related("item") if not action.is_answered]
    problems = []
    if not response.body_comments.strip():
        problems.append("the governing body's comments")
    if not response.chief_constable_comments.strip():
        problems.append("the chief constable's comments")
    if missing:
        problems.append("either steps or a reason (not both) for " + ", ".join(missing))
    if problems:
        raise ValidationError("Before publishing, add " + "; ".join(problems) + ".")


def publish_response(
    response: GoverningBodyResponse, by: User, url: str = "", version: int | None = None
) -> GoverningBodyResponse:
    """Publish (irreversible): every part written, a transition row kept of who published and when."""
    with transaction.atomic():
        locked = lock_for_change(GoverningBodyResponse, response.pk, version)
        require(access.can_publish_response(by, locked))
        check_ready_to_publish(locked)
        ResponseTransition.write(by, response=locked, from_status=locked.status, to_status=ResponseStatus.PUBLISHED)
        locked.status, locked.published_on, locked.published_url = ResponseStatus.PUBLISHED, timezone.localdate(), url
        bump_version(locked, "status", "published_on", "published_url")
    return locked


# Committees and forthcoming inspections


def add_meeting(committee: Committee, by: User, held_on: dt.date, agenda_item: str = "") -> CommitteeMeeting:
    """A meeting of the committee; only someone who manages the committee may add one."""
    require(access.can_manage_committee(by, committee), "You cannot add meetings to this committee.")
    if committee.meetings.filter(held_on=held_on).exists():
        raise ValidationError({"held_on": "The committee already has a meeting on that date."})
    return CommitteeMeeting.objects.create(committee=committee, held_on=held_on, agenda_item=agenda_item.strip())


def record_forthcoming_inspection(
    force: Organisation, by: User, *, title: str, expected: str, notified_on: dt.date
) -> ForthcomingInspection:
    require(access.can_record_forthcoming_inspection(by, force), "You cannot record inspections for this force.")
    return ForthcomingInspection.objects.create(
        force=force, title=title.strip(), expected=expected.strip(), notified_on=notified_on
    )


NARRATIVE_FIELDS = (
    "inspection_activity", "governance", "new_reports", "next_steps", "background_documents", "contact_name",
    "contact_title",
)  # fmt: skip


def write_paper_narrative(meeting: CommitteeMeeting, by: User, version: int, **parts: str) -> CommitteeMeeting:
    """What the liaison officer writes for the paper; the paper keeps it as written."""
    if unknown := set(parts) - set(NARRATIVE_FIELDS):
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))} here")
    with transaction.atomic():
        locked = lock_for_change(CommitteeMeeting, meeting.pk, version, noun="paper")
        require(access.can_manage_committee(by, locked.committee), "You cannot write this paper.")
        for name, text in parts.items():
            setattr(locked, name, text.strip())
        bump_version(locked, *parts)
    return locked


def record_inspection_held(inspection: ForthcomingInspection, by: User, held_on: dt.date) -> ForthcomingInspection:
    """The inspection took place: papers for meetings after that day no longer list it."""
    if held_on < inspection.notified_on:
        raise ValidationError({"held_on": "The inspection cannot have taken place before the force was notified."})
    with transaction.atomic():
        locked = ForthcomingInspection.objects.select_for_update().get(pk=inspection.pk)
        require(access.can_record_forthcoming_inspection(by, locked.force), "You cannot change this inspection.")
        locked.completed_on = held_on
        locked.save(update_fields=["completed_on"])
    return locked
