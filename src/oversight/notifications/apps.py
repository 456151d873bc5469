from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "oversight.notifications"
    label = "notifications"
    verbose_name = "Notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from oversight.audit.signals import attempt_recorded

        from .alerts import queue_alert_notices

        attempt_recorded.connect(queue_alert_notices, dispatch_uid="notifications.alerts")
