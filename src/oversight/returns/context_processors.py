"""Whether to show "Returns" in the primary navigation: worked out only when a page renders it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

from . import access


def returns_navigation(request: HttpRequest) -> dict[str, Callable[[], bool]]:
    def show() -> bool:
        return access.can_use_returns(request.user)

    return {"show_returns_nav": show}
