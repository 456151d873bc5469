"""Whether to show "Roles" in the primary navigation: worked out only when a page renders it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

from . import access


def grants_navigation(request: HttpRequest) -> dict[str, Callable[[], bool]]:
    def show() -> bool:
        return access.has_grants_section(request.user)

    return {"show_grants_nav": show}
