"""Bad input answers a GOV.UK error, never a server error: the date field, required and too-long fields,
the sign-in form, and workforce files too large for the csv module or for memory."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import tracemalloc

import pytest
from django import forms
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile, UploadedFile
from django.template import Context, Template
from django.test import Client
from django.urls import reverse

from oversight.forms import GovukDateField, GovukFormMixin, text_area
from oversight.organisations.models import Organisation
from oversight.recommendations.forms import ReportForm
from oversight.recommendations.models import TrackingRecord
from oversight.workforce.forms import CsvUpload, ImportForm
from oversight.workforce.importer import ImportReport, import_workforce
from oversight.workforce.models import Person
from oversight.workforce.services import COLUMNS
from tests.conftest import client_for
from tests.personas import PASSWORD, Personas
from tests.test_api import api_client

HUGE = "99999999999999999999"


class ReviewForm(GovukFormMixin, forms.Form):
    reviewed_on = GovukDateField(label="Date of the review")
    made_on = GovukDateField(label="Date the update was made (optional)", required=False)


def _date_errors(day: str, month: str, year: str, field: str = "reviewed_on") -> list[str]:
    form = ReviewForm({f"{field}_0": day, f"{field}_1": month, f"{field}_2": year})
    assert not form.is_valid() or field not in form.errors
    return list(form.errors.get(field, []))


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [(HUGE, "3", "2023"), ("3", HUGE, "2023"), (HUGE, HUGE, "2023"), ("-1", "3", "2023"), ("0", "0", "2023"),
     ("x", "3", "2023"), ("٣", "3", "2023"), ("31", "2", "2023"), ("3.5", "3", "2023")],
)  # fmt: skip
def test_a_day_or_month_that_is_no_date_is_refused_with_the_gov_uk_message(day: str, month: str, year: str) -> None:
    assert _date_errors(day, month, year) == ["Date of the review must be a real date"]


@pytest.mark.parametrize("year", ["0001", "1899", "2101", "9999"])
def test_years_outside_1900_to_2100_are_refused_and_the_range_said(year: str) -> None:
    assert _date_errors("1", "1", year) == ["Year must be between 1900 and 2100"]


@pytest.mark.parametrize("year", ["1900", "2100"])
def test_the_ends_of_the_range_are_accepted(year: str) -> None:
    form = ReviewForm({"reviewed_on_0": "1", "reviewed_on_1": "1", "reviewed_on_2": year})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["reviewed_on"] == dt.date(int(year), 1, 1)


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("", "", "", "Enter the date of the review"),
        ("3", "", "2023", "Date of the review must include a month"),
        ("", "", "2023", "Date of the review must include a day and month"),
        ("3", "4", "", "Date of the review must include a year"),
        ("3", "4", "23", "Year must include 4 numbers"),
    ],
)
def test_missing_parts_are_named(day: str, month: str, year: str, message: str) -> None:
    assert _date_errors(day, month, year) == [message]


def test_an_optional_date_may_be_left_empty_but_not_half_filled() -> None:
    base = {"reviewed_on_0": "1", "reviewed_on_1": "1", "reviewed_on_2": "2023"}
    assert ReviewForm(base).is_valid()
    assert _date_errors("1", "", "", field="made_on") == ["Date the update was made must include a month and year"]


def _summary_links(form: forms.Form) -> list[tuple[str, str]]:
    html = Template("{% load crispy_forms_tags crispy_forms_gds %}{% error_summary form %}{% crispy form %}").render(
        Context({"form": form})
    )
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', html)
    for target, _ in links:
        assert re.search(rf'<input[^>]* id="{target}"', html), f"no input with id {target}"
    return links


@pytest.mark.parametrize(
    ("day", "month", "year", "target"),
    [("", "", "", "0"), ("3", "", "2023", "1"), ("3", "4", "1066", "2"), (HUGE, "1", "2023", "0"),
     ("30", "2", "2023", "0")],
)  # fmt: skip
def test_the_error_summary_links_to_the_input_to_fix(day: str, month: str, year: str, target: str) -> None:
    form = ReviewForm({"reviewed_on_0": day, "reviewed_on_1": month, "reviewed_on_2": year})
    assert not form.is_valid()
    links = _summary_links(form)
    assert len(links) == 1  # once, not again for the whole field
    assert links[0][0] == f"id_reviewed_on_{target}"


@pytest.mark.django_db
def test_a_huge_day_on_a_real_page_is_a_400_with_the_message(personas: Personas, tracking: TrackingRecord) -> None:
    url = reverse("recommendations:tracking_review", args=[tracking.pk])
    data = {"version": tracking.version, "note": "On track", "reviewed_on_0": HUGE, "reviewed_on_1": "1",
            "reviewed_on_2": "2024"}  # fmt: skip
    response = client_for(personas.liaison).post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Date of the review must be a real date" in page and 'href="#id_reviewed_on_0"' in page


# --- required and too-long fields --------------------------------------------------------------


class MixedForm(GovukFormMixin, forms.Form):
    summary = text_area("Summary", max_length=100)
    status = forms.ChoiceField(label="Status", choices=[("a", "A")], widget=forms.RadioSelect)
    reasons = text_area("Reasons for the decision")
    victim_name = forms.CharField(label="Victim's name", max_length=20)
    force = forms.ChoiceField(label="IOPC reference", choices=[("a", "A")])
    owner = forms.ChoiceField(label="Owner", choices=[("a", "A")])
    update = text_area("Update")
    file = forms.FileField(label="New version of the file")
    size = forms.IntegerField(label="Number of cases", min_value=1, max_value=500)
    agree = forms.BooleanField(label="I make this declaration")
    arrival = forms.ChoiceField(label="How did it arrive?", choices=[("a", "A")])
    explicit = forms.CharField(label="Explicit", error_messages={"required": "Say it my way"}, max_length=5)


def test_required_messages_are_worded_from_the_label_and_the_kind_of_input() -> None:
    errors = MixedForm({}).errors
    assert {name: messages[0] for name, messages in errors.items()} == {
        "summary": "Enter a summary",
        "status": "Select a status",
        "reasons": "Enter the reasons for the decision",
        "victim_name": "Enter the victim's name",
        "force": "Select the IOPC reference",
        "owner": "Select an owner",
        "update": "Enter an update",
        "file": "Select the new version of the file",
        "size": "Enter the number of cases",
        "agree": "Tick the box: I make this declaration",
        "arrival": "Select an answer",
        "explicit": "Say it my way",
    }


def test_too_long_and_out_of_range_values_say_the_limit() -> None:
    errors = MixedForm({"summary": "x" * 101, "victim_name": "y" * 21, "size": "501"}).errors
    assert errors["summary"] == ["Summary must be 100 characters or less"]
    assert errors["victim_name"] == ["Victim's name must be 20 characters or less"]
    assert errors["size"] == ["Number of cases must be between 1 and 500"]


def test_a_limited_text_area_shows_the_gov_uk_character_count() -> None:
    html = Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": MixedForm()}))
    assert 'data-module="govuk-character-count" data-maxlength="100"' in html
    assert "You can enter up to 100 characters" in html
    assert re.search(r'<textarea[^>]*class="[^"]*govuk-js-character-count', html)
    # The count lets people paste and then shorten; a maxlength attribute would cut their text silently.
    assert not re.search(r"<textarea[^>]* maxlength=", html)


# --- signing in ---------------------------------------------------------------------------------


def _sign_in(client: Client, username: str, password: str) -> str:
    return client.post("/accounts/login/", {"username": username, "password": password}).content.decode()


def _summary(page: str) -> list[str]:
    return re.findall(r'<a href="#[^"]*">([^<]*)</a>', page.split("govuk-error-summary__list", 1)[-1].split("</ul>")[0])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("", "", "Enter your username and password"),
        ("wmp.liaison", "", "Enter your password"),
        ("", "x", "Enter your username"),
        ("wmp.liaison", "wrong", "Enter a correct username and password. The password is case-sensitive"),
    ],
)
def test_sign_in_shows_one_error(personas: Personas, username: str, password: str, message: str) -> None:
    assert _summary(_sign_in(Client(), username, password)) == [message]


@pytest.mark.django_db
def test_an_empty_password_does_not_clear_the_failed_attempts(personas: Personas) -> None:
    client = Client()
    for _ in range(django_settings.LOGIN_FAILURE_LIMIT):
        _sign_in(client, "wmp.liaison", "wrong")
        _sign_in(client, "wmp.liaison", "")
    assert "locked" in _sign_in(client, "wmp.liaison", PASSWORD)


@pytest.mark.django_db
def test_a_mebibyte_update_is_refused_with_its_limit_and_nothing_written(
    personas: Personas, tracking: TrackingRecord
) -> None:
    url = reverse("recommendations:tracking_update", args=[tracking.pk])
    response = client_for(personas.owner).post(url, {"version": tracking.version, "text": "x" * 2**20})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Progress update must be 5,000 characters or less" in page
    assert 'data-maxlength="5000"' in page and "You can enter up to 5000 characters" in page
    assert not tracking.updates.exists()


# --- workforce files ----------------------------------------------------------------------------

WORKFORCE_HEADER = ",".join(COLUMNS)


def _row(**values: str) -> str:
    return ",".join(values.get(column, "") for column in COLUMNS)


def _workforce(*rows: str) -> bytes:
    return ("\r\n".join([WORKFORCE_HEADER, *rows]) + "\r\n").encode()


def _checked(content: bytes, temporary: bool = False) -> CsvUpload:
    if temporary:  # as Django keeps an upload over FILE_UPLOAD_MAX_MEMORY_SIZE: on disk
        upload: UploadedFile = TemporaryUploadedFile("people.csv", "text/csv", len(content), "utf-8")
        upload.write(content)
    else:
        upload = SimpleUploadedFile("people.csv", content)
    form = ImportForm(files={"file": upload})
    assert form.is_valid(), form.errors
    checked: CsvUpload = form.cleaned_data["file"]
    return checked


def _import(force: Organisation, upload: CsvUpload) -> ImportReport:
    with upload.open_text() as text:
        return import_workforce(force, text)


@pytest.mark.django_db
@pytest.mark.parametrize("temporary", [False, True])
def test_a_field_over_the_csv_modules_limit_is_a_row_error(wmp: Organisation, temporary: bool) -> None:
    huge = "x" * (csv.field_size_limit() + 1)
    content = _workforce(
        _row(record="person", staff_number="1001", name="Asha Khan", kind="officer"),
        _row(record="person", staff_number="1002", name=huge, kind="officer"),
        _row(record="person", staff_number="1003", name="Cara Ward", kind="robot"),
    )
    report = _import(wmp, _checked(content, temporary))
    assert [(error.line, error.message.split(",")[0]) for error in report.errors] == [
        (3, "a field is longer than 131"),
        (4, "kind 'robot' must be one of officer"),
    ]
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_a_value_longer_than_its_column_is_a_row_error_and_quoted_values_are_cut(wmp: Organisation) -> None:
    content = _workforce(
        _row(record="person", staff_number="1" * 21, name="Asha Khan", kind="officer"),
        _row(record="person", staff_number="1002", name="Ben Jones", kind="k" * 5, service_start="2020-01-01x"),
        _row(record="x" * 100, staff_number="1003"),
    )
    report = _import(wmp, _checked(content))
    assert [str(error) for error in report.errors] == [
        "Row 2: staff_number is longer than 20 characters",
        "Row 3: service_start is longer than 10 characters",
        f"Row 4: record '{'x' * 40}...' is not one of unit, person, posting, line_management, association, "
        "case_involvement",
    ]
    assert not Person.objects.exists()


def _large_file(people: int) -> bytes:
    rows = [_row(record="unit", unit="Response Team B", area="Walsall")]
    team = {"unit": "Response Team B", "area": "Walsall"}
    for n in range(100000, 100000 + people):
        rows += [
            _row(record="person", staff_number=str(n), name=f"Person number {n}", kind="officer",
                 rank_or_grade="PC", role="Response officer", service_start="2010-01-01", works_with_vulnerable="no"),
            _row(record="posting", staff_number=str(n), started_on="2015-01-01", **team),
            _row(record="association", staff_number=str(n), other_staff_number=str(n + 1),
                 association_kind="friendship", declared_on="2020-01-01",
                 note="Trained together at the college in the same intake"),
        ]  # fmt: skip
    return _workforce(*rows, _row(record="person", name="No staff number", kind="officer"))


@pytest.mark.django_db
def test_a_large_file_refused_at_its_last_row_is_read_as_a_stream(wmp: Organisation) -> None:
    content = _large_file(10000)  # about 2.6 MB
    upload = SimpleUploadedFile("people.csv", content)
    tracemalloc.start()
    try:
        form = ImportForm(files={"file": upload})
        assert form.is_valid(), form.errors
        report = _import(wmp, form.cleaned_data["file"])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [str(error) for error in report.errors] == ["Row 30003: staff_number is missing"]
    assert report.rows == 30002 and not Person.objects.exists()
    # Held whole, as text and then parsed into full rows, it took 16 times its size; checked as a stream
    # keeping only what the checks across rows need, it takes under 4.
    assert peak < 5 * len(content), f"peak {peak:,} bytes for a file of {len(content):,}"


# --- ids and numbers past the database's integers ------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{"limit": HUGE}, {"offset": HUGE}, {"limit": "0"}, {"offset": "-1"}])
def test_api_pages_past_the_databases_integers_are_refused(personas: Personas, query: dict[str, str]) -> None:
    response = api_client(personas.liaison).get("/api/v1/recommendations/reports", query)
    assert response.status_code == 422


@pytest.mark.django_db
def test_a_force_id_past_the_databases_integers_is_not_a_choice(personas: Personas, wmp: Organisation) -> None:
    form = ReportForm({"title": "PEEL", "kind": "peel", "coverage": "chosen", "forces": [str(wmp.pk), HUGE],
                       "published_on_0": "1", "published_on_1": "2", "published_on_2": "2023"})  # fmt: skip
    assert not form.is_valid()
    assert form.errors["forces"] == ["Select the forces from the choices given"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "body"),
    [("updates", {"text": "a\x00b"}), ("transitions", {"action": "submit", "reason": "a\x00b", "version": 1}),
     ("updates", {"text": "x" * 5001}), ("transitions", {"action": "x" * 41, "version": 1})],
)  # fmt: skip
def test_api_text_with_a_nul_or_over_its_limit_is_refused(
    personas: Personas, tracking: TrackingRecord, path: str, body: dict[str, object]
) -> None:
    url = f"/api/v1/recommendations/tracking/{tracking.pk}/{path}"
    response = api_client(personas.owner).post(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert not tracking.updates.exists()


@pytest.mark.django_db
def test_a_file_that_cannot_be_read_again_is_imported_in_one_pass(wmp: Organisation) -> None:
    class Once(io.StringIO):
        def seekable(self) -> bool:
            return False

    team = {"unit": "CID Team A", "area": "Walsall"}
    rows = [_row(record="unit", **team),
            _row(record="person", staff_number="1001", name="Asha Khan", kind="officer", rank_or_grade="Sgt"),
            _row(record="posting", staff_number="1001", started_on="2020-01-01", **team)]  # fmt: skip
    report = import_workforce(wmp, Once(_workforce(*rows).decode(), newline=""))
    assert report.ok, report.errors
    asha = Person.objects.get(force=wmp, staff_number="1001")
    assert (asha.name, asha.rank_or_grade, str(asha.unit)) == ("Asha Khan", "Sgt", "CID Team A, Walsall")
