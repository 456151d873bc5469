"""Pages for coding a request's returns: the themes (add, edit, merge, delete), the coding page
(passages of submitted answers, the suggestions beside them, accept, reject, bulk accept, code a
passage), the agreement table, and the theme-by-area matrix.

Every request is looked up in the person's scope (`access.codable_requests`): someone outside it gets
the same 404 as for a request that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from oversight.request import AuthedRequest
from oversight.returns.models import ReturnRequest, VersionAnswer

from . import access, qda_views, services
from .agreement import Agreement
from .forms import CodingForm, MergeForm, SpanForm, ThemeForm, ThresholdForm
from .models import BulkAcceptance, Coding, Suggestion, Theme
from .passages import overlaps, split_passages
from .summary import theme_matrix

app_name = "coding"


def _request(request: AuthedRequest, pk: int) -> ReturnRequest:
    return get_object_or_404(access.codable_requests(request.user).select_related("body"), pk=pk)


def _theme(record_request: ReturnRequest, pk: int) -> Theme:
    return get_object_or_404(Theme.objects.filter(request=record_request), pk=pk)


def _guarded(step: Callable[[], Any]) -> Any:
    """Run one guarded change; a refusal is the same 404 a missing record gets."""
    try:
        return step()
    except PermissionDenied as denied:
        raise Http404("Not available") from denied


# Themes


def themes(request: AuthedRequest, pk: int) -> HttpResponse:
    """The request's themes, and a form to add one."""
    record_request = _request(request, pk)
    form = ThemeForm(request.POST or None, request=record_request)
    if request.method == "POST" and form.is_valid():
        try:
            theme = _guarded(lambda: services.create_theme(record_request, request.user, form.draft()))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Theme “{theme.name}” added.")
            return redirect("coding:themes", pk=pk)
    rows = Theme.objects.filter(request=record_request).select_related("parent")
    context = {"req": record_request, "themes": _with_counts(rows), "form": form}
    return render(request, "coding/themes.html", context, status=400 if form.errors else 200)


def _with_counts(rows: Any) -> list[tuple[Theme, int]]:
    counts: dict[int, int] = {}
    for theme_id in Coding.objects.filter(theme__in=rows).values_list("theme", flat=True):
        counts[theme_id] = counts.get(theme_id, 0) + 1
    return [(theme, counts.get(theme.pk, 0)) for theme in rows]


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def edit_theme(request: AuthedRequest, pk: int, theme: int) -> HttpResponse:
    """Rename, describe or move a theme; merge it into another, or delete it if nothing is coded to it."""
    record_request = _request(request, pk)
    found = _theme(record_request, theme)
    initial = {"name": found.name, "description": found.description, "parent": found.parent, "version": found.version}
    form = ThemeForm(request.POST or None, request=record_request, theme=found, initial=initial)
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data["version"]
        try:
            _guarded(lambda: services.update_theme(found, request.user, version, form.draft()))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Theme saved.")
            return redirect("coding:themes", pk=pk)
    return _theme_page(request, record_request, found, form, MergeForm(theme=found))


def _theme_page(
    request: AuthedRequest, record_request: ReturnRequest, theme: Theme, form: ThemeForm, merge: MergeForm,
    errors: list[str] | None = None,
) -> HttpResponse:  # fmt: skip
    context = {"req": record_request, "theme": theme, "form": form, "merge": merge, "errors": errors or []}
    failed = form.errors or merge.errors or errors
    return render(request, "coding/theme_form.html", context, status=400 if failed else 200)


@require_POST
def merge_theme(request: AuthedRequest, pk: int, theme: int) -> HttpResponse:
    record_request = _request(request, pk)
    found = _theme(record_request, theme)
    merge = MergeForm(request.POST, theme=found)
    if merge.is_valid():
        into = merge.cleaned_data["into"]
        try:
            _guarded(lambda: services.merge_themes(found, into, request.user))
        except ValidationError as error:
            _add_errors(merge, error)
        else:
            messages.success(request, f"“{found.name}” merged into “{into.name}”: its coded passages moved with it.")
            return redirect("coding:themes", pk=pk)
    form = ThemeForm(request=record_request, theme=found, initial={"name": found.name, "version": found.version})
    return _theme_page(request, record_request, found, form, merge)


@require_POST
def delete_theme(request: AuthedRequest, pk: int, theme: int) -> HttpResponse:
    record_request = _request(request, pk)
    found = _theme(record_request, theme)
    try:
        _guarded(lambda: services.delete_theme(found, request.user))
    except ValidationError as error:
        form = ThemeForm(request=record_request, theme=found, initial={"name": found.name, "version": found.version})
        return _theme_page(request, record_request, found, form, MergeForm(theme=found), error.messages)
    messages.success(request, f"Theme “{found.name}” deleted.")
    return redirect("coding:themes", pk=pk)


# The coding page


