"""Whether to show "Protective measures" in the primary navigation: worked out only when a page renders it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

from . import access


def protection_navigation(request: HttpRequest) -> dict[str, Callable[[], bool]]:
    def show() -> bool:
        return access.can_use_protection(request.user)

    return {"show_protection_nav": show}
