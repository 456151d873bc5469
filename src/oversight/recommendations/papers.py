"""The committee's "HMICFRS update" paper, built from history as it stood at the period's end.

The same period always gives the same paper: every status, due date, RAG rating and count is
computed as at the last day of the period from dated rows (transitions, extension decisions,
RAG overrides, updates, reviews, notifications), and every list is ordered by stable keys. A paper for a meeting
still to come is honest about it: its figures are as at today, marked provisional. Owners and
portfolios are as the register records them now (the paper does not read their dated history).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.utils import timezone

from oversight.lib.deadlines import add_months
from oversight.lib.labels import in_sentence
from oversight.lib.rag import Rag, RagInputs, suggest_rag
from oversight.organisations.models import Membership, Organisation, Role

from .models import (
    CommitteeMeeting,
    ExtensionDecision,
    ExtensionRequest,
    ForthcomingInspection,
    Item,
    ItemKind,
    ProgressUpdate,
    QuarterlyReview,
    RagChange,
    Report,
    SignoffStage,
    TrackingRecord,
    TrackingStatus,
    Transition,
    TransitionAction,
)

# With no earlier meeting, the paper covers the quarter before the meeting (items are reviewed
# every three months).
DEFAULT_PERIOD_MONTHS = 3

PURPOSE = "To provide members of the Committee with oversight of HMICFRS inspection activity and recommendations."
CLOSING = (
    "This report is submitted for the information of the Committee. "
    "The Committee are asked to note the contents of the report."
)


@dataclass(frozen=True)
class Period:
    """From the day after `after` up to and including `end`."""

    after: dt.date
    end: dt.date

    @property
    def first_day(self) -> dt.date:
        return self.after + dt.timedelta(days=1)

    def contains(self, day: dt.date) -> bool:
        return self.after < day <= self.end


@dataclass(frozen=True)
class PaperItem:
    """One organisation's item as it stood at the period's end."""

    tracking_id: int
    organisation: str
    report_title: str
    kind: str
    kind_label: str
    reference: str
    number: str
    text: str
    deadline_phrase: str
    original_due_on: dt.date | None
    due_on: dt.date | None
    slips: int
    status: str
    status_label: str
    signed_off_on: dt.date | None = None
    urgent: bool = False
    owner: str = ""
    portfolio: str = ""
    signoff_label: str = ""
    rag: Rag | None = None

    @property
    def label(self) -> str:
        if self.reference:
            return f"{self.kind_label} {self.reference}"
        return f"{self.kind_label} {self.number}".strip()


@dataclass(frozen=True)
class ReportRecommendation:
    number: str
    reference: str
    deadline_phrase: str
    due_on: dt.date | None
    text: str
    urgent: bool = False


@dataclass(frozen=True)
class PublishedReport:
    title: str
    kind_label: str
    published_on: dt.date
    url: str
    summary: str
    recommendations: tuple[ReportRecommendation, ...]


@dataclass(frozen=True)
class Inspection:
    force: str
    title: str
    expected: str
    notified_on: dt.date


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


@dataclass(frozen=True)
class ContactOfficer:
    name: str
    title: str


@dataclass(frozen=True)
class Narrative:
    """What the liaison officer writes for the meeting; the paper keeps it as written."""

    inspection_activity: str = ""
    governance: str = ""
    new_reports: str = ""
    next_steps: str = ""


@dataclass(frozen=True)
class Paper:
    committee: str
    organisation: str
    forces: tuple[str, ...]
    meeting_on: dt.date
    agenda_item: str
    period: Period
    signed_off: tuple[PaperItem, ...]
    recommendations_remaining: tuple[PaperItem, ...]
    concerns_remaining: tuple[PaperItem, ...]
    afis_remaining: tuple[PaperItem, ...]
    reports: tuple[PublishedReport, ...]
    overdue: tuple[PaperItem, ...]
    extended: tuple[PaperItem, ...]
    forthcoming: tuple[Inspection, ...]
    open_by_status: tuple[StatusCount, ...]
    contact: ContactOfficer | None
    narrative: Narrative = Narrative()
    background_documents: tuple[str, ...] = ()
    provisional: bool = False
    purpose: str = PURPOSE
    closing: str = CLOSING

    @property
    def as_at(self) -> dt.date:
        """The day every figure speaks to: the meeting's date, or today for a meeting still to come."""
        return self.period.end

    @property
    def several_forces(self) -> bool:
        return len(self.forces) > 1

    @property
    def concerns_and_afis(self) -> tuple[PaperItem, ...]:
        """The footnote list of the seed paper: causes of concern first, then areas for improvement."""
        return self.concerns_remaining + self.afis_remaining

    @property
    def open_total(self) -> int:
        return sum(count.count for count in self.open_by_status)

    @property
    def title(self) -> str:
        return "HMICFRS update"


