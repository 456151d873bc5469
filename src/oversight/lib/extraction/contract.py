"""Proposals -> the `oversight extract` command's JSON (a contract checks rely on: keep it stable)."""

from __future__ import annotations

from typing import Any

from oversight.lib.extraction.model import ProposedAction, ProposedItem, RegisterEntry


def item_json(item: ProposedItem) -> dict[str, Any]:
    """{"kind", "ref", "text", "addressees", "deadline_text", "due", "urgent"}, as the contract has them."""
    return {
        "kind": item.kind.value,
        "ref": item.ref,
        "text": item.text,
        "addressees": [addressee.value for addressee in item.addressees],
        "deadline_text": item.deadline_text,
        "due": item.due.isoformat() if item.due else None,
        "urgent": item.urgent,
    }


def action_json(action: ProposedAction) -> dict[str, Any]:
    return {"text": action.text, "status": action.status.value}


def entry_json(entry: RegisterEntry) -> dict[str, Any]:
    """A register entry: the item's fields and its dated history, oldest first."""
    history = [
        {"on": status.on.isoformat(), "status": status.status, "comment": status.comment} for status in entry.history
    ]
    return {**item_json(entry.item), "history": history}
