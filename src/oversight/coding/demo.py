"""The coding demo: the APCC's analyst codes the submitted returns of the national returns demo into
the themes the APCC reported for PPDA recommendation 3a (brief, section 11), marks passages to quote,
and drafts the summary report from them, so the report page has something true to show.

Every step goes through the services, as a person would make it. Loaded after `returns.demo`;
nothing happens if that demo is not loaded.
"""

from __future__ import annotations

from django.contrib.auth.models import User

from oversight.organisations.demo import Login
from oversight.organisations.models import Organisation
from oversight.returns.demo import TITLE
from oversight.returns.models import QuestionKind, ReturnRequest

from . import report_services, services
from .models import Theme
from .passages import split_passages

REASSURANCE, ACCOUNT, TRAINING = "Reassurance from commissioned services", "Holding the force to account", "Training"
FUNDING, CAPABILITY = "Funding and commissioning", "Capability of local services"
THEMES = {
    REASSURANCE: "Whether commissioned services can support PPDA victims with no connection to the force, and what "
    "assurance the governing body has sought from them.",
    ACCOUNT: "How the governing body scrutinises the force's handling of PPDA: boards, panels, plan measures.",
    TRAINING: "Training of advocates, IDVAs and staff on the police complaints and misconduct system.",
    FUNDING: "Money for PPDA support, and how services are commissioned or re-commissioned.",
    CAPABILITY: "Whether local services can deal with the specific risks and vulnerabilities of PPDA victims.",
}
WM, STAFFS, AVON = "west-midlands-police", "staffordshire-police", "avon-and-somerset-police"
TAKEN, INTENDED = QuestionKind.ACTIONS_TAKEN, QuestionKind.ACTIONS_INTENDED

# (force whose governing body answered, question, how the sentence starts, theme, quote it)
CODINGS = (
    (WM, TAKEN, "My Police and Crime Plan", ACCOUNT, True),
    (WM, INTENDED, "Through my Victims Commission", CAPABILITY, True),
    (WM, INTENDED, "Through the Domestic Abuse", REASSURANCE, False),
    (STAFFS, TAKEN, "Our commissioned", TRAINING, True),
    (STAFFS, TAKEN, "Our commissioned", REASSURANCE, False),
    (STAFFS, INTENDED, "We will review", FUNDING, True),
    (STAFFS, INTENDED, "We will review", ACCOUNT, False),
    (AVON, TAKEN, "We reviewed all four", CAPABILITY, False),
    (AVON, TAKEN, "Two can already", REASSURANCE, True),
    (AVON, QuestionKind.REASONS_NOT_ACCEPTED, "We accept the", FUNDING, True),
    (AVON, INTENDED, "Funding decisions", FUNDING, False),
)


def _request() -> ReturnRequest | None:
    return ReturnRequest.objects.filter(title=TITLE).first()


def is_loaded() -> bool:
    return Theme.objects.filter(request__title=TITLE).exists()


def load() -> None:
    request, analyst = _request(), User.objects.filter(username="apcc.analyst").first()
    if request is None or analyst is None:
        return  # the national returns demo is not loaded: nothing to code
    themes = {
        name: services.create_theme(request, analyst, services.ThemeDraft(name, description))
        for name, description in THEMES.items()
    }
    for force, kind, opening, theme, quote in CODINGS:
        _code(request, analyst, force, kind, opening, themes[theme], quote)
    report_services.draft(request, analyst, None)


def _code(
    request: ReturnRequest, analyst: User, force: str, kind: str, opening: str, theme: Theme, quote: bool
) -> None:
    """Code the sentence that starts with `opening` in the area's latest answer to the question."""
    body = Organisation.objects.get(slug=force).governing_body_on()
    answer = services.codable_answers(request).get(version__return_record__organisation=body, question__kind=kind)
    start, end = next((s, e) for s, e in split_passages(answer.text) if answer.text[s:e].startswith(opening))
    services.code_passage(analyst, services.CodingDraft(answer, start, end, theme, quote=quote))


def logins() -> list[Login]:
    return []  # the APCC's analyst has a login from the register's demo
