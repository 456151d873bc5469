"""Each force's register: national reports shared by all forces, the force's own PEEL reports, and a
tracking record per item with the life the services would have given it.

Rows are written in bulk, but each is what a guarded service function writes: an owner change when
the liaison officer assigns the item, the first progress update moving it to "in progress", evidence
before it is submitted, the liaison officer passing it to HMICFRS and the region's HMICFRS lead
signing it off or returning it with reasons (each step a transition row, mirrored in the
inspectorate's status history), quarterly reviews setting the next review, extensions that move
the due date only when approved, RAG overrides with their reasons. Each PEEL report has the
governing body's 56-day response, published with its transition row once its time has come; each
force has its joint audit committee with quarterly meetings for the committee paper.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import models
from django.utils import timezone

from oversight.lib.deadlines import add_months
from oversight.organisations.models import Organisation
from oversight.recommendations.models import (
    Addressee,
    Committee,
    CommitteeMeeting,
    Evidence,
    EvidenceKind,
    ExtensionDecision,
    ExtensionRequest,
    GoverningBodyResponse,
    HmicfrsStatus,
    HmicfrsStatusEntry,
    Item,
    ItemKind,
    OwnerChange,
    ProgressUpdate,
    QuarterlyReview,
    RagChange,
    RagOverride,
    Report,
    ReportKind,
    ResponseAction,
    ResponseStatus,
    ResponseTransition,
    SignoffStage,
    TrackingRecord,
    TrackingStatus,
    Transition,
    TransitionAction,
)
from oversight.recommendations.rules import REVIEW_INTERVAL_MONTHS

from . import wording
from .people import ForcePeople, Nation, short_name
from .plan import Plan

BATCH = 2_000
PEEL_REPORTS = (9.6, 8.6, 7.6, 6.5, 3.6, 0.8)  # years ago: the annual rounds of 2016 to 2018/19, 2021/22, 2023-25
PEEL_ITEMS = 20  # findings in a PEEL report at full size
HMICFRS_URL = "https://www.justiceinspectorates.gov.uk/hmicfrs/publications/"
EVIDENCE_URL = "https://evidence.example.org/"  # no real store: the links are plainly synthetic


def moment(day: dt.date, rng: random.Random) -> dt.datetime:
    """A working-hours moment on the day."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9)) + dt.timedelta(minutes=rng.randrange(480)))


def deadline_phrase(template: str, published: dt.date) -> str:
    """The phrase as written; "by:<months>" becomes "By 31 March 2025", the end of the month that many
    months after publication (so a report's dated deadline always falls after it)."""
    if not template.startswith("by:"):
        return template
    month_after = add_months(published, int(template[3:]) + 1).replace(day=1)
    return f"By {month_after - dt.timedelta(days=1):%-d %B %Y}"


def national_reports(plan: Plan) -> list[Item]:
    """The national reports covering all forces, with their items (as many as the scale asks)."""
    rng, items = plan.rng("register", "national"), []
    for spec in wording.NATIONAL_REPORTS:
        published = plan.days_ago(round(spec.years_ago * 365.25))
        report = _report(spec.title, spec.kind, published, spec.summary, covers_all=True)
        kept = max(1, round(len(spec.items) * plan.register_share))
        for number, (kind, phrase, text) in enumerate(spec.items[:kept], start=1):
            items.append(_item(report, kind, str(number), text, deadline_phrase(phrase, published), rng))
    return _save_items(items)


def _report(title: str, kind: str, published: dt.date, summary: str, *, covers_all: bool) -> Report:
    report = Report.objects.create(
        title=title, kind=kind, published_on=published, summary=summary, covers_all_forces=covers_all,
        url=HMICFRS_URL,
    )  # fmt: skip
    report.created_at = timezone.make_aware(dt.datetime.combine(published, dt.time(9)))  # added as published
    Report.objects.filter(pk=report.pk).update(created_at=report.created_at)
    return report


def _item(
    report: Report, kind: str, number: str, text: str, phrase: str, rng: random.Random, cause: Item | None = None
) -> Item:
    item = Item(
        report=report, kind=kind, number=number, text=text, deadline_phrase=phrase, cause_of_concern=cause,
        addressees=[Addressee.CHIEF_CONSTABLES], mandatory=report.mandatory_by_default,
        reference=str(rng.randint(9000, 14000)) if kind == ItemKind.RECOMMENDATION else "",
    )  # fmt: skip
    item.apply_deadline()
    item.full_clean(exclude=["report", "cause_of_concern"])
    return item


