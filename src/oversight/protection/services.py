"""Protective measures as guarded changes: record a measure, serve, vary, extend, end; tell the victim;
report a breach and record the response, charge and outcome; record a power not used and that the
victim was told. One function each: it checks access (`oversight.concurrency.require`), locks the row
(`lock_for_change`) inside `transaction.atomic()`, checks the statutory rules (`rules.py`) and writes
a dated event. A refusal by the rules is a `RuleRefused` carrying each reason and its source; nothing
is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from oversight.audit.models import log_read, record_refusal
from oversight.cases.models import Case, Subject
from oversight.cases.services import note_refused_attempt
from oversight.concurrency import bump_version, lock_for_change, require
from oversight.organisations.models import Organisation
from oversight.workforce.models import Person

from . import access
from .models import (
    Authorisation,
    Authority,
    Breach,
    Condition,
    ContactMethod,
    EventKind,
    Measure,
    MeasureEvent,
    MeasureKind,
    MeasureRule,
    MeasureStatus,
    MeasureType,
    Outcome,
    ProtectedPerson,
    ReportedBy,
    Response,
    ToldAbout,
    UnusedPower,
    VictimNotification,
    rule_spec,
)
from .rules import (
    ExtensionFacts,
    MeasureFacts,
    Refusal,
    RuleSpec,
    check_extension,
    check_measure,
    hearing_deadline,
    rule_for,
)


class RuleRefused(ValidationError):
    """The statutory rules refuse the measure or change: each reason by field, with its source."""

    def __init__(self, refusals: Sequence[Refusal]) -> None:
        by_field: dict[str, list[str]] = {}
        for refusal in refusals:
            by_field.setdefault(refusal.field, []).append(str(refusal))
        super().__init__(by_field)
        self.refusals = list(refusals)


def rule_specs() -> list[RuleSpec]:
    """Every rule, as the checker reads them (a handful of rows, read once per change)."""
    rows = MeasureRule.objects.select_related("measure_type").prefetch_related("areas", "extension_steps")
    return [rule_spec(rule) for rule in rows]


def _local(moment: dt.datetime) -> dt.datetime:
    """The statutes count days in England and Wales: read a moment on the London clock."""
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def _rule_row(measure_type: MeasureType, spec: RuleSpec) -> MeasureRule:
    return MeasureRule.objects.get(measure_type=measure_type, applies_from=spec.applies_from)


def case_of(person: Person | None) -> Case | None:
    """The PPDA case a register entry is a subject of (the most recent), if any."""
    if person is None:
        return None
    subject = Subject.objects.filter(person=person).select_related("case").order_by("-case__received_on").first()
    return subject.case if subject else None


@dataclass(frozen=True)
class ProtectedDraft:
    name: str
    relationship: str = ""
    is_child: bool = False
    is_victim: bool = True


@dataclass(frozen=True)
class MeasureDraft:
    """What is known when a measure is made: the type, where, against and for whom, who authorised it, when."""

    force: Organisation
    kind: str
    reference: str
    restrained_name: str
    made_at: dt.datetime
    protected: Sequence[ProtectedDraft] = ()
    conditions: Sequence[str] = ()
    restrained_person: Person | None = None
    authority: str = Authority.POLICE
    authorised_by_name: str = ""
    authorised_by_rank: str = ""
    court: str = ""
    arrested_on: dt.date | None = None
    applied_on: dt.date | None = None
    served_at: dt.datetime | None = None
    hearing_at: dt.datetime | None = None
    ends_on: dt.date | None = None
    until_further_order: bool = False
    renewal_on: dt.date | None = None
    notice: Measure | None = None

    def facts(self) -> MeasureFacts:
        return MeasureFacts(
            kind=self.kind,
            force_id=self.force.pk,
            force_name=self.force.name,
            made_at=_local(self.made_at),
            authority=self.authority,
            authoriser_rank=self.authorised_by_rank,
            served_at=_local(self.served_at) if self.served_at else None,
            hearing_at=_local(self.hearing_at) if self.hearing_at else None,
            ends_on=self.ends_on,
            until_further_order=self.until_further_order,
            arrested_on=self.arrested_on,
        )


YEARS = (1900, 2100)  # as the forms' dates (oversight.forms.YEARS): outside them is a typing error


def _check_years(**moments: dt.date | None) -> None:
    """Refuse a date outside the years a record can fall in (and that date arithmetic can reach)."""
    wrong = {name: "Enter a real date" for name, day in moments.items() if day and not YEARS[0] <= day.year <= YEARS[1]}
    if wrong:
        raise ValidationError(wrong)


def check_draft(draft: MeasureDraft) -> tuple[MeasureType, RuleSpec]:
    """The type and the rule the draft is made under, or RuleRefused / ValidationError with every reason."""
    _check_years(
        made_at=draft.made_at.date(), served_at=draft.served_at.date() if draft.served_at else None,
        hearing_at=draft.hearing_at.date() if draft.hearing_at else None, ends_on=draft.ends_on,
        arrested_on=draft.arrested_on, renewal_on=draft.renewal_on,
    )  # fmt: skip
    if not draft.reference.strip():
        raise ValidationError({"reference": "Enter the force's reference for the measure"})
    if not draft.restrained_name.strip():
        raise ValidationError({"restrained_name": "Enter the name of the person restrained"})
    specs = rule_specs()
    refusals = check_measure(specs, draft.facts(), MeasureKind.values)
    if refusals:
        raise RuleRefused(refusals)
    measure_type = MeasureType.objects.get(kind=draft.kind)
    spec = rule_for(specs, draft.kind, draft.force.pk, draft.force.name, draft.facts().made_at.date())
    assert spec is not None  # check_measure refuses a measure no rule applies to
    return measure_type, spec


def _check_notice(by: User, draft: MeasureDraft, measure_type: MeasureType) -> None:
    notice = draft.notice
    if notice is None:
        return
    require(access.can_change_measure(by, notice))
    if notice.force_id != draft.force.pk or notice.measure_type.order_kind != measure_type.kind:
        raise ValidationError(
            {"notice": f"A {measure_type.short_name} cannot follow a {notice.measure_type.short_name}"}
        )
    if notice.made_at and draft.made_at < notice.made_at:
        raise ValidationError({"made_at": "The order cannot be made before the notice it follows"})


def record_measure(by: User, draft: MeasureDraft) -> Measure:
    """A measure made: checked against its type's rule in force on the day, with the people, conditions,
    its authorisation and the event. An order following a notice ends the notice."""
    require(access.can_record_in_force(by, draft.force.pk), "You cannot record measures for this force.")
    measure_type, spec = check_draft(draft)
    _check_notice(by, draft, measure_type)
    if Measure.objects.filter(force=draft.force, measure_type=measure_type, reference=draft.reference.strip()).exists():
        raise ValidationError(
            {"reference": f"This force has already recorded a {measure_type.short_name} with this reference"}
        )
    due = hearing_deadline(spec, _local(draft.made_at))
    with transaction.atomic():
        measure = Measure.objects.create(
            force=draft.force, reference=draft.reference.strip(), measure_type=measure_type,
            rule=_rule_row(measure_type, spec), notice=draft.notice, status=MeasureStatus.IN_FORCE,
            restrained_name=draft.restrained_name.strip(), restrained_person=draft.restrained_person,
            case=case_of(draft.restrained_person), authorised_by_name=draft.authorised_by_name.strip(),
            authorised_by_rank=draft.authorised_by_rank.strip(), court=draft.court.strip(),
            arrested_on=draft.arrested_on, applied_on=draft.applied_on, made_at=draft.made_at,
            served_at=draft.served_at, hearing_at=draft.hearing_at, hearing_due_at=due, ends_on=draft.ends_on,
            until_further_order=draft.until_further_order, renewal_on=draft.renewal_on, recorded_by=by,
        )  # fmt: skip
        for person in draft.protected:
            ProtectedPerson.objects.create(
                measure=measure, name=person.name.strip(), relationship=person.relationship.strip(),
                is_child=person.is_child, is_victim=person.is_victim,
            )  # fmt: skip
        day = timezone.localdate(draft.made_at)
        for text in (t.strip() for t in draft.conditions):
            if text:
                Condition.objects.create(measure=measure, text=text, added_on=day)
        Authorisation.objects.create(
            measure=measure, step=0, authority=draft.authority, name=draft.authorised_by_name.strip(),
            rank=draft.authorised_by_rank.strip(), court=draft.court.strip(), authorised_at=draft.made_at,
            recorded_by=by,
        )  # fmt: skip
        _event(measure, by, EventKind.MADE, draft.made_at, "", MeasureStatus.IN_FORCE)
        if draft.served_at:
            _event(measure, by, EventKind.SERVED, draft.served_at, MeasureStatus.IN_FORCE, MeasureStatus.IN_FORCE)
        if draft.notice is not None:
            _end_notice(draft.notice, by, draft.made_at, measure)
    return measure


def _event(measure: Measure, by: User, kind: str, at: dt.datetime, from_status: str, to: str, reason: str = "") -> None:
    MeasureEvent.write(by, reason, measure=measure, kind=kind, occurred_at=at, from_status=from_status, to_status=to)


def _end_notice(notice: Measure, by: User, at: dt.datetime, order: Measure) -> None:
    locked = lock_for_change(Measure, notice.pk, None, noun="notice")
    if locked.status != MeasureStatus.IN_FORCE:
        return
    reason = f"The {order.measure_type.short_name} ({order.reference}) was made"
    _event(locked, by, EventKind.ENDED, at, locked.status, MeasureStatus.ENDED, reason)
    locked.status, locked.ended_on, locked.end_reason = MeasureStatus.ENDED, timezone.localdate(at), reason
    bump_version(locked, "status", "ended_on", "end_reason")


def _changeable(measure: Measure, by: User, version: int | None) -> Measure:
    locked = lock_for_change(Measure, measure.pk, version, noun="measure")
    require(access.can_change_measure(by, locked))
    if locked.status != MeasureStatus.IN_FORCE:
        raise ValidationError(
            f"This {locked.measure_type.short_name} is {locked.get_status_display().lower()}: it cannot change"
        )
    return locked


def serve(measure: Measure, by: User, version: int | None, served_at: dt.datetime) -> Measure:
    _check_years(served_at=served_at.date())
    with transaction.atomic():
        locked = _changeable(measure, by, version)
        if locked.served_at is not None:
            raise ValidationError({"served_at": "It has already been recorded as served"})
        if locked.made_at and served_at < locked.made_at:
            raise ValidationError(
                {"served_at": f"A {locked.measure_type.short_name} cannot be served before it was made"}
            )
        _event(locked, by, EventKind.SERVED, served_at, locked.status, locked.status)
        locked.served_at = served_at
        bump_version(locked, "served_at")
    return locked


def vary(
    measure: Measure,
    by: User,
    version: int | None,
    varied_on: dt.date,
    add: Sequence[str],
    remove: Sequence[int],
    reason: str,
) -> Measure:
    """Conditions added or lifted (by the court, or for bail the custody officer), with the reason."""
    _check_years(varied_on=varied_on)
    added = [text.strip() for text in add if text.strip()]
    if not added and not remove:
        raise ValidationError({"add": "Enter a condition to add, or choose one to lift"})
    with transaction.atomic():
        locked = _changeable(measure, by, version)
        if locked.made_on and varied_on < locked.made_on:
            raise ValidationError({"varied_on": "A variation cannot come before the measure was made"})
        current = locked.conditions.filter(removed_on__isnull=True)
        if set(remove) - set(current.values_list("pk", flat=True)):
            raise ValidationError({"remove": "Choose conditions of this measure that are still in force"})
        current.filter(pk__in=remove).update(removed_on=varied_on)
        for text in added:
            Condition.objects.create(measure=locked, text=text, added_on=varied_on)
        at = timezone.make_aware(dt.datetime.combine(varied_on, dt.time(12)))
        _event(locked, by, EventKind.VARIED, at, locked.status, locked.status, reason)
        bump_version(locked)
    return locked


@dataclass(frozen=True)
class ExtensionDraft:
    authority: str
    authorised_at: dt.datetime
    extends_to: dt.date
    name: str = ""
    rank: str = ""
    court: str = ""


def extend(measure: Measure, by: User, version: int | None, draft: ExtensionDraft) -> Measure:
    """The next extension step of the measure's rule, checked: its authority, its limit, before the end."""
    _check_years(authorised_at=draft.authorised_at.date(), extends_to=draft.extends_to)
    with transaction.atomic():
        locked = _changeable(measure, by, version)
        spec = rule_spec(locked.rule)
        if locked.ends_on is None or not spec.steps:
            raise ValidationError(f"A {locked.measure_type.short_name} is not extended by the police or a further step")
        number = locked.authorisations.filter(step__gt=0).count() + 1
        facts = MeasureFacts(
            locked.measure_type.kind, locked.force_id, locked.force.name, _local(locked.made_at or draft.authorised_at),
            arrested_on=locked.arrested_on,
        )  # fmt: skip
        extension = ExtensionFacts(
            number,
            draft.authority,
            draft.rank,
            timezone.localdate(draft.authorised_at),
            locked.ends_on,
            draft.extends_to,
        )
        if refusals := check_extension(spec, facts, extension):
            raise RuleRefused(refusals)
        Authorisation.objects.create(
            measure=locked, step=number, authority=draft.authority, name=draft.name.strip(), rank=draft.rank.strip(),
            court=draft.court.strip(), authorised_at=draft.authorised_at, extends_to=draft.extends_to, recorded_by=by,
        )  # fmt: skip
        reason = f"Extension {number} to {draft.extends_to:%-d %B %Y}"
        _event(locked, by, EventKind.EXTENDED, draft.authorised_at, locked.status, locked.status, reason)
        locked.ends_on = draft.extends_to
        bump_version(locked, "ends_on")
    return locked


