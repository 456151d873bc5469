"""Installed in place of django.contrib.admin, so that `admin.site` is Oversight's admin site.

Kept apart from admin_site.py: an app config is imported before models are ready.
"""

from django.contrib.admin.apps import AdminConfig


class OversightAdminConfig(AdminConfig):
    default_site = "oversight.organisations.admin_site.OversightAdminSite"
