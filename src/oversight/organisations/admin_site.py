"""The admin site, signed into through Oversight's own sign-in page (with its lock-out).

It manages people and organisations, nothing locked (organisations/admin.py). Its "view on site"
shortcut, which Django answers for any record of any model by content type and id, is replaced by
a plain 404: nothing registered here has a page of its own, and the shortcut would otherwise tell
a staff user whether a case with a given id exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path, reverse

if TYPE_CHECKING:
    from django.contrib.auth.models import Permission

# What a system administrator manages in the admin site: people, organisations, governing-body terms
# and memberships of roles that open nothing. People and organisations are deactivated, never deleted.
ADMINISTRATION_PERMISSIONS = (
    ("auth", "user", ("view", "add", "change")),
    ("organisations", "organisation", ("view", "add", "change")),
    ("organisations", "governingbodyterm", ("view", "add", "change", "delete")),
    ("organisations", "membership", ("view", "add", "change", "delete")),
)


def administration_permissions() -> list[Permission]:
    """The admin-site permissions an approved administrator holds (given and taken by oversight.grants)."""
    from django.contrib.auth.models import Permission

    found: list[Permission] = []
    for app_label, model, actions in ADMINISTRATION_PERMISSIONS:
        codenames = [f"{action}_{model}" for action in actions]
        found += Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    return found


def _no_shortcut(request: HttpRequest, content_type_id: int, object_id: str) -> HttpResponse:
    raise Http404("Not found")


class OversightAdminSite(admin.AdminSite):
    site_header = "Oversight administration"
    site_title = "Oversight administration"
    index_title = "People and organisations"

    def login(self, request: HttpRequest, extra_context: dict[str, object] | None = None) -> HttpResponse:
        # No second sign-in page: the admin site has none of its own, so lock-out always applies.
        if request.user.is_authenticated:
            raise Http404("Not found")  # signed in but not staff: as if the page did not exist
        return redirect_to_login(request.GET.get("next", reverse("admin:index")), reverse(settings.LOGIN_URL))

    def get_urls(self) -> list[URLResolver | URLPattern]:
        urls = [url for url in super().get_urls() if getattr(url, "name", None) != "view_on_site"]
        return [
            path("r/<int:content_type_id>/<path:object_id>/", self.admin_view(_no_shortcut), name="view_on_site"),
            *urls,
        ]