def _save_items(items: list[Item]) -> list[Item]:
    causes = [item for item in items if item.kind == ItemKind.CAUSE_OF_CONCERN]
    Item.objects.bulk_create(causes)
    for item in items:  # the cause of concern now has its id
        if item.cause_of_concern is not None:
            item.cause_of_concern_id = item.cause_of_concern.pk
    rest = [item for item in items if item.kind != ItemKind.CAUSE_OF_CONCERN]
    Item.objects.bulk_create(rest, batch_size=BATCH)
    return items


def peel_reports(plan: Plan, force: Organisation) -> list[Item]:
    rng, items = plan.rng("register", "peel", force.slug), []
    size = max(3, round(PEEL_ITEMS * plan.register_share))
    for years in PEEL_REPORTS:
        published = plan.days_ago(round(years * 365.25) + rng.randint(-60, 60))
        round_name = (
            f"{published.year - 1}/{published.year % 100:02d}"
            if published.month < 4
            else (f"{published.year}/{(published.year + 1) % 100:02d}")
        )
        title = f"PEEL {round_name}: An inspection of {force.name}"
        summary = f"How effective, efficient and legitimate {force.name} is, by the PEEL assessment framework."
        report = _report(title, ReportKind.PEEL, published, summary, covers_all=False)
        report.forces.set([force])
        items += _peel_items(report, size, rng)
    return _save_items(items)


def _peel_items(report: Report, size: int, rng: random.Random) -> list[Item]:
    """A cause of concern with a recommendation or two under it, then areas for improvement."""
    cause = _item(report, ItemKind.CAUSE_OF_CONCERN, "1", rng.choice(wording.PEEL_CAUSES), "", rng)
    items = [cause]
    for n, (phrase, text) in enumerate(rng.sample(wording.PEEL_RECOMMENDATIONS, 2), start=1):
        items.append(
            _item(report, ItemKind.RECOMMENDATION, str(n), text, deadline_phrase(phrase, report.published_on), rng,
                  cause)
        )  # fmt: skip
    for n, text in enumerate(rng.sample(wording.PEEL_AFIS, min(size - 3, len(wording.PEEL_AFIS))), start=1):
        items.append(_item(report, ItemKind.AREA_FOR_IMPROVEMENT, str(n), text, "", rng))
    return items[: max(size, 3)]


# ----------------------------------------------------------------------------------------------
# A tracking record's life, as the services would have written it.


@dataclass
class _Rows:
    """Rows of one force waiting to be written, by model."""

    rows: dict[type[models.Model], list[models.Model]] = field(default_factory=dict)

    def add(self, row: models.Model) -> None:
        self.rows.setdefault(type(row), []).append(row)

    def write(self) -> int:
        written = 0
        for model, rows in self.rows.items():
            model._default_manager.bulk_create(rows, batch_size=BATCH)
            written += len(rows)
        return written


# How far items get, by the years since publication: open, in progress, evidence gathering,
# submitted, with HMICFRS, signed off (weights for stages 0 to 5).
STAGE_WEIGHTS = (
    (0.5, (3, 6, 1, 0, 0, 0)),
    (1.5, (1, 5, 3, 1, 1, 1)),
    (3, (1, 3, 3, 1, 2, 4)),
    (99, (0, 1, 2, 1, 1, 8)),
)


