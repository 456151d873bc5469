"""Counts from the structured answers of a request: for each yes/no and choice question (the
standard "accepted" question too), how many of the latest submitted versions chose each option
("41 of 43 accepted, 2 partly accepted"). Labels, never codes; a fixed number of queries whatever the
number of returns.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, OuterRef, QuerySet, Subquery

from .models import Question, QuestionKind, ReturnRequest, ReturnVersion, VersionAnswer

COUNTED_KINDS = (QuestionKind.ACCEPTED, QuestionKind.YES_NO, QuestionKind.CHOICE)


def latest_answers(request: ReturnRequest) -> QuerySet[VersionAnswer]:
    """The answers of each return's latest submitted version."""
    latest = ReturnVersion.objects.filter(return_record=OuterRef("version__return_record")).order_by("-number")
    return VersionAnswer.objects.filter(
        version__return_record__request=request, version__number=Subquery(latest.values("number")[:1])
    )


@dataclass(frozen=True)
class OptionCount:
    label: str
    count: int


@dataclass(frozen=True)
class QuestionCounts:
    question: Question
    options: list[OptionCount]
    answered: int
    submitted: int

    @property
    def summary(self) -> str:
        """E.g. "41 of 43 accepted, 2 partly accepted, 0 not accepted"."""
        parts = [f"{option.count} {option.label.lower()}" for option in self.options]
        if parts:
            parts[0] = f"{self.options[0].count} of {self.submitted} {self.options[0].label.lower()}"
        return ", ".join(parts)


def structured_counts(request: ReturnRequest) -> list[QuestionCounts]:
    """Each counted question of the request in order, with the count of each option: three queries."""
    questions = list(request.questions.filter(kind__in=COUNTED_KINDS).order_by("position", "pk"))
    submitted = request.returns.filter(versions__isnull=False).distinct().count()
    tally: dict[tuple[int, str], int] = {}
    rows = (
        latest_answers(request)
        .filter(question__in=[q.pk for q in questions])
        .exclude(text="")
        .values("question", "text")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        tally[(row["question"], row["text"])] = row["n"]
    result = []
    for question in questions:
        options = [OptionCount(label, tally.get((question.pk, value), 0)) for value, label in question.choices()]
        answered = sum(n for (pk, _), n in tally.items() if pk == question.pk)
        result.append(QuestionCounts(question, options, answered, submitted))
    return result
