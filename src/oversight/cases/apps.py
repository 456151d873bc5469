from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "oversight.cases"
    verbose_name = "PPDA cases"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from oversight.workforce.signals import register_changed

        from . import models, services

        register_changed.connect(services.on_register_changed, dispatch_uid="cases-refresh-exclusions")

        for model in (
            models.Case,
            models.Victim,
            models.Subject,
            models.Allegation,
            models.TeamMember,
            models.BreakGlass,
            models.RestrictionReview,
            models.Exclusion,
        ):
            auditlog.register(model)
