from django.apps import AppConfig


class CodingConfig(AppConfig):
    name = "oversight.coding"
    verbose_name = "Coding"
