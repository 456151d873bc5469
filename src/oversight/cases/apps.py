from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "oversight.cases"
    verbose_name = "PPDA cases"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        for model in (
            models.Case,
            models.Victim,
            models.Subject,
            models.Allegation,
            models.TeamMember,
            models.BreakGlass,
            models.RestrictionReview,
        ):
            auditlog.register(model)
