"""Protective measures in the API: measures, breaches and powers not used, scoped by `protection.access`
(a measure locked with a PPDA case is 404 to anyone who may not view the case); changes only through
`protection.services`, so the statutory rules refuse here as on the pages (400, with each reason and
its source). The rules themselves, and aggregate counts, for anyone with a part in the section.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from pydantic import ValidationError as PydanticError

from oversight.forms import NO_NUL, SHORT_TEXT, TEXT
from oversight.organisations.models import Organisation
from oversight.recommendations.api import Pagination
from oversight.recommendations.schemas import ErrorOut, InvalidOut, OrganisationRef
from oversight.workforce.models import Person

from . import access, services
from .models import (
    Breach,
    ContactMethod,
    LengthUnit,
    Measure,
    MeasureKind,
    MeasureRule,
    MeasureStatus,
    Outcome,
    ReportedBy,
    Response,
    UnusedPower,
)

router = Router(tags=["protection"])
ModelT = TypeVar("ModelT", Measure, Breach, UnusedPower)
SchemaT = TypeVar("SchemaT", bound=Schema)
REFUSALS = {401: ErrorOut, 404: ErrorOut}
WRITE_REFUSALS = {**REFUSALS, 400: InvalidOut, 403: ErrorOut, 409: ErrorOut}


class ConditionOut(Schema):
    text: str
    added_on: dt.date
    removed_on: dt.date | None = None


class BreachOut(Schema):
    id: int
    measure_id: int
    reported_at: dt.datetime
    reported_by: ReportedBy
    description: str
    response: Response = Field(description="Empty when no response is recorded yet")
    no_action_reason: str
    arrested_at: dt.datetime | None = None
    hours_to_arrest: float | None = None
    charged_on: dt.date | None = None
    charge: str
    outcome: Outcome
    outcome_on: dt.date | None = None
    version: int


class MeasureOut(Schema):
    id: int
    force: OrganisationRef
    reference: str
    kind: MeasureKind
    status: MeasureStatus
    restrained_name: str
    made_at: dt.datetime | None = None
    served_at: dt.datetime | None = None
    hearing_due_at: dt.datetime | None = Field(None, description="A notice: the latest its order may be heard")
    ends_on: dt.date | None = None
    until_further_order: bool
    ended_on: dt.date | None = None
    version: int = Field(description="Send it back with a change: a stale version is refused (409)")

    @staticmethod
    def resolve_kind(obj: Measure) -> str:
        return obj.measure_type.kind


class MeasureDetailOut(MeasureOut):
    authorised_by_rank: str
    court: str
    notice_id: int | None = None
    conditions: list[ConditionOut]
    protected: list[str]
    breaches: list[BreachOut]
    rule_source: str
    rule_source_url: str

    @staticmethod
    def resolve_conditions(obj: Measure) -> list[object]:
        return list(obj.conditions.all())

    @staticmethod
    def resolve_protected(obj: Measure) -> list[str]:
        return [person.name for person in obj.protected.all()]

    @staticmethod
    def resolve_breaches(obj: Measure) -> list[Breach]:
        return list(obj.breaches.all())

    @staticmethod
    def resolve_rule_source(obj: Measure) -> str:
        return obj.rule.source_title

    @staticmethod
    def resolve_rule_source_url(obj: Measure) -> str:
        return obj.rule.source_url


class MeasureIn(Schema):
    force_id: int = Field(ge=1, le=2**62)
    kind: str = Field(max_length=30, description=", ".join(MeasureKind.values))
    reference: str = Field(min_length=1, max_length=60, pattern=NO_NUL)
    restrained_name: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    restrained_staff_number: str = Field("", max_length=20, pattern=NO_NUL)
    victim_name: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    conditions: list[str] = Field([], max_length=50)
    authority: str = Field(description="police or court")
    authorised_by_name: str = Field("", max_length=200, pattern=NO_NUL)
    authorised_by_rank: str = Field("", max_length=60, pattern=NO_NUL)
    court: str = Field("", max_length=200, pattern=NO_NUL)
    made_at: dt.datetime
    served_at: dt.datetime | None = None
    hearing_at: dt.datetime | None = None
    arrested_on: dt.date | None = None
    ends_on: dt.date | None = None
    until_further_order: bool = False
    notice_id: int | None = Field(None, ge=1, le=2**62)


class MeasureVersionIn(Schema):
    version: int = Field(ge=1, le=2**31, description="The version you last read")


class ServeIn(MeasureVersionIn):
    served_at: dt.datetime


class EndIn(MeasureVersionIn):
    ended_on: dt.date
    reason: str = Field(min_length=1, max_length=SHORT_TEXT, pattern=NO_NUL)


class ExtendIn(MeasureVersionIn):
    authority: str = Field(description="police or court")
    authorised_at: dt.datetime
    extends_to: dt.date
    name: str = Field("", max_length=200, pattern=NO_NUL)
    rank: str = Field("", max_length=60, pattern=NO_NUL)
    court: str = Field("", max_length=200, pattern=NO_NUL)


class BreachIn(Schema):
    reported_at: dt.datetime
    reported_by: str = Field(max_length=12)
    description: str = Field(min_length=1, max_length=TEXT, pattern=NO_NUL)
    reporter_name: str = Field("", max_length=200, pattern=NO_NUL)


class ResponseIn(MeasureVersionIn):
    response: str = Field(max_length=20, description="arrest, voluntary_interview, warning or no_action")
    responded_at: dt.datetime = Field(description="For an arrest: when the person was arrested")
    no_action_reason: str = Field("", max_length=TEXT, pattern=NO_NUL)


class OutcomeIn(MeasureVersionIn):
    outcome: str = Field(max_length=10)
    outcome_on: dt.date | None = None


class UnusedOut(Schema):
    id: int
    force: OrganisationRef
    incident_reference: str
    kind: MeasureKind
    decided_on: dt.date
    reason: str
    instead: str
    victim_told_at: dt.datetime | None = None
    victim_told_method: ContactMethod | None = Field(None, description="Null until the victim is told")
    version: int

    @staticmethod
    def resolve_kind(obj: UnusedPower) -> str:
        return obj.measure_type.kind

    @staticmethod
    def resolve_victim_told_method(obj: UnusedPower) -> str | None:
        return obj.victim_told_method or None


class UnusedIn(Schema):
    force_id: int = Field(ge=1, le=2**62)
    incident_reference: str = Field(min_length=1, max_length=60, pattern=NO_NUL)
    kind: str = Field(max_length=30)
    decided_on: dt.date
    reason: str = Field(min_length=1, max_length=TEXT, pattern=NO_NUL)
    instead: str = Field(min_length=1, max_length=TEXT, pattern=NO_NUL)
    victim_told_at: dt.datetime | None = None
    victim_told_method: str = Field("", max_length=10)


class ToldIn(MeasureVersionIn):
    told_at: dt.datetime
    method: str = Field(max_length=10)


class RuleOut(Schema):
    kind: MeasureKind
    applies_from: dt.date
    applies_until: dt.date | None = None
    areas: list[str] = Field(description="Empty: everywhere. Otherwise the pilot areas and their dates")
    authority_text: str
    min_length: int | None = None
    max_length: int | None = None
    length_unit: LengthUnit
    hearing_within_hours: int | None = None
    breach_consequence: str
    source_title: str
    source_url: str
    note: str

    @staticmethod
    def resolve_kind(obj: MeasureRule) -> str:
        return obj.measure_type.kind

    @staticmethod
    def resolve_areas(obj: MeasureRule) -> list[str]:
        return [str(area) for area in obj.areas.all()]


class MeasureCountsOut(Schema):
    total: int = Field(description="Measures recorded, locked ones included (counts reveal no single record)")
    by_kind: dict[str, int]
    by_status: dict[str, int]
    breaches: int
    breaches_with_arrest: int


def _force(request: HttpRequest, force_id: int) -> Organisation:
    if force_id not in access.recording_force_ids(request.user):
        raise Http404("Not found")
    return get_object_or_404(Organisation, pk=force_id)


def _person(force: Organisation, staff_number: str) -> Person | None:
    if not staff_number.strip():
        return None
    person = Person.objects.filter(force=force, staff_number=staff_number.strip()).first()
    if person is None:
        raise ValidationError({"restrained_staff_number": "No one in the force's workforce register has this number"})
    return person


def _found(record: ModelT | None, request: HttpRequest, model: type[ModelT], pk: int) -> ModelT:
    if record is None:
        services.note_refusal(request.user, model, pk, "api")  # type: ignore[arg-type]
        raise Http404("Not found")
    return record


def _measure(request: HttpRequest, measure_id: int) -> Measure:
    measures = access.visible_measures(request.user).select_related("force", "measure_type", "rule")
    return _found(measures.filter(pk=measure_id).first(), request, Measure, measure_id)


def _breach(request: HttpRequest, breach_id: int) -> Breach:
    breaches = access.visible_breaches(request.user).select_related("measure")
    return _found(breaches.filter(pk=breach_id).first(), request, Breach, breach_id)


def _unused(request: HttpRequest, unused_id: int) -> UnusedPower:
    powers = access.visible_unused_powers(request.user).select_related("force", "measure_type")
    return _found(powers.filter(pk=unused_id).first(), request, UnusedPower, unused_id)


def _body(request: HttpRequest, schema: type[SchemaT]) -> SchemaT:
    """The JSON body, read after the record was found: whatever is sent to a record someone may not see,
    they get the 404 a missing record gets (the case lock's rule), never a complaint about the body."""
    try:
        return schema.model_validate_json(request.body or b"{}")
    except PydanticError as error:
        raise ValidationError({_where(problem): [problem["msg"]] for problem in error.errors()}) from error


def _where(problem: Any) -> str:
    return ".".join(str(part) for part in problem.get("loc", ())) or "__all__"


def _documented(schema: type[Schema]) -> dict[str, Any]:
    """The body as the OpenAPI document describes it (it is read in the function, after the lookup)."""
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema.model_json_schema()}}}}


