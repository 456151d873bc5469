"""Inspection reports: reading them, and adding reports and items (for those who manage them)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from oversight.organisations.models import Organisation
from oversight.recommendations.models import Item, ItemKind, Report, ReportKind, TrackingRecord
from tests.conftest import client_for
from tests.factories import ItemFactory, ReportFactory
from tests.personas import Personas

ADD_REPORT = reverse("recommendations:report_add")


def _report_post(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "PEEL 2023: West Midlands", "kind": ReportKind.PEEL, "published_on_0": "14",
        "published_on_1": "3", "published_on_2": "2023", "url": "https://example.org/peel", "summary": "",
        "coverage": "chosen",
    }  # fmt: skip
    data.update(overrides)
    return data


def _item_post(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": ItemKind.RECOMMENDATION, "reference": "10618", "number": "1",
        "text": "Within six months Chief Constables should ensure that Victim Needs Assessments are always completed.",
        "deadline_phrase": "", "addressees": ["chief_constables"], "mandatory": "on",
    }  # fmt: skip
    data.update(overrides)
    return data


@pytest.mark.parametrize("name", ["owner", "committee_member", "opcc_officer", "no_role", "administrator"])
def test_everyone_reads_reports_but_only_managers_add(personas: Personas, wmp: Organisation, name: str) -> None:
    report = ReportFactory(title="Stalking and harassment", forces=[wmp])
    client = client_for(getattr(personas, name))
    listing = client.get(reverse("recommendations:reports"))
    assert listing.status_code == 200 and "Stalking and harassment" in listing.content.decode()
    assert ADD_REPORT not in listing.content.decode()
    assert client.get(reverse("recommendations:report", args=[report.pk])).status_code == 200
    assert client.get(ADD_REPORT).status_code == 404
    assert client.post(ADD_REPORT, _report_post(coverage="all")).status_code == 404
    add_item = reverse("recommendations:report_item_add", args=[report.pk])
    assert client.get(add_item).status_code == 404
    assert client.post(add_item, _item_post()).status_code == 404
    assert Report.objects.count() == 1 and not Item.objects.exists()


@pytest.mark.parametrize("name", ["liaison", "other_force", "hmicfrs_lead", "national_analyst"])
def test_managers_see_the_add_buttons(personas: Personas, name: str) -> None:
    client = client_for(getattr(personas, name))
    assert ADD_REPORT in client.get(reverse("recommendations:reports")).content.decode()
    assert client.get(ADD_REPORT).status_code == 200


def test_add_report_for_chosen_forces(personas: Personas, wmp: Organisation) -> None:
    response = client_for(personas.liaison).post(ADD_REPORT, _report_post(forces=[wmp.pk]))
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.title, report.published_on, report.covers_all_forces) == (
        "PEEL 2023: West Midlands",
        dt.date(2023, 3, 14),
        False,
    )
    assert list(report.forces.all()) == [wmp]


def test_add_report_for_all_forces(personas: Personas) -> None:
    assert client_for(personas.hmicfrs_lead).post(ADD_REPORT, _report_post(coverage="all")).status_code == 302
    assert Report.objects.get().covers_all_forces


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"published_on_0": "31", "published_on_1": "2"}, "Publication date must be a real date"),
        ({"published_on_2": "23"}, "Year must include 4 numbers"),
        ({"published_on_2": str(dt.date.today().year + 2)}, "today or in the past"),
        ({"forces": []}, "Select the forces the report covers"),
        ({"title": ""}, "Enter a title"),
    ],
)
def test_bad_report_input_writes_nothing(
    personas: Personas, wmp: Organisation, overrides: dict[str, object], message: str
) -> None:
    response = client_for(personas.liaison).post(ADD_REPORT, _report_post(**{"forces": [wmp.pk], **overrides}))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "govuk-error-summary" in page
    assert not Report.objects.exists()


def test_add_item_takes_deadline_from_text_and_opens_tracking(personas: Personas, wmp: Organisation) -> None:
    report = ReportFactory(forces=[wmp], published_on=dt.date(2022, 6, 30))
    url = reverse("recommendations:report_item_add", args=[report.pk])
    response = client_for(personas.liaison).post(url, _item_post())
    assert response.status_code == 302
    item = Item.objects.get()
    assert item.deadline_phrase == "Within six months" and item.due_on == dt.date(2022, 12, 30)
    record = TrackingRecord.objects.get(item=item)
    assert record.organisation == wmp and record.due_on == item.due_on and record.original_due_on == item.due_on


def test_add_recommendation_linked_to_cause_of_concern(personas: Personas, wmp: Organisation) -> None:
    report = ReportFactory(forces=[wmp])
    concern = ItemFactory(report=report, kind=ItemKind.CAUSE_OF_CONCERN, deadline_phrase="", due_on=None)
    url = reverse("recommendations:report_item_add", args=[report.pk])
    data = _item_post(cause_of_concern=concern.pk, deadline_phrase="By March 2023", text="Do it")
    assert client_for(personas.liaison).post(url, data).status_code == 302
    item = Item.objects.get(reference="10618")
    assert item.cause_of_concern == concern and item.due_on == dt.date(2023, 3, 31)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"deadline_phrase": "When convenient"}, "Cannot work out a due date"),
        ({"deadline_phrase": "By March 2020"}, "before the report was published"),
        ({"deadline_phrase": "By 31 February 2023"}, "does not exist"),
        ({"text": ""}, "Enter the text as written in the report"),
    ],
)
def test_bad_item_input_writes_nothing(
    personas: Personas, wmp: Organisation, overrides: dict[str, object], message: str
) -> None:
    report = ReportFactory(forces=[wmp], published_on=dt.date(2022, 6, 30))
    url = reverse("recommendations:report_item_add", args=[report.pk])
    response = client_for(personas.liaison).post(url, _item_post(**overrides))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "govuk-error-summary" in page
    assert "Victim Needs Assessments" in page or not overrides.get("text", True)  # typed text kept
    assert not Item.objects.exists() and not TrackingRecord.objects.exists()


def test_report_detail_groups_items_and_links_only_visible_records(
    personas: Personas, wmp: Organisation, tracking: TrackingRecord
) -> None:
    avon = Organisation.objects.get(slug="avon-and-somerset-police")
    report = tracking.item.report
    report.forces.add(avon)
    avon_record = TrackingRecord.objects.create(item=tracking.item, organisation=avon)
    ItemFactory(report=report, kind=ItemKind.AREA_FOR_IMPROVEMENT, text="An area for improvement text")
    url = reverse("recommendations:report", args=[report.pk])
    page = client_for(personas.liaison).get(url).content.decode()
    assert "Recommendation (1)" in page and "Area for improvement (1)" in page
    assert "Within six months" in page and "30 December 2022" in page
    assert reverse("recommendations:tracking", args=[tracking.pk]) in page
    assert reverse("recommendations:tracking", args=[avon_record.pk]) not in page
    outsider = client_for(personas.no_role).get(url).content.decode()
    assert reverse("recommendations:tracking", args=[tracking.pk]) not in outsider
    assert "An area for improvement text" in outsider
