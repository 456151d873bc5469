"""A coded request for the summary report's tests: the three answered areas of `tests/test_coding.py`
and a fourth whose answer carries markup, coded by two analysts, with passages marked to quote and
the system's suggestions left pending (they must never reach the report)."""

from __future__ import annotations

from django.contrib.auth.models import User

from oversight.coding import services
from oversight.coding.models import Theme
from oversight.organisations.models import Organisation, Role
from oversight.recommendations.models import Item
from oversight.returns import services as returns_services
from oversight.returns.models import Acceptance, QuestionKind, ReturnRequest, VersionAnswer
from tests.factories import member
from tests.personas import Personas
from tests.returns_helpers import question
from tests.test_coding import _officer, answer_of, answered_request, code, themes

HOSTILE_FORCE = "greater-manchester-police"
HOSTILE_QUOTE = '<script>alert("x")</script> We fund an <b>advocate</b> & a helpline.'
HOSTILE = f"{HOSTILE_QUOTE} Nothing else changed."


def second_analyst() -> User:
    """Another analyst of the APCC: two people code the same request."""
    user = User.objects.create_user("apcc.analyst2", first_name="Omar", last_name="Reed")
    member(user, Organisation.objects.get(slug="apcc"), Role.NATIONAL_ANALYST)
    return user


def answer_hostile(request: ReturnRequest) -> VersionAnswer:
    """A fourth area answers, partly accepting, in words with markup in them."""
    body = Organisation.objects.get(slug=HOSTILE_FORCE).governing_body_on()
    assert body is not None
    officer = _officer(body)
    record = request.returns.get(organisation=body)
    values = {question(request, QuestionKind.ACCEPTED).pk: Acceptance.PARTLY}
    values[question(request, QuestionKind.ACTIONS_TAKEN).pk] = HOSTILE
    record = returns_services.save_answers(record, officer, None, values)
    returns_services.submit_return(record, officer, record.version)
    return VersionAnswer.objects.get(version__return_record=record, text=HOSTILE)


def reported_request(personas: Personas, item: Item) -> ReturnRequest:
    """Advocacy (with the sub-theme Funded posts) and Training, coded in four areas.

    Advocacy: West Midlands (quoted by both analysts), Avon and Somerset (quoted), Merseyside (not
    quoted) and the hostile area (quoted). Training: West Midlands only; Funded posts: Avon only."""
    request = answered_request(personas, item)
    analyst, other = personas.national_analyst, second_analyst()
    advocacy, training = themes(request, analyst)
    funded = services.create_theme(request, analyst, services.ThemeDraft("Funded posts", parent=advocacy))
    wm, avon = answer_of(request, "west-midlands-police"), answer_of(request, "avon-and-somerset-police")
    hostile = answer_hostile(request)
    code(analyst, wm, 0, advocacy, quote=True)
    code(other, wm, 0, advocacy, quote=True)
    code(analyst, wm, 1, training)
    code(analyst, avon, 0, advocacy, quote=True)
    code(analyst, avon, 0, funded)
    code(other, answer_of(request, "merseyside-police"), 0, advocacy)
    code(analyst, hostile, 0, advocacy, quote=True)
    services.suggest_for_request(request)
    return request


def theme(request: ReturnRequest, name: str) -> Theme:
    return Theme.objects.get(request=request, name=name)