def _at(moment: dt.datetime) -> dt.datetime:
    """A time sent without a zone is read on the London clock, as the forms read it."""
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    return None if moment is None else _at(moment)


@router.get("/rules", response={200: list[RuleOut], **REFUSALS}, summary="The statutory rules, with sources")
def rules(request: HttpRequest) -> list[MeasureRule]:
    """Every measure type's dated rules: who makes it, how long, the hearing clock, the breach, the source."""
    if not access.can_use_protection(request.user):
        raise Http404("Not found")
    return list(MeasureRule.objects.select_related("measure_type").prefetch_related("areas"))


@router.get("/counts", response={200: MeasureCountsOut, **REFUSALS}, summary="Aggregate counts")
def counts(request: HttpRequest) -> dict[str, object]:
    """Counts of the measures you may count (every force for a national analyst): never a record."""
    if not access.can_use_protection(request.user):
        raise Http404("Not found")
    measures = access.counted_measures(request.user)
    breaches = Breach.objects.filter(measure__in=measures.values("pk"))
    return {
        "total": measures.count(),
        "by_kind": dict(
            measures.values("measure_type__kind").annotate(n=Count("pk")).values_list("measure_type__kind", "n")
        ),
        "by_status": dict(measures.values("status").annotate(n=Count("pk")).values_list("status", "n")),
        "breaches": breaches.count(),
        "breaches_with_arrest": breaches.filter(arrested_at__isnull=False).count(),
    }


