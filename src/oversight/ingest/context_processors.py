"""Whether to show "Documents" in the primary navigation: worked out only when a page renders it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

from . import access


def ingest_navigation(request: HttpRequest) -> dict[str, Callable[[], bool]]:
    def show() -> bool:
        return access.can_upload_documents(request.user)

    return {"show_documents_nav": show}
