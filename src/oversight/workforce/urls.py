"""Workforce URLs: /workforce/ and /workforce/<force slug>/ (app "workforce")."""

from .views import urlpatterns as view_urlpatterns

app_name = "workforce"
urlpatterns = [*view_urlpatterns]
