from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "oversight.accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib import admin
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from . import sessions  # noqa: F401 (connects the sign-in signal that remembers the roles)

        # django-otp offers its devices in the admin site, secrets included: an administrator could
        # read someone's key or give them a device of their own. Factors are reset only through
        # accounts.factors.reset_factors (recorded and alerted).
        if admin.site.is_registered(TOTPDevice):
            admin.site.unregister(TOTPDevice)
