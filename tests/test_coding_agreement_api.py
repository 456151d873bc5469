"""Agreement in the API (GET /api/v1/coding/requests/{id}/agreement): the kappas of the agreement
page, per theme and overall, between two analysts (checked by hand) and between each analyst and the
suggestions; everyone outside the requesting body gets 404."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from oversight.coding import services
from oversight.coding.models import Theme
from oversight.organisations.models import Organisation, Role
from oversight.recommendations.models import Item
from oversight.returns.models import ReturnRequest
from tests.factories import member
from tests.personas import Personas
from tests.test_api import api_client
from tests.test_coding import answer_of, code, coded_request
from tests.test_coding_access import REFUSED, person

pytest_plugins = ["tests.returns_fixtures"]
pytestmark = pytest.mark.django_db


@pytest.fixture
def two_coders(personas: Personas, item: Item) -> ReturnRequest:
    """Nina (the analyst) and Sam code three sentences; they agree on two of them."""
    request = coded_request(personas, item)  # Nina: West Midlands sentence 0 -> Advocacy
    sam = User.objects.create_user("apcc.second", first_name="Sam", last_name="Ode")
    member(sam, Organisation.objects.get(slug="apcc"), Role.NATIONAL_ANALYST)
    advocacy, training = Theme.objects.get(name="Advocacy"), Theme.objects.get(name="Training")
    wm, avon = answer_of(request, "west-midlands-police"), answer_of(request, "avon-and-somerset-police")
    code(sam, wm, 0, advocacy)
    code(personas.national_analyst, wm, 1, advocacy)
    code(sam, wm, 1, training)
    code(personas.national_analyst, avon, 0, training)
    code(sam, avon, 0, training)
    return request


def test_the_analysts_read_the_kappas(personas: Personas, two_coders: ReturnRequest) -> None:
    response = api_client(personas.national_analyst).get(f"/api/v1/coding/requests/{two_coders.pk}/agreement")
    assert response.status_code == 200
    comparisons = response.json()["comparisons"]
    pair = comparisons[0]
    # Over 3 sentences: Advocacy Nina YYN, Sam YNN; Training Nina NNY, Sam NYY. Each: observed 2/3,
    # chance 4/9, kappa (2/3 - 4/9) / (5/9) = 0.4.
    assert (pair["first"], pair["second"], pair["units"]) == ("apcc.analyst", "apcc.second", 3)
    assert pair["per_theme"] == {"Advocacy": pytest.approx(0.4), "Training": pytest.approx(0.4)}
    assert pair["overall"] == pytest.approx(0.4)
    against = [(c["first"], c["second"]) for c in comparisons[1:]]
    assert against == [("apcc.analyst", None), ("apcc.second", None)]
    mine = services.agreement_with_suggestions(two_coders, personas.national_analyst, personas.national_analyst)
    assert (comparisons[1]["units"], comparisons[1]["overall"]) == (mine.units, mine.overall)
    assert comparisons[1]["per_theme"] == mine.per_theme


def test_nobody_coded_gives_no_comparison(personas: Personas, sent_request: ReturnRequest) -> None:
    response = api_client(personas.national_analyst).get(f"/api/v1/coding/requests/{sent_request.pk}/agreement")
    assert response.status_code == 200 and response.json() == {"comparisons": []}


@pytest.mark.parametrize("name", REFUSED)
def test_everyone_else_gets_404(personas: Personas, two_coders: ReturnRequest, name: str) -> None:
    client = api_client(person(personas, name))
    refused = client.get(f"/api/v1/coding/requests/{two_coders.pk}/agreement")
    missing = client.get("/api/v1/coding/requests/999999/agreement")
    assert refused.status_code == missing.status_code == 404
    assert refused.json() == missing.json() == {"detail": "Not found"}
