from django.apps import AppConfig


class ProtectionConfig(AppConfig):
    name = "oversight.protection"
    verbose_name = "Protective measures"
