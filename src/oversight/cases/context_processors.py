"""Whether to show "Cases" in the primary navigation: worked out only when a page renders it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

from . import access


def cases_navigation(request: HttpRequest) -> dict[str, Callable[[], object]]:
    # A callable: the template calls it once, and only on pages that show the navigation.
    def show() -> bool:
        return access.has_cases_section(request.user)

    def links() -> dict[str, bool]:
        return access.section_links(request.user)

    return {"show_cases_nav": show, "case_section_links": links}
