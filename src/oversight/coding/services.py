"""Coding as guarded changes: define, edit, merge and delete themes; code passages; run the
suggestions and accept or reject them, one by one or in bulk above a confidence.

Each change checks the access rule (`oversight.concurrency.require`) inside `transaction.atomic()`;
a theme edited from a stale page is refused by its optimistic lock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from oversight.concurrency import bump_version, lock_for_change, require
from oversight.lib.themes import Coded, Passage, suggest
from oversight.lib.themes import Suggestion as EngineSuggestion
from oversight.lib.themes import Theme as EngineTheme
from oversight.returns.counts import latest_answers
from oversight.returns.models import TEXT_KINDS, ReturnRequest, VersionAnswer

from . import access
from .agreement import Agreement, agreement
from .models import BulkAcceptance, Coding, Suggestion, SuggestionStatus, Theme, check_span
from .passages import overlaps, split_passages

Unit = tuple[int, int, int]  # (answer, start, end) of a passage

# Themes


@dataclass(frozen=True)
class ThemeDraft:
    name: str
    description: str = ""
    parent: Theme | None = None


def _check_theme(request: ReturnRequest, draft: ThemeDraft, theme: Theme | None = None) -> str:
    """The cleaned name, or ValidationError: a name, unique in the request, and a parent that is no loop."""
    name = draft.name.strip()
    if not name:
        raise ValidationError({"name": "Enter a name for the theme"})
    others = Theme.objects.filter(request=request, name__iexact=name)
    if theme is not None:
        others = others.exclude(pk=theme.pk)
    if others.exists():
        raise ValidationError({"name": f"There is already a theme called “{name}”"})
    parent = draft.parent
    if parent is not None and parent.request_id != request.pk:
        raise ValidationError({"parent": "Choose a parent theme of this request"})
    while parent is not None:
        if theme is not None and parent.pk == theme.pk:
            raise ValidationError({"parent": "A theme cannot sit under itself or one of its sub-themes"})
        parent = parent.parent
    return name


def create_theme(request: ReturnRequest, by: User, draft: ThemeDraft) -> Theme:
    require(access.can_define_themes(by, request), "You cannot define themes for this request.")
    with transaction.atomic():
        name = _check_theme(request, draft)
        return Theme.objects.create(
            request=request, name=name, description=draft.description.strip(), parent=draft.parent, created_by=by
        )


def update_theme(theme: Theme, by: User, version: int | None, draft: ThemeDraft) -> Theme:
    """Rename, describe or move a theme; a change made on a stale page is refused."""
    with transaction.atomic():
        locked = lock_for_change(Theme, theme.pk, version, noun="theme")
        require(access.can_define_themes(by, locked.request))
        locked.name = _check_theme(locked.request, draft, locked)
        locked.description = draft.description.strip()
        locked.parent = draft.parent
        bump_version(locked, "name", "description", "parent")
    return locked


def delete_theme(theme: Theme, by: User) -> None:
    """Delete a theme nobody has coded to; one with codings must be merged into another on purpose."""
    with transaction.atomic():
        locked = lock_for_change(Theme, theme.pk, None, noun="theme")
        require(access.can_define_themes(by, locked.request))
        if count := locked.codings.count():
            raise ValidationError(
                f"“{locked.name}” has {count} coded passage{'s' if count != 1 else ''}: merge it into another "
                "theme to keep them, or remove the codings first."
            )
        if locked.children.exists():
            raise ValidationError(f"“{locked.name}” has sub-themes: move or merge them first.")
        locked.delete()


def merge_themes(source: Theme, into: Theme, by: User) -> Theme:
    """Move every coding, suggestion and sub-theme of `source` to `into`, then delete `source`.

    A passage a person had coded to both keeps one coding, with both memos and either quote mark:
    no coding is lost."""
    if source.pk == into.pk:
        raise ValidationError("Choose a different theme to merge into.")
    with transaction.atomic():
        # Both rows locked in id order, so two merges the other way round wait rather than deadlock.
        rows = {pk: lock_for_change(Theme, pk, None, noun="theme") for pk in sorted((source.pk, into.pk))}
        locked, target = rows[source.pk], rows[into.pk]
        require(access.can_define_themes(by, locked.request))
        if target.request_id != locked.request_id:
            raise ValidationError("Choose a theme of the same request to merge into.")
        if _is_under(target, locked):
            raise ValidationError("A theme cannot be merged into one of its own sub-themes.")
        for coding in locked.codings.select_for_update():
            _move_coding(coding, target)
        locked.suggestions.pending().delete()
        locked.suggestions.update(theme=target)
        locked.children.update(parent=target)
        locked.delete()
        bump_version(target)
    return target


def _is_under(theme: Theme, ancestor: Theme) -> bool:
    parent = theme.parent
    while parent is not None:
        if parent.pk == ancestor.pk:
            return True
        parent = parent.parent
    return False


def _move_coding(coding: Coding, target: Theme) -> None:
    same = Coding.objects.filter(
        answer=coding.answer_id, start=coding.start, end=coding.end, theme=target, coder=coding.coder_id
    ).first()
    if same is None:
        coding.theme = target
        coding.save(update_fields=["theme"])
        return
    same.memo = "\n\n".join(memo for memo in (same.memo, coding.memo) if memo)
    same.quote = same.quote or coding.quote
    same.save(update_fields=["memo", "quote"])
    coding.delete()


# Codings


def codable_answers(request: ReturnRequest) -> QuerySet[VersionAnswer]:
    """The prose answers of each return's latest submitted version: what analysts code."""
    return (
        latest_answers(request)
        .filter(question__kind__in=TEXT_KINDS)
        .exclude(text="")
        .select_related("version__return_record__organisation", "question")
        .order_by("version__return_record__organisation__name", "question__position", "pk")
    )


