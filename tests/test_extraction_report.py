"""Reports and committee papers -> causes of concern, recommendations and areas for improvement."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from oversight.lib.extraction import ProposedAddressee, ProposedItem, ProposedKind, extract_report

DOCUMENTS = Path(__file__).parent / "documents"
A, K = ProposedAddressee, ProposedKind
PUBLISHED = dt.date(2023, 6, 15)

PEEL = """PEEL 2021/22: An inspection of a police force

Summary

In 2019 we made a recommendation that the force should improve its call handling; it has made progress.

Cause of concern

The force doesn't respond to calls for service quickly enough.

Recommendations

Within three months, the force should:

• make sure it has enough call handlers to answer calls within national standards;
• make sure call handlers use a structured triage process; and
• review its approach to repeat victims.

Areas for improvement

• The force should make sure it records equality data for stop and search.
• The force should improve how it supervises investigations.

Area for improvement: The force should make sure victims' needs assessments are completed in all cases.

What we found

The force has a good understanding of its demand. Officers should always explain why a stop is being made.
"""

THEMATIC = """Cause of concern 1
Too many victims of rape are not getting the service they deserve.

Recommendation 1
By 31 March 2025, chief constables should make sure that all officers investigating rape are trained.

Recommendation 2
By 30 September 2024, the College of Policing should update its authorised professional practice to include:
a) the use of pre-trial therapy;
b) the disclosure of third-party material; and
c) victim communication.

Area for improvement 1
Chief constables should make sure that their forces use the full range of protective orders.

Recommendation 3
With immediate effect, chief constables should stop requesting victims' full mobile phone downloads.