@router.get("/measures", response=list[MeasureOut], summary="List the measures you may see")
@paginate(Pagination)
def list_measures(request: HttpRequest) -> list[Measure]:
    return access.visible_measures(request.user).select_related("force", "measure_type")  # type: ignore[return-value]


@router.get("/measures/{measure_id}", response={200: MeasureDetailOut, **REFUSALS}, summary="A measure")
def measure_detail(request: HttpRequest, measure_id: int) -> Measure:
    measure = services.read_measure(request.user, min(max(measure_id, 0), services.LARGEST_ID), route="api")  # type: ignore[arg-type]
    return _found(measure, request, Measure, measure_id)


@router.post("/measures", response={201: MeasureDetailOut, **WRITE_REFUSALS}, summary="Record a measure")
def record(request: HttpRequest, payload: MeasureIn) -> tuple[int, Measure]:
    """Checked against the rule of its type in force on the day in the force's area: a refusal (400)
    gives each reason with the rule's source, and nothing is written."""
    force = _force(request, payload.force_id)
    notice = _measure(request, payload.notice_id) if payload.notice_id else None
    draft = services.MeasureDraft(
        force=force, kind=payload.kind, reference=payload.reference, restrained_name=payload.restrained_name,
        restrained_person=_person(force, payload.restrained_staff_number), made_at=_at(payload.made_at),
        protected=[services.ProtectedDraft(payload.victim_name)], conditions=payload.conditions,
        authority=payload.authority, authorised_by_name=payload.authorised_by_name,
        authorised_by_rank=payload.authorised_by_rank, court=payload.court, arrested_on=payload.arrested_on,
        served_at=_aware(payload.served_at), hearing_at=_aware(payload.hearing_at), ends_on=payload.ends_on,
        until_further_order=payload.until_further_order, notice=notice,
    )  # fmt: skip
    return 201, services.record_measure(request.user, draft)  # type: ignore[arg-type]


