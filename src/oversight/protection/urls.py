"""The protection app's pages under /protection/; the dashboard's routes come from its own module."""

from __future__ import annotations

from typing import Any

from . import dashboard_views, views

app_name = "protection"

urlpatterns: list[Any] = list(views.urlpatterns)
urlpatterns += dashboard_views.urlpatterns