def period_for(meeting: CommitteeMeeting, today: dt.date | None = None) -> Period:
    """Since the previous meeting (with none, the three months before this one) up to the
    meeting, or up to today when the meeting is still to come."""
    previous = meeting.previous()
    after = previous.held_on if previous else add_months(meeting.held_on, -DEFAULT_PERIOD_MONTHS)
    return Period(after=after, end=min(meeting.held_on, today or timezone.localdate()))


def natural_key(text: str) -> list[tuple[int, str]]:
    """Sorts "2" before "10" and "1a" before "1b"."""
    return [(int(part), "") if part.isdigit() else (-1, part.lower()) for part in re.findall(r"\d+|\D+", text)]


# History: statuses, due dates and slips as they stood at the end of a day.


def _local_day(stamp: dt.datetime) -> dt.date:
    return timezone.localdate(stamp)


def state_on(record: TrackingRecord, day: dt.date) -> tuple[str, str] | None:
    """(status, sign-off stage) at the end of `day`, or None if the item did not yet apply.

    Mirrors TrackingRecord.status_on over the prefetched transitions (one query for the whole
    paper), but treats an item as applying from its report's publication: records are often
    opened after the fact with their history back-dated.
    """
    transitions: list[Transition] = list(record.transitions.all())
    before = [t for t in transitions if _local_day(t.at) <= day]
    if before:
        return before[-1].to_status, before[-1].to_signoff
    if record.item.report.published_on > day and _local_day(record.created_at) > day:
        return None
    if transitions:
        return transitions[0].from_status, transitions[0].from_signoff
    return record.status, record.signoff


def approved_by(record: TrackingRecord, day: dt.date) -> list[ExtensionRequest]:
    decided = (e for e in record.extensions.all() if e.decision == ExtensionDecision.APPROVED and e.decided_at)
    return [e for e in decided if e.decided_at and _local_day(e.decided_at) <= day]


def original_due(record: TrackingRecord) -> dt.date | None:
    return record.original_due_on or record.item.due_on


def due_on(record: TrackingRecord, day: dt.date) -> dt.date | None:
    """The due date at the end of `day`: the latest extension approved by then, else the original."""
    approved = approved_by(record, day)
    return approved[-1].requested_due_on if approved else original_due(record)


def signed_off_in(record: TrackingRecord, period: Period) -> dt.date | None:
    days = [_local_day(t.at) for t in record.transitions.all() if t.action == TransitionAction.SIGN_OFF]
    in_period = [day for day in days if period.contains(day)]
    return in_period[-1] if in_period else None


def _dated(stamps: Iterable[dt.date], day: dt.date) -> dt.date | None:
    return max((stamp for stamp in stamps if stamp <= day), default=None)


