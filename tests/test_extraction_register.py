"""The inspectorate's public register -> each item with its dated status history."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from oversight.lib.extraction import ProposedAddressee, ProposedKind, extract_register

# As the register's pages read (justiceinspectorates.gov.uk/hmicfrs/recommendation/...), shortened.
CORE_BUSINESS = (Path(__file__).parent / "documents" / "register-core-business-4822.txt").read_text(encoding="utf-8")

CDI = """Within six months the force should put in place arrangements to ensure that:

  • at the point of report, victims are believed; and
  • online reports of crime are triaged at the point of receipt.

[on]9th February 2017 [status]awaiting-review[/status][/on][on]10th February 2017 [comment]

New recommendation

[/comment][/on][on]25th January 2018 [status]being-progressed[/status][/on][on]25th January 2018 [comment]

CDI re-inspection took place Nov 17 to Jan 18.

[/comment][/on][on]2nd February 2018 [comment]

Update from the HMICFRS CDI team.

[/comment][/on][on]27th April 2018 [status]complete[/status][/on][on]27th April 2018 [comment]

Authorised for closure.
"""


def test_an_entry_gives_its_reference_item_and_deadline() -> None:
    [entry] = extract_register(CORE_BUSINESS, dt.date(2014, 3, 27))
    item = entry.item
    assert (item.kind, item.ref) == (ProposedKind.RECOMMENDATION, "4822")
    assert item.text.startswith("Not later than 31 March 2015 those forces")
    assert (item.deadline_text, item.due) == ("Not later than 31 March 2015", dt.date(2015, 3, 31))
    assert item.addressees == (ProposedAddressee.FORCES,)
    assert "[on]" not in item.text and "PEEL Effectiveness" not in item.text


def test_the_history_is_dated_oldest_first_with_status_from_the_comment_where_it_says_so() -> None:
    [entry] = extract_register(CORE_BUSINESS, dt.date(2014, 3, 27))
    assert [(status.on, status.status) for status in entry.history] == [
        (dt.date(2014, 9, 4), "awaiting_review"),
        (dt.date(2017, 8, 30), "awaiting_review"),  # a comment leaves the status where it was
    ]
    assert entry.history[1].comment.startswith("This area of activity")


def test_status_codes_and_comments_of_the_same_day_are_one_entry() -> None:
    [entry] = extract_register(CDI, dt.date(2017, 2, 9))
    assert [(status.on.isoformat(), status.status, status.comment) for status in entry.history] == [
        ("2017-02-09", "awaiting_review", ""),
        ("2017-02-10", "awaiting_review", "New recommendation"),
        ("2018-01-25", "being_progressed", "CDI re-inspection took place Nov 17 to Jan 18."),
        ("2018-02-02", "being_progressed", "Update from the HMICFRS CDI team."),
        ("2018-04-27", "complete", "Authorised for closure."),
    ]
    item = entry.item
    assert item.ref is None
    assert "online reports of crime are triaged" in item.text  # the bullets are the item's
    assert (item.deadline_text, item.due) == ("Within six months", dt.date(2017, 8, 9))


def test_a_cause_of_concern_entry_gives_the_cause_and_its_recommendations() -> None:
    text = (
        "Cause of concern\n\nThe force's current approach to domestic abuse is unacceptable.\n\n"
        "• In order to improve the service it provides to victims, the force should immediately consider ways "
        "of increasing the use of arrest. • In addition, the practice of conducting risk assessments over the "
        "telephone should cease\n\nThe force has responded positively to this recommendation.\n"
    )
    entries = extract_register(text, dt.date(2017, 3, 22))
    kinds = [(entry.item.kind, entry.item.cause_of_concern, entry.item.urgent) for entry in entries]
    assert kinds == [
        (ProposedKind.CAUSE_OF_CONCERN, None, False),
        (ProposedKind.RECOMMENDATION, 0, True),
        (ProposedKind.RECOMMENDATION, 0, False),
    ]
    assert all("responded positively" not in entry.item.text for entry in entries)


def test_a_dated_table_reads_as_history() -> None:
    text = (
        "Stop and search (3827)\n\nChief Constables should publish their stop and search records.\n\n"
        "12/05/2023 | Being progressed | Data published monthly.\n13/11/2023 | Complete | Closed.\n"
    )
    [entry] = extract_register(text, None)
    assert entry.item.addressees == (ProposedAddressee.CHIEF_CONSTABLES,)
    assert [(status.on, status.status) for status in entry.history] == [
        (dt.date(2023, 5, 12), "being_progressed"),
        (dt.date(2023, 11, 13), "complete"),
    ]


def test_spans_point_at_the_item() -> None:
    [entry] = extract_register(CORE_BUSINESS, None)
    assert CORE_BUSINESS[entry.item.span.start : entry.item.span.end].startswith("Not later than")


def test_a_short_line_of_the_page_above_the_item_is_not_its_words() -> None:
    page = (
        "Print this page\n\nBy 30 June 2016, all forces should publish their stop and search data each month.\n\n"
        "[on]1st March 2016 [status]awaiting-review[/status][/on]\n"
    )
    [entry] = extract_register(page, None)
    assert entry.item.text == "By 30 June 2016, all forces should publish their stop and search data each month."
    assert page[entry.item.span.start :].startswith("By 30 June 2016")


def test_a_long_register_is_read_in_linear_time() -> None:
    page = "".join(
        f"Crime data integrity ({1000 + number})\n\nThe force should review case {number}.\n\n"
        "[on]9th February 2017 [status]awaiting-review[/status][/on]\n\n"
        for number in range(2000)
    )
    began = time.perf_counter()
    entries = extract_register(page, None)
    assert len(entries) == 2000 and entries[-1].item.ref == "2999"
    assert time.perf_counter() - began < 10  # each entry read once, not the text before it again
