from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "oversight.jobs"
    verbose_name = "Background jobs"

    def ready(self) -> None:
        from . import registry

        registry.load()
