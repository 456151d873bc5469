from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "oversight.ingest"
    verbose_name = "Documents in"
