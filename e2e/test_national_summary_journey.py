"""The national summary in a browser: the APCC's analyst sends a request; three police and crime
commissioners' officers answer and one is returned for clarification and resubmits; the analyst
defines themes, runs the suggestions, accepts one and codes words of an answer by hand (selected on the
page) with a memo and a quote mark; a second analyst codes the same passages; the agreement page
shows kappa and the matrix shows each theme by area; the second analyst drafts the summary report from
the data, downloads it as Word and PDF and reads them."""

from __future__ import annotations

import io
import re

import pypdfium2 as pdfium
import pytest
from django.contrib.auth.models import User
from docx import Document
from playwright.sync_api import Locator, Page, expect

from oversight.organisations.models import Organisation, Role
from oversight.recommendations.models import ItemKind, ReportKind
from tests.factories import ItemFactory, ReportFactory, member
from tests.personas import PASSWORD, make_personas

from .test_register_journey import sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True)

REPORT = "Police perpetrated domestic abuse"
TITLE = "Recommendation 3a: support for PPDA victims"
ACTIONS = "What actions have you already taken? (optional)"
# Each area's officer (username) and what they say they have done.
AREAS = {
    "West Midlands Police and Crime Commissioner": (
        "opcc.officer",
        "We have funded an independent advocate for victims. Staff are trained in PPDA cases.",
    ),
    "Avon and Somerset Police and Crime Commissioner": (
        "avon.opcc",
        "An advocate post is funded from the grant. Training for call handlers began in May.",
    ),
    "Merseyside Police and Crime Commissioner": ("merseyside.opcc", "We are reviewing our services."),
}
CLARIFIED = "We commissioned a specialist advocate service. Its budget is under review."


@pytest.fixture
def people(reference_organisations: None) -> None:
    """The suite's personas (West Midlands PCC's officer, the APCC's analyst), two more PCC officers
    and a second APCC analyst."""
    make_personas()
    officers = (("avon-and-somerset-police", "avon.opcc", "Abi"), ("merseyside-police", "merseyside.opcc", "Mo"))
    for slug, username, first in officers:
        body = Organisation.objects.get(slug=slug).governing_body_on()
        assert body is not None
        member(_user(username, first, "Officer"), body, Role.OPCC_OFFICER)
    member(_user("apcc.second", "Sam", "Reid"), Organisation.objects.get(slug="apcc"), Role.NATIONAL_ANALYST)
    report = ReportFactory(title=REPORT, kind=ReportKind.SUPER_COMPLAINT, covers_all_forces=True)
    ItemFactory(report=report, kind=ItemKind.RECOMMENDATION, number="3", title="Support services for PPDA victims")


def _user(username: str, first: str, last: str) -> User:
    return User.objects.create_user(username, f"{username}@example.org", PASSWORD, first_name=first, last_name=last)


def _open_request(page: Page) -> None:
    page.get_by_role("link", name="Returns").click()
    page.get_by_role("link", name=TITLE).click()


def _answer(page: Page, base: str, username: str, text: str) -> None:
    sign_in(page, base, username)
    _open_request(page)
    page.get_by_role("link", name="Change the answers").click()
    page.get_by_label("Accepted", exact=True).check()
    page.get_by_label(ACTIONS).fill(text)
    page.get_by_role("button", name="Save the answers").click()
    page.get_by_role("button", name="Submit the return").click()
    expect(page.locator("#return-status")).to_contain_text("Submitted")
    sign_out(page)


def _answer_section(page: Page, area: str) -> Locator:
    return page.locator("section", has=page.get_by_role("heading", name=area, exact=True))


def _passage(page: Page, words: str) -> Locator:
    return page.locator(".govuk-grid-row", has=page.locator("[data-span-passage]", has_text=words)).last


def _select_words(page: Page, words: str) -> None:
    """Select the words on the page as a person does with the mouse (the selection, then the mouseup)."""
    page.evaluate(
        """(words) => {
            for (const passage of document.querySelectorAll("[data-span-passage]")) {
                const node = [...passage.childNodes].find((n) => n.nodeType === 3 && n.data.includes(words));
                if (!node) continue;
                const range = document.createRange();
                range.setStart(node, node.data.indexOf(words));
                range.setEnd(node, node.data.indexOf(words) + words.length);
                const selection = window.getSelection();
                selection.removeAllRanges();
                selection.addRange(range);
                passage.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
                return;
            }
            throw new Error("words not on the page: " + words);
        }""",
        words,
    )


