from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "oversight.audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from . import chain

        chain.connect()
