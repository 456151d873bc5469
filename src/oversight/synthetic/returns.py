"""A national return: the APCC's analyst asks all 43 governing bodies about recommendation 3 of the
PPDA super-complaint; most have answered and submitted, a few were returned for clarification and
resubmitted, some have a draft and some have not started.

Forty-three returns are few, so every step goes through the returns services as its user would take
it (checks, versions, transition rows); each return's rows are then dated to the day it happened,
as the demo does, so the same seed gives the same history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib.auth.models import User
from django.db import models

from oversight.recommendations.models import Item, ItemKind, ReportKind
from oversight.returns import services
from oversight.returns.models import (
    Acceptance,
    Answer,
    QuestionKind,
    RequestTransition,
    Return,
    ReturnRequest,
    ReturnTransition,
    ReturnVersion,
)

from .people import Nation
from .plan import Plan
from .register import moment

TITLE = "PPDA super-complaint recommendation 3: support for victims of police-perpetrated domestic abuse"
INTRODUCTION = "Please tell us where your office stands on recommendation 3, so that we can report nationally."
TAKEN = (
    "Our commissioned domestic abuse service has trained its IDVAs on the police complaints and misconduct system.",
    "I have asked the Chief Constable to report to my performance board on every PPDA case each quarter.",
    "We have reviewed our commissioned services against the super-complaint's findings.",
    "Victims can now be supported by an advocate from outside the county.",
)
INTENDED = (
    "We will include PPDA explicitly in the service specification at re-commissioning next year.",
    "Through the regional domestic abuse board I will fund an independent advocacy route for police staff victims.",
    "We will seek the views of victims with lived experience on the support offered.",
)
CLARIFICATION = "Please say which commissioned services the review covered and what it found."


def build(plan: Plan, nation: Nation, advance: Callable[[int], None]) -> dict[str, int]:
    item = (
        Item.objects.filter(report__kind=ReportKind.SUPER_COMPLAINT, kind=ItemKind.RECOMMENDATION)
        .order_by("number", "pk")
        .last()
    )
    assert nation.analyst is not None
    if item is None:
        raise ValueError("The register part makes the super-complaint this return asks about: include it.")
    rng, analyst = plan.rng("returns"), nation.analyst
    sent = plan.days_ago(35)
    draft = services.RequestDraft(
        body=analyst.memberships.get().organisation, title=TITLE, items=[item], introduction=INTRODUCTION,
        deadline=plan.on + dt.timedelta(days=14),
    )  # fmt: skip
    request = services.create_request(analyst, draft)
    request = services.send_request(request, analyst, request.version, today=plan.on)
    _date(ReturnRequest.objects.filter(pk=request.pk), moment(sent, rng), "created_at", "sent_at")
    _date(RequestTransition.objects.filter(request=request), moment(sent, rng), "at")
    _date(Return.objects.filter(request=request), moment(sent, rng), "created_at", "updated_at")
    officers = {p.force.governing_body_on(plan.on).pk: p.opcc for p in nation.forces.values()}  # type: ignore[union-attr]
    counts = {"submitted": 0, "returned": 0, "draft": 0, "not started": 0}
    for record in Return.objects.filter(request=request).select_related("request").order_by("organisation__name"):
        fate = rng.choices(list(counts), weights=(6, 1, 2, 1))[0]
        counts[fate] += 1
        officer = officers.get(record.organisation_id)
        if officer is not None and fate != "not started":
            _answer(record, officer, analyst, fate, rng.choice(TAKEN), rng.choice(INTENDED))
            _date_return(record, moment(sent + dt.timedelta(days=rng.randint(3, 30)), rng))
        advance(1)
    return counts


def _answer(record: Return, officer: User, analyst: User, fate: str, taken: str, intended: str) -> None:
    questions = {question.kind: question.pk for question in record.request.questions.all()}
    answers = {QuestionKind.ACCEPTED: Acceptance.ACCEPTED, QuestionKind.ACTIONS_TAKEN: taken,
               QuestionKind.ACTIONS_INTENDED: intended}  # fmt: skip
    record = services.save_answers(record, officer, record.version, {questions[k]: v for k, v in answers.items()})
    if fate == "draft":
        return
    record = services.submit_return(record, officer, record.version)
    if fate == "returned":
        point: dict[int | None, str] = {questions[QuestionKind.ACTIONS_TAKEN]: CLARIFICATION}
        record = services.return_for_clarification(record, analyst, record.version, point)
        more = {questions[QuestionKind.ACTIONS_TAKEN]: taken + " The review covered all four commissioned services."}
        record = services.save_answers(record, officer, record.version, more)
        services.resubmit_return(record, officer, record.version)


def _date_return(record: Return, at: dt.datetime) -> None:
    """Every row of the return dated to the day it was answered, a minute apart in order."""
    returns = Return.objects.filter(pk=record.pk)
    fresh = returns.first()
    assert fresh is not None
    _date(returns, at, "created_at", "updated_at")
    if fresh.first_submitted_at:
        _date(returns, at, "first_submitted_at", "last_submitted_at")
    _date(Answer.objects.filter(return_record=record), at, "updated_at")
    for n, row in enumerate(ReturnTransition.objects.filter(return_record=record).order_by("pk")):
        ReturnTransition.objects.filter(pk=row.pk).update(at=at + dt.timedelta(minutes=n))
    for n, version in enumerate(ReturnVersion.objects.filter(return_record=record).order_by("pk")):
        ReturnVersion.objects.filter(pk=version.pk).update(submitted_at=at + dt.timedelta(minutes=n))


def _date(rows: models.QuerySet[models.Model], at: dt.datetime, *fields: str) -> None:
    rows.update(**dict.fromkeys(fields, at))