class _Life:
    """One tracking record from publication to today."""

    def __init__(self, record: TrackingRecord, people: ForcePeople, lead: User, plan: Plan, rows: _Rows) -> None:
        self.record, self.people, self.lead, self.plan, self.rows = record, people, lead, plan, rows
        self.item = record.item
        self.rng = plan.rng("register", "record", people.force.slug, self.item.report.title, self.item.number,
                            self.item.kind)  # fmt: skip
        self.published = self.item.report.published_on
        self.changes = 0

    def live(self) -> None:
        self.record.created_at = self.record.updated_at = _created(self.item)
        owner, portfolio = self.rng.choice(self.people.owners)
        steps = self._steps()
        moments = self._moments(len(steps) + 1)
        self.rows.add(OwnerChange(
            tracking=self.record, by=self.people.liaison, at=moments[0], reason="Assigned at the register meeting.",
            from_owner=None, to_owner=owner, from_portfolio="", to_portfolio=portfolio,
        ))  # fmt: skip
        self.record.owner, self.record.portfolio = owner, portfolio
        self.changes += 1
        for step, at in zip(steps, moments[1:], strict=True):
            step(at)
        self._reviews()
        self._extensions()
        self._rag()
        last = max([moments[-1], self.record.created_at])
        self.record.updated_at, self.record.version = last, 1 + self.changes

    def _stage(self) -> int:
        years = (self.plan.on - self.published).days / 365.25
        weights = next(w for limit, w in STAGE_WEIGHTS if years < limit)
        return self.rng.choices(range(6), weights=weights)[0]

    def _steps(self) -> list[Callable[[dt.datetime], None]]:
        stage = self._stage()
        steps: list[Callable[[dt.datetime], None]] = []
        if stage >= 1:
            steps.append(self._first_update)
            steps += [self._update] * self.rng.randint(0, 2)
        if stage >= 2:
            steps += [self._evidence, self._to_evidence_gathering]
        if stage >= 3:
            steps.append(self._submit)
        if stage >= 4:
            steps.append(self._pass)
            if self.rng.random() < 0.2:  # returned with reasons, then (if it gets further) sent again
                steps += [self._return, self._evidence]
                if stage == 5 or self.rng.random() < 0.5:
                    steps += [self._submit, self._pass]
        if stage >= 5:
            steps.append(self._sign_off)
        return steps

    def _moments(self, count: int) -> list[dt.datetime]:
        first = self.published + dt.timedelta(days=2)
        span = max((self.plan.on - first).days, 1)
        days = sorted(self.rng.sample(range(span), min(count, span)))
        days += [days[-1] if days else 0] * (count - len(days))
        moments: list[dt.datetime] = []
        for day in days:  # in order, a minute apart at least when two fall on one day
            at = moment(first + dt.timedelta(days=day), self.rng)
            moments.append(max(at, moments[-1] + dt.timedelta(minutes=1)) if moments else at)
        return moments

    def _transition(self, at: dt.datetime, by: User, action: str, status: str, stage: str, reason: str = "") -> None:
        record = self.record
        self.rows.add(Transition(
            tracking=record, by=by, at=at, reason=reason, action=action, from_status=record.status,
            to_status=status, from_signoff=record.signoff, to_signoff=stage,
        ))  # fmt: skip
        record.status, record.signoff = status, stage
        record.closed_on = timezone.localdate(at) if status == TrackingStatus.CLOSED else None
        self.changes += 1

    def _hmicfrs(self, at: dt.datetime, status: str, comment: str = "") -> None:
        self.rows.add(HmicfrsStatusEntry(
            tracking=self.record, status=status, comment=comment, recorded_on=timezone.localdate(at),
            recorded_by=self.lead,
        ))  # fmt: skip
        self.record.hmicfrs_status = status

    def _write_update(self, at: dt.datetime) -> None:
        text = self.rng.choice(wording.UPDATES).format(n=self.rng.randint(12, 400))
        self.rows.add(ProgressUpdate(tracking=self.record, author=self._owner(), written_at=at, text=text))

    def _first_update(self, at: dt.datetime) -> None:
        self._write_update(at)
        self._transition(at, self._owner(), TransitionAction.SET_STATUS, TrackingStatus.IN_PROGRESS,
                         self.record.signoff, "First progress update")  # fmt: skip

    def _update(self, at: dt.datetime) -> None:
        self._write_update(at)

    def _evidence(self, at: dt.datetime) -> None:
        title = self.rng.choice(wording.EVIDENCE_TITLES)
        url = f"{EVIDENCE_URL}{short_name(self.people.force)}/{self.rng.randrange(10**9):09d}"
        self.rows.add(Evidence(
            tracking=self.record, kind=EvidenceKind.LINK, title=title, url=url, effective_on=timezone.localdate(at),
            added_by=self._owner(), added_at=at,
        ))  # fmt: skip

    def _to_evidence_gathering(self, at: dt.datetime) -> None:
        if self.record.status != TrackingStatus.EVIDENCE_GATHERING:
            self._transition(at, self._owner(), TransitionAction.SET_STATUS, TrackingStatus.EVIDENCE_GATHERING,
                             self.record.signoff, "Evidence being gathered")  # fmt: skip

    def _submit(self, at: dt.datetime) -> None:
        self._transition(at, self._owner(), TransitionAction.SUBMIT, TrackingStatus.PENDING_SIGNOFF,
                         SignoffStage.SUBMITTED, "Evidence attached for sign-off.")  # fmt: skip

    def _pass(self, at: dt.datetime) -> None:
        self._transition(at, self.people.liaison, TransitionAction.PASS_TO_HMICFRS, TrackingStatus.PENDING_SIGNOFF,
                         SignoffStage.WITH_HMICFRS)  # fmt: skip
        self._hmicfrs(at, HmicfrsStatus.AWAITING_REVIEW)

    def _return(self, at: dt.datetime) -> None:
        reason = self.rng.choice(wording.RETURN_REASONS)
        self._transition(at, self.lead, TransitionAction.RETURN_FROM_HMICFRS, TrackingStatus.EVIDENCE_GATHERING,
                         SignoffStage.RETURNED, reason)  # fmt: skip
        self._hmicfrs(at, HmicfrsStatus.BEING_PROGRESSED, reason)

    def _sign_off(self, at: dt.datetime) -> None:
        self._transition(at, self.lead, TransitionAction.SIGN_OFF, TrackingStatus.CLOSED, SignoffStage.SIGNED_OFF)
        self._hmicfrs(at, HmicfrsStatus.COMPLETE)

    def _owner(self) -> User:
        assert self.record.owner is not None
        return self.record.owner

    def _reviews(self) -> None:
        """Quarterly reviews while the item is open (the latest six written); a few open records have
        missed their latest one, so their next review is overdue."""
        last_day = self.record.closed_on or self.plan.on
        days, day = [], add_months(self.published, REVIEW_INTERVAL_MONTHS)
        while day <= last_day:
            days.append(day)
            day = add_months(day, REVIEW_INTERVAL_MONTHS)
        if days and self.record.closed_on is None and self.rng.random() < 0.15:
            days.pop()
        for day in days[-6:]:
            self.rows.add(QuarterlyReview(
                tracking=self.record, reviewed_by=self.people.liaison, reviewed_on=day,
                note=self.rng.choice(wording.REVIEW_NOTES), next_review_on=add_months(day, REVIEW_INTERVAL_MONTHS),
            ))  # fmt: skip
            self.changes += 1
        self.record.next_review_on = add_months(days[-1] if days else self.published, REVIEW_INTERVAL_MONTHS)

    def _extensions(self) -> None:
        """An extension asked for before the due date; approved ones move it (and may slip again)."""
        for _ in range(2):
            due = self.record.due_on
            if due is None or due > self.plan.on - dt.timedelta(days=20) or self.rng.random() > 0.3:
                return
            if self.record.closed_on is not None and self.record.closed_on <= due:
                return
            asked = max(due - dt.timedelta(days=self.rng.randint(5, 40)), self.published + dt.timedelta(days=1))
            wanted = add_months(due, self.rng.choice((3, 6)))
            decision = self.rng.choices(list(ExtensionDecision), weights=(1, 6, 2))[0]
            decided = None if decision == ExtensionDecision.PENDING else moment(asked + dt.timedelta(days=7), self.rng)
            self.rows.add(ExtensionRequest(
                tracking=self.record, requested_by=self._owner(), requested_at=moment(asked, self.rng),
                current_due_on=due, requested_due_on=wanted, reason=self.rng.choice(wording.EXTENSION_REASONS),
                decision=decision, decided_by=self.people.liaison if decided else None, decided_at=decided,
                decision_reason="Agreed at the register meeting." if decision == ExtensionDecision.APPROVED else (
                    "Refused: the date can be met with the resources agreed." if decided else ""),
            ))  # fmt: skip
            if decision != ExtensionDecision.APPROVED:
                return
            self.record.due_on = wanted
            self.changes += 1

    def _rag(self) -> None:
        if self.record.closed_on is not None or self.rng.random() > 0.05:
            return
        rag, reason = self.rng.choice(list(zip((RagOverride.RED, RagOverride.AMBER, RagOverride.GREEN),
                                               wording.RAG_REASONS, strict=True)))  # fmt: skip
        at = moment(self.plan.days_ago(self.rng.randint(1, 60)), self.rng)
        self.rows.add(RagChange(tracking=self.record, by=self.people.liaison, at=at, reason=reason, from_rag="",
                                to_rag=rag))  # fmt: skip
        self.record.rag_override, self.record.rag_override_reason = rag, reason
        self.changes += 1


