"""Documents in with the real reader and rules: the seed response, a register entry, and hostile files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile

from oversight.ingest import access, services
from oversight.ingest.models import Decision, ProposalKind, ReadingStatus, SourceDocument
from oversight.organisations.models import Organisation
from oversight.recommendations import services as register_services
from oversight.recommendations.models import GoverningBodyResponse, HmicfrsStatus, Item, ReportKind, ResponseStatus
from tests.factories import ItemFactory, ReportFactory
from tests.personas import Personas

pytest_plugins = ["tests.ingest_fixtures"]

pytestmark = pytest.mark.usefixtures("immediate_tasks")

DATA = Path(__file__).parent / "data"
SEED = DATA / "wm-pcc-response-ppda-super-complaint.pdf-extract.txt"
REGISTER_ENTRY = Path(__file__).parent.parent / "bench/ingest/documents/hmicfrs-register-devon-cornwall-6989.txt"


@pytest.fixture
def ppda_response(personas: Personas, wmp: Organisation) -> GoverningBodyResponse:
    report = ReportFactory(
        title="Police perpetrated domestic abuse", kind=ReportKind.SUPER_COMPLAINT, forces=[wmp],
        published_on=dt.date(2023, 6, 14),
    )  # fmt: skip
    ItemFactory(report=report, reference="", number="3", text="PCCs, MoJ and chief constables should ...")
    return register_services.start_response(report, wmp, personas.opcc_officer)


def _upload(personas: Personas, wmp: Organisation, path: Path, **target: object) -> SourceDocument:
    file = ContentFile(path.read_bytes(), name=path.name)
    document = services.store_document(personas.liaison, file, organisation=wmp, **target)  # type: ignore[arg-type]
    return SourceDocument.objects.get(pk=document.pk)


def test_the_seed_response_becomes_steps_under_the_recommendation_it_answers(
    personas: Personas, wmp: Organisation, ppda_response: GoverningBodyResponse
) -> None:
    document = _upload(personas, wmp, SEED, kind="response", response=ppda_response)
    assert document.status == ReadingStatus.READ, document.failure_reason
    actions = list(document.proposals.all())
    assert len(actions) >= 4 and {a.kind for a in actions} == {ProposalKind.ACTION}
    recommendation = ppda_response.report.items.get(number="3")
    assert {a.answers_item for a in actions} == {recommendation}
    steps = [a for a in actions if a.text.startswith("Through the Domestic Abuse Regional Board")]
    assert len(steps) == 1 and steps[0].action_status == "intended"

    services.drop_proposal(actions[0], personas.liaison, document.version)
    document.refresh_from_db()
    services.confirm_document(document, personas.liaison, document.version)
    action = ppda_response.actions.get(item=recommendation)
    assert "Through the Domestic Abuse Regional Board" in action.steps
    assert actions[0].text not in action.steps
    assert document.proposals.filter(decision=Decision.CONFIRMED, response_action=action).count() == len(actions) - 1


def test_a_published_response_takes_no_steps_from_a_document(
    personas: Personas, wmp: Organisation, ppda_response: GoverningBodyResponse
) -> None:
    document = _upload(personas, wmp, SEED, kind="response", response=ppda_response)
    assert document.status == ReadingStatus.READ, document.failure_reason
    GoverningBodyResponse.objects.filter(pk=ppda_response.pk).update(
        status=ResponseStatus.PUBLISHED, published_on=dt.date(2023, 8, 1)
    )
    assert ppda_response not in access.response_choices(personas.liaison)
    document.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.confirm_document(document, personas.liaison, document.version)
    assert not ppda_response.actions.exclude(steps="").exists()
    assert not document.proposals.filter(decision=Decision.CONFIRMED).exists()


def test_a_register_entry_brings_its_item_and_the_inspectorates_history(personas: Personas, wmp: Organisation) -> None:
    report = ReportFactory(title="Crime data integrity", forces=[wmp], published_on=dt.date(2016, 11, 1))
    document = _upload(personas, wmp, REGISTER_ENTRY, kind="register", report=report)
    assert document.status == ReadingStatus.READ, document.failure_reason
    services.confirm_document(document, personas.liaison, document.version)
    item = Item.objects.get(report=report)
    assert item.due_on == dt.date(2017, 5, 1)  # "Within six months" of publication
    record = item.tracking_records.get(organisation=wmp)
    history = list(record.hmicfrs_history.order_by("recorded_on"))
    assert [entry.status for entry in history][-1] == HmicfrsStatus.COMPLETE
    assert history[0].recorded_on == dt.date(2017, 2, 9)
    assert record.hmicfrs_status == HmicfrsStatus.COMPLETE
    assert record.status == "open"  # the force's own status is kept apart


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("scan.pdf", b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"),
        ("report.docx", b"PK\x03\x04" + b"\x00" * 60),
        ("notes.txt", "Recommendation 1 Within six months".encode("utf-16")[:-1] + b"\xff\xfe\x00"),
    ],
)
def test_a_hostile_file_is_failed_with_a_reason_and_creates_nothing(
    personas: Personas, wmp: Organisation, tmp_path: Path, name: str, content: bytes
) -> None:
    report = ReportFactory(forces=[wmp])
    path = tmp_path / name
    path.write_bytes(content)
    try:
        document = _upload(personas, wmp, path, kind="report", report=report)
    except ValidationError as refused:  # screened before it is stored (lib/screening.py): nothing is kept
        assert refused.message_dict["file"] and "Traceback" not in refused.messages[0]
        assert not SourceDocument.objects.exists() and not Item.objects.filter(report=report).exists()
        return
    if document.status == ReadingStatus.READ:  # a text in an odd encoding may still be read, never half-read
        assert document.text
        return
    assert document.status == ReadingStatus.FAILED
    assert document.failure_reason and "Traceback" not in document.failure_reason
    assert not document.proposals.exists() and not Item.objects.filter(report=report).exists()
