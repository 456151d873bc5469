from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "oversight.workforce"
    verbose_name = "Workforce"

    def ready(self) -> None:
        from . import chains  # noqa: F401 (connects the signals that keep the line-management closure current)
