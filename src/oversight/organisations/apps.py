from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "oversight.organisations"
    verbose_name = "Organisations"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import GoverningBodyTerm, Membership, Organisation

        for model in (Organisation, GoverningBodyTerm, Membership):
            auditlog.register(model)
