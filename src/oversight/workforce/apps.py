from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "oversight.workforce"
    verbose_name = "Workforce"
