"""The JSON API and the tokens people use to call it."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "oversight.api"
    verbose_name = "API"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import ApiToken

        # Who created or revoked a token, and when; the hash and each use are not audit events.
        auditlog.register(ApiToken, exclude_fields=["key_hash", "last_used_at"])
