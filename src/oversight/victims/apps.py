from django.apps import AppConfig


class VictimsConfig(AppConfig):
    name = "oversight.victims"
    verbose_name = "The victim's voice"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        for model in (models.OicChangeRequest, models.SupportReferral, models.MaracReferral):
            auditlog.register(model)
