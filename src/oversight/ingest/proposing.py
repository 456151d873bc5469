"""The extraction rules' proposals (plain dataclasses) -> unsaved `Proposal` rows for one document.

The rules speak the `oversight extract` contract's words; the register has its own (the College of
Policing is `college`, "forces" are the chief constables who lead them): the mapping is here, once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from oversight.lib import extraction
from oversight.lib.extraction.model import ProposedAction, ProposedAddressee, ProposedItem, RegisterEntry
from oversight.recommendations.models import Addressee, ItemKind

from .models import ActionStatus, DocumentKind, Proposal, ProposalKind, SourceDocument

ADDRESSEES = {
    ProposedAddressee.CHIEF_CONSTABLES: Addressee.CHIEF_CONSTABLES,
    ProposedAddressee.PCCS: Addressee.PCCS,
    ProposedAddressee.NPCC: Addressee.NPCC,
    ProposedAddressee.COLLEGE_OF_POLICING: Addressee.COLLEGE,
    ProposedAddressee.IOPC: Addressee.IOPC,
    ProposedAddressee.HOME_OFFICE: Addressee.HOME_OFFICE,
    ProposedAddressee.MOJ: Addressee.MOJ,
    ProposedAddressee.CPS: Addressee.CPS,
    # "Forces" are acted on by their chief constables: the register has one addressee for both.
    ProposedAddressee.FORCES: Addressee.CHIEF_CONSTABLES,
    ProposedAddressee.OTHER: Addressee.OTHER,
}

ITEM_KINDS = {
    "cause_of_concern": ItemKind.CAUSE_OF_CONCERN,
    "recommendation": ItemKind.RECOMMENDATION,
    "area_for_improvement": ItemKind.AREA_FOR_IMPROVEMENT,
}


def register_addressees(proposed: Sequence[str]) -> list[str]:
    """The register's addressee values for the contract's, each once, in the order given."""
    values = [ADDRESSEES[ProposedAddressee(value)].value for value in proposed if value in ADDRESSEES]
    return list(dict.fromkeys(values))


def extract(document: SourceDocument, text: str) -> list[Proposal]:
    """Run the rules for the document's kind and turn what they propose into unsaved rows."""
    if document.kind == DocumentKind.RESPONSE:
        return _answering([_action(document, action) for action in extraction.extract_response(text)], document)
    if document.kind == DocumentKind.REGISTER:
        entries = extraction.extract_register(text, document.published_on)
        return _items(document, [entry.item for entry in entries], entries)
    return _items(document, extraction.extract_report(text, document.published_on), None)


def _items(
    document: SourceDocument, items: Sequence[ProposedItem], entries: Sequence[RegisterEntry] | None
) -> list[Proposal]:
    rows = [_item(document, item) for item in items]
    for row, item in zip(rows, items, strict=True):
        if item.cause_of_concern is not None and 0 <= item.cause_of_concern < len(rows):
            row.cause_of_concern = rows[item.cause_of_concern]  # saved first by `write_proposals`
    for row, entry in zip(rows, entries or [], strict=False):
        row.kind = ProposalKind.REGISTER_ENTRY
        row.history = [{"on": e.on.isoformat(), "status": e.status, "comment": e.comment} for e in entry.history]
    return rows


def _item(document: SourceDocument, item: ProposedItem) -> Proposal:
    return Proposal(
        document=document,
        kind=ProposalKind.ITEM,
        item_kind=ITEM_KINDS.get(str(item.kind), ItemKind.RECOMMENDATION),
        reference=(item.ref or "")[:40],
        text=item.text,
        addressees=register_addressees(item.addressees),
        deadline_phrase=(item.deadline_text or "")[:120],
        due_on=item.due,
        urgent=item.urgent,
        deadline_understood=item.deadline_understood,
        span_start=item.span.start,
        span_end=item.span.end,
    )


def _action(document: SourceDocument, action: ProposedAction) -> Proposal:
    return Proposal(
        document=document,
        kind=ProposalKind.ACTION,
        text=action.text,
        action_status=ActionStatus(str(action.status)),
        answers=(action.answers or "")[:40],
        span_start=action.span.start,
        span_end=action.span.end,
    )


def _answering(actions: list[Proposal], document: SourceDocument) -> list[Proposal]:
    """Each action linked to the report's recommendation it names (by reference or number), if any."""
    if document.report is None:
        return actions
    recommendations = list(document.report.items.recommendations())
    for action in actions:
        named = action.answers.strip().lower()
        found = [i for i in recommendations if named and named in (i.reference.lower(), i.number.lower())]
        action.answers_item = found[0] if found else (recommendations[0] if len(recommendations) == 1 else None)
    return actions


def comparable(text: str) -> str:
    """Text as compared for "already confirmed": case, spacing and punctuation do not count."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def history_dates(history: list[dict[str, str]]) -> list[tuple[dt.date, str, str]]:
    return [(dt.date.fromisoformat(e["on"]), e["status"], e.get("comment", "")) for e in history]