@router.post(
    "/measures/{measure_id}/serve",
    response={200: MeasureDetailOut, **WRITE_REFUSALS},
    summary="Served",
    openapi_extra=_documented(ServeIn),
)
def serve(request: HttpRequest, measure_id: int) -> Measure:
    measure = _measure(request, measure_id)
    payload = _body(request, ServeIn)
    return services.serve(measure, request.user, payload.version, _at(payload.served_at))  # type: ignore[arg-type]


@router.post(
    "/measures/{measure_id}/extend",
    response={200: MeasureDetailOut, **WRITE_REFUSALS},
    summary="Extend",
    openapi_extra=_documented(ExtendIn),
)
def extend(request: HttpRequest, measure_id: int) -> Measure:
    """The rule's next extension step, by its authority and within its limit."""
    measure = _measure(request, measure_id)
    payload = _body(request, ExtendIn)
    draft = services.ExtensionDraft(
        payload.authority, _at(payload.authorised_at), payload.extends_to, payload.name, payload.rank, payload.court
    )
    return services.extend(measure, request.user, payload.version, draft)  # type: ignore[arg-type]


@router.post(
    "/measures/{measure_id}/end",
    response={200: MeasureDetailOut, **WRITE_REFUSALS},
    summary="End",
    openapi_extra=_documented(EndIn),
)
def end(request: HttpRequest, measure_id: int) -> Measure:
    measure = _measure(request, measure_id)
    payload = _body(request, EndIn)
    return services.end(measure, request.user, payload.version, payload.ended_on, payload.reason)  # type: ignore[arg-type]


@router.post(
    "/measures/{measure_id}/breaches",
    response={201: BreachOut, **WRITE_REFUSALS},
    summary="Report a breach",
    openapi_extra=_documented(BreachIn),
)
def report_breach(request: HttpRequest, measure_id: int) -> tuple[int, Breach]:
    measure = _measure(request, measure_id)
    payload = _body(request, BreachIn)
    report = services.BreachReport(
        _at(payload.reported_at), payload.reported_by, payload.description, payload.reporter_name
    )
    return 201, services.report_breach(measure, request.user, report)  # type: ignore[arg-type]


@router.post(
    "/breaches/{breach_id}/response",
    response={200: BreachOut, **WRITE_REFUSALS},
    summary="Police response",
    openapi_extra=_documented(ResponseIn),
)
def breach_response(request: HttpRequest, breach_id: int) -> Breach:
    breach = _breach(request, breach_id)
    payload = _body(request, ResponseIn)
    by: User = request.user  # type: ignore[assignment]
    return services.record_response(
        breach, by, payload.version, payload.response, _at(payload.responded_at), payload.no_action_reason
    )


@router.post(
    "/breaches/{breach_id}/outcome",
    response={200: BreachOut, **WRITE_REFUSALS},
    summary="Outcome",
    openapi_extra=_documented(OutcomeIn),
)
def breach_outcome(request: HttpRequest, breach_id: int) -> Breach:
    breach = _breach(request, breach_id)
    payload = _body(request, OutcomeIn)
    return services.record_outcome(breach, request.user, payload.version, payload.outcome, payload.outcome_on)  # type: ignore[arg-type]


@router.get("/unused", response=list[UnusedOut], summary="List the powers not used that you may see")
@paginate(Pagination)
def list_unused(request: HttpRequest) -> list[UnusedPower]:
    return access.visible_unused_powers(request.user).select_related("force", "measure_type")  # type: ignore[return-value]


@router.post("/unused", response={201: UnusedOut, **WRITE_REFUSALS}, summary="Record a power not used")
def record_unused(request: HttpRequest, payload: UnusedIn) -> tuple[int, UnusedPower]:
    force = _force(request, payload.force_id)
    draft = services.UnusedPowerDraft(
        force=force, incident_reference=payload.incident_reference, kind=payload.kind, decided_on=payload.decided_on,
        reason=payload.reason, instead=payload.instead, victim_told_at=_aware(payload.victim_told_at),
        victim_told_method=payload.victim_told_method,
    )  # fmt: skip
    return 201, services.record_unused_power(request.user, draft)  # type: ignore[arg-type]


@router.post(
    "/unused/{unused_id}/victim-told",
    response={200: UnusedOut, **WRITE_REFUSALS},
    summary="Victim told",
    openapi_extra=_documented(ToldIn),
)
def victim_told(request: HttpRequest, unused_id: int) -> UnusedPower:
    power = _unused(request, unused_id)
    payload = _body(request, ToldIn)
    return services.record_victim_told(power, request.user, payload.version, _at(payload.told_at), payload.method)  # type: ignore[arg-type]
