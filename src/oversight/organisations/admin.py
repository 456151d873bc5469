"""The system administrator's pages: people, organisations, governing-body terms and memberships.

Deliberately nothing else: no case, victim, register or audit-log model is registered, so the
administrator role never reaches a locked record through the admin site.
"""

from auditlog.models import LogEntry
from django.contrib import admin

from .models import GoverningBodyTerm, Membership, Organisation

# django-auditlog registers its log for the admin site; the change trail includes case details,
# so it stays out of reach and is read only through each record's own history page.
if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)


class GoverningBodyTermInline(admin.TabularInline):
    model = GoverningBodyTerm
    fk_name = "force"
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region", "body_type")
    list_filter = ("kind", "region")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = [GoverningBodyTermInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "portfolio")
    list_filter = ("role", "organisation__kind")
    search_fields = ("user__username", "user__first_name", "user__last_name", "organisation__name")
    autocomplete_fields = ("user", "organisation")
    filter_horizontal = ("covers",)
