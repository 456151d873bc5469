from typing import Any

from django.http import HttpRequest


def current_organisation(request: HttpRequest) -> dict[str, Any]:
    return {
        "current_organisation": getattr(request, "organisation", None),
        "user_organisations": getattr(request, "organisations", []),
    }
