"""Fixtures for the PPDA case personas: load with `pytest_plugins = ["tests.case_fixtures"]`.

Kept apart from tests/case_personas.py so that test modules can import the personas' names and
constants from there without importing this plugin module before pytest does.
"""

from __future__ import annotations

import pytest

from oversight.cases.models import Case
from tests.case_personas import (
    CasePersonas,
    Furnished,
    Insiders,
    Workforce,
    furnish,
    make_case_personas,
    make_insiders,
    make_workforce,
    open_ppda_case,
)


@pytest.fixture
def case_workforce(db: None) -> Workforce:
    return make_workforce()


@pytest.fixture
def case_personas(case_workforce: Workforce) -> CasePersonas:
    return make_case_personas(case_workforce)


@pytest.fixture
def ppda_case(case_personas: CasePersonas, case_workforce: Workforce) -> Case:
    return open_ppda_case(case_personas, case_workforce)


# Issue 6 lock tests: the insiders around the case, and the case furnished with everything that hangs on it.


@pytest.fixture
def case_insiders(case_workforce: Workforce) -> Insiders:
    return make_insiders(case_workforce)


@pytest.fixture
def furnished_case(case_personas: CasePersonas, case_insiders: Insiders, case_workforce: Workforce) -> Furnished:
    """The fixture case with a grant for each insider, break-glass openings, victim records, decisions, an
    attempt alert, and the force's audit and dip sample; `furnished_case.ids` names each of them."""
    return furnish(case_personas, case_insiders, case_workforce)