@dataclass(frozen=True)
class CodingDraft:
    answer: VersionAnswer
    start: int
    end: int
    theme: Theme
    memo: str = ""
    quote: bool = False


@dataclass(frozen=True)
class SpanDraft:
    """Any span of an answer coded to one or more themes at once, with one memo and quote mark."""

    answer: VersionAnswer
    start: int
    end: int
    themes: tuple[Theme, ...]
    memo: str = ""
    quote: bool = False


def code_passage(by: User, draft: CodingDraft, suggestion: Suggestion | None = None) -> Coding:
    """A person's coding of a passage of a submitted answer to a theme of the same request."""
    span = SpanDraft(draft.answer, draft.start, draft.end, (draft.theme,), draft.memo, draft.quote)
    [coding] = code_span(by, span, suggestion)
    return coding


def code_span(by: User, draft: SpanDraft, suggestion: Suggestion | None = None) -> list[Coding]:
    """A person's codings of a span of a submitted answer, one per theme, all or none.

    The themes are locked first (in id order, as `merge_themes` locks them), so a theme deleted or
    merged meanwhile is refused with a message rather than a broken reference; and a coding made while
    someone deletes its theme makes the deletion see it. Another analyst's coding of the same span is
    never in the way: each person keeps a row of their own."""
    if not draft.themes:
        raise ValidationError({"themes": "Select at least one theme"})
    request = draft.themes[0].request
    require(access.can_code_request(by, request), "You cannot code this request's returns.")
    if any(theme.request_id != request.pk for theme in draft.themes):
        raise ValidationError({"themes": "Choose themes of one request"})
    if draft.answer.version.return_record.request_id != request.pk:
        raise ValidationError("That answer is not part of this request's returns.")
    check_span(draft.answer, draft.start, draft.end)
    try:
        with transaction.atomic():
            themes = _locked_themes(request, draft.themes)
            _refuse_coded_already(by, draft, themes)
            return [_create(by, draft, theme, suggestion) for theme in themes]
    except IntegrityError as clash:  # the same person's same coding, saved a moment earlier
        raise ValidationError(_already(theme.name for theme in draft.themes) + " Nothing was coded.") from clash


def _create(by: User, draft: SpanDraft, theme: Theme, suggestion: Suggestion | None) -> Coding:
    return Coding.objects.create(
        answer=draft.answer, start=draft.start, end=draft.end, theme=theme, coder=by,
        memo=draft.memo.strip(), quote=draft.quote, suggestion=suggestion,
    )  # fmt: skip


def _locked_themes(request: ReturnRequest, themes: tuple[Theme, ...]) -> list[Theme]:
    """The themes locked for the coding, in id order; one gone since the page was opened is refused."""
    wanted = {theme.pk: theme for theme in themes}
    locked = list(Theme.objects.select_for_update().filter(request=request, pk__in=wanted).order_by("pk"))
    if gone := [wanted[pk].name for pk in wanted if pk not in {theme.pk for theme in locked}]:
        raise ValidationError(
            f"The theme “{gone[0]}” has been deleted or merged since you opened the page: "
            "nothing was coded. Choose the themes again."
        )
    return locked


def _refuse_coded_already(by: User, draft: SpanDraft, themes: list[Theme]) -> None:
    coded = Coding.objects.filter(answer=draft.answer, start=draft.start, end=draft.end, coder=by, theme__in=themes)
    if names := list(coded.order_by("theme__name").values_list("theme__name", flat=True)):
        raise ValidationError(_already(names) + " Nothing was coded.")


def _already(themes: Iterable[object]) -> str:
    return f"You have already coded these words to {', '.join(f'“{theme}”' for theme in themes)}."


