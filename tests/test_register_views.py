"""The register page, its filters and sorting, its CSV and XLSX exports, and the home-page counts."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.http import StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from openpyxl import load_workbook

from oversight.lib.rag import Rag
from oversight.organisations.models import Organisation
from oversight.recommendations import services
from oversight.recommendations.models import ItemKind, ReportKind, SignoffStage, TrackingRecord, TrackingStatus
from oversight.recommendations.summary import register_summary
from tests.conftest import client_for
from tests.factories import ReportFactory, TrackingRecordFactory
from tests.personas import Personas

TODAY = dt.date.today()
REGISTER = reverse("recommendations:register")
CSV = reverse("recommendations:register_csv")
XLSX = reverse("recommendations:register_xlsx")


@pytest.fixture
def records(personas: Personas, wmp: Organisation) -> dict[str, TrackingRecord]:
    """Four West Midlands records in different states and one Avon and Somerset record."""
    avon = Organisation.objects.get(slug="avon-and-somerset-police")
    thematic = ReportFactory(title="Crimes against older people", forces=[wmp, avon])
    peel = ReportFactory(title="PEEL West Midlands", kind=ReportKind.PEEL, forces=[wmp])
    late = TrackingRecordFactory(
        item__report=thematic, item__reference="10618", organisation=wmp, owner=personas.owner,
        due_on=TODAY - dt.timedelta(days=10),
    )  # fmt: skip
    on_track = TrackingRecordFactory(
        item__report=peel, item__reference="30001", item__kind=ItemKind.AREA_FOR_IMPROVEMENT, organisation=wmp,
        owner=personas.second_owner, due_on=TODAY + dt.timedelta(days=200),
        next_review_on=TODAY + dt.timedelta(days=60),
    )  # fmt: skip
    on_track.updates.create(author=personas.owner, text="Working on it")
    review_late = TrackingRecordFactory(
        item__report=peel, item__reference="30002", organisation=wmp, owner=personas.owner,
        due_on=TODAY + dt.timedelta(days=300), next_review_on=TODAY - dt.timedelta(days=5),
        status=TrackingStatus.PENDING_SIGNOFF, signoff=SignoffStage.SUBMITTED,
    )  # fmt: skip
    closed = TrackingRecordFactory(
        item__report=peel, item__reference="30003", organisation=wmp, status=TrackingStatus.CLOSED,
        signoff=SignoffStage.SIGNED_OFF, due_on=TODAY - dt.timedelta(days=100),
    )  # fmt: skip
    avon_record = TrackingRecordFactory(item__report=thematic, item__reference="99999", organisation=avon)
    return {"late": late, "on_track": on_track, "review_late": review_late, "closed": closed, "avon": avon_record}


def _listed(response: object) -> list[int]:
    return [row.record.pk for row in response.context["page"].object_list]  # type: ignore[attr-defined]


def _body(response: HttpResponseBase) -> bytes:
    """The CSV export is streamed: its lines joined."""
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content)  # type: ignore[arg-type]


def _csv_refs(content: bytes) -> list[str]:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][0] == "Reference"
    return [row[0] for row in rows[1:]]


def _xlsx_refs(content: bytes) -> list[str]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    values = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert values[0] == "Reference"
    return [str(value) for value in values[1:]]


@pytest.mark.parametrize("name", ["liaison", "owner", "hmicfrs_lead", "committee_member", "opcc_officer"])
def test_people_of_the_force_see_its_register_and_not_another_force(
    personas: Personas, records: dict[str, TrackingRecord], name: str
) -> None:
    response = client_for(getattr(personas, name)).get(REGISTER)
    assert response.status_code == 200
    listed = set(_listed(response))
    wmp_records = {records[key].pk for key in ("late", "on_track", "review_late", "closed")}
    assert listed == wmp_records
    assert records["avon"].pk not in listed
    assert "99999" not in response.content.decode()


@pytest.mark.parametrize("name", ["other_hmicfrs_lead", "administrator", "national_analyst", "no_role"])
def test_people_outside_the_force_see_none_of_its_records_in_the_page_or_exports(
    personas: Personas, records: dict[str, TrackingRecord], name: str
) -> None:
    client = client_for(getattr(personas, name))
    listed = set(_listed(client.get(REGISTER)))
    assert not listed & {records[key].pk for key in ("late", "on_track", "review_late", "closed")}
    assert "10618" not in _csv_refs(_body(client.get(CSV)))
    assert "10618" not in _xlsx_refs(client.get(XLSX).content)


def test_other_force_liaison_sees_only_their_own(personas: Personas, records: dict[str, TrackingRecord]) -> None:
    client = client_for(personas.other_force)
    assert _listed(client.get(REGISTER)) == [records["avon"].pk]
    assert _csv_refs(_body(client.get(CSV))) == ["99999"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"overdue": "due"}, ["late"]),
        ({"overdue": "review"}, ["review_late"]),
        ({"rag": "red"}, ["late"]),
        ({"rag": "blue"}, ["closed"]),
        ({"rag": "green"}, ["on_track"]),
        ({"kind": ItemKind.AREA_FOR_IMPROVEMENT}, ["on_track"]),
        ({"report_kind": ReportKind.PEEL, "open": "1"}, ["on_track", "review_late"]),
        ({"status": TrackingStatus.PENDING_SIGNOFF}, ["review_late"]),
        ({"signoff": SignoffStage.SUBMITTED}, ["review_late"]),
        ({"open": "1"}, ["late", "on_track", "review_late"]),
        ({"rag": "nonsense", "status": "nonsense"}, ["late", "on_track", "review_late", "closed"]),
    ],
)
def test_filters_and_exports_hold_exactly_the_filtered_set(
    personas: Personas, records: dict[str, TrackingRecord], query: dict[str, str], expected: list[str]
) -> None:
    client = client_for(personas.liaison)
    response = client.get(REGISTER, query)
    assert set(_listed(response)) == {records[key].pk for key in expected}
    assert response.context["count"] == len(expected)
    references = sorted(records[key].item.reference for key in expected)
    assert sorted(_csv_refs(_body(client.get(CSV, query)))) == references
    assert sorted(_xlsx_refs(client.get(XLSX, query).content)) == references


def test_filter_by_owner_and_report(personas: Personas, records: dict[str, TrackingRecord]) -> None:
    client = client_for(personas.liaison)
    owned = client.get(REGISTER, {"owner": personas.owner.pk})
    assert set(_listed(owned)) == {records["late"].pk, records["review_late"].pk}
    report = records["late"].item.report
    assert _listed(client.get(REGISTER, {"report": report.pk})) == [records["late"].pk]


def test_organisation_filter_for_a_lead_covering_two_forces(
    personas: Personas, records: dict[str, TrackingRecord]
) -> None:
    membership = personas.hmicfrs_lead.memberships.get()
    membership.covers.add(records["avon"].organisation)
    client = client_for(personas.hmicfrs_lead)
    assert len(_listed(client.get(REGISTER))) == 5
    only_avon = client.get(REGISTER, {"organisation": records["avon"].organisation_id})
    assert _listed(only_avon) == [records["avon"].pk]


def test_sorting_by_due_date_reference_and_rag(personas: Personas, records: dict[str, TrackingRecord]) -> None:
    client = client_for(personas.liaison)
    by_due = _listed(client.get(REGISTER))
    assert by_due == [records[key].pk for key in ("closed", "late", "on_track", "review_late")]
    by_due_desc = _listed(client.get(REGISTER, {"sort": "-due"}))
    assert by_due_desc == list(reversed(by_due))
    by_reference = _listed(client.get(REGISTER, {"sort": "reference"}))
    assert by_reference == [records[key].pk for key in ("late", "on_track", "review_late", "closed")]
    by_rag = client.get(REGISTER, {"sort": "rag"})
    assert _listed(by_rag)[0] == records["late"].pk and _listed(by_rag)[-1] == records["closed"].pk
    assert 'aria-sort="ascending"' in by_rag.content.decode()
    csv_order = _csv_refs(_body(client.get(CSV, {"sort": "rag"})))
    assert csv_order[0] == "10618" and csv_order[-1] == "30003"


def test_page_shows_columns_badges_and_export_links_keep_filters(
    personas: Personas, records: dict[str, TrackingRecord]
) -> None:
    page = client_for(personas.liaison).get(REGISTER, {"overdue": "due"}).content.decode()
    assert "app-rag app-rag--red" in page
    assert "Crimes against older people" in page and "Owen Patel" in page
    assert f"{CSV}?overdue=due" in page and f"{XLSX}?overdue=due" in page
    assert "1 item" in page
    assert reverse("recommendations:tracking", args=[records["late"].pk]) in page


def test_exports_are_attachments_named_with_the_date(personas: Personas, records: dict[str, TrackingRecord]) -> None:
    client = client_for(personas.liaison)
    response = client.get(CSV)
    assert response["Content-Disposition"] == f'attachment; filename="recommendation-register-{TODAY.isoformat()}.csv"'
    rows = list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"))))
    header, late = rows[0], next(row for row in rows if row[0] == "10618")
    assert late[header.index("Item text")] == records["late"].item.text
    assert late[header.index("Overdue")] == "Yes"
    assert late[header.index("RAG")] == "Red"
    xlsx = client.get(XLSX)
    assert xlsx["Content-Disposition"].endswith(f'-{TODAY.isoformat()}.xlsx"')


def test_export_neutralises_spreadsheet_formulas(personas: Personas, wmp: Organisation) -> None:
    TrackingRecordFactory(item__report=ReportFactory(forces=[wmp]), item__reference="1", item__text="=HYPERLINK(1)")
    rows = list(csv.reader(io.StringIO(_body(client_for(personas.liaison).get(CSV)).decode("utf-8-sig"))))
    assert rows[1][rows[0].index("Item text")] == "'=HYPERLINK(1)"


def test_export_covers_every_page(personas: Personas, wmp: Organisation) -> None:
    report = ReportFactory(forces=[wmp])
    for _ in range(55):
        TrackingRecordFactory(item__report=report)
    client = client_for(personas.liaison)
    assert len(_listed(client.get(REGISTER))) == 50
    assert len(_listed(client.get(REGISTER, {"page": 2}))) == 5
    assert len(_csv_refs(_body(client.get(CSV)))) == 55


def test_register_avoids_a_query_per_row(
    personas: Personas, wmp: Organisation, django_assert_max_num_queries: object
) -> None:
    report = ReportFactory(forces=[wmp])
    for _ in range(30):
        TrackingRecordFactory(item__report=report, owner=personas.owner)
    client = client_for(personas.liaison)
    with django_assert_max_num_queries(20):  # type: ignore[operator]
        client.get(REGISTER)


def test_home_summary_counts_and_links(personas: Personas, records: dict[str, TrackingRecord]) -> None:
    summary = register_summary(personas.liaison)
    assert summary["open"].count == 3  # type: ignore[attr-defined]
    rag = {entry.rag: entry.count for entry in summary["rag"]}  # type: ignore[attr-defined]
    assert rag["red"] == 1 and rag["blue"] == 0
    flags = {entry.label: entry.count for entry in summary["flags"]}  # type: ignore[attr-defined]
    assert flags == {"Past their due date": 1, "Quarterly review overdue": 1, "Pending sign-off": 1}
    yours = {entry.label: entry.count for entry in summary["yours"]}  # type: ignore[attr-defined]
    assert yours == {"Submitted to you for checking": 1}
    owner_yours = {entry.label: entry.count for entry in register_summary(personas.owner)["yours"]}  # type: ignore[attr-defined]
    assert owner_yours == {"Open items you own": 2}
    home = client_for(personas.liaison).get(reverse("home")).content.decode()
    assert "Submitted to you for checking" in home and "signoff=submitted" in home


def test_home_summary_is_empty_without_a_register(personas: Personas, records: dict[str, TrackingRecord]) -> None:
    assert register_summary(personas.no_role) == {}
    assert register_summary(personas.administrator) == {}
    assert "Recommendation register" not in client_for(personas.no_role).get(reverse("home")).content.decode()


def test_an_immediate_item_is_urgent_never_overdue_the_day_after_publication(
    personas: Personas, wmp: Organisation
) -> None:
    """ "Immediately" has no due date: flagged urgent in the register, the item and the paper, not red."""
    report = ReportFactory(title="Super-complaint", published_on=TODAY - dt.timedelta(days=1), forces=[wmp])
    item = services.add_item(report, personas.liaison, kind=ItemKind.RECOMMENDATION, number="1",
                             text="Review vetting.", deadline_phrase="Immediately")  # fmt: skip
    record = TrackingRecord.objects.with_related().get(item=item, organisation=wmp)
    assert (item.due_on, record.due_on, record.is_urgent, record.is_overdue()) == (None, None, True, False)
    assert record.rag() != Rag.RED and "immediately" in record.rag_reason()
    client = client_for(personas.liaison)
    link = reverse("recommendations:tracking", args=[record.pk])
    row = client.get(REGISTER).content.decode().split(f'href="{link}"', 1)[1].split("</tr>", 1)[0]
    assert "Urgent" in row and "Immediately" in row and "Overdue" not in row and "app-rag--red" not in row
    page = client.get(reverse("recommendations:tracking", args=[record.pk])).content.decode()
    assert "Urgent" in page and "Immediately" in page and "None" not in page
    assert TrackingRecord.objects.overdue().filter(pk=record.pk).count() == 0


def test_no_none_or_lower_case_codes_on_the_register_and_its_exports(
    personas: Personas, records: dict[str, TrackingRecord]
) -> None:
    client = client_for(personas.liaison)
    page = client.get(REGISTER).content.decode()
    for code in (">None<", ">peel<", ">with_hmicfrs<", ">with hmicfrs<", ">not_submitted<"):
        assert code not in page
    assert "None" not in _body(client.get(CSV)).decode("utf-8-sig")


def test_exports_open_cleanly_in_excel(personas: Personas, records: dict[str, TrackingRecord]) -> None:
    client = client_for(personas.liaison)
    csv_bytes = _body(client.get(CSV))
    assert csv_bytes.startswith("\ufeff".encode()) and csv_bytes[3:12] == b"Reference"
    workbook = load_workbook(io.BytesIO(client.get(XLSX, {"rag": "red"}).content))
    sheet = workbook["Register"]
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}"
    assert sheet.freeze_panes == "A2" and sheet.column_dimensions["D"].width == 60
    assert sheet["D2"].alignment.wrap_text
    about = {row[0]: row[1] for row in workbook["About this export"].iter_rows(values_only=True)}
    assert (
        about["Exported on"] == f"{TODAY:%-d %B %Y}" and about["RAG"] == "Red" and about["Items"] == sheet.max_row - 1
    )
    unfiltered = load_workbook(io.BytesIO(client.get(XLSX).content))["About this export"]
    assert ("Filters", "No filters: every item you can see") in list(unfiltered.iter_rows(values_only=True))


def test_each_role_finds_its_work_on_the_home_page(personas: Personas, wmp: Organisation) -> None:
    home = reverse("home")
    returned = TrackingRecordFactory(
        item__report=ReportFactory(forces=[wmp]), item__reference="40001", organisation=wmp, owner=personas.owner,
        next_review_on=TODAY + dt.timedelta(days=3),
    )  # fmt: skip
    services.add_evidence(returned, personas.owner, title="Plan", effective_on=TODAY, url="https://example.org/plan")
    services.submit_for_signoff(returned, personas.owner)
    services.return_to_owner(returned, personas.liaison, "The plan is not signed by the ACC.")
    services.request_extension(returned, personas.owner, TODAY + dt.timedelta(days=400), "Partners are late")
    report = ReportFactory(title="Vetting and misconduct", published_on=TODAY - dt.timedelta(days=70), forces=[wmp])
    services.start_response(report, wmp, personas.opcc_officer)

    owner_home = client_for(personas.owner).get(home).content.decode()
    assert "Returned to you (1)" in owner_home and "The plan is not signed by the ACC." in owner_home
    liaison_home = client_for(personas.liaison).get(home).content.decode()
    assert "Extension requests awaiting your decision (1)" in liaison_home and "Partners are late" in liaison_home
    assert "Quarterly reviews due" in liaison_home and "Returned to you" not in liaison_home
    opcc_home = client_for(personas.opcc_officer).get(home).content.decode()
    assert (
        "56-day responses due (1)" in opcc_home
        and "Vetting and misconduct" in opcc_home
        and "Overdue since" in opcc_home
    )
    for name in ("committee_member", "hmicfrs_lead", "other_force"):
        page = client_for(getattr(personas, name)).get(home).content.decode()
        assert "Returned to you" not in page and "awaiting your decision" not in page, name
        assert "Vetting and misconduct" not in page or name != "other_force"

    item_page = client_for(personas.owner).get(reverse("recommendations:tracking", args=[returned.pk])).content.decode()
    banner = item_page.index("Returned with reasons")
    assert banner < item_page.index("The item") and "The plan is not signed by the ACC." in item_page[banner:]


def test_the_register_fits_a_laptop_screen(personas: Personas, records: dict[str, TrackingRecord]) -> None:
    """The organisation column only for someone who sees several; each item says what it is about."""
    page = client_for(personas.liaison).get(REGISTER).content.decode()
    assert ">Organisation</a></th>" not in page and '<details class="govuk-details app-filter-panel"' in page
    assert records["late"].item.heading in page
    avon = Organisation.objects.get(slug="avon-and-somerset-police")
    personas.hmicfrs_lead.memberships.get().covers.add(avon)
    assert ">Organisation</a></th>" in client_for(personas.hmicfrs_lead).get(REGISTER).content.decode()


def test_an_items_heading_is_its_title_or_the_start_of_its_text(wmp: Organisation) -> None:
    record = TrackingRecordFactory(item__report=ReportFactory(forces=[wmp]), item__title="",
                                   item__text="Within six months forces should " + "review " * 30)  # fmt: skip
    heading = record.item.heading
    assert heading.startswith("Within six months forces should") and heading.endswith("…") and len(heading) <= 90
    record.item.title = "Victim needs assessments"
    assert record.item.heading == "Victim needs assessments"