# ----------------------------------------------------------------------------------------------
# A force's register, its 56-day responses and its committee.


def force_register(plan: Plan, nation: Nation, force: Organisation, national: list[Item]) -> int:
    """Write the force's PEEL reports and its tracking records with their histories; returns rows written."""
    people, lead = nation.forces[force.pk], nation.hmicfrs[force.pk]
    own = peel_reports(plan, force)
    records = [_new_record(item, force) for item in national + own]
    TrackingRecord.objects.bulk_create(records, batch_size=BATCH)
    rows = _Rows()
    for record in records:
        _Life(record, people, lead, plan, rows).live()
    TrackingRecord.objects.bulk_update(records, RECORD_FIELDS, batch_size=BATCH)
    written = len(own) + len(records) + rows.write()
    return written + _responses(plan, people, own) + _committee(plan, people)


RECORD_FIELDS = [
    "owner", "portfolio", "status", "signoff", "hmicfrs_status", "rag_override", "rag_override_reason", "due_on",
    "next_review_on", "closed_on", "version", "created_at", "updated_at",
]  # fmt: skip


def _new_record(item: Item, force: Organisation) -> TrackingRecord:
    return TrackingRecord(item=item, organisation=force, due_on=item.due_on, original_due_on=item.due_on)


def _created(item: Item) -> dt.datetime:
    """Tracking records open as the report's items are added, on the day it is published."""
    return timezone.make_aware(dt.datetime.combine(item.report.published_on, dt.time(9, 30)))


