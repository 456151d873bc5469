"""A governing body's response -> the actions its author commits to (intended) or reports done (taken)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from oversight.lib.extraction import ActionStatus, extract_response

DOCUMENTS = Path(__file__).parent / "documents"
INTENDED, TAKEN = ActionStatus.INTENDED, ActionStatus.TAKEN


def _read(name: str) -> str:
    return (DOCUMENTS / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        ("I will work with WMP to investigate the relationship between reports of PPDA and misconduct.", INTENDED),
        ("My office will work with West Midlands Police to explore how it can respond.", INTENDED),
        ("We will also work with wider criminal justice agencies.", INTENDED),
        ("The force will review its vetting procedures by the end of the year.", INTENDED),
        ("I aim to hold the Force to account by using my Strategic Police and Crime Board.", INTENDED),
        ("We are working with the Force to make this training accessible to all officers.", INTENDED),
        ("I have commissioned an independent review of custody.", TAKEN),
        ("We have introduced a new domestic abuse training package.", TAKEN),
        ("A victims' board has been established to oversee the work.", TAKEN),
        ("To assist me I have appointed the first Victims Commissioner for the West Midlands.", TAKEN),
        ("This has recently led me to direct my office to complete a dip sample of complaints.", TAKEN),
        ("The NYFRS has appointed an independent reviewer for grievance appeals.", TAKEN),
        ("GMP has rolled out body-worn video to all custody officers.", TAKEN),
        ("LFB has reviewed its vetting policy, and will now extend checks to all volunteers.", INTENDED),
        ("Our oversight board has approved a new performance framework.", TAKEN),
    ],
)
def test_commitments_and_reports_of_work_done(sentence: str, status: ActionStatus) -> None:
    [action] = extract_response(sentence)
    assert (action.text, action.status) == (sentence, status)
    assert sentence[action.span.start : action.span.end] == sentence


@pytest.mark.parametrize(
    "sentence",
    [
        "I support and welcome the recommendations which have been outlined in the Report.",
        "I welcome the perspective the super-complaint and the inspection report provide on this issue.",
        "I would encourage not only the number of reported breaches but also arrests to be reported.",
        "West Midlands Police should increase the capacity of its team, which I urge them to consider.",
        "It is vital that the voice of the victim is heard.",
        "Forces must consider how they can best respond to cases of PPDA.",
        'In my plan I say "I will ensure West Midlands Police prioritise combatting domestic abuse".',
        "Many of the recommendations appear to have been developed on the back of a target-based matrix.",
        "Victims of stalking in the NPT area will often wait weeks for a decision.",
        "HMICFRS will publish its findings next spring.",
        "The inspection has made ten recommendations, which the service will accept in full.",
    ],
)
def test_support_urging_and_quotations_are_not_actions(sentence: str) -> None:
    assert extract_response(sentence) == []


def test_an_answers_label_and_a_long_clause_of_reasons_are_not_the_actions_words() -> None:
    text = (
        "Force response: The force has introduced a daily review of open investigations.\n\n"
        "Given that the report takes no account of the cost of the measures it proposes or of the pressures on "
        "our budget this year, I will be considering each recommendation with the Chief Constable.\n"
    )
    actions = extract_response(text)
    assert [(action.text, action.status) for action in actions] == [
        ("The force has introduced a daily review of open investigations.", TAKEN),
        ("I will be considering each recommendation with the Chief Constable.", INTENDED),
    ]
    assert all(text[action.span.start : action.span.end] == action.text for action in actions)


def test_the_ppda_response_gives_the_pccs_actions_not_the_recommendation_it_quotes() -> None:
    actions = extract_response(_read("wm-pcc-response-ppda-super-complaint.txt"))
    texts = [action.text for action in actions]
    assert not any("should" in text and "I " not in text for text in texts)
    assert not any(text.startswith(("PCCs considering", "3. To police", "PCCs, MoJ")) for text in texts)
    assert not any("support and welcome" in text for text in texts)
    steps = [action for action in actions if action.text.startswith(("Through my Victims", "Examine whether"))]
    assert [action.status for action in steps] == [INTENDED, INTENDED]  # bullets under "Steps I intend to take"
    appointed = next(action for action in actions if "I have appointed" in action.text)
    assert appointed.status == TAKEN
    # The response answers recommendation 3, quoted under its heading.
    assert {action.answers for action in actions} == {"3"}
    assert len(actions) >= 10


def test_the_pdf_extract_gives_the_same_actions_as_its_clean_twin() -> None:
    clean = extract_response(_read("wm-pcc-response-ppda-super-complaint.txt"))
    extract = extract_response(_read("wm-pcc-response-ppda-super-complaint.pdf-extract.txt"))
    assert [action.status for action in extract] == [action.status for action in clean]


def test_the_duty_to_protect_response() -> None:
    actions = extract_response(_read("wm-pcc-response-duty-to-protect.txt"))
    by_start = {action.text.split()[0] + " " + action.text.split()[1]: action.status for action in actions}
    assert by_start == {
        "I have": INTENDED,  # "I have committed to ensure ..."
        "The OPCC-led,": TAKEN,
        "We are": INTENDED,
        "My office": INTENDED,
        "We will": INTENDED,
    }


def test_a_list_of_steps_gives_one_action_per_bullet() -> None:
    text = "Steps I intend to take include:\n- Review the custody contract.\n- Publish quarterly data.\n"
    actions = extract_response(text)
    assert [(action.text, action.status) for action in actions] == [
        ("Review the custody contract.", INTENDED),
        ("Publish quarterly data.", INTENDED),
    ]
    assert all(text[action.span.start : action.span.end].endswith(action.text) for action in actions)


def test_an_action_under_a_recommendation_heading_answers_it() -> None:
    text = "Recommendation 2\nThe force should review its policy.\n\nI have asked the Chief Constable to report.\n"
    [action] = extract_response(text)
    assert (action.answers, action.status) == ("2", TAKEN)


def test_many_quotations_are_read_in_linear_time() -> None:
    text = "".join(f'I will review "case {number}" with the force.\n' for number in range(20000))
    began = time.perf_counter()
    assert len(extract_response(text)) == 20000
    assert time.perf_counter() - began < 10