def end(measure: Measure, by: User, version: int | None, ended_on: dt.date, reason: str) -> Measure:
    """Ended early (discharged, revoked, bail cancelled on charge) or at its end, with the reason."""
    _check_years(ended_on=ended_on)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why it ended"})
    with transaction.atomic():
        locked = _changeable(measure, by, version)
        if locked.made_on and ended_on < locked.made_on:
            raise ValidationError({"ended_on": "It cannot end before it was made"})
        at = timezone.make_aware(dt.datetime.combine(ended_on, dt.time(12)))
        _event(locked, by, EventKind.ENDED, at, locked.status, MeasureStatus.ENDED, reason.strip())
        locked.status, locked.ended_on, locked.end_reason = MeasureStatus.ENDED, ended_on, reason.strip()
        bump_version(locked, "status", "ended_on", "end_reason")
    return locked


@dataclass(frozen=True)
class Notification:
    about: str
    told_at: dt.datetime
    method: str
    views: str = ""
    person: ProtectedPerson | None = None


def record_notification(measure: Measure, by: User, told: Notification) -> VictimNotification:
    """The victim told of the measure or a change (or, for bail, asked their views on the conditions)."""
    _check_years(told_at=told.told_at.date())
    require(access.can_change_measure(by, measure))
    if told.about not in ToldAbout.values or told.method not in ContactMethod.values:
        raise ValidationError("Choose what the victim was told and how")
    if told.about == ToldAbout.BAIL_VIEWS and measure.measure_type.kind != MeasureKind.PRE_CHARGE_BAIL:
        raise ValidationError({"about": "Views on bail conditions are sought only for pre-charge bail"})
    if told.person is not None and told.person.measure_id != measure.pk:
        raise ValidationError({"person": "Choose a person this measure protects"})
    if told.told_at > timezone.now():
        raise ValidationError({"told_at": "The date the victim was told cannot be in the future"})
    return VictimNotification.objects.create(
        measure=measure, person=told.person, about=told.about, told_at=told.told_at, method=told.method,
        views=told.views.strip(), recorded_by=by,
    )  # fmt: skip


