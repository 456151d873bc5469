from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "oversight.returns"
    verbose_name = "National returns"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Question, ReturnRequest

        for model in (ReturnRequest, Question):
            auditlog.register(model)
