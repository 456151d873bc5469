from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "oversight.backups"
    verbose_name = "Backups"