# Breaches


@dataclass(frozen=True)
class BreachReport:
    reported_at: dt.datetime
    reported_by: str
    description: str
    reporter_name: str = ""


def report_breach(measure: Measure, by: User, report: BreachReport) -> Breach:
    _check_years(reported_at=report.reported_at.date())
    require(access.can_change_measure(by, measure) or _ended_but_visible(by, measure))
    if report.reported_by not in ReportedBy.values:
        raise ValidationError({"reported_by": "Choose who reported the breach"})
    if not report.description.strip():
        raise ValidationError({"description": "Enter what happened"})
    if measure.made_at and report.reported_at < measure.made_at:
        raise ValidationError({"reported_at": "A breach cannot be reported before the measure was made"})
    if report.reported_at > timezone.now():
        raise ValidationError({"reported_at": "The date reported cannot be in the future"})
    if measure.breaches.filter(reported_at=report.reported_at).exists():
        raise ValidationError({"reported_at": "A breach of this measure reported at this time is already recorded"})
    return Breach.objects.create(
        measure=measure, reported_at=report.reported_at, reported_by=report.reported_by,
        reporter_name=report.reporter_name.strip(), description=report.description.strip(), recorded_by=by,
    )  # fmt: skip


def _ended_but_visible(by: User, measure: Measure) -> bool:
    """A breach found late may be reported after the measure ended: the force's recorders still may."""
    return access.can_record_in_force(by, measure.force_id) and access.can_view_measure(by, measure)


