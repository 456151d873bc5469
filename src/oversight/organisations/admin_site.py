"""The admin site, signed into through Oversight's own sign-in page (with its lock-out)."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse


class OversightAdminSite(admin.AdminSite):
    site_header = "Oversight administration"
    site_title = "Oversight administration"
    index_title = "People and organisations"

    def login(self, request: HttpRequest, extra_context: dict[str, object] | None = None) -> HttpResponse:
        # No second sign-in page: the admin site has none of its own, so lock-out always applies.
        if request.user.is_authenticated:
            raise Http404("Not found")  # signed in but not staff: as if the page did not exist
        return redirect_to_login(request.GET.get("next", reverse("admin:index")), reverse(settings.LOGIN_URL))