def remove_coding(coding: Coding, by: User) -> None:
    """A person removes their own coding; other analysts' codings are theirs to remove."""
    require(access.can_code_request(by, coding.theme.request) and coding.coder_id == by.pk)
    with transaction.atomic():
        Coding.objects.filter(pk=coding.pk).delete()


# Suggestions


def uncoded_passages(request: ReturnRequest) -> list[tuple[VersionAnswer, int, int]]:
    """Every sentence of the codable answers that no person's coding overlaps."""
    answers = list(codable_answers(request))
    coded: dict[int, list[tuple[int, int]]] = {}
    for answer_id, start, end in Coding.objects.filter(answer__in=answers).values_list("answer", "start", "end"):
        coded.setdefault(answer_id, []).append((start, end))
    return [
        (answer, start, end)
        for answer in answers
        for start, end in split_passages(answer.text)
        if not any(overlaps((start, end), span) for span in coded.get(answer.pk, []))
    ]


def suggest_for_request(request: ReturnRequest) -> list[Suggestion]:
    """Replace the pending suggestions of every uncoded passage with fresh ones, learning from the
    codings so far. Decided suggestions are never touched, nor a pending one beside a person's coding
    (it stays the system's view of that passage, for agreement); a passage whose suggestion was
    rejected for a theme is not suggested that theme again."""
    themes = list(Theme.objects.filter(request=request))
    if not themes:
        return []
    passages = uncoded_passages(request)
    examples = [
        Coded(text=coding.text, theme=coding.theme.name)
        for coding in Coding.objects.filter(theme__request=request).select_related("answer", "theme")
    ]
    results = suggest(
        [EngineTheme(theme.name, theme.description) for theme in themes],
        [Passage(id=str(i), text=answer.text[start:end]) for i, (answer, start, end) in enumerate(passages)],
        examples,
    )
    by_name = {theme.name: theme for theme in themes}
    with transaction.atomic():
        _drop_pending(request, {(answer.pk, start, end) for answer, start, end in passages})
        rejected = set(
            Suggestion.objects.filter(request=request, status=SuggestionStatus.REJECTED).values_list(
                "answer", "start", "end", "theme"
            )
        )
        rows = [
            _suggestion(request, answer, (start, end), by_name[result.theme], result)
            for (answer, start, end), result in zip(passages, results, strict=True)
            if (answer.pk, start, end, by_name[result.theme].pk) not in rejected
        ]
        return Suggestion.objects.bulk_create(rows)


def _drop_pending(request: ReturnRequest, spans: set[Unit]) -> None:
    pending = Suggestion.objects.filter(request=request).pending().values_list("pk", "answer", "start", "end")
    Suggestion.objects.filter(pk__in=[pk for pk, *span in pending if tuple(span) in spans]).delete()


def _suggestion(
    request: ReturnRequest, answer: VersionAnswer, span: tuple[int, int], theme: Theme, result: EngineSuggestion
) -> Suggestion:
    start, end = span
    return Suggestion(
        request=request, answer=answer, start=start, end=end, theme=theme, score=result.score, because=result.because
    )


def refresh_suggestions(request: ReturnRequest, by: User) -> list[Suggestion]:
    """An analyst asks for fresh suggestions."""
    require(access.can_see_suggestions(by, request), "You cannot see this request's suggestions.")
    return suggest_for_request(request)


def _decide(suggestion: Suggestion, by: User, status: SuggestionStatus, bulk: BulkAcceptance | None = None) -> None:
    suggestion.status = status
    suggestion.decided_by = by
    suggestion.decided_at = timezone.now()
    suggestion.bulk = bulk
    suggestion.save(update_fields=["status", "decided_by", "decided_at", "bulk"])


def _locked_pending(suggestion: Suggestion, by: User) -> Suggestion:
    locked = Suggestion.objects.select_for_update().select_related("request", "answer", "theme").get(pk=suggestion.pk)
    require(access.can_see_suggestions(by, locked.request))
    if not locked.is_pending:
        raise ValidationError(f"This suggestion has already been {locked.get_status_display().lower()}.")
    return locked


def _coding_from(locked: Suggestion, by: User) -> Coding:
    """The person's coding the accepted suggestion becomes (theirs already, if they had coded it so)."""
    coding, created = Coding.objects.get_or_create(
        answer=locked.answer, start=locked.start, end=locked.end, theme=locked.theme, coder=by,
        defaults={"suggestion": locked},
    )  # fmt: skip
    if not created and coding.suggestion_id is None:
        coding.suggestion = locked
        coding.save(update_fields=["suggestion"])
    return coding


