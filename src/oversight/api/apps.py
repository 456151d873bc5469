from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "oversight.api"
    verbose_name = "API"
