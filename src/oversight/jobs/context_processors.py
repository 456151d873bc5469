"""Whether to show "Jobs" in the primary navigation: worked out only when a page renders it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

from . import access


def jobs_navigation(request: HttpRequest) -> dict[str, Callable[[], bool]]:
    def show() -> bool:
        return access.can_view_jobs(request.user)

    return {"show_jobs_nav": show}
