from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "oversight.cases"
    verbose_name = "PPDA cases"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from oversight.workforce.signals import register_changed, register_changing

        from . import holds, models, services

        register_changed.connect(services.on_register_changed, dispatch_uid="cases-refresh-exclusions")
        register_changing.connect(holds.on_register_changing, dispatch_uid="cases-hold-removed-connections")

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