def _responses(plan: Plan, people: ForcePeople, items: list[Item]) -> int:
    """The governing body's 56-day response to each PEEL report on the force."""
    rng, written = plan.rng("register", "responses", people.force.slug), 0
    reports = {item.report_id: item.report for item in items}
    for report in reports.values():
        body = people.force.governing_body_on(report.published_on) or people.force.governing_body_on(plan.on)
        assert body is not None
        due = GoverningBodyResponse.due_date_for(report)
        published_on = min(due + dt.timedelta(days=rng.choice((-20, -10, -3, 0, 4, 15))), plan.on)
        done = published_on < plan.on and published_on > report.published_on
        response = GoverningBodyResponse.objects.create(
            report=report, force=people.force, body=body, due_on=due,
            chief_constable_comments="The force accepts the findings and has an action plan for each of them.",
            body_comments="I welcome the report and will hold the Chief Constable to account for progress through "
            "my performance board.",
            status=ResponseStatus.PUBLISHED if done else ResponseStatus.DRAFT,
            published_on=published_on if done else None, version=3 if done else 2,
        )  # fmt: skip
        recommendations = [i for i in items if i.report_id == report.pk and i.kind == ItemKind.RECOMMENDATION]
        ResponseAction.objects.bulk_create(
            ResponseAction(response=response, item=item, steps="The force's action plan sets out the steps; I will "
                           "review progress quarterly.") for item in recommendations
        )  # fmt: skip
        if done:
            ResponseTransition.objects.create(
                response=response,
                by=people.opcc,
                at=moment(published_on, rng),
                from_status=ResponseStatus.DRAFT,
                to_status=ResponseStatus.PUBLISHED,
            )
        written += 2 + len(recommendations)
    return written


def _committee(plan: Plan, people: ForcePeople) -> int:
    """A joint audit committee of the force and its governing body, meeting every quarter."""
    body = people.force.governing_body_on(plan.on)
    assert body is not None
    committee = Committee.objects.create(name=f"Joint Audit Committee ({people.force.name})", organisation=body)
    committee.forces.set([people.force])
    days = [plan.on + dt.timedelta(days=30 - 91 * n) for n in range(9)]
    CommitteeMeeting.objects.bulk_create(
        CommitteeMeeting(committee=committee, held_on=day, agenda_item=f"Agenda item {n + 5}")
        for n, day in enumerate(days)
    )
    return 1 + len(days)


def build(plan: Plan, nation: Nation, advance: Callable[[int], None]) -> dict[str, Any]:
    national = national_reports(plan)
    rows = 0
    for force in plan.forces:
        rows += force_register(plan, nation, force, national)
        advance(1)
    return {"national items": len(national), "rows": rows}
