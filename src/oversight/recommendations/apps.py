from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "oversight.recommendations"
    verbose_name = "Recommendation register"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        for model in (
            models.Report,
            models.Item,
            models.TrackingRecord,
            models.Evidence,
            models.ExtensionRequest,
            models.GoverningBodyResponse,
            models.ResponseAction,
            models.Committee,
            models.CommitteeMeeting,
            models.ForthcomingInspection,
        ):
            auditlog.register(model)