def _locked_breach(breach: Breach, by: User, version: int | None) -> Breach:
    locked = lock_for_change(Breach, breach.pk, version, noun="breach")
    require(_ended_but_visible(by, locked.measure))
    return locked


def record_response(
    breach: Breach, by: User, version: int | None, response: str, responded_at: dt.datetime, no_action_reason: str = ""
) -> Breach:
    """The police response: arrest (with its time), voluntary interview, warning, or no action with the reason."""
    _check_years(responded_at=responded_at.date())
    if response not in Response.values or response == Response.NOT_RECORDED:
        raise ValidationError({"response": "Choose the police response"})
    if response == Response.NO_ACTION and not no_action_reason.strip():
        raise ValidationError({"no_action_reason": "Enter why no action was taken"})
    with transaction.atomic():
        locked = _locked_breach(breach, by, version)
        if responded_at < locked.reported_at:
            raise ValidationError({"responded_at": "The response cannot come before the breach was reported"})
        if responded_at > timezone.now():
            raise ValidationError({"responded_at": "The date cannot be in the future"})
        locked.response, locked.responded_at = response, responded_at
        locked.no_action_reason = no_action_reason.strip() if response == Response.NO_ACTION else ""
        locked.arrested_at = responded_at if response == Response.ARREST else None
        bump_version(locked, "response", "responded_at", "no_action_reason", "arrested_at")
    return locked


