"""Counts for the home page, from the records the person may see."""

from typing import Any

from oversight.organisations.access import AnyUser


def register_summary(user: AnyUser) -> dict[str, Any]:
    return {}
