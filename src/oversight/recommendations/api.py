"""The register's API endpoints, scoped by the app's access module and changing state only through services.

A caller outside a tracking record gets 404 whether or not it exists; one who can see it but may
not make a change gets 403. Errors are turned into responses by the handlers in `oversight.api.urls`.
"""

from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from oversight.api.auth import FRESH_FACTOR_NOTE, refuse_without_fresh_second_factor

from . import access, services
from . import filters as filtering
from .models import (
    Evidence,
    EvidenceVersion,
    OwnerChange,
    ProgressUpdate,
    RagChange,
    Report,
    TrackingRecord,
    TrackingRecordQuerySet,
    Transition,
)
from .schemas import (
    AllowedActionOut,
    ErrorOut,
    InvalidOut,
    ProgressUpdateIn,
    ProgressUpdateOut,
    RegisterFilters,
    ReportDetailOut,
    ReportOut,
    TrackingDetailOut,
    TrackingOut,
    TransitionIn,
)

router = Router(tags=["recommendations"])


class Pagination(LimitOffsetPagination):
    """Limit and offset within bounds: a number past the database's integers would be a server error."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=1000, description="How many to return, at most 1,000")
        offset: int = Field(0, ge=0, le=2**62, description="How many to skip")


REFUSALS = {401: ErrorOut, 404: ErrorOut}
WRITE_REFUSALS = {**REFUSALS, 400: InvalidOut, 403: ErrorOut, 409: ErrorOut}


@router.get("/reports", response=list[ReportOut], summary="List inspection reports")
@paginate(Pagination)
def list_reports(request: HttpRequest) -> list[Report]:
    """Published inspection reports, newest first, with the forces each covers."""
    return access.visible_reports(request.user).prefetch_related("forces")  # type: ignore[return-value]


@router.get("/reports/{report_id}", response={200: ReportDetailOut, **REFUSALS}, summary="A report and its items")
def report_detail(request: HttpRequest, report_id: int) -> Report:
    reports = access.visible_reports(request.user).prefetch_related("forces", "items")
    return get_object_or_404(reports, pk=report_id)


def filter_register(records: TrackingRecordQuerySet, filters: RegisterFilters) -> TrackingRecordQuerySet:
    """The records matching the filters, through the register page's own filtering, by due date: a
    query, so the pagination counts and slices it in the database."""
    register = filtering.RegisterFilters(
        organisation=filters.organisation,
        report=filters.report,
        report_kind=filters.report_kind or "",
        kind=filters.kind or "",
        status=filters.status or "",
        signoff=filters.signoff or "",
        rag=filters.rag or "",
        owner=filters.owner,
        overdue=filtering.OVERDUE_DUE if filters.overdue else "",
    )
    return register.records(records, timezone.localdate())


@router.get("/tracking", response=list[TrackingOut], summary="List tracking records you can see")
@paginate(Pagination)
def list_tracking(request: HttpRequest, filters: Query[RegisterFilters]) -> TrackingRecordQuerySet:
    """The register: tracking records of the organisations whose register you may read, by due date.

    Paged: `limit` and `offset` choose the page; `count` is the number matching the filters."""
    return filter_register(access.visible_tracking_records(request.user), filters)


def _visible_record(request: HttpRequest, tracking_id: int) -> TrackingRecord:
    return get_object_or_404(access.visible_tracking_records(request.user).with_related(), pk=tracking_id)


def _with_history(records: TrackingRecordQuerySet) -> TrackingRecordQuerySet:
    return records.with_related().prefetch_related(
        Prefetch("updates", ProgressUpdate.objects.select_related("author")),
        Prefetch(
            "evidence",
            Evidence.objects.select_related("added_by").prefetch_related(
                Prefetch("versions", EvidenceVersion.objects.select_related("uploaded_by"))
            ),
        ),
        Prefetch("transitions", Transition.objects.select_related("by")),
        Prefetch("rag_changes", RagChange.objects.select_related("by")),
        Prefetch("owner_changes", OwnerChange.objects.select_related("by", "from_owner", "to_owner")),
        "extensions__requested_by",
        "extensions__decided_by",
        "hmicfrs_history",
    )


def _record_in_full(request: HttpRequest, tracking_id: int) -> TrackingRecord:
    return get_object_or_404(_with_history(access.visible_tracking_records(request.user)), pk=tracking_id)


@router.get(
    "/tracking/{tracking_id}", response={200: TrackingDetailOut, **REFUSALS}, summary="A tracking record in full"
)
def tracking_detail(request: HttpRequest, tracking_id: int) -> TrackingRecord:
    """Statuses, RAG and why, dates and slips, updates, evidence (metadata and SHA-256) and transitions."""
    return _record_in_full(request, tracking_id)


@router.get(
    "/tracking/{tracking_id}/actions",
    response={200: list[AllowedActionOut], **REFUSALS},
    summary="Sign-off steps open to you",
)
def allowed_actions(request: HttpRequest, tracking_id: int) -> list[AllowedActionOut]:
    """The steps your roles and the record's stage open to you. Take them on the site: each needs a
    recent second factor, so the transitions endpoint refuses them to an API token (403)."""
    tracking = _visible_record(request, tracking_id)
    return [
        AllowedActionOut(action=action, label=action.label, needs_reason=services.RULES[action].needs_reason)
        for action in services.allowed_actions(request.user, tracking)
    ]


@router.post(
    "/tracking/{tracking_id}/updates",
    response={201: ProgressUpdateOut, **WRITE_REFUSALS},
    summary="Post a progress update",
)
def post_update(request: HttpRequest, tracking_id: int, payload: ProgressUpdateIn) -> Status[ProgressUpdate]:
    """Owners and the liaison officer may post while the item is open. Updates are never edited."""
    tracking = _visible_record(request, tracking_id)
    return Status(201, services.post_update(tracking, request.user, payload.text))  # type: ignore[arg-type]


TAKE_STEP_DESCRIPTION = f"""Submit, return to owner, pass to HMICFRS, sign off or return from HMICFRS.

{FRESH_FACTOR_NOTE} An action that is not a sign-off step answers 400.
"""


@router.post(
    "/tracking/{tracking_id}/transitions",
    response={200: TrackingDetailOut, **WRITE_REFUSALS},
    summary="Take a sign-off step",
    description=TAKE_STEP_DESCRIPTION,
)
def take_step(request: HttpRequest, tracking_id: int, payload: TransitionIn) -> TrackingRecord:
    tracking = _visible_record(request, tracking_id)
    if payload.action in services.RULES:  # every sign-off step: the site's page asks for the factor again
        refuse_without_fresh_second_factor(request)
    services.transition(tracking, request.user, payload.action, payload.reason, payload.version)  # type: ignore[arg-type]
    return _record_in_full(request, tracking.pk)
