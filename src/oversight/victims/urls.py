"""The victim's voice on PPDA cases: mounted at /victims/."""

from .views import urlpatterns

app_name = "victims"
__all__ = ["app_name", "urlpatterns"]
