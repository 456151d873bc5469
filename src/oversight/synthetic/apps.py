from django.apps import AppConfig


class SyntheticConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "oversight.synthetic"
    verbose_name = "National-scale synthetic data"