def accept_suggestion(suggestion: Suggestion, by: User) -> Coding:
    """Pending -> accepted: the suggestion becomes the accepting person's coding, linked back to it."""
    with transaction.atomic():
        locked = _locked_pending(suggestion, by)
        _decide(locked, by, SuggestionStatus.ACCEPTED)
        return _coding_from(locked, by)


def reject_suggestion(suggestion: Suggestion, by: User) -> Suggestion:
    """Pending -> rejected: kept, so the same theme is not suggested for the passage again."""
    with transaction.atomic():
        locked = _locked_pending(suggestion, by)
        _decide(locked, by, SuggestionStatus.REJECTED)
    return locked


def accept_above(request: ReturnRequest, threshold: float, by: User) -> BulkAcceptance:
    """Accept every pending suggestion with a confidence at or above the threshold, recording who did
    it, at what threshold and how many."""
    require(access.can_see_suggestions(by, request), "You cannot see this request's suggestions.")
    if not 0.0 <= threshold <= 1.0:
        raise ValidationError({"threshold": "Enter a confidence between 0 and 1"})
    with transaction.atomic():
        pending = list(
            Suggestion.objects.select_for_update()
            .filter(request=request, score__gte=threshold)
            .pending()
            .select_related("answer", "theme")
        )
        bulk = BulkAcceptance.objects.create(request=request, threshold=threshold, by=by, accepted=len(pending))
        for suggestion in pending:
            _decide(suggestion, by, SuggestionStatus.ACCEPTED, bulk)
            _coding_from(suggestion, by)
    return bulk


# Agreement


def _units_coded(request: ReturnRequest, spans: Iterable[tuple[int, int, int, str]]) -> dict[Unit, set[str]]:
    """Each passage (sentence) of the codable answers with the themes of the spans overlapping it.

    The rule for a span that is not a sentence: it counts toward every sentence it overlaps by at least
    one character. A few words coded inside a sentence code that sentence; words across two sentences
    code both. So two people who mark different words of the same sentence to a theme agree on it."""
    by_answer: dict[int, list[tuple[int, int, str]]] = {}
    for answer_id, start, end, theme in spans:
        by_answer.setdefault(answer_id, []).append((start, end, theme))
    units: dict[Unit, set[str]] = {}
    for answer in codable_answers(request).filter(pk__in=by_answer):
        for start, end in split_passages(answer.text):
            themes = {t for s, e, t in by_answer[answer.pk] if overlaps((start, end), (s, e))}
            if themes:
                units[(answer.pk, start, end)] = themes
    return units


def _codings_of(request: ReturnRequest, coder: User, *, own_only: bool = False) -> dict[Unit, set[str]]:
    """The person's codings by passage; `own_only` leaves out those made by accepting a suggestion."""
    rows = Coding.objects.filter(theme__request=request, coder=coder)
    if own_only:
        rows = rows.filter(suggestion__isnull=True)
    return _units_coded(request, rows.values_list("answer", "start", "end", "theme__name"))


def _theme_names(request: ReturnRequest) -> list[str]:
    return list(Theme.objects.filter(request=request).values_list("name", flat=True))


def agreement_between(request: ReturnRequest, by: User, first: User, second: User) -> Agreement:
    """Kappa between two people's codings of the request, over the passages both coded."""
    require(access.can_code_request(by, request))
    return agreement(_codings_of(request, first), _codings_of(request, second), _theme_names(request))


def agreement_with_suggestions(request: ReturnRequest, by: User, analyst: User) -> Agreement:
    """Kappa between a person's own codings and the system's suggestions, pending or decided.

    Codings the person made by accepting a suggestion are left out: they would agree with the
    suggestion by construction. What is measured is how far the system codes as the person does
    when the person codes for themselves."""
    require(access.can_see_suggestions(by, request))
    rows = Suggestion.objects.filter(request=request).values_list("answer", "start", "end", "theme__name")
    own = _codings_of(request, analyst, own_only=True)
    return agreement(own, _units_coded(request, rows), _theme_names(request))


def agreement_table(request: ReturnRequest, by: User) -> list[tuple[User, User | None, Agreement]]:
    """Every comparison the agreement table shows: each pair of coders, then each coder and the
    suggestions (second None)."""
    require(access.can_code_request(by, request))
    coders = list(coders_of(request))
    pairs: list[tuple[User, User | None, Agreement]] = [
        (first, second, agreement_between(request, by, first, second))
        for i, first in enumerate(coders)
        for second in coders[i + 1 :]
    ]
    return pairs + [(coder, None, agreement_with_suggestions(request, by, coder)) for coder in coders]


def coders_of(request: ReturnRequest) -> QuerySet[User]:
    """The people who have coded the request's returns."""
    return User.objects.filter(codings__theme__request=request).distinct().order_by("username")
