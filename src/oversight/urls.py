"""Top-level URLs: each capability mounts its own."""

from django.contrib import admin
from django.urls import include, path

from . import views
from .api.urls import urls as api_urls

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("oversight.accounts.urls")),
    path("organisations/", include("oversight.organisations.urls")),
    path("recommendations/", include("oversight.recommendations.urls")),
    path("cases/", include("oversight.cases.urls")),
    path("victims/", include("oversight.victims.urls")),
    path("workforce/", include("oversight.workforce.urls")),
    path("grants/", include("oversight.grants.urls")),
    path("documents/", include("oversight.ingest.views")),
    path("returns/", include("oversight.returns.views")),
    path("coding/", include("oversight.coding.views")),
    path("protection/imports/", include("oversight.protection.import_views")),
    path("protection/", include("oversight.protection.urls")),
    path("api/", api_urls),
    path("api-tokens/", include("oversight.api.views")),
    path("notifications/", include("oversight.notifications.views")),
    path("operations/jobs/", include("oversight.jobs.views")),
    path("audit/", include("oversight.audit.views")),
    path("retention/", include("oversight.retention.views")),
]

handler404 = "oversight.views.not_found"
