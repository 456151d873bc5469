from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "oversight.retention"
    verbose_name = "Retention and subject access"