def record_charge(breach: Breach, by: User, version: int | None, charged_on: dt.date, charge: str) -> Breach:
    _check_years(charged_on=charged_on)
    if not charge.strip():
        raise ValidationError({"charge": "Enter the charge"})
    with transaction.atomic():
        locked = _locked_breach(breach, by, version)
        if locked.response == Response.NOT_RECORDED or locked.response == Response.NO_ACTION:
            raise ValidationError("Record the police response before a charge")
        if charged_on < timezone.localdate(locked.reported_at):
            raise ValidationError({"charged_on": "The charge cannot come before the breach was reported"})
        locked.charged_on, locked.charge = charged_on, charge.strip()
        bump_version(locked, "charged_on", "charge")
    return locked


def record_outcome(breach: Breach, by: User, version: int | None, outcome: str, outcome_on: dt.date | None) -> Breach:
    _check_years(outcome_on=outcome_on)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": "Choose the outcome"})
    if outcome != Outcome.PENDING and outcome_on is None:
        raise ValidationError({"outcome_on": "Enter the date of the outcome"})
    with transaction.atomic():
        locked = _locked_breach(breach, by, version)
        if locked.response == Response.NOT_RECORDED:
            raise ValidationError("Record the police response before the outcome")
        if outcome_on and outcome_on < timezone.localdate(locked.reported_at):
            raise ValidationError({"outcome_on": "The outcome cannot come before the breach was reported"})
        locked.outcome, locked.outcome_on = outcome, outcome_on if outcome != Outcome.PENDING else None
        bump_version(locked, "outcome", "outcome_on")
    return locked


# Powers not used


@dataclass(frozen=True)
class UnusedPowerDraft:
    force: Organisation
    incident_reference: str
    kind: str
    decided_on: dt.date
    reason: str
    instead: str
    restrained_name: str = ""
    restrained_person: Person | None = None
    victim_told_at: dt.datetime | None = None
    victim_told_method: str = ""


def record_unused_power(by: User, draft: UnusedPowerDraft) -> UnusedPower:
    """A measure available in a case and not used: why, what instead, and (if known yet) when and how the
    victim was told."""
    require(access.can_record_in_force(by, draft.force.pk), "You cannot record for this force.")
    _check_years(
        decided_on=draft.decided_on, victim_told_at=draft.victim_told_at.date() if draft.victim_told_at else None
    )
    measure_type = MeasureType.objects.filter(kind=draft.kind).first()
    if measure_type is None:
        raise ValidationError({"measure_type": f"“{draft.kind}” is not a measure type this service knows"})
    errors = {
        name: message
        for name, value, message in (
            ("incident_reference", draft.incident_reference, "Enter the crime or incident reference"),
            ("reason", draft.reason, "Enter why the power was not used"),
            ("instead", draft.instead, "Enter what was done instead to protect the victim"),
        )
        if not value.strip()
    }
    if errors:
        raise ValidationError(errors)
    _check_told(draft.victim_told_at, draft.victim_told_method, draft.decided_on)
    if UnusedPower.objects.filter(
        force=draft.force, incident_reference=draft.incident_reference.strip(), measure_type=measure_type
    ).exists():
        raise ValidationError(
            {"incident_reference": f"A {measure_type.short_name} not used in this incident is already recorded"}
        )
    return UnusedPower.objects.create(
        force=draft.force, incident_reference=draft.incident_reference.strip(), measure_type=measure_type,
        decided_on=draft.decided_on, restrained_name=draft.restrained_name.strip(),
        restrained_person=draft.restrained_person, case=case_of(draft.restrained_person), reason=draft.reason.strip(),
        instead=draft.instead.strip(), victim_told_at=draft.victim_told_at,
        victim_told_method=draft.victim_told_method if draft.victim_told_at else "", recorded_by=by,
    )  # fmt: skip