@dataclass
class PassageRow:
    """A sentence of an answer, cut into pieces where someone coded words of it that are not the whole
    sentence: each piece with the themes coded there (none for plain text), to mark on the page."""

    start: int
    end: int
    text: str
    codings: list[Coding] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    pieces: list[tuple[str, list[str]]] = field(default_factory=list)


def _pieces(text: str, start: int, end: int, codings: list[Coding]) -> list[tuple[str, list[str]]]:
    """The sentence text[start:end] cut at the edges of the codings of other spans than the sentence."""
    spans = [c for c in codings if (c.start, c.end) != (start, end)]
    cuts = sorted({start, end, *(max(start, min(end, edge)) for c in spans for edge in (c.start, c.end))})
    pieces = []
    for left, right in pairwise(cuts):
        names = sorted({c.theme.name for c in spans if c.start <= left and right <= c.end})
        pieces.append((text[left:right], names))
    return pieces


def _passages(answer: VersionAnswer, codings: list[Coding], suggestions: list[Suggestion]) -> list[PassageRow]:
    rows = []
    for start, end in split_passages(answer.text):
        row = PassageRow(start, end, answer.text[start:end])
        row.codings = [c for c in codings if overlaps((start, end), (c.start, c.end))]
        row.suggestions = [s for s in suggestions if (s.start, s.end) == (start, end)]
        row.pieces = _pieces(answer.text, start, end, row.codings)
        rows.append(row)
    return rows


def _answers(record_request: ReturnRequest) -> list[tuple[VersionAnswer, list[PassageRow]]]:
    answers = list(services.codable_answers(record_request))
    codings: dict[int, list[Coding]] = {}
    for coding in Coding.objects.filter(answer__in=answers).select_related("theme", "coder"):
        codings.setdefault(coding.answer_id, []).append(coding)
    suggestions: dict[int, list[Suggestion]] = {}
    for suggestion in Suggestion.objects.filter(request=record_request).select_related("theme", "decided_by"):
        suggestions.setdefault(suggestion.answer_id, []).append(suggestion)
    return [(a, _passages(a, codings.get(a.pk, []), suggestions.get(a.pk, []))) for a in answers]


def _span_errors(form: SpanForm | None) -> list[tuple[str, str]]:
    """The span form's errors for the error summary, each linked to the input to fix."""
    if form is None or not form.errors:
        return []
    answer = form.data.get("answer", "")
    targets = {
        "words": f"#span-words-{answer}", "occurrence": f"#span-occurrence-{answer}-1",
        "themes": f"#span-themes-{answer}-1", "memo": f"#span-memo-{answer}",
    }  # fmt: skip
    return [(str(error), targets.get(name, "")) for name, errors in form.errors.items() for error in errors]


def coding_page(
    request: AuthedRequest, pk: int, *, form: CodingForm | None = None, errors: list[str] | None = None,
    span_form: SpanForm | None = None,
) -> HttpResponse:  # fmt: skip
    record_request = _request(request, pk)
    form = form or CodingForm(request=record_request)
    span_errors = _span_errors(span_form)
    context = {
        "req": record_request,
        "answers": _answers(record_request),
        "themes": Theme.objects.filter(request=record_request),
        "form": form,
        "errors": [*(errors or []), *form.non_field_errors(), *(e for f in form for e in f.errors)],
        "span_form": span_form,
        "span_errors": span_errors,
        "span_answer": span_form.data.get("answer", "") if span_form is not None else "",
        "pending": Suggestion.objects.filter(request=record_request).pending().count(),
        "threshold_form": ThresholdForm(initial={"threshold": 0.8}),
        "bulk": BulkAcceptance.objects.filter(request=record_request).select_related("by")[:5],
        "mine": services.agreement_with_suggestions(record_request, request.user, request.user),
    }
    failed = context["errors"] or span_errors
    return render(request, "coding/coding.html", context, status=400 if failed else 200)


@require_POST
def code(request: AuthedRequest, pk: int) -> HttpResponse:
    """Code a sentence to a theme, or (with `words`) any words of an answer to one or more themes."""
    if "words" in request.POST:
        return _code_words(request, pk)
    record_request = _request(request, pk)
    form = CodingForm(request.POST, request=record_request)
    if form.is_valid():
        try:
            _guarded(lambda: services.code_passage(request.user, form.draft()))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Passage coded to “{form.cleaned_data['theme'].name}”.")
            return redirect("coding:request", pk=pk)
    return coding_page(request, pk, form=form)


def _code_words(request: AuthedRequest, pk: int) -> HttpResponse:
    record_request = _request(request, pk)
    form = SpanForm(request.POST, request=record_request)
    if form.is_valid():
        try:
            made = _guarded(lambda: services.code_span(request.user, form.draft()))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            names = ", ".join(f"“{coding.theme.name}”" for coding in made)
            messages.success(request, f"“{_short(made[0].text)}” coded to {names}.")
            return redirect(f"{reverse('coding:request', args=[pk])}#answer-{made[0].answer_id}")
    return coding_page(request, pk, span_form=form)


