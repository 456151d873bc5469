"""The summary report as guarded changes: draft it from the data (first time or again), and edit a
section's text. Each checks `access.can_edit_report` inside `transaction.atomic()` and writes a
`ReportChange` row (who, when, what).

Drafting again keeps the text of every section an analyst edited (its quotes, sources and the text
as drafted from the data are refreshed beside it, so the page can show what the data now says); the
other sections take the new draft. A section whose theme has gone (merged or deleted) goes with it:
the confirmation page lists those first. Both changes carry the version the person last saw, so
two analysts at work at once never silently overwrite each other.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from oversight.concurrency import ConcurrentEditError, bump_version, lock_for_change, require
from oversight.returns.models import ReturnRequest

from . import access
from .models import ReportChange, ReportQuote, ReportSection, SectionKind, SummaryReport
from .report import Draft, DraftSection, draft_report

SectionKey = tuple[str, int | None]


def _key(kind: str, theme_id: int | None) -> SectionKey:
    return kind, theme_id


def draft(request: ReturnRequest, by: User, expected_version: int | None) -> SummaryReport:
    """Draft the report from the data: the first time (`expected_version` None), or again over the
    report at the version the person confirmed."""
    require(access.can_edit_report(by, request), "You cannot draft this request's report.")
    drafted = draft_report(request)
    try:
        with transaction.atomic():
            existing = SummaryReport.objects.filter(request=request).values_list("pk", flat=True).first()
            if existing is None:
                report = SummaryReport.objects.create(request=request, title=drafted.title, drafted_by=by)
                what = ReportChange.What.DRAFTED
            else:
                if expected_version is None:  # drafted by someone else since this person looked
                    raise ConcurrentEditError("report")
                report = lock_for_change(SummaryReport, existing, expected_version, noun="report")
                report.title, report.drafted_by, report.drafted_at = drafted.title, by, timezone.now()
                report.changed_at = report.drafted_at
                bump_version(report, "title", "drafted_by", "drafted_at", "changed_at")
                what = ReportChange.What.REDRAFTED
            _apply(report, drafted)
            ReportChange.objects.create(report=report, what=what, by=by)
    except IntegrityError as clash:  # two first drafts at once: one wins, the other is told
        raise ConcurrentEditError("report") from clash
    return report


def _apply(report: SummaryReport, drafted: Draft) -> None:
    old = {
        _key(s.kind, s.theme_id): s
        for s in report.sections.select_for_update()
        if s.kind != SectionKind.THEME or s.theme_id is not None
    }
    kept = [_section(report, position, section, old) for position, section in enumerate(drafted.sections)]
    report.sections.exclude(pk__in=[s.pk for s in kept]).delete()


def _section(
    report: SummaryReport, position: int, drafted: DraftSection, old: dict[SectionKey, ReportSection]
) -> ReportSection:
    row = old.get(_key(drafted.kind, drafted.theme.pk if drafted.theme else None))
    if row is None:
        row = ReportSection(report=report, kind=drafted.kind, theme=drafted.theme)
    else:
        row.version += 1
    if not row.is_edited:  # an analyst's text stays; the rest follows the data
        row.text, row.edited_by, row.edited_at = drafted.text, None, None
    row.position, row.heading, row.depth, row.drafted_text = position, drafted.heading, drafted.depth, drafted.text
    row.save()
    row.sources.set([source.version_id for source in drafted.sources])
    row.quotes.all().delete()
    ReportQuote.objects.bulk_create(
        ReportQuote(section=row, position=n, answer_id=q.answer_id, start=q.start, end=q.end, area=q.source.area)
        for n, q in enumerate(drafted.quotes)
    )
    return row


def would_remove(report: SummaryReport) -> list[ReportSection]:
    """Edited sections that drafting again would remove: their theme is no longer in the codebook."""
    return [s for s in report.sections.filter(kind=SectionKind.THEME, theme__isnull=True) if s.is_edited]


def clean_text(text: str) -> str:
    """Line ends as the browser or API sent them become newlines; surrounding space goes."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def edit_section(section: ReportSection, by: User, expected_version: int | None, text: str) -> ReportSection:
    """Change a section's text; refused if someone changed the section after the person opened it."""
    with transaction.atomic():
        locked = lock_for_change(ReportSection, section.pk, expected_version, noun="section")
        report = SummaryReport.objects.select_for_update().select_related("request").get(pk=locked.report_id)
        require(access.can_edit_report(by, report.request), "You cannot edit this request's report.")
        locked.text, locked.edited_by, locked.edited_at = clean_text(text), by, timezone.now()
        bump_version(locked, "text", "edited_by", "edited_at")
        report.changed_at = locked.edited_at
        bump_version(report, "changed_at")
        ReportChange.objects.create(
            report=report, section=locked, heading=locked.heading, what=ReportChange.What.EDITED, by=by
        )
    return locked
