"""The system administrator's pages: people, organisations, governing-body terms and memberships.

Deliberately nothing else: no case, victim, register or audit-log model is registered, so the
administrator role never reaches a locked record through the admin site. And no page here lists
what hangs on a person or an organisation: people and organisations are deactivated, never
deleted (the delete confirmation would list their cases, victims and register rows), so neither
has a delete permission or a delete action. Guarded roles (those that open cases, and the
administrator's own) are granted on the Roles pages under the two-person rule, never here:
memberships of those roles are read-only in the admin site.
"""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html

from .models import GUARDED_ROLES, GoverningBodyTerm, Membership, Organisation, Role

# django-auditlog registers its log for the admin site; the change trail includes case details,
# so it stays out of reach and is read only through each record's own history page.
if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)
# Groups carry permissions; nothing in Oversight uses them, and a group is a way round the
# two-person rule for admin-site access, so they are not managed here.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


def _deactivate(queryset: QuerySet[Any]) -> int:
    """Deactivate each record with save(), so that the change log records who did it and when."""
    records = list(queryset.filter(is_active=True))
    for record in records:
        record.is_active = False
        record.save(update_fields=["is_active"])
    return len(records)


def _roles_page() -> str:
    return reverse("grants:index")


class GoverningBodyTermInline(admin.TabularInline):
    model = GoverningBodyTerm
    fk_name = "force"
    extra = 0


@admin.action(description="Deactivate the selected organisations", permissions=["change"])
def deactivate_organisations(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    count = _deactivate(queryset)
    modeladmin.message_user(request, f"{count} organisation(s) deactivated: nobody's role in them counts.")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region", "body_type", "is_active")
    list_filter = ("kind", "region", "is_active")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = [GoverningBodyTermInline]
    actions = [deactivate_organisations]

    def has_delete_permission(self, request: HttpRequest, obj: Organisation | None = None) -> bool:
        return False  # deactivated, never deleted: records hang on it

    def get_readonly_fields(self, request: HttpRequest, obj: Organisation | None = None) -> tuple[str, ...]:
        # A force stays a force: the rules for who may hold which role read the kind.
        return ("kind",) if obj is not None else ()


class MembershipForm(ModelForm):
    class Meta:
        model = Membership
        fields = ("user", "organisation", "role", "portfolio", "covers")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "role" not in self.fields:
            return  # a guarded membership, shown read-only
        field = self.fields["role"]
        field.choices = [(value, label) for value, label in Role.choices if value not in GUARDED_ROLES]  # type: ignore[attr-defined]
        field.help_text = format_html(
            "Roles that open cases (PSD lead, case handler, investigator, single point of contact) and the "
            'administrator\'s are not granted here: ask for them on the <a href="{}">Roles page</a>, where a '
            "second person approves them.",
            _roles_page(),
        )
        self.fields["organisation"].queryset = Organisation.objects.filter(is_active=True)  # type: ignore[attr-defined]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipForm
    list_display = ("user", "organisation", "role", "portfolio", "approved_at")
    list_filter = ("role", "organisation__kind")
    search_fields = ("user__username", "user__first_name", "user__last_name", "organisation__name")
    autocomplete_fields = ("user", "organisation")
    filter_horizontal = ("covers",)
    readonly_fields = ("granted_by", "approved_by", "approved_at")

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one at a time, so a guarded role is never deleted in bulk
        return actions

    def has_change_permission(self, request: HttpRequest, obj: Membership | None = None) -> bool:
        return super().has_change_permission(request, obj) and not (obj is not None and obj.is_guarded)

    def has_delete_permission(self, request: HttpRequest, obj: Membership | None = None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.is_guarded)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        messages.info(
            request,
            format_html(
                'Roles that open cases, and the administrator\'s, are granted and revoked on the <a href="{}">Roles '
                "page</a> (two people), and are read-only here.",
                _roles_page(),
            ),
        )
        return super().changelist_view(request, extra_context)


@admin.action(description="Deactivate the selected people", permissions=["change"])
def deactivate_people(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    count = _deactivate(queryset.exclude(pk=request.user.pk))
    modeladmin.message_user(request, f"{count} person(s) deactivated: they can no longer sign in.")


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class UserAccountAdmin(UserAdmin):
    """People: added, edited and deactivated, never deleted.

    Admin-site access (staff, superuser, permissions) follows an approved administrator's role and
    is not edited here; and nobody resets the password of someone who holds or is being granted a
    guarded role (they would then sign in as them), except a superuser.
    """

    actions = [deactivate_people]
    list_filter = ("is_active", "is_staff")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        ("Status", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("is_staff", "is_superuser", "last_login", "date_joined")

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return False  # deactivated, never deleted: cases, decisions and the trail name them

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        if not request.user.is_superuser and _holds_or_awaits_guarded_role(id):
            raise PermissionDenied("Only the person, or a superuser, changes this password.")
        return super().user_change_password(request, id, form_url)


def _holds_or_awaits_guarded_role(user_id: str) -> bool:
    """Holds a guarded role, or one has been asked for them. The pending grants live in
    oversight.grants, which depends on this app, so its model is looked up by name, not imported."""
    from django.apps import apps

    if not str(user_id).isdigit():
        return False
    if Membership.objects.filter(user_id=user_id, role__in=GUARDED_ROLES).exists():
        return True
    grant = apps.get_model("grants", "Grant")
    return grant.objects.filter(user_id=user_id, state="pending").exists()