def rag_on(record: TrackingRecord, state: tuple[str, str], day: dt.date) -> Rag:
    """The RAG override in force at the end of `day`, else the documented rule applied to the record
    as it stood then."""
    if (override := record.rag_override_on(day)) is not None:
        return override
    status, stage = state
    reviews = [review for review in record.reviews.all() if review.reviewed_on <= day]
    inputs = RagInputs(
        today=day,
        complete=status == TrackingStatus.CLOSED,
        awaiting_signoff=stage in (SignoffStage.SUBMITTED, SignoffStage.WITH_HMICFRS),
        due_on=due_on(record, day),
        last_progress_on=_dated((_local_day(update.written_at) for update in record.updates.all()), day),
        next_review_on=max(reviews, key=lambda review: review.reviewed_on).next_review_on if reviews else None,
        urgent=record.item.is_urgent,
    )
    return suggest_rag(inputs).rag


def _paper_item(
    record: TrackingRecord, state: tuple[str, str], day: dt.date, signed_off_on: dt.date | None
) -> PaperItem:
    item, (status, stage) = record.item, state
    owner = record.owner.get_full_name() or record.owner.get_username() if record.owner else ""
    return PaperItem(
        tracking_id=record.pk,
        organisation=record.organisation.name,
        report_title=item.report.title,
        kind=item.kind,
        kind_label=item.get_kind_display(),
        reference=item.reference,
        number=item.number,
        text=item.text,
        deadline_phrase=item.deadline_phrase,
        original_due_on=original_due(record),
        due_on=due_on(record, day),
        slips=len(approved_by(record, day)),
        status=status,
        status_label=TrackingStatus(status).label if status in TrackingStatus.values else status,
        signed_off_on=signed_off_on,
        urgent=item.is_urgent,
        owner=owner,
        portfolio=record.portfolio,
        signoff_label=SignoffStage(stage).label if stage in SignoffStage.values else "",
        rag=rag_on(record, state, day),
    )


def _item_order(item: PaperItem) -> tuple[object, ...]:
    return (item.report_title.lower(), item.report_title, natural_key(item.number), item.reference, item.tracking_id)


# Queries: all scoped to the committee's forces and ordered by stable keys.


def _records(forces: Iterable[Organisation]) -> list[TrackingRecord]:
    return list(
        TrackingRecord.objects.filter(organisation__in=list(forces))
        .select_related("item", "item__report", "organisation", "owner")
        .prefetch_related(
            Prefetch("transitions", queryset=Transition.objects.order_by("at", "pk")),
            Prefetch("updates", queryset=ProgressUpdate.objects.only("tracking_id", "written_at")),
            Prefetch("reviews", queryset=QuarterlyReview.objects.only("tracking_id", "reviewed_on", "next_review_on")),
            Prefetch("extensions", queryset=ExtensionRequest.objects.order_by("decided_at", "pk")),
            Prefetch("rag_changes", queryset=RagChange.objects.order_by("at", "pk")),
        )
        .order_by("pk")
    )


def _published_reports(forces: list[Organisation], period: Period) -> tuple[PublishedReport, ...]:
    reports = (
        Report.objects.published_between(period.after, period.end)
        .filter(Q(covers_all_forces=True) | Q(forces__in=forces))
        .distinct()
        .order_by("published_on", "title", "pk")
        .prefetch_related(Prefetch("items", queryset=Item.objects.recommendations().order_by("pk")))
    )
    return tuple(_published(report) for report in reports)


def _published(report: Report) -> PublishedReport:
    items = sorted(report.items.all(), key=lambda item: (natural_key(item.number), item.reference, item.pk))
    return PublishedReport(
        title=report.title,
        kind_label=report.get_kind_display(),
        published_on=report.published_on,
        url=report.url,
        summary=report.summary,
        recommendations=tuple(
            ReportRecommendation(
                item.number, item.reference, item.deadline_phrase, item.due_on, item.text, item.is_urgent
            )
            for item in items
        ),
    )


def _forthcoming(forces: list[Organisation], period: Period) -> tuple[Inspection, ...]:
    inspections = (
        ForthcomingInspection.objects.filter(force__in=forces, notified_on__lte=period.end)
        .filter(Q(completed_on__isnull=True) | Q(completed_on__gt=period.end))
        .select_related("force")
        .order_by("notified_on", "title", "pk")
    )
    return tuple(Inspection(i.force.name, i.title, i.expected, i.notified_on) for i in inspections)


