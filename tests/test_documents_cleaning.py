"""clean_pages, rule by rule: line joins, hyphens, running heads, page numbers, footnote markers, lists."""

from __future__ import annotations

import pytest

from oversight.lib.documents import clean_pages

WIDE = "The inspection found that the force had not yet put in place the arrangements it had"


def clean(*pages: str) -> str:
    return clean_pages(list(pages))[0]


def test_a_line_break_in_mid_sentence_becomes_a_space() -> None:
    assert clean(f"{WIDE}\npromised to the panel in its response.") == f"{WIDE} promised to the panel in its response."


def test_a_sentence_ending_short_of_the_margin_ends_its_paragraph() -> None:
    text = clean(f"{WIDE}\npromised.\nThe force should now act on every one of the recommendations in full.")
    assert text == f"{WIDE} promised.\n\nThe force should now act on every one of the recommendations in full."


@pytest.mark.parametrize(
    ("left", "right", "joined"),
    [
        ("the specific needs of all non-", "police victims of domestic abuse in the area", "non-police"),
        ("the force has started a wide-ranging investi-", "gation into the complaints it received", "investigation"),
        ("the work with its partners in the cross-", "Force collaboration has begun in earnest", "cross-Force"),
        ("officers were trained in the new risk-", "based approach to the assessment of harm", "risk-based"),
        ("the panel received a report from the COVID-", "19 recovery board about the backlog of cases", "COVID-19"),
    ],
)
def test_a_hyphen_at_a_line_end_is_kept_when_it_belongs_to_the_word(left: str, right: str, joined: str) -> None:
    text = clean(f"{WIDE}\n{left}\n{right}.")
    assert joined in text
    assert "- " not in text and " -" not in text


def test_the_document_itself_decides_a_hyphen_it_uses_elsewhere() -> None:
    text = clean(
        f"The force treats safeguarding as a priority and its safeguarding leads meet monthly.\n{WIDE}\n"
        "improved safe-\nguarding for every victim who reports abuse by an officer or a member of staff."
    )
    assert "improved safeguarding for every victim" in text
    kept = clean(f"The super-complaint was made in 2020 by a charity.\n{WIDE} in the super-\ncomplaint.")
    assert "in the super-complaint." in kept


def test_running_headers_footers_and_page_numbers_are_removed() -> None:
    bodies = ["which the chief constable", "that the commissioner", "which the panel", "that the force"]
    pages = [
        f"HMICFRS inspection report\n{WIDE}\npromised, {body} had agreed.\n{WIDE}\nPage {number} of 4"
        for number, body in enumerate(bodies, start=1)
    ]
    text, starts = clean_pages(pages)
    assert "HMICFRS inspection report" not in text
    assert "Page " not in text
    assert text.count("had agreed.") == 4
    assert [text[start:].split(" ", 2)[:2] for start in starts] == [["The", "inspection"]] * 4


@pytest.mark.parametrize("footer", ["3", "- 3 -", "Page 3", "3 of 40", "iii"])
def test_a_page_number_alone_at_the_bottom_of_a_page_goes(footer: str) -> None:
    assert clean(f"{WIDE}\nended here.\n{footer}") == f"{WIDE}\nended here.".replace("\n", " ")


def test_a_running_header_with_the_page_number_in_it_goes() -> None:
    pages = [f"Report on PPDA | {page + 7}\n{WIDE}\nFinding {page} stands on this page." for page in range(1, 6)]
    text = clean(*pages)
    assert "Report on PPDA" not in text
    assert "Finding 1 stands on" in text and "Finding 5 stands on" in text


def test_a_numbered_heading_at_the_top_of_pages_is_not_a_running_header() -> None:
    pages = [f"Recommendation {number}\nChief constables should act on item {number}." for number in (3, 7, 12, 20)]
    text = clean(*pages)
    for number in (3, 7, 12, 20):
        assert f"Recommendation {number}" in text


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("which is a cause of concern.12 The force", "which is a cause of concern. The force"),
        ("the evidence was clear,3 and the force", "the evidence was clear, and the force"),
        ("as the report says.\u00b9 It goes on", "as the report says. It goes on"),
        ("as set out in para.12 of the report", "as set out in para.12 of the report"),
        ("the rate rose to 3.12 per cent", "the rate rose to 3.12 per cent"),
    ],
)
def test_footnote_markers_glued_to_words_are_dropped(line: str, expected: str) -> None:
    assert clean(line) == expected


def test_bullets_and_numbering_start_their_own_lines() -> None:
    text = clean(
        "Some measures that can be included are:\n"
        "\u2022 locking of records to the alleged abuser\n"
        "\uf0b7 investigation of the crime by a different Force\n"
        "\u25aa ability for the victim to access support out of area\n"
        "3. To police and crime commissioners (PCCs) and chief constables:\n"
        "3a. The first part of the recommendation\n"
        "a) PCCs considering whether local services are capable\n"
        "(i) the first sub-point\n"
        "- a dashed point after a colon"
    )
    assert text.split("\n") == [
        "Some measures that can be included are:",
        "",
        "- locking of records to the alleged abuser",
        "- investigation of the crime by a different Force",
        "- ability for the victim to access support out of area",
        "3. To police and crime commissioners (PCCs) and chief constables:",
        "3a. The first part of the recommendation",
        "a) PCCs considering whether local services are capable",
        "(i) the first sub-point",
        "- a dashed point after a colon",
    ]


def test_a_list_item_continued_on_the_next_line_stays_one_item() -> None:
    text = clean(
        "Steps I intend to take include:\n"
        "\u2022 Through the Domestic Abuse Regional Board, I will bring forward the current process as\n"
        "offered by PSD, so that there is transparency.\n"
        "\u2022 Examine whether cases are being considered under misconduct."
    )
    assert text == (
        "Steps I intend to take include:\n\n"
        "- Through the Domestic Abuse Regional Board, I will bring forward the current process as offered by PSD, "
        "so that there is transparency.\n"
        "- Examine whether cases are being considered under misconduct."
    )


def test_a_number_in_mid_sentence_does_not_start_a_list() -> None:
    text = clean(f"{WIDE} an increase of\n2.5 per cent in the year to March.")
    assert "an increase of 2.5 per cent" in text


def test_a_dash_in_mid_sentence_does_not_start_a_list() -> None:
    text = clean(f"{WIDE} through the Victims Commission\n\u2013 to seek the views of its advisory body.")
    assert "through the Victims Commission \u2013 to seek" in text


def test_page_starts_point_at_each_page_first_words_even_inside_a_paragraph() -> None:
    text, starts = clean_pages([f"{WIDE}\nrunning over", "onto the second page of the report.", "", "Fourth page."])
    assert text == f"{WIDE} running over onto the second page of the report.\n\nFourth page."
    assert text[starts[1] :].startswith("onto the second page")
    assert starts[2] == starts[3] and text[starts[3] :] == "Fourth page."


def test_blank_lines_between_paragraphs_are_paragraph_breaks() -> None:
    assert clean("Introduction\n\nThe force was inspected in May.") == "Introduction\n\nThe force was inspected in May."


def test_characters_that_mean_the_same_are_made_plain() -> None:
    plain = 'The force\'s "plan" defines its office.'
    assert clean("The force\u2019s \u201cplan\u201d de\ufb01nes\u00a0its of\ufb01ce.") == plain