def _check_told(told_at: dt.datetime | None, method: str, decided_on: dt.date) -> None:
    if told_at is None:
        return
    if method not in ContactMethod.values:
        raise ValidationError({"victim_told_method": "Choose how the victim was told"})
    if timezone.localdate(told_at) < decided_on:
        raise ValidationError({"victim_told_at": "The victim cannot be told before the decision was made"})
    if told_at > timezone.now():
        raise ValidationError({"victim_told_at": "The date cannot be in the future"})


def record_victim_told(
    power: UnusedPower, by: User, version: int | None, told_at: dt.datetime, method: str
) -> UnusedPower:
    """When and how the victim was told that the power was not used, and why."""
    _check_years(told_at=told_at.date())
    with transaction.atomic():
        locked = lock_for_change(UnusedPower, power.pk, version, noun="record")
        require(access.can_change_unused_power(by, locked))
        if locked.victim_told_at is not None:
            raise ValidationError("The victim has already been recorded as told")
        _check_told(told_at, method, locked.decided_on)
        locked.victim_told_at, locked.victim_told_method = told_at, method
        bump_version(locked, "victim_told_at", "victim_told_method")
    return locked


def read_measure(user: User, pk: int, route: str = "web") -> Measure | None:
    """The measure with what hangs on it if this person may see it; a read of one locked with a PPDA case
    is logged on the case, as every read of a locked record is. None exactly as for a missing one."""
    measure = (
        access.visible_measures(user)
        .select_related("force", "measure_type", "rule", "restrained_person", "case", "notice", "recorded_by")
        .prefetch_related(
            "protected",
            "conditions",
            "authorisations",
            Prefetch("events", MeasureEvent.objects.select_related("by")),
            Prefetch("notifications", VictimNotification.objects.select_related("person", "recorded_by")),
            "breaches",
            "orders",
        )
        .filter(pk=pk)
        .first()
    )
    locking = case_of(measure.restrained_person) if measure is not None else None
    if measure is not None and locking is not None:
        log_read(user, locking, f"Protective measure {measure.reference}", route)
    return measure


LARGEST_ID = 2**63 - 1


def _restrained_id(model: type[Measure | Breach | UnusedPower], pk: int) -> int | None:
    """The register entry restrained by the record (a breach: by its measure), if any."""
    if model is Breach:
        return Breach.objects.filter(pk=pk).values_list("measure__restrained_person_id", flat=True).first()
    if model is UnusedPower:
        return UnusedPower.objects.filter(pk=pk).values_list("restrained_person_id", flat=True).first()
    return Measure.objects.filter(pk=pk).values_list("restrained_person_id", flat=True).first()


def note_refusal(
    user: User, model: type[Measure | Breach | UnusedPower], pk: int, what: str, route: str = "web"
) -> None:
    """A record refused to this person (or missing): when it restrains a PPDA case's subject, the attempt is
    noted on the case as every refused reach for a case is (an excluded person's alerts the force's PSD lead,
    silently); otherwise one refusal row. Either way the person sees what they see for a missing record."""
    pk = min(max(pk, 0), LARGEST_ID)
    if not user.is_authenticated:
        return
    person_id = _restrained_id(model, pk)
    subject = Subject.objects.filter(person_id=person_id).order_by("-case__received_on").first() if person_id else None
    if subject is not None:
        note_refused_attempt(user, subject.case_id, f"a protective measure record ({model._meta.verbose_name})", route)
    else:
        record_refusal(user, model, pk, f"protective measures: {model._meta.verbose_name}", route)