def _contact(organisations: list[Organisation]) -> ContactOfficer | None:
    liaison = (
        Membership.objects.counting()
        .filter(organisation__in=organisations, role=Role.LIAISON_OFFICER)
        .select_related("user", "organisation")
        .order_by("user__last_name", "user__first_name", "user__pk")
        .first()
    )
    if liaison is None:
        return None
    name = liaison.user.get_full_name() or liaison.user.get_username()
    return ContactOfficer(name=name, title=f"{Role.LIAISON_OFFICER.label}, {liaison.organisation.name}")


def _open_by_status(items: Iterable[PaperItem]) -> tuple[StatusCount, ...]:
    statuses = [status for status in TrackingStatus if status != TrackingStatus.CLOSED]
    counted = [item.status for item in items]
    return tuple(StatusCount(status.value, status.label, counted.count(status.value)) for status in statuses)


@dataclass(frozen=True)
class _Split:
    signed_off: list[PaperItem]
    open_items: list[PaperItem]


def _split(records: list[TrackingRecord], period: Period) -> _Split:
    signed_off, open_items = [], []
    for record in records:
        state = state_on(record, period.end)
        if state is None:
            continue
        signed_on = signed_off_in(record, period)
        if signed_on is not None:
            signed_off.append(_paper_item(record, state, period.end, signed_on))
        if state[0] != TrackingStatus.CLOSED:
            open_items.append(_paper_item(record, state, period.end, None))
    signed_off.sort(key=lambda item: (item.signed_off_on, *_item_order(item)))
    open_items.sort(key=_item_order)
    return _Split(signed_off, open_items)


def _background(meeting: CommitteeMeeting, reports: tuple[PublishedReport, ...]) -> tuple[str, ...]:
    """The reports the paper describes, then what the liaison officer listed."""
    listed = [f"HMICFRS {in_sentence(report.kind_label)} report: {report.title}" for report in reports]
    return tuple(dict.fromkeys([*listed, *meeting.background_document_lines]))


def _meeting_contact(meeting: CommitteeMeeting, organisations: list[Organisation]) -> ContactOfficer | None:
    if meeting.contact_name.strip():
        return ContactOfficer(name=meeting.contact_name.strip(), title=meeting.contact_title.strip())
    return _contact(organisations)


def build_paper(meeting: CommitteeMeeting, today: dt.date | None = None) -> Paper:
    """The paper for the meeting, as the history stood at the end of its period."""
    committee = meeting.committee
    forces = list(committee.forces.order_by("name", "pk"))
    period = period_for(meeting, today)
    reports = _published_reports(forces, period)
    split = _split(_records(forces), period)
    open_items = split.open_items

    def of_kind(kind: str) -> tuple[PaperItem, ...]:
        return tuple(item for item in open_items if item.kind == kind)

    return Paper(
        committee=committee.name,
        organisation=committee.organisation.name,
        forces=tuple(force.name for force in forces),
        meeting_on=meeting.held_on,
        agenda_item=meeting.agenda_item,
        period=period,
        signed_off=tuple(split.signed_off),
        recommendations_remaining=of_kind(ItemKind.RECOMMENDATION),
        concerns_remaining=of_kind(ItemKind.CAUSE_OF_CONCERN),
        afis_remaining=of_kind(ItemKind.AREA_FOR_IMPROVEMENT),
        reports=reports,
        overdue=tuple(item for item in open_items if item.due_on is not None and item.due_on < period.end),
        extended=tuple(item for item in open_items if item.slips > 0),
        forthcoming=_forthcoming(forces, period),
        open_by_status=_open_by_status(open_items),
        contact=_meeting_contact(meeting, [committee.organisation, *forces]),
        narrative=Narrative(meeting.inspection_activity, meeting.governance, meeting.new_reports, meeting.next_steps),
        background_documents=_background(meeting, reports),
        provisional=period.end < meeting.held_on,
    )