Recommendation 4
By autumn 2024, the Home Office should consider legislation on digital extraction.
"""

SUPER_COMPLAINT = (DOCUMENTS / "report-super-complaint-recommendation-3.txt").read_text(encoding="utf-8")


def _by_ref(items: list[ProposedItem]) -> dict[str | None, ProposedItem]:
    return {item.ref: item for item in items}


def test_a_peel_report_gives_its_cause_recommendation_and_areas_for_improvement() -> None:
    items = extract_report(PEEL, PUBLISHED)
    assert [item.kind for item in items] == [K.CAUSE_OF_CONCERN, K.RECOMMENDATION] + [K.AREA_FOR_IMPROVEMENT] * 3
    recommendation = items[1]
    assert recommendation.cause_of_concern == 0
    assert recommendation.text.count("\n") == 3  # its three bullets are its own, not items
    assert "review its approach to repeat victims" in recommendation.text
    assert (recommendation.deadline_text, recommendation.due) == ("Within three months", dt.date(2023, 9, 15))
    assert recommendation.addressees == (A.FORCES,)
    assert items[4].text == "The force should make sure victims' needs assessments are completed in all cases."


def test_prose_that_mentions_a_recommendation_is_not_one() -> None:
    texts = " ".join(item.text for item in extract_report(PEEL, PUBLISHED))
    assert "In 2019" not in texts and "explain why a stop" not in texts


def test_a_thematic_report_links_recommendations_to_their_cause() -> None:
    items = extract_report(THEMATIC, PUBLISHED)
    assert [(item.kind, item.ref) for item in items] == [
        (K.CAUSE_OF_CONCERN, "1"),
        (K.RECOMMENDATION, "1"),
        (K.RECOMMENDATION, "2"),
        (K.AREA_FOR_IMPROVEMENT, "1"),
        (K.RECOMMENDATION, "3"),
        (K.RECOMMENDATION, "4"),
    ]
    assert [item.cause_of_concern for item in items] == [None, 0, 0, None, None, None]


def test_thematic_deadlines_addressees_and_sub_bullets() -> None:
    items = extract_report(THEMATIC, PUBLISHED)
    assert (items[1].due, items[1].addressees) == (dt.date(2025, 3, 31), (A.CHIEF_CONSTABLES,))
    assert items[2].addressees == (A.COLLEGE_OF_POLICING,)
    assert "c) victim communication." in items[2].text
    assert (items[4].urgent, items[4].due, items[4].deadline_text) == (True, None, "With immediate effect")
    autumn = items[5]
    assert (autumn.deadline_text, autumn.due, autumn.deadline_understood) == ("By autumn 2024", None, False)
    assert autumn.addressees == (A.HOME_OFFICE,)


def test_a_super_complaint_recommendation_keeps_its_addressee_line_and_lettered_parts() -> None:
    [item] = extract_report(SUPER_COMPLAINT, dt.date(2022, 6, 30))
    assert item.ref == "3"
    assert set(item.addressees) == {A.PCCS, A.MOJ, A.CHIEF_CONSTABLES}
    assert item.text.startswith("To police and crime commissioners")
    assert "b) MoJ ensuring its guidance" in item.text


def test_every_span_points_at_the_passage() -> None:
    for text in (PEEL, THEMATIC, SUPER_COMPLAINT):
        for item in extract_report(text, PUBLISHED):
            passage = text[item.span.start : item.span.end]
            first_words = " ".join(item.text.split()[:4]).lstrip("•").strip()
            assert first_words.split()[0] in passage
            assert item.text.split()[-1].rstrip(".;") in passage


COMMITTEE = (DOCUMENTS / "committee-paper-table.md").read_text(encoding="utf-8")


def test_a_committee_paper_table_gives_items_not_its_own_recommendation_or_updates() -> None:
    items = extract_report(COMMITTEE, PUBLISHED)
    assert [(item.kind, item.ref) for item in items] == [(K.RECOMMENDATION, "10618"), (K.AREA_FOR_IMPROVEMENT, "2")]
    assert all("new form" not in item.text and "asked to note" not in item.text for item in items)
    row = items[0]
    assert COMMITTEE[row.span.start : row.span.end] == row.text


def test_areas_for_improvement_as_minutes_write_them_and_comments_after_them() -> None:
    minutes = (
        "Action for Further Improvement (AFI) 7 - the Force should ensure that effective external scrutiny "
        "takes place in relation to its use of force.\n"
        "· In response to a question regarding AFI 7, the Assistant Commissioner confirmed the terms of reference.\n"
        "AFI 11 - the Force should ensure its counter-corruption unit has enough capability.\n"
        "RESOLVED, that the report be received.\n"
    )
    items = extract_report(minutes, None)
    assert [(item.kind, item.ref, item.addressees) for item in items] == [
        (K.AREA_FOR_IMPROVEMENT, "7", (A.FORCES,)),
        (K.AREA_FOR_IMPROVEMENT, "11", (A.FORCES,)),
    ]
    assert "Assistant Commissioner" not in items[0].text


def test_a_headed_recommendation_needs_no_should() -> None:
    review = (
        "Recommendation 1\nThat all domestic abuse incidents (not just crimes) are offered a referral.\n"
        "Recommendation 2\nThat the proposed working group is established.\n"
    )
    items = extract_report(review, None)
    assert [item.ref for item in items] == ["1", "2"]
    assert items[0].addressees == () and items[1].addressees == (A.OTHER,)


def test_the_seed_committee_paper() -> None:
    text = (DOCUMENTS / "wmp-jac-hmicfrs-update-2022-09.md").read_text(encoding="utf-8")
    items = extract_report(text, dt.date(2022, 9, 29))
    assert [item.ref for item in items] == ["10618", "9962", "9472", "1", "2", "3", "1", "2"]
    assert all(item.kind == K.RECOMMENDATION for item in items)
    refs = _by_ref(items[:3])
    assert refs["10618"].text == (
        "Within six months Chief Constables should ensure that Victim Needs Assessments are always completed."
    )
    assert refs["9472"].addressees == (A.NPCC, A.CPS)
    ppda_1 = items[3]
    # The super-complaint's own publication date (30 June 2022) is in its heading: six months from then.
    assert (ppda_1.deadline_text, ppda_1.due) == ("within six months", dt.date(2022, 12, 30))
    assert "Other steps to embed the findings" in ppda_1.text  # nested bullets belong to the item
    assert "CCs should keep local plans" in items[4].text
    assert set(items[5].addressees) == {A.PCCS, A.MOJ, A.CHIEF_CONSTABLES}
    assert (items[6].due, items[6].addressees) == (dt.date(2023, 3, 31), (A.FORCES,))
    texts = " ".join(item.text for item in items)
    assert "asked to note" not in texts and "These will be added" not in texts and "three recommendations" not in texts


def test_a_response_quoting_a_recommendation_as_a_report_gives_only_that_recommendation() -> None:
    text = (DOCUMENTS / "wm-pcc-response-ppda-super-complaint.txt").read_text(encoding="utf-8")
    assert all("I will" not in item.text for item in extract_report(text, None))


@pytest.mark.parametrize(
    "text", ["", "Nothing to see here.", "Recommendations\n\nThe Board is asked to note this report."]
)
def test_no_items_where_there_are_none(text: str) -> None:
    assert extract_report(text, PUBLISHED) == []


def test_the_rules_import_no_django() -> None:
    code = (
        "import sys, oversight.lib.extraction, oversight.lib.deadlines; "
        "sys.exit(any(name == 'django' or name.startswith('django.') for name in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0  # noqa: S603


def test_items_named_after_a_sentences_end_in_minutes_read_as_one_paragraph() -> None:
    minutes = (
        "Members considered a report and the following points were made. Action for Further Improvement (AFI) 7 "
        "- the Force should ensure that effective external scrutiny takes place.\n\n"
        "- In response to a question the Assistant Commissioner confirmed the terms. AFI 11 - the Force should "
        "ensure its counter-corruption unit has enough capability.\n"
    )
    items = extract_report(minutes, None)
    assert [(item.kind, item.ref, item.text) for item in items] == [
        (K.AREA_FOR_IMPROVEMENT, "7", "the Force should ensure that effective external scrutiny takes place."),
        (K.AREA_FOR_IMPROVEMENT, "11", "the Force should ensure its counter-corruption unit has enough capability."),
    ]
    assert all(minutes[item.span.start : item.span.end].endswith(item.text) for item in items)


def test_a_sentence_about_publication_does_not_move_the_date_deadlines_count_from() -> None:
    text = (
        "The report was published on 5 May 2021.\n\nRecommendation 1\nWithin six months, the force should "
        "review its policy.\n"
    )
    [item] = extract_report(text, dt.date(2023, 1, 10))
    assert item.due == dt.date(2023, 7, 10)


def test_the_reports_prose_run_on_after_a_bullet_is_not_the_item() -> None:
    text = (
        "Areas for improvement\n\n- The force should improve data sharing with partners.\n"
        "- The force should ensure that changes to the grade of responses do not suppress demand. "
        "We set out our detailed findings below. The\n\nAssessing current demand\n"
    )
    items = extract_report(text, None)
    assert [item.text for item in items] == [
        "The force should improve data sharing with partners.",
        "The force should ensure that changes to the grade of responses do not suppress demand.",
    ]
