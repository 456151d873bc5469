"""Reports and committee papers -> causes of concern, recommendations and areas for improvement."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from oversight.lib.extraction import ProposedAddressee, ProposedItem, ProposedKind, extract_report
from oversight.lib.extraction.addressees import addressees_of

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


def test_a_comment_labelled_after_an_item_is_not_part_of_it() -> None:
    text = (
        "Recommendation 12\n\nBy 1 March 2024, chief fire officers should review how grievances are handled.\n\n"
        "ECFRS action: The service has reviewed its grievance policy and should finish the training by May.\n\n"
        "Management response: Accepted.\n"
    )
    [item] = extract_report(text, None)
    assert item.text == "By 1 March 2024, chief fire officers should review how grievances are handled."


def test_a_paragraph_reference_and_a_note_about_the_recommendation_are_left_out() -> None:
    text = (
        "Recommendation 4\n\nHMIC recommends that the Scottish Police Authority publishes its scrutiny plan. "
        "(Part II Paragraph 4.12)\n\nThis recommendation has no cost implication.\n"
    )
    [item] = extract_report(text, None)
    assert item.text == "HMIC recommends that the Scottish Police Authority publishes its scrutiny plan."


def test_an_items_title_is_not_its_text_and_a_title_alone_is_no_item() -> None:
    text = (
        "Recommendation 2 - Missing Persons Policy\n\nThat the force adopts the national definition of missing.\n\n"
        "Recommendation 3 - Custody Healthcare Contracts\n"
    )
    [item] = extract_report(text, None)
    assert (item.ref, item.text) == ("2", "That the force adopts the national definition of missing.")


def test_a_web_page_headed_title_recommendation_n_with_fields_before_its_words() -> None:
    text = (
        "Tackling fraud against older people: recommendation 4\n\nPublished:\n\nAgency:\n\nHome Office\n\n"
        "The Home Office publishes a fraud strategy that names a lead for older victims.\n\n"
        "Tackling fraud against older people: recommendation 3\n\nPublished:\n\nAgency:\n\nNational Police Chiefs' "
        "Council\n\nThe National Police Chiefs' Council should issue guidance on repeat victims of fraud.\n"
    )
    items = extract_report(text, None)
    assert [item.ref for item in items] == ["4", "3"]
    assert items[0].text.startswith("The Home Office publishes") and items[0].addressees == (A.HOME_OFFICE,)
    assert items[1].text.startswith("The National Police Chiefs' Council should")


def test_a_table_flattened_to_a_number_and_a_paragraph_per_row() -> None:
    text = (
        "Ref\n\nRecommendation\n\n1\n\nLocal authorities should publish their youth diversion pathways.\n\n"
        "2\n\nHealth boards should make sure that liaison nurses are available at weekends.\n\nNext steps\n\n"
        "3\n\nThe board noted the report.\n"
    )
    items = extract_report(text, None)
    assert [item.ref for item in items] == ["1", "2"]
    assert items[1].text == "Health boards should make sure that liaison nurses are available at weekends."


def test_bullets_introduced_as_a_reports_recommendations_are_items() -> None:
    text = (
        "Background\n\nThe inspection made nine recommendations, among them:\n\n"
        "- Forces should record the ethnicity of every person searched.\n"
        "- The College of Policing should update its guidance on searches involving strip searches.\n\n"
        "The panel discussed the force's progress. Officers should be thanked for their work.\n"
    )
    items = extract_report(text, None)
    assert [item.addressees for item in items] == [(A.FORCES,), (A.COLLEGE_OF_POLICING,)]


@pytest.mark.parametrize(
    "text",
    [
        "The report's recommendations were discussed as follows:\n\n- Members welcomed progress.\n"
        "- Recommendation 3 is now complete.\n",
        "Members were asked to note the recommendations:\n\n- That the Board notes the report.\n",
        "Progress on the recommendations; the force reported:\n\n- A new team has been set up.\n",
        "Causes of concern were found where the force failed to:\n\n- record crimes accurately; and\n"
        "- protect vulnerable victims.\n",
    ],
)
def test_a_list_after_a_sentence_about_recommendations_gives_no_items_without_a_request(text: str) -> None:
    assert extract_report(text, None) == []


def test_a_select_committees_numbered_conclusions_and_recommendations() -> None:
    text = (
        "Conclusions and recommendations\n\n"
        "1. It is clear that demand on forces has grown. The Government should fund a review of demand. "
        "(Paragraph 22)\n"
        "2. There is a need for better data; the Home Office should publish arrest data every quarter. "
        "(Paragraphs 30 and 31)\n"
        "3. We welcome the work of the College of Policing on leadership.\n"
    )
    items = extract_report(text, None)
    assert [(item.ref, item.text.rsplit(" should ", 1)[1]) for item in items] == [
        ("1", "fund a review of demand."),
        ("2", "publish arrest data every quarter."),
    ]


def test_a_status_table_header_row_and_a_coded_reference_with_the_progress_run_on() -> None:
    text = (
        "Custody (2023)\n\nRecommendation Current position\n\n"
        "R2 - The force should improve how it records the use of force in custody. A new audit team has been "
        "established to do this. Training has been delivered to all sergeants.\n\n"
        "Recommendation Current position\n\nR5 - Divisions should review their bail management. We have "
        "reviewed all cases.\n"
    )
    items = extract_report(text, None)
    assert [(item.ref, item.text) for item in items] == [
        ("R2", "The force should improve how it records the use of force in custody."),
        ("R5", "Divisions should review their bail management."),
    ]


def test_rows_of_a_status_table_flattened_into_one_line() -> None:
    text = (
        "Joint inspection of prisoner escorts (2021) Recommendation Status Rationale\n\n"
        "1 The Scottish Prison Service should review the escort contract. Complete Evidence received in March. "
        "2 Health boards should agree a protocol for medication in transit. In progress Work continues.\n"
    )
    items = extract_report(text, None)
    assert [(item.ref, item.text) for item in items] == [
        ("1", "The Scottish Prison Service should review the escort contract."),
        ("2", "Health boards should agree a protocol for medication in transit."),
    ]


def test_the_cells_after_an_item_in_a_flattened_table_row_are_left_out() -> None:
    text = "AFI 3 - The service should improve its safeguarding training for on-call staff 5 31 Mar 2024 Open - 40\n"
    [item] = extract_report(text, None)
    assert (item.ref, item.text) == ("3", "The service should improve its safeguarding training for on-call staff")


@pytest.mark.parametrize(
    ("text", "addressees"),
    [
        ("The IOPC recommends that the College of Policing reviews its restraint guidance.", (A.COLLEGE_OF_POLICING,)),
        ("HMICS recommends that Police Scotland publishes its stop and search data monthly.", (A.FORCES,)),
        ("HMIC recommends that where a complaint is withdrawn forces record the reason.", (A.FORCES,)),
        ("Chief constables and the Procurator Fiscal should agree a protocol.", (A.CHIEF_CONSTABLES, A.OTHER)),
        ("The Scottish Police Authority should review its scrutiny of call handling.", (A.OTHER,)),
        (
            "Chief constables, working with the Scottish Police Services Authority, should upgrade the system.",
            (A.CHIEF_CONSTABLES,),
        ),
        ("The National Police Chiefs' Council update its guidance on missing children.", (A.NPCC,)),
        ("That the Crown Office reviews its letters to bereaved families.", (A.OTHER,)),
    ],
)
def test_who_an_item_is_addressed_to(text: str, addressees: tuple[ProposedAddressee, ...]) -> None:
    assert addressees_of(text) == addressees


def test_a_numbered_recommendation_that_opens_with_those_it_is_addressed_to() -> None:
    text = (
        "The investigation made four recommendations.\n\n"
        "2. To chief constables and the College of Policing:\n"
        "Within six months, chief constables should make sure that officers who are suspects are not\n"
        "deployed to domestic abuse incidents. This should include:\n"
        "a) a risk assessment recorded on the case file; and\n"
        "b) a review by a senior officer every three months.\n\n"
        "We welcome these recommendations and will report on progress.\n"
    )
    items = extract_report(text, dt.date(2024, 5, 1))
    assert len(items) == 1
    item = items[0]
    assert (item.kind, item.ref) == (ProposedKind.RECOMMENDATION, "2")
    assert set(item.addressees) == {ProposedAddressee.CHIEF_CONSTABLES, ProposedAddressee.COLLEGE_OF_POLICING}
    assert "a) a risk assessment" in item.text and "b) a review by a senior officer" in item.text
    assert "We welcome" not in item.text
    assert item.due == dt.date(2024, 11, 1)


def test_a_numbered_line_to_someone_that_asks_nothing_is_not_an_item() -> None:
    text = "1. To the Chair of the Police and Crime Panel:\nThe paper is for information only.\n"
    assert extract_report(text, dt.date(2024, 5, 1)) == []