def _short(text: str, limit: int = 80) -> str:
    words = " ".join(text.split())
    return words if len(words) <= limit else words[: limit - 1].rsplit(" ", 1)[0] + "…"


@require_POST
def remove_coding(request: AuthedRequest, pk: int, coding: int) -> HttpResponse:
    record_request = _request(request, pk)
    found = get_object_or_404(Coding.objects.filter(theme__request=record_request, coder=request.user), pk=coding)
    _guarded(lambda: services.remove_coding(found, request.user))
    messages.success(request, "Coding removed.")
    return redirect("coding:request", pk=pk)


@require_POST
def suggest(request: AuthedRequest, pk: int) -> HttpResponse:
    record_request = _request(request, pk)
    made = _guarded(lambda: services.refresh_suggestions(record_request, request.user))
    messages.success(request, f"{len(made)} suggestion{'s' if len(made) != 1 else ''} for the uncoded passages.")
    return redirect("coding:request", pk=pk)


def _decide(
    request: AuthedRequest, pk: int, suggestion: int, step: Callable[[Suggestion, Any], Any], done: str
) -> HttpResponse:
    record_request = _request(request, pk)
    found = get_object_or_404(Suggestion.objects.filter(request=record_request), pk=suggestion)
    try:
        _guarded(lambda: step(found, request.user))
    except ValidationError as error:
        return coding_page(request, pk, errors=error.messages)
    messages.success(request, done)
    return redirect("coding:request", pk=pk)


@require_POST
def accept(request: AuthedRequest, pk: int, suggestion: int) -> HttpResponse:
    return _decide(request, pk, suggestion, services.accept_suggestion, "Suggestion accepted: the passage is coded.")


@require_POST
def reject(request: AuthedRequest, pk: int, suggestion: int) -> HttpResponse:
    return _decide(request, pk, suggestion, services.reject_suggestion, "Suggestion rejected.")


def accept_above(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET: how many pending suggestions the threshold would accept, to confirm. POST: accept them."""
    record_request = _request(request, pk)
    form = ThresholdForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        return coding_page(request, pk, errors=["Enter a confidence between 0 and 1"])
    threshold = form.cleaned_data["threshold"]
    if request.method == "POST":
        bulk = _guarded(lambda: services.accept_above(record_request, threshold, request.user))
        messages.success(request, f"{bulk.accepted} suggestions with a confidence of {threshold:.2f} or more accepted.")
        return redirect("coding:request", pk=pk)
    count = Suggestion.objects.filter(request=record_request, score__gte=threshold).pending().count()
    context = {"req": record_request, "threshold": threshold, "count": count}
    return render(request, "coding/accept_above.html", context)


# Agreement


def agreement(request: AuthedRequest, pk: int) -> HttpResponse:
    """Kappa between each pair of coders, and between each coder and the suggestions."""
    record_request = _request(request, pk)
    comparisons: list[tuple[str, Agreement]] = [
        (f"{_name(first)} and {_name(second) if second else 'the suggestions'}", result)
        for first, second, result in services.agreement_table(record_request, request.user)
    ]
    names = list(Theme.objects.filter(request=record_request).values_list("name", flat=True))
    rows = [(name, [result.per_theme.get(name) for _, result in comparisons]) for name in names]
    context = {"req": record_request, "comparisons": comparisons, "rows": rows}
    return render(request, "coding/agreement.html", context)


# The theme-by-area matrix


def matrix(request: AuthedRequest, pk: int) -> HttpResponse:
    """How many passages people coded to each theme in each area's latest return."""
    record_request = _request(request, pk)
    return render(request, "coding/matrix.html", {"req": record_request, "matrix": theme_matrix(record_request)})


def _name(user: Any) -> str:
    return str(user.get_full_name() or user.username)


urlpatterns = [
    path("<int:pk>/", coding_page, name="request"),
    path("<int:pk>/themes/", themes, name="themes"),
    path("<int:pk>/themes/<int:theme>/", edit_theme, name="edit_theme"),
    path("<int:pk>/themes/<int:theme>/merge/", merge_theme, name="merge_theme"),
    path("<int:pk>/themes/<int:theme>/delete/", delete_theme, name="delete_theme"),
    path("<int:pk>/code/", code, name="code"),
    path("<int:pk>/codings/<int:coding>/remove/", remove_coding, name="remove_coding"),
    path("<int:pk>/suggest/", suggest, name="suggest"),
    path("<int:pk>/suggestions/<int:suggestion>/accept/", accept, name="accept"),
    path("<int:pk>/suggestions/<int:suggestion>/reject/", reject, name="reject"),
    path("<int:pk>/suggestions/accept-above/", accept_above, name="accept_above"),
    path("<int:pk>/agreement/", agreement, name="agreement"),
    path("<int:pk>/matrix/", matrix, name="matrix"),
]

# The summary report's pages live in their own module.
from .report_views import urlpatterns as report_urlpatterns  # noqa: E402

urlpatterns += report_urlpatterns

# The REFI-QDA downloads (`coding/qda_views.py`).
urlpatterns += qda_views.urlpatterns
