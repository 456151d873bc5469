from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "oversight.grants"
    verbose_name = "Role grants"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Grant

        auditlog.register(Grant)
