"""Ranks as a controlled list: every common spelling read to one rank in order, an unknown rank refused
on import, and seniority decided by the order (superintendent and above unless a force says otherwise)."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from oversight.cases import assignments, rules
from oversight.cases.models import Case
from oversight.lib.ranks import RANKS, RankKind, UnknownRank, parse_rank, rank_or_none, rank_problem
from oversight.organisations.models import Organisation
from oversight.workforce.generator import CHIEF_OFFICERS, OFFICER_SPANS, STAFF_SPANS
from oversight.workforce.importer import import_workforce
from tests.case_personas import make_case_personas, make_workforce, open_ppda_case

SPELLINGS = {
    "constable": ["PC", "pc", "DC", "Police Constable", "Detective Constable", "Det Con", "TDC"],
    "sergeant": ["Sgt", "PS", "DS", "Det Sgt", "Detective Sergeant", "A/Sgt"],
    "inspector": ["Insp", "DI", "Det Insp", "Inspector", "Acting Inspector"],
    "chief_inspector": ["Ch Insp", "Ch. Insp.", "DCI", "CI", "C/Insp", "Chief Inspector", "T/DCI"],
    "superintendent": ["Supt", "Det Supt", "Superintendent", "Detective Superintendent", "D/Supt"],
    "chief_superintendent": ["Ch Supt", "CH SUPT", "C/Supt", "Chief Supt", "DCS", "Det Ch Supt"],
    "commander": ["Cmdr", "Commander"],
    "assistant_chief_constable": ["ACC", "Assistant Chief Constable"],
    "deputy_chief_constable": ["DCC", "Deputy Chief Constable"],
    "chief_constable": ["CC", "Chief Constable", "  chief   constable "],
    "commissioner": ["Commissioner", "Commr"],
    "pcso": ["PCSO", "Police Community Support Officer"],
}


@pytest.mark.parametrize(("key", "spelling"), [(key, s) for key, spellings in SPELLINGS.items() for s in spellings])
def test_every_common_spelling_reads_to_one_rank(key: str, spelling: str) -> None:
    assert parse_rank(spelling) is RANKS[key]


def test_the_ladder_runs_from_constable_to_chief_constable() -> None:
    ladder = ["constable", "sergeant", "inspector", "chief_inspector", "superintendent", "chief_superintendent"]
    ladder += ["assistant_chief_constable", "deputy_chief_constable", "chief_constable"]
    orders = [RANKS[key].order for key in ladder]
    assert orders == sorted(orders) and len(set(orders)) == len(orders)
    assert RANKS["commander"].order == RANKS["assistant_chief_constable"].order
    assert RANKS["chief_superintendent"].at_least(RANKS["superintendent"])
    assert not RANKS["chief_inspector"].at_least(RANKS["superintendent"])


@pytest.mark.parametrize(("text", "title"), [("Grade C", "Grade C"), ("grade c", "Grade C"), ("Scale 6", "Scale 6"),
                                             ("SO1", "SO1"), ("PO 3", "PO3"), ("Band 5", "Band 5")])  # fmt: skip
def test_staff_grades_are_recognised_with_no_place_on_the_officer_ladder(text: str, title: str) -> None:
    grade = parse_rank(text)
    assert (grade.title, grade.kind, grade.order) == (title, RankKind.STAFF, None)
    assert not grade.at_least(RANKS["constable"])


def test_only_chief_officers_are_flagged_as_such() -> None:
    chiefs = {key for key, rank in RANKS.items() if rank.chief_officer}
    assert chiefs == {"chief_constable", "commissioner", "deputy_commissioner"}


@pytest.mark.parametrize("text", ["Superintendant", "Chief", "Captain", "Grade", "Scale 999", "Sgt Major", "DC 2"])
def test_unknown_ranks_are_an_error_not_a_guess(text: str) -> None:
    with pytest.raises(UnknownRank, match="is not recognised"):
        parse_rank(text)
    assert rank_or_none(text) is None
    assert rank_problem(text) is not None


def test_blank_is_no_rank_rather_than_an_error() -> None:
    assert rank_or_none("  ") is None and rank_problem("") is None


def test_every_rank_the_generator_writes_is_on_the_list() -> None:
    written = [rank for rank, _ in OFFICER_SPANS + STAFF_SPANS] + CHIEF_OFFICERS + ["PC", "DC", "DS", "PCSO", "Grade B"]
    assert [rank for rank in written if rank_problem(rank)] == []


# The workforce import refuses an unknown rank on its row


PERSON_HEADER = "record,staff_number,name,kind,rank_or_grade"


def test_an_unknown_rank_is_a_row_error_on_import(wmp: Organisation) -> None:
    rows = ["person,1001,Asha Khan,officer,Ch Supt", "person,1002,Ben Jones,officer,Chief Superintendant"]
    report = import_workforce(wmp, io.StringIO("\n".join([PERSON_HEADER, *rows]) + "\n"))
    assert [(error.line, "'Chief Superintendant' is not recognised" in error.message) for error in report.errors] == [
        (3, True)
    ]
    rows[1] = "person,1002,Ben Jones,officer,Det Ch Supt"
    assert import_workforce(wmp, io.StringIO("\n".join([PERSON_HEADER, *rows]) + "\n")).ok


# Seniority on a case: who suggests investigation by another force


@pytest.fixture
def case(db: None) -> Case:
    workforce = make_workforce()
    return open_ppda_case(make_case_personas(workforce), workforce)


def _reasons_for(case: Case, rank: str, service_start: dt.date) -> list[str]:
    subject = case.subjects.get().person
    subject.rank_or_grade, subject.service_start = rank, service_start
    subject.save()
    return assignments.external_force_recommendation(case, on=dt.date(2024, 6, 1))


def test_a_chief_superintendent_with_14_years_is_senior(case: Case) -> None:
    reasons = _reasons_for(case, "Ch Supt", dt.date(2010, 5, 1))
    assert reasons == ["Ch Supt Daniel Hart is a senior officer (Chief Superintendent)."]


@pytest.mark.parametrize("rank", ["Supt", "Det Supt", "ACC", "DCC", "CC", "Cmdr", "A/Supt"])
def test_superintendent_and_above_are_senior(case: Case, rank: str) -> None:
    assert any("is a senior officer" in reason for reason in _reasons_for(case, rank, dt.date(2015, 1, 1)))


@pytest.mark.parametrize("rank", ["PC", "DS", "DI", "DCI", "Ch Insp", "Grade C", "PCSO"])
def test_below_superintendent_is_not_senior(case: Case, rank: str) -> None:
    assert _reasons_for(case, rank, dt.date(2015, 1, 1)) == []


def test_a_force_may_count_chief_inspectors_as_senior(case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(rules.SENIOR_FROM_BY_FORCE, case.force.slug, RANKS["chief_inspector"])
    assert _reasons_for(case, "DCI", dt.date(2015, 1, 1)) == ["DCI Daniel Hart is a senior officer (Chief Inspector)."]
    monkeypatch.setitem(rules.SENIOR_FROM_BY_FORCE, "avon-and-somerset-police", RANKS["inspector"])
    assert _reasons_for(case, "DI", dt.date(2015, 1, 1)) == []  # another force's setting


def test_a_rank_the_list_does_not_know_asks_for_a_check(case: Case) -> None:
    assert _reasons_for(case, "Superintendant", dt.date(2015, 1, 1)) == [
        "Superintendant Daniel Hart's rank or grade 'Superintendant' is not recognised: check their seniority."
    ]


def test_senior_police_staff_are_named_as_staff(case: Case) -> None:
    reasons = _reasons_for(case, "Director", dt.date(2015, 1, 1))
    assert reasons == ["Director Daniel Hart is senior police staff (Director)."]
