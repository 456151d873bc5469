"""The register's API shapes: what each endpoint reads and returns, described for the OpenAPI document."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from ninja import Field, Schema

from oversight.forms import LONG_TEXT, NO_NUL, TEXT
from oversight.lib.deadlines import DeadlineKind
from oversight.lib.rag import Rag
from oversight.organisations.models import OrganisationKind

from . import services
from .models import (
    Addressee,
    Evidence,
    ExtensionDecision,
    HmicfrsStatus,
    ItemKind,
    RagChange,
    ReportKind,
    SignoffStage,
    TrackingRecord,
    TrackingStatus,
    TransitionAction,
)

# Reference objects: enough to identify and label a related record.


class PersonRef(Schema):
    id: int = Field(description="The person's id (use it for the `owner` filter)")
    name: str = Field(description="Full name, or username when no name is recorded")

    @staticmethod
    def resolve_name(obj: User) -> str:
        return obj.get_full_name() or obj.username


class OrganisationRef(Schema):
    id: int = Field(description="The organisation's id (use it for the `organisation` filter)")
    name: str = Field(description="For example West Midlands Police")
    slug: str = Field(description="A stable short name, for example west-midlands-police")
    kind: OrganisationKind = Field(description="What kind of organisation it is, as a code")


class ReportRef(Schema):
    id: int = Field(description="The report's id")
    title: str = Field(description="The report's title as published")
    kind: ReportKind = Field(description="PEEL, national thematic, super-complaint, spotlight or joint")
    published_on: dt.date = Field(description="Publication date: 'within N months' deadlines count from it")


class ItemRef(Schema):
    id: int = Field(description="The item's id")
    kind: ItemKind = Field(description="Cause of concern, recommendation or area for improvement (afi)")
    reference: str = Field(description="The inspectorate's reference, for example 10618; may be empty")
    number: str = Field(description="As numbered in the report, for example 1")
    title: str = Field(description="A short title, if the report gives one")


# Reports and their items: published documents, readable by every signed-in person.


class ItemOut(ItemRef):
    text: str = Field(description="The item's text as published")
    deadline_phrase: str = Field(description="The deadline as written, for example 'Within six months'")
    deadline_kind: DeadlineKind = Field(description="How the due date was computed from the deadline phrase")
    due_on: dt.date | None = Field(description="The due date computed from the deadline phrase")
    mandatory: bool = Field(description="Whether the addressees must act on it (super-complaint items are not)")
    addressees: list[Addressee] = Field(description="Who it is addressed to, as codes")
    addressee_labels: list[str] = Field(description="Who it is addressed to, in words")
    cause_of_concern_id: int | None = Field(description="For a recommendation: the cause of concern it answers")


class ReportOut(ReportRef):
    url: str = Field(description="Where the report is published")
    covers_all_forces: bool = Field(description="True when the report covers every force in England and Wales")
    forces: list[OrganisationRef] = Field(description="The forces it covers, when not all of them")

    @staticmethod
    def resolve_forces(obj: object) -> list[object]:
        return list(obj.forces.all())  # type: ignore[attr-defined]


class ReportDetailOut(ReportOut):
    summary: str = Field(description="A summary of the report")
    items: list[ItemOut] = Field(description="Its causes of concern, recommendations and areas for improvement")

    @staticmethod
    def resolve_items(obj: object) -> list[object]:
        return list(obj.items.all())  # type: ignore[attr-defined]


# Tracking records: one organisation's work on one item.


class TrackingOut(Schema):
    id: int = Field(description="The tracking record's id")
    item: ItemRef = Field(description="The item being tracked")
    report: ReportRef = Field(description="The report the item comes from")
    organisation: OrganisationRef = Field(description="The organisation doing the work")
    owner: PersonRef | None = Field(description="The person responsible, if one is assigned")
    portfolio: str = Field(description="The owner's portfolio or business area")
    status: TrackingStatus = Field(description="The organisation's own status")
    signoff: SignoffStage = Field(description="Where the item stands in sign-off")
    hmicfrs_status: HmicfrsStatus = Field(description="The inspectorate's status, kept apart ('' if not reviewed)")
    rag: Rag = Field(description="RAG rating in force: the override if set, else the suggested one")
    due_on: dt.date | None = Field(description="The current due date (after any approved extensions)")
    next_review_on: dt.date | None = Field(description="The next quarterly review date")
    overdue: bool = Field(description="Open and past its due date")
    review_overdue: bool = Field(description="Open and past its quarterly review date")
    slips: int = Field(description="How many extensions have been approved")
    version: int = Field(description="Send this back with a sign-off step: a stale version is refused with 409")

    @staticmethod
    def resolve_report(obj: TrackingRecord) -> object:
        return obj.item.report

    @staticmethod
    def resolve_rag(obj: TrackingRecord) -> Rag:
        return obj.rag()

    @staticmethod
    def resolve_overdue(obj: TrackingRecord) -> bool:
        return obj.is_overdue()

    @staticmethod
    def resolve_review_overdue(obj: TrackingRecord) -> bool:
        return obj.is_review_overdue()

    @staticmethod
    def resolve_slips(obj: TrackingRecord) -> int:
        return obj.slips()


class ProgressUpdateOut(Schema):
    id: int = Field(description="The update's id")
    author: PersonRef = Field(description="Who wrote it")
    written_at: dt.datetime = Field(description="When it was written; updates are never edited")
    text: str = Field(description="The update as written")


class EvidenceVersionOut(Schema):
    number: int = Field(description="Version number, from 1")
    original_name: str = Field(description="The file name as uploaded")
    content_type: str = Field(description="The file's media type")
    size: int = Field(description="Size in bytes")
    sha256: str = Field(description="SHA-256 of the file's contents, hex encoded")
    uploaded_by: PersonRef = Field(description="Who uploaded this version")
    uploaded_at: dt.datetime = Field(description="When this version was uploaded")


class EvidenceOut(Schema):
    id: int = Field(description="The evidence's id")
    kind: str = Field(description="link or file")
    title: str = Field(description="What the evidence is")
    description: str = Field(description="More about it")
    url: str = Field(description="For a link: where it is")
    effective_on: dt.date = Field(description="The date the evidence speaks to, apart from when it was added")
    added_by: PersonRef = Field(description="Who added it")
    added_at: dt.datetime = Field(description="When it was added")
    versions: list[EvidenceVersionOut] = Field(description="For a file: its versions, newest first")

    @staticmethod
    def resolve_versions(obj: Evidence) -> list[object]:
        return list(obj.versions.all())


class TransitionOut(Schema):
    action: TransitionAction = Field(description="The step taken")
    by: PersonRef = Field(description="Who took it")
    at: dt.datetime = Field(description="When")
    from_status: TrackingStatus = Field(description="Status before")
    to_status: TrackingStatus = Field(description="Status after")
    from_signoff: SignoffStage = Field(description="Sign-off stage before")
    to_signoff: SignoffStage = Field(description="Sign-off stage after")
    reason: str = Field(description="Why, as given (required when returning an item)")


class RagChangeOut(Schema):
    by: PersonRef = Field(description="Who set, changed or cleared the override")
    at: dt.datetime = Field(description="When: the override in force on a day is the latest set by then")
    from_rag: Rag | None = Field(description="The override before (null: none, the rule's rating stood)")
    to_rag: Rag | None = Field(description="The override after (null: cleared, the rule's rating stands)")
    reason: str = Field(description="Why, as given")

    @staticmethod
    def resolve_from_rag(obj: RagChange) -> str | None:
        return obj.from_rag or None

    @staticmethod
    def resolve_to_rag(obj: RagChange) -> str | None:
        return obj.to_rag or None


class OwnerChangeOut(Schema):
    by: PersonRef = Field(description="Who made the change")
    at: dt.datetime = Field(description="When")
    from_owner: PersonRef | None = Field(description="The owner before, if there was one")
    to_owner: PersonRef | None = Field(description="The owner after, if there is one")
    from_portfolio: str = Field(description="The portfolio before")
    to_portfolio: str = Field(description="The portfolio after")
    reason: str = Field(description="Why, as given (optional)")


class ExtensionOut(Schema):
    requested_by: PersonRef = Field(description="Who asked")
    requested_at: dt.datetime = Field(description="When")
    current_due_on: dt.date | None = Field(description="The due date when the request was made")
    requested_due_on: dt.date = Field(description="The due date asked for")
    reason: str = Field(description="Why more time is needed")
    decision: ExtensionDecision = Field(description="Whether it was approved or refused, or awaits a decision")
    decided_by: PersonRef | None = Field(description="Who decided")
    decided_at: dt.datetime | None = Field(description="When it was decided")
    decision_reason: str = Field(description="The reasons for the decision")


class HmicfrsStatusOut(Schema):
    status: HmicfrsStatus = Field(description="The inspectorate's status")
    comment: str = Field(description="The inspectorate's comment")
    recorded_on: dt.date = Field(description="When the status was recorded")


class TrackingDetailOut(TrackingOut):
    item: ItemOut = Field(description="The item being tracked, in full")
    rag_reason: str = Field(description="Why the RAG rating is what it is: the override reason or the rule's")
    rag_overridden: bool = Field(description="True when a person has overridden the suggested rating")
    suggested_rag: Rag = Field(description="The rating the documented rule suggests from dates and progress")
    original_due_on: dt.date | None = Field(description="The due date before any extensions")
    closed_on: dt.date | None = Field(description="When the item was closed")
    updates: list[ProgressUpdateOut] = Field(description="Progress updates, newest first")
    evidence: list[EvidenceOut] = Field(description="Evidence, newest first; file contents are not included")
    transitions: list[TransitionOut] = Field(description="Every status and sign-off change, oldest first")
    rag_overrides: list[RagChangeOut] = Field(description="Every RAG override set, changed or cleared, oldest first")
    owner_changes: list[OwnerChangeOut] = Field(description="Every change of owner or portfolio, oldest first")
    extensions: list[ExtensionOut] = Field(description="Extension requests and their decisions, newest first")
    hmicfrs_history: list[HmicfrsStatusOut] = Field(description="The inspectorate's dated statuses, newest first")

    @staticmethod
    def resolve_rag_reason(obj: TrackingRecord) -> str:
        return obj.rag_reason()

    @staticmethod
    def resolve_rag_overridden(obj: TrackingRecord) -> bool:
        return bool(obj.rag_override)

    @staticmethod
    def resolve_suggested_rag(obj: TrackingRecord) -> Rag:
        return obj.suggested_rag().rag

    @staticmethod
    def resolve_updates(obj: TrackingRecord) -> list[object]:
        return list(obj.updates.all())

    @staticmethod
    def resolve_evidence(obj: TrackingRecord) -> list[object]:
        return list(obj.evidence.all())

    @staticmethod
    def resolve_transitions(obj: TrackingRecord) -> list[object]:
        return list(obj.transitions.all())

    @staticmethod
    def resolve_rag_overrides(obj: TrackingRecord) -> list[object]:
        return list(obj.rag_changes.all())

    @staticmethod
    def resolve_owner_changes(obj: TrackingRecord) -> list[object]:
        return list(obj.owner_changes.all())

    @staticmethod
    def resolve_extensions(obj: TrackingRecord) -> list[object]:
        return list(obj.extensions.all())

    @staticmethod
    def resolve_hmicfrs_history(obj: TrackingRecord) -> list[object]:
        return list(obj.hmicfrs_history.all())


class AllowedActionOut(Schema):
    action: TransitionAction = Field(description="The step, as `action` names it on the transitions endpoint")
    label: str = Field(description="What the step does")
    needs_reason: bool = Field(description="Whether a reason must be given")


# Filters and input.


class RegisterFilters(Schema):
    organisation: int | None = Field(None, description="Only this organisation's records (an organisation id)")
    report: int | None = Field(None, description="Only items from this report (a report id)")
    kind: ItemKind | None = Field(None, description="Only this kind of item")
    report_kind: ReportKind | None = Field(None, description="Only items from this kind of report")
    status: TrackingStatus | None = Field(None, description="Only records with this local status")
    signoff: SignoffStage | None = Field(None, description="Only records at this sign-off stage")
    rag: Rag | None = Field(None, description="Only records with this RAG rating in force")
    owner: int | None = Field(None, description="Only records owned by this person (a person id)")
    overdue: bool = Field(False, description="true: only open records past their due date")


class ProgressUpdateIn(Schema):
    text: str = Field(
        description="What has been done since the last update", min_length=1, max_length=LONG_TEXT, pattern=NO_NUL
    )


class TransitionIn(Schema):
    action: str = Field(
        description="The sign-off step; see the actions endpoint for the steps open to you",
        json_schema_extra={"enum": list(services.RULES)},
        max_length=40,
        pattern=NO_NUL,
    )
    reason: str = Field(
        "",
        description="Why; required when returning an item to its owner or from HMICFRS",
        max_length=TEXT,
        pattern=NO_NUL,
    )
    version: int = Field(description="The record's version as you last read it", ge=1, le=2**31 - 1)


class ErrorOut(Schema):
    detail: str = Field(description="What went wrong, in words a person can act on")


class InvalidOut(ErrorOut):
    errors: dict[str, list[str]] = Field(description="Messages by field ('__all__' for the whole request)")
