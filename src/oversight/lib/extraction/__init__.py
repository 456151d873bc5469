"""Clean text -> proposed register items, actions and the inspectorate's status history.

Plain Python, no Django. Every proposal carries the span of text it came from, so a person can
see it highlighted beside the proposal and every confirmed item links back to its passage.
"""

from oversight.lib.extraction.model import (
    ActionStatus,
    ProposedAction,
    ProposedAddressee,
    ProposedItem,
    ProposedKind,
    RegisterEntry,
    Span,
    StatusEntry,
)
from oversight.lib.extraction.register import extract_register
from oversight.lib.extraction.report import extract_report
from oversight.lib.extraction.response import extract_response

__all__ = [
    "ActionStatus",
    "ProposedAction",
    "ProposedAddressee",
    "ProposedItem",
    "ProposedKind",
    "RegisterEntry",
    "Span",
    "StatusEntry",
    "extract_register",
    "extract_report",
    "extract_response",
]
