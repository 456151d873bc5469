"""The national returns demo: the APCC asks all 43 governing bodies about recommendation 3a of the
PPDA super-complaint (PCCs and local support services for victims), as it did in 2023.

The APCC's analyst (`apcc.analyst`, from the register's demo) sent the request two weeks ago; it is
due in three weeks. West Midlands (`opcc.scrutiny`) and Staffordshire have submitted; Avon and
Somerset submitted, was returned for clarification and resubmitted; West Mercia has a draft.
Every step goes through the services, so versions and transition rows exist as if people made them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.utils import timezone

from oversight.organisations.demo import PASSWORD, Login
from oversight.organisations.models import Membership, Organisation, Role
from oversight.recommendations.models import Item

from . import services
from .models import Acceptance, QuestionKind, Return, ReturnRequest

TITLE = "PPDA super-complaint recommendation 3a: local support for victims of police-perpetrated domestic abuse"
PPDA = "Police perpetrated domestic abuse: Report on the Centre for Women's Justice super-complaint"
INTRODUCTION = (
    "Recommendation 3a asks PCCs to consider whether local services are capable of dealing with the specific "
    "risks and vulnerabilities of PPDA victims and supporting them through the police complaints and "
    "disciplinary system. Please tell us where your office stands, so that we can report nationally."
)

# (username, name, force whose governing body they answer for)
OFFICERS = (
    ("avon.opcc", "Megan Price", "avon-and-somerset-police"),
    ("staffs.opcc", "Lewis Grant", "staffordshire-police"),
    ("wmerc.opcc", "Farah Iqbal", "west-mercia-police"),
)

ANSWERS: dict[str, dict[str, str]] = {
    "west-midlands-police": {
        QuestionKind.ACCEPTED: Acceptance.ACCEPTED,
        QuestionKind.ACTIONS_TAKEN: (
            "I have appointed the first Victims Commissioner for the West Midlands to amplify the voice of all "
            "victims. My Police and Crime Plan measures require WMP to improve its use of outcomes for domestic "
            "abuse, and my Strategic Police and Crime Board holds the Force to account for its conduct."
        ),
        QuestionKind.ACTIONS_INTENDED: (
            "Through my Victims Commission I will seek the views of my expert advisory body on whether local "
            "commissioned services can meet the specific needs of PPDA victims. Through the Domestic Abuse "
            "Regional Board I will bring forward an independent advocacy route for victims who are police staff."
        ),
    },
    "staffordshire-police": {
        QuestionKind.ACCEPTED: Acceptance.ACCEPTED,
        QuestionKind.ACTIONS_TAKEN: (
            "Our commissioned domestic abuse service has trained its IDVAs on the police complaints and misconduct "
            "system, and victims can now be supported by an advocate from outside the county."
        ),
        QuestionKind.ACTIONS_INTENDED: (
            "We will review the service specification at re-commissioning in 2025 to include PPDA explicitly, and "
            "seek assurance from the Chief Constable through the Ethics, Transparency and Audit Panel."
        ),
    },
    "avon-and-somerset-police": {
        QuestionKind.ACCEPTED: Acceptance.PARTLY,
        QuestionKind.ACTIONS_TAKEN: "We have reviewed our commissioned services.",
        QuestionKind.ACTIONS_INTENDED: "Funding decisions will follow the review.",
        QuestionKind.REASONS_NOT_ACCEPTED: (
            "We accept the recommendation but cannot fund a dedicated PPDA advocate within the current grant."
        ),
    },
}
CLARIFIED: dict[str, str] = {
    QuestionKind.ACTIONS_TAKEN: (
        "We reviewed all four commissioned domestic abuse services in 2023 against the super-complaint's findings. "
        "Two can already offer an advocate with no connection to the force; the other two will from April."
    ),
}
CLARIFICATION = "Please say what the review of commissioned services found, and which services it covered."


def is_loaded() -> bool:
    return ReturnRequest.objects.filter(title=TITLE).exists()


def load() -> None:
    analyst = User.objects.filter(username="apcc.analyst").first()
    item = Item.objects.filter(report__title=PPDA, number="3").first()
    if analyst is None or item is None:
        return  # the register's demo is not loaded: nothing to ask about
    officers = _officers()
    request = _send(analyst, item)
    people = {"west-midlands-police": User.objects.get(username="opcc.scrutiny"), **officers}
    for force, answers in ANSWERS.items():
        _answer_and_submit(_return_of(request, force), people[force], answers)
    avon = _return_of(request, "avon-and-somerset-police")
    question = avon.request.questions.get(kind=QuestionKind.ACTIONS_TAKEN)
    avon = services.return_for_clarification(avon, analyst, avon.version, {question.pk: CLARIFICATION})
    avon = services.save_answers(avon, people["avon-and-somerset-police"], avon.version, _by_question(avon, CLARIFIED))
    services.resubmit_return(avon, people["avon-and-somerset-police"], avon.version)
    draft = _return_of(request, "west-mercia-police")
    services.save_answers(draft, officers["west-mercia-police"], draft.version, _by_question(draft, {
        QuestionKind.ACCEPTED: Acceptance.ACCEPTED,
        QuestionKind.ACTIONS_INTENDED: "We are mapping the support available to PPDA victims across Herefordshire, "
        "Worcestershire, Shropshire and Telford.",
    }))  # fmt: skip


def _officers() -> dict[str, User]:
    hashed = make_password(PASSWORD)
    officers = {}
    for username, name, force_slug in OFFICERS:
        first, last = name.split(" ", 1)
        user = User.objects.create(
            username=username, first_name=first, last_name=last, password=hashed, email=f"{username}@example.org"
        )
        body = Organisation.objects.get(slug=force_slug).governing_body_on()
        assert body is not None
        Membership.objects.create(user=user, organisation=body, role=Role.OPCC_OFFICER, approved_at=timezone.now())
        officers[force_slug] = user
    return officers


def _send(analyst: User, item: Item) -> ReturnRequest:
    today = timezone.localdate()
    apcc = Organisation.objects.get(slug="apcc")
    draft = services.RequestDraft(
        body=apcc, title=TITLE, items=[item], deadline=today + dt.timedelta(days=21), introduction=INTRODUCTION
    )
    request = services.create_request(analyst, draft)
    question = services.QuestionDraft(
        QuestionKind.YES_NO, "Do local services offer PPDA victims an advocate with no connection to the force?"
    )
    services.add_question(request, analyst, request.version, question)
    request.refresh_from_db()
    request = services.send_request(request, analyst, request.version)
    ReturnRequest.objects.filter(pk=request.pk).update(sent_at=timezone.now() - dt.timedelta(days=14))
    return request


def _return_of(request: ReturnRequest, force_slug: str) -> Return:
    body = Organisation.objects.get(slug=force_slug).governing_body_on()
    return Return.objects.select_related("request").get(request=request, organisation=body)


def _by_question(record: Return, answers: Mapping[str, str]) -> dict[int, str]:
    questions = {question.kind: question.pk for question in record.request.questions.all()}
    return {questions[kind]: text for kind, text in answers.items() if kind in questions}


def _answer_and_submit(record: Return, by: User, answers: Mapping[str, str]) -> None:
    record = services.save_answers(record, by, record.version, _by_question(record, answers))
    services.submit_return(record, by, record.version)


def logins() -> list[Login]:
    can = "Answers the governing body's national returns: the APCC's request on PPDA recommendation 3a (/returns/)"
    return [
        Login(username, "OPCC policy or scrutiny officer", _body_name(force), can) for username, _, force in OFFICERS
    ]


def _body_name(force_slug: str) -> str:
    force = Organisation.objects.filter(slug=force_slug).first()
    body = force.governing_body_on() if force else None
    return body.name if body else force_slug