def test_requests_answers_themes_codings_agreement_and_matrix(page: Page, live_server: object, people: None) -> None:
    base = str(live_server)

    # The analyst creates and sends the request.
    sign_in(page, base, "apcc.analyst")
    page.get_by_role("link", name="Returns").click()
    page.get_by_role("link", name="Create a request").click()
    page.get_by_label("Title of the request").fill(TITLE)
    page.get_by_label(re.compile("Support services for PPDA victims")).check()
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("12")
    page.get_by_label("Year").fill("2099")
    page.get_by_role("button", name="Create the draft").click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    page.get_by_role("button", name="Send to 43 organisations").click()
    expect(page.get_by_role("heading", name="0 of 43 answered")).to_be_visible()
    sign_out(page)

    # Three areas answer.
    for username, text in AREAS.values():
        _answer(page, base, username, text)

    # One is returned for clarification, and resubmitted.
    sign_in(page, base, "apcc.analyst")
    _open_request(page)
    expect(page.get_by_role("heading", name="3 of 43 answered")).to_be_visible()
    page.get_by_role("link", name="Merseyside Police and Crime Commissioner").click()
    page.get_by_role("link", name="Return for clarification").click()
    page.get_by_label(re.compile("What needs clarifying in “What actions have you already taken")).fill(
        "Which services, and what has changed?"
    )
    page.get_by_role("button", name="Return for clarification").click()
    expect(page.locator("#return-status")).to_contain_text("Returned for clarification")
    sign_out(page)
    sign_in(page, base, "merseyside.opcc")
    _open_request(page)
    expect(page.locator(".govuk-inset-text", has_text="To clarify")).to_contain_text("Which services")
    page.get_by_role("link", name="Change the answers").click()
    page.get_by_label(ACTIONS).fill(CLARIFIED)
    page.get_by_role("button", name="Save the answers").click()
    page.get_by_role("button", name="Resubmit the return").click()
    expect(page.locator("#return-status")).to_contain_text("Resubmitted")
    sign_out(page)

    # The analyst defines the themes.
    sign_in(page, base, "apcc.analyst")
    _open_request(page)
    page.get_by_role("link", name="Code the answers into themes").click()
    expect(page.get_by_role("heading", name="Code the returns")).to_be_visible()
    page.get_by_role("navigation", name="Coding").get_by_role("link", name="Themes", exact=True).click()
    for name, description in (
        ("Advocacy", "Independent advocates and advocacy services for victims"),
        ("Training", "Training of staff, officers and call handlers"),
    ):
        page.get_by_label("Name").fill(name)
        page.get_by_label("Description").fill(description)
        page.get_by_role("button", name="Add the theme").click()
        expect(page.get_by_role("alert")).to_contain_text(f"Theme “{name}” added.")
    expect(page.get_by_role("table")).to_contain_text("Independent advocates and advocacy services for victims")

    # Suggestions, and one accepted.
    page.get_by_role("link", name="Code passages").click()
    expect(page.get_by_role("heading", name="Merseyside Police and Crime Commissioner")).to_be_visible()
    expect(page.get_by_text("We are reviewing our services.")).to_have_count(0)  # only the latest version is coded
    page.get_by_role("button", name="Suggest themes for uncoded passages").click()
    expect(page.get_by_role("alert")).to_contain_text("suggestions for the uncoded passages")
    training_sentence = _passage(page, "Training for call handlers began in May.")
    expect(training_sentence).to_contain_text("Suggested: Training")
    training_sentence.get_by_role("button", name="Accept Training").click()
    expect(page.get_by_role("alert")).to_contain_text("Suggestion accepted: the passage is coded.")
    expect(_passage(page, "Training for call handlers began in May.")).to_contain_text("(accepted suggestion)")

    # Words of an answer coded by hand: selected on the page, with a memo and a quote mark.
    west_midlands = _answer_section(page, "West Midlands Police and Crime Commissioner")
    _select_words(page, "independent advocate")
    words = west_midlands.get_by_label("The words to code, exactly as in the answer")
    expect(words).to_be_visible()  # the selection opened the form
    expect(words).to_have_value("independent advocate")
    expect(west_midlands.get_by_text("“independent advocate” is in the form to code other words")).to_be_attached()
    west_midlands.get_by_role("group", name="Themes").get_by_label("Advocacy").check()
    west_midlands.get_by_label("Memo (optional)").last.fill("Funded, not commissioned")
    west_midlands.get_by_label("Quote these words in the report").check()
    west_midlands.get_by_role("button", name="Code these words").click()
    expect(page.get_by_role("alert")).to_contain_text("“independent advocate” coded to “Advocacy”.")
    west_midlands = _answer_section(page, "West Midlands Police and Crime Commissioner")
    expect(west_midlands.locator("mark")).to_have_text("independent advocate (coded to Advocacy)")
    first_sentence = _passage(page, "We have funded an")
    expect(first_sentence).to_contain_text("Advocacy “independent advocate” Nina Lowe Quote")
    expect(first_sentence).to_contain_text("Funded, not commissioned")
    sign_out(page)

    # A second analyst codes the same passages: words typed in (a mistake first), and a whole sentence.
    sign_in(page, base, "apcc.second")
    _open_request(page)
    page.get_by_role("link", name="Code the answers into themes").click()
    west_midlands = _answer_section(page, "West Midlands Police and Crime Commissioner")
    west_midlands.get_by_text("Code other words from this answer").click()
    west_midlands.get_by_label("The words to code, exactly as in the answer").fill("independant advocate")
    west_midlands.get_by_role("group", name="Themes").get_by_label("Advocacy").check()
    west_midlands.get_by_role("button", name="Code these words").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("These words are not in the answer")
    summary.get_by_role("link", name=re.compile("These words are not in the answer")).click()
    words = _answer_section(page, "West Midlands Police and Crime Commissioner").get_by_label(
        "The words to code, exactly as in the answer"
    )
    expect(words).to_be_focused()
    expect(words).to_have_value("independant advocate")
    words.fill("independent advocate")
    west_midlands = _answer_section(page, "West Midlands Police and Crime Commissioner")
    expect(west_midlands.get_by_role("group", name="Themes").get_by_label("Advocacy")).to_be_checked()
    west_midlands.get_by_role("button", name="Code these words").click()
    expect(page.get_by_role("alert")).to_contain_text("“independent advocate” coded to “Advocacy”.")
    sentence = _passage(page, "Training for call handlers began in May.")
    sentence.get_by_text("Code this passage").click()
    sentence.get_by_label("Theme", exact=True).select_option(label="Training")
    sentence.get_by_role("button", name="Code the passage").click()
    expect(page.get_by_role("alert")).to_contain_text("Passage coded to “Training”.")

    # Agreement: kappa between the two analysts over the passages both coded.
    page.get_by_role("navigation", name="Coding").get_by_role("link", name="Agreement").click()
    table = page.get_by_role("table")
    expect(table.get_by_role("columnheader", name="Nina Lowe and Sam Reid")).to_be_visible()
    expect(table.get_by_role("row", name=re.compile("^Overall"))).to_contain_text("1.00")
    expect(table.get_by_role("row", name=re.compile("^Passages both coded"))).to_contain_text("2")

    # The matrix: each theme by area.
    page.get_by_role("navigation", name="Coding").get_by_role("link", name="Themes by area").click()
    matrix = page.get_by_role("table", name=re.compile("Passages coded to each theme, by area"))
    expect(matrix.get_by_role("columnheader", name="West Midlands Police and Crime Commissioner")).to_be_visible()
    expect(matrix.get_by_role("row", name=re.compile("^Advocacy"))).to_contain_text("Coded in 1 of 3 areas")
    expect(matrix.get_by_role("row", name=re.compile("^Training"))).to_contain_text("Coded in 1 of 3 areas")

    # The report: drafted from the data, read on the page, downloaded as Word and PDF, and read.
    page.get_by_role("navigation", name="Coding").get_by_role("link", name="Summary report").click()
    page.get_by_role("button", name="Draft the report from the data").click()
    expect(page.get_by_text("The report has been drafted from the data.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"governing bodies that answered accepted the recommendation"))).to_be_visible()
    advocacy = page.locator("section", has=page.get_by_role("heading", name="Advocacy", exact=True))
    expect(advocacy).to_contain_text("Coded in 1 of 3 areas")
    expect(advocacy).to_contain_text("independent advocate")  # the words marked to quote, by area
    expect(advocacy).to_contain_text("West Midlands Police and Crime Commissioner")
    with page.expect_download() as word:
        page.get_by_role("link", name="Download as Word (DOCX)").click()
    text = "\n".join(p.text for p in Document(io.BytesIO(word.value.path().read_bytes())).paragraphs)
    assert "Advocacy" in text and "independent advocate" in text and "accepted the recommendation" in text
    # The PDF opens in the browser (inline, as the committee paper does): fetched with the session's cookies.
    href = page.get_by_role("link", name="Download as PDF").get_attribute("href")
    pdf = page.request.get(f"{base}{href}")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    document = pdfium.PdfDocument(pdf.body())
    pages = "\n".join(document[index].get_textpage().get_text_range() for index in range(len(document)))
    assert "Advocacy" in pages and "Training" in pages and "accepted the recommendation" in pages
