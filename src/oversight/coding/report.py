"""The national summary report drafted from the data (issue 10, brief section 11): an introduction with
the counts of the structured answers, a section per theme (parents before their children) with its
description, how many areas it was coded in and the passages marked to quote by area, and a
conclusion. Every section carries the submitted return versions it rests on.

Only people's codings of each return's latest submitted version count, never pending suggestions:
the same data as the theme-by-area matrix (`coding/summary.py`) and the request page's counts
(`returns/counts.py`), so the report never disagrees with them. Drafting reads and never writes;
`coding/report_services.py` saves a draft as the editable report.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery

from oversight.lib.office import long_date
from oversight.returns.counts import QuestionCounts, structured_counts
from oversight.returns.models import QuestionKind, Recipients, ReturnRequest, ReturnVersion

from .models import Coding, SectionKind, Theme
from .services import codable_answers
from .summary import MatrixRow, theme_matrix

# How the organisations asked are named in a sentence: (one, many).
NOUNS: dict[str, tuple[str, str]] = {
    Recipients.GOVERNING_BODIES: ("governing body", "governing bodies"),
    Recipients.FORCES: ("police force", "police forces"),
    Recipients.CHOSEN: ("organisation", "organisations"),
}
TOP_THEMES = 3  # themes the conclusion names, those coded in the most areas


@dataclass(frozen=True)
class Source:
    """A submitted return version a statement rests on."""

    version_id: int
    return_id: int
    number: int
    area: str


@dataclass(frozen=True)
class DraftQuote:
    answer_id: int
    start: int
    end: int
    text: str
    source: Source


@dataclass(frozen=True)
class DraftSection:
    kind: SectionKind
    heading: str
    text: str
    sources: tuple[Source, ...]
    theme: Theme | None = None
    depth: int = 0
    quotes: tuple[DraftQuote, ...] = ()


@dataclass(frozen=True)
class Draft:
    title: str
    sections: tuple[DraftSection, ...]


def latest_versions(request: ReturnRequest) -> QuerySet[ReturnVersion]:
    """Each answered return's latest submitted version, with its organisation."""
    latest = ReturnVersion.objects.filter(return_record=OuterRef("return_record")).order_by("-number")
    return ReturnVersion.objects.filter(
        return_record__request=request, number=Subquery(latest.values("number")[:1])
    ).select_related("return_record__organisation")


def source_of(version: ReturnVersion) -> Source:
    record = version.return_record
    return Source(version.pk, record.pk, version.number, record.organisation.name)


def by_area(sources: Iterable[Source]) -> tuple[Source, ...]:
    return tuple(sorted(set(sources), key=lambda s: (s.area.lower(), s.number)))


def plural(count: int, recipients: str) -> str:
    one, many = NOUNS.get(recipients, NOUNS[Recipients.CHOSEN])
    return f"{count} {one if count == 1 else many}"


# The introduction


def _what(request: ReturnRequest) -> str:
    items = [
        f"recommendation {item.number} of “{item.report.title}”" for item in request.items.select_related("report")
    ]
    return " and ".join(items) if items else "its questions"


def answered_sentence(asked: int, answered: int) -> str:
    if answered == asked:
        return f"All {asked} answered." if asked != 1 else "It answered."
    waiting = asked - answered
    return f"{answered} of {asked} answered; {waiting} {'has' if waiting == 1 else 'have'} not yet answered."


def accepted_sentence(counts: QuestionCounts, asked: int, recipients: str) -> str:
    """E.g. "43 of 43 governing bodies accepted the recommendation" (everyone answered), or "38 of the
    40 governing bodies that answered accepted the recommendation; 2 partly accepted it and none did not"."""
    accepted, partly, refused = (option.count for option in counts.options)
    answered = counts.submitted
    who = plural(answered, recipients) if answered == asked else f"the {plural(answered, recipients)} that answered"
    sentence = f"{accepted} of {who} accepted the recommendation"
    if partly or refused:
        sentence += f"; {partly} partly accepted it and {refused} did not accept it"
    return sentence + "."


def count_sentence(counts: QuestionCounts, asked: int, recipients: str) -> str:
    if counts.question.kind == QuestionKind.ACCEPTED:
        return accepted_sentence(counts, asked, recipients)
    return f"Asked “{counts.question.text.rstrip('?')}?”: {counts.summary}."


