"""Whether to show "Workforce" in the primary navigation: worked out only when a page renders it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

from . import access


def workforce_navigation(request: HttpRequest) -> dict[str, Callable[[], bool]]:
    # A callable: the template calls it only on pages that show the navigation.
    def show() -> bool:
        return access.can_manage_any_register(request.user)

    return {"show_workforce_nav": show}
