"""Every URL of the register against every register persona.

The patterns are read from the URL resolver, so a page added later fails `test_every_route_has_its_readers`
until someone says who may open it. Each id points at a real West Midlands object: a tracking record
with file evidence and a pending extension, a draft 56-day response, a committee and its meeting.

- Each persona opens exactly the pages the README's access table gives it (200), and gets 404
  from every other page about a record: never 403, never a server error.
- People outside West Midlands' register get 404 for GET and POST on every page about its records,
  and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from oversight.organisations.models import Organisation
from oversight.recommendations import services
from oversight.recommendations.models import (
    Committee,
    CommitteeMeeting,
    ForthcomingInspection,
    GoverningBodyResponse,
    ProgressUpdate,
    Report,
    TrackingRecord,
)
from tests.conftest import client_for
from tests.documents_corpus import simple_pdf
from tests.factories import ItemFactory
from tests.personas import Personas

PERSONAS = (
    "liaison", "owner", "second_owner", "hmicfrs_lead", "committee_member", "opcc_officer",
    "other_force", "other_hmicfrs_lead", "administrator", "national_analyst", "no_role",
)  # fmt: skip
EVERYONE = frozenset(PERSONAS)
READS_REGISTER = frozenset({"liaison", "owner", "second_owner", "hmicfrs_lead", "committee_member", "opcc_officer"})
CONTRIBUTES = frozenset({"liaison", "owner"})  # the record's owner and the force's liaison officer
LIAISON = frozenset({"liaison"})
READS_DRAFT_RESPONSE = frozenset({"liaison", "hmicfrs_lead", "committee_member", "opcc_officer"})
READS_PAPERS = frozenset({"liaison", "committee_member", "opcc_officer"})
MANAGES_REPORTS = frozenset({"liaison", "other_force", "hmicfrs_lead", "other_hmicfrs_lead", "national_analyst"})
LIAISON_ANYWHERE = frozenset({"liaison", "other_force"})
NOBODY: frozenset[str] = frozenset()

# Who gets 200 from a GET of each page; everyone else gets 404 (405 where a page only takes POST).
READERS: dict[str, frozenset[str]] = {
    "register": EVERYONE,  # lists are scoped to the person: tested below for what they leave out
    "register_csv": EVERYONE,
    "register_xlsx": EVERYONE,
    "reports": EVERYONE,  # published reports are public documents
    "report": EVERYONE,
    "report_add": MANAGES_REPORTS,
    "report_item_add": MANAGES_REPORTS,
    "tracking": READS_REGISTER,
    "tracking_history": READS_REGISTER,
    "tracking_evidence_download": READS_REGISTER,
    "tracking_update": CONTRIBUTES,
    "tracking_evidence_add": CONTRIBUTES,
    "tracking_evidence_version": CONTRIBUTES,
    "tracking_signoff": CONTRIBUTES,  # the step is "submit"
    "tracking_status": CONTRIBUTES,
    "tracking_extension": CONTRIBUTES,
    "tracking_extension_decide": LIAISON,
    "tracking_rag": LIAISON,
    "tracking_review": LIAISON,
    "tracking_edit": LIAISON,
    "tracking_due_date": LIAISON,
    "tracking_hmicfrs_status": frozenset({"hmicfrs_lead"}),
    "response_list": EVERYONE,
    "response_start": NOBODY,  # POST only
    "response": READS_DRAFT_RESPONSE,
    "response_publish": NOBODY,  # POST only, and about a record: 404
    "response_pdf": READS_DRAFT_RESPONSE,
    "response_docx": READS_DRAFT_RESPONSE,
    "committee_list": EVERYONE,
    "committee": READS_PAPERS,
    "meeting_add": LIAISON,
    "forthcoming_add": LIAISON_ANYWHERE,
    "paper": READS_PAPERS,
    "paper_narrative": LIAISON,
    "inspection_held": LIAISON,
    "paper_pdf": READS_PAPERS,
    "paper_docx": READS_PAPERS,
}
POST_ONLY = {"response_start"}  # not about a record: 405 leaks nothing
PUBLIC = {"register", "register_csv", "register_xlsx", "reports", "report", "report_add", "report_item_add",
          "response_list", "committee_list", "forthcoming_add", "response_start"}  # fmt: skip
SECRET_REFERENCE = "REF-77123"  # the tracked item's reference: lists show it only to its readers


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    kwargs: tuple[str, ...]


def _walk(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif pattern.name:
            yield Route(pattern.name, prefix + str(pattern.pattern), tuple(pattern.pattern.regex.groupindex))


def register_routes() -> list[Route]:
    return list(_walk(get_resolver().namespace_dict["recommendations"][1].url_patterns))


@dataclass
class World:
    tracking: TrackingRecord
    report: Report
    response: GoverningBodyResponse
    committee: Committee
    meeting: CommitteeMeeting
    inspection: ForthcomingInspection
    ids: dict[str, int]

    def url(self, route: Route) -> str:
        owner = "inspections" if "inspections/<" in route.route else route.route.split("/", 1)[0]
        objects = {"reports": self.report, "responses": self.response, "committees": self.committee,
                   "papers": self.meeting, "inspections": self.inspection}  # fmt: skip
        values: dict[str, object] = {}
        for name in route.kwargs:
            if name == "pk":
                values[name] = objects.get(owner, self.tracking).pk
            elif name == "step":
                values[name] = "submit"
            else:
                values[name] = self.ids[name]
        return reverse(f"recommendations:{route.name}", kwargs=values)


@pytest.fixture
def world(personas: Personas, wmp: Organisation) -> World:
    tracking = TrackingRecord.objects.create(
        item=ItemFactory(reference=SECRET_REFERENCE, report__forces=[wmp]), organisation=wmp, owner=personas.owner,
        due_on=dt.date(2030, 1, 1),
    )  # fmt: skip
    evidence = services.add_evidence(tracking, personas.owner, title="Plan", effective_on=dt.date(2023, 1, 5),
                                     upload=SimpleUploadedFile("plan.pdf", simple_pdf([["Plan"]])))  # fmt: skip
    extension = services.request_extension(tracking, personas.owner, dt.date(2031, 1, 1), "Partners")
    report = tracking.item.report
    response = services.start_response(report, wmp, personas.opcc_officer)
    body = wmp.governing_body_on()
    assert body is not None and evidence.latest_version() is not None
    committee = Committee.objects.create(name="Joint Audit Committee", organisation=body)
    committee.forces.set([wmp])
    meeting = CommitteeMeeting.objects.create(committee=committee, held_on=dt.date(2022, 9, 29), agenda_item="07")
    inspection = ForthcomingInspection.objects.create(force=wmp, title="ROCU", expected="Early October",
                                                      notified_on=dt.date(2022, 9, 1))  # fmt: skip
    ids = {"evidence_pk": evidence.pk, "version_pk": evidence.latest_version().pk,  # type: ignore[union-attr]
           "extension_pk": extension.pk}  # fmt: skip
    tracking.refresh_from_db()
    return World(tracking, report, response, committee, meeting, inspection, ids)


def test_every_route_has_its_readers() -> None:
    names = {route.name for route in register_routes()}
    assert names == set(READERS), "say who may open each new page in READERS"
    assert len(names) > 30


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_opens_exactly_its_pages(world: World, personas: Personas, persona: str) -> None:
    client = client_for(getattr(personas, persona))
    for route in register_routes():
        status = client.get(world.url(route)).status_code
        if persona in READERS[route.name]:
            assert status == 200, (route.name, status)
        else:
            assert status == (405 if route.name in POST_ONLY else 404), (route.name, status)


@pytest.mark.parametrize("persona", sorted(EVERYONE - READS_REGISTER))
def test_people_outside_the_register_get_404_for_every_post_and_nothing_is_written(
    world: World, personas: Personas, persona: str
) -> None:
    client = client_for(getattr(personas, persona))
    before = (world.tracking.version, world.tracking.due_on, world.tracking.rag_override, world.tracking.status)
    data = {"version": world.tracking.version, "text": "x", "reason": "x", "decision": "approve",
            "decision_reason": "x", "rag": "green", "confirmed": "True", "report": world.report.pk,
            "force": world.tracking.organisation_id}  # fmt: skip
    for route in register_routes():
        if route.name in PUBLIC:
            continue
        assert client.post(world.url(route), data).status_code == 404, route.name
    for name in ("register", "register_csv", "response_list", "committee_list"):
        page = client.get(reverse(f"recommendations:{name}")).getvalue().decode("utf-8-sig")
        assert SECRET_REFERENCE not in page and "Joint Audit Committee" not in page, name
    assert client.post(reverse("recommendations:response_start"), data).status_code == 404
    world.tracking.refresh_from_db()
    assert (world.tracking.version, world.tracking.due_on, world.tracking.rag_override, world.tracking.status) == before
    assert not ProgressUpdate.objects.exists()
    assert GoverningBodyResponse.objects.get().body_comments == ""
