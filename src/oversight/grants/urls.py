"""Roles URLs: /grants/ (app "grants")."""

from .views import urlpatterns as view_urlpatterns

app_name = "grants"
urlpatterns = [*view_urlpatterns]