def introduction(
    request: ReturnRequest, asked: int, counts: Sequence[QuestionCounts], themes: int, sources: tuple[Source, ...]
) -> DraftSection:
    answered = len(sources)
    paragraphs = [
        f"{request.body.name} asked {plural(asked, request.recipients)} about {_what(request)}, "
        f"with answers due by {long_date(request.deadline)}. {answered_sentence(asked, answered)}"
    ]
    if answered:
        paragraphs.append(" ".join(count_sentence(c, asked, request.recipients) for c in counts))
    if themes:
        paragraphs.append(
            f"The analysts coded the written answers to {themes} theme{'s' if themes != 1 else ''}. Each section "
            "below describes a theme, says in how many areas it was coded and quotes passages from the returns."
        )
    text = "\n\n".join(p for p in paragraphs if p)
    return DraftSection(SectionKind.INTRODUCTION, "Introduction", text, sources)


# The themes


@dataclass
class _Coded:
    """What people coded to one theme: the areas' versions and the passages marked to quote."""

    sources: set[Source]
    quotes: dict[tuple[int, int, int], DraftQuote]


def coded_by_theme(request: ReturnRequest) -> dict[int, _Coded]:
    """People's codings of the latest submitted answers, by theme: one query."""
    codings = Coding.objects.filter(
        theme__request=request, answer__in=codable_answers(request).values("pk")
    ).select_related("answer__version__return_record__organisation", "answer__question")
    coded: dict[int, _Coded] = {}
    for coding in codings:
        found = coded.setdefault(coding.theme_id, _Coded(set(), {}))
        source = source_of(coding.answer.version)
        found.sources.add(source)
        if coding.quote:  # two analysts marking the same passage quote it once
            key = (coding.answer_id, coding.start, coding.end)
            found.quotes[key] = DraftQuote(coding.answer_id, coding.start, coding.end, coding.text, source)
    return coded


def _quote_order(quote: DraftQuote) -> tuple[str, int, int]:
    return quote.source.area.lower(), quote.answer_id, quote.start


def theme_section(row: MatrixRow, answered: int, coded: _Coded | None) -> DraftSection:
    sources = by_area(coded.sources) if coded else ()
    areas = sorted({s.area for s in sources}, key=str.lower)
    if areas:
        where = f"Coded in {len(areas)} of {answered} area{'s' if answered != 1 else ''}: {', '.join(areas)}."
    else:
        where = "Not coded in any area yet."
    text = "\n\n".join(part for part in (row.theme.description.strip(), where) if part)
    quotes = tuple(sorted(coded.quotes.values(), key=_quote_order)) if coded else ()
    return DraftSection(SectionKind.THEME, row.theme.name, text, sources, row.theme, row.depth, quotes)


# The conclusion


def conclusion(themes: Sequence[DraftSection], answered: int, everything: tuple[Source, ...]) -> DraftSection:
    ranked = sorted((s for s in themes if s.sources), key=lambda s: (-len({x.area for x in s.sources}), s.heading))
    top = ranked[:TOP_THEMES]
    if not top:
        text = "No passages have been coded yet: the themes of the answers will be summarised here once they are."
        return DraftSection(SectionKind.CONCLUSION, "Conclusion", text, everything)
    named = [f"{s.heading} ({len({x.area for x in s.sources})} of {answered})" for s in top]
    listed = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"
    text = f"Across the {answered} areas that answered, the themes coded in the most areas were {listed}."
    if len(top) == 1:
        text = f"Across the {answered} areas that answered, the theme coded in the most areas was {listed}."
    return DraftSection(SectionKind.CONCLUSION, "Conclusion", text, by_area(x for s in top for x in s.sources))


def draft_report(request: ReturnRequest) -> Draft:
    """The whole report from the data, in a fixed number of queries."""
    everything = by_area(source_of(v) for v in latest_versions(request))
    matrix = theme_matrix(request)
    coded = coded_by_theme(request)
    themes = tuple(theme_section(row, matrix.answered, coded.get(row.theme.pk)) for row in matrix.rows)
    intro = introduction(request, request.returns.count(), structured_counts(request), len(themes), everything)
    title = f"National summary: {request.title}"
    return Draft(title, (intro, *themes, conclusion(themes, matrix.answered, everything)))
