"""Fixtures of national returns: the APCC's request about one recommendation, sent to the 43 governing
bodies, and West Midlands PCC's return (answered by the OPCC officer persona)."""

from __future__ import annotations

import pytest

from oversight.organisations.models import Organisation
from oversight.recommendations.models import Item
from oversight.returns import services
from oversight.returns.models import QuestionKind, Recipients, Return, ReturnRequest
from tests.factories import ItemFactory
from tests.personas import Personas
from tests.returns_helpers import draft_request, send


@pytest.fixture
def item(db: None) -> Item:
    return ItemFactory(
        number="3", reference="", text="PCCs should consider whether local services can support PPDA victims."
    )


@pytest.fixture
def sent_request(personas: Personas, item: Item) -> ReturnRequest:
    request = draft_request(personas, item)
    services.add_question(
        request, personas.national_analyst, None,
        services.QuestionDraft(QuestionKind.CHOICE, "How is support funded?", options=("Grant", "Commissioned")),
    )  # fmt: skip
    return send(request, personas.national_analyst)


@pytest.fixture
def forces_request(personas: Personas, item: Item) -> ReturnRequest:
    return send(draft_request(personas, item, recipients=Recipients.FORCES), personas.national_analyst)


@pytest.fixture
def wm_return(sent_request: ReturnRequest, wmp: Organisation) -> Return:
    return Return.objects.get(request=sent_request, organisation=wmp.governing_body_on())


@pytest.fixture
def wmp_force_return(forces_request: ReturnRequest, wmp: Organisation) -> Return:
    return Return.objects.get(request=forces_request, organisation=wmp)
