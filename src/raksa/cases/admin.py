"""Admin for cases: read-mostly. Cases change only through the services (so every change has its event); here
staff can look, and every case page opened writes the same PDPA access-log row as the workspace does."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from raksa.accounts.models import User
from raksa.cases.access import access_log_write, cases_visible_to
from raksa.cases.models import AccessLog, Case, CaseEvent, CaseParty, Referral


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CaseEventInline(ReadOnlyMixin, admin.TabularInline):
    model = CaseEvent
    fields = ("created_at", "kind", "actor", "unit", "data")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("created_at", "id")


class CasePartyInline(ReadOnlyMixin, admin.TabularInline):
    model = CaseParty
    fields = ("person", "role", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Case)
class CaseAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "number",
        "status",
        "public_stage",
        "category",
        "emergency_type",
        "owning_unit",
        "created_at",
    )
    list_filter = ("status", "emergency_type", "category", "channel")
    search_fields = ("number", "tracking_code")
    list_select_related = ("owning_unit",)
    show_full_result_count = False  # no COUNT(*) over millions of cases
    readonly_fields = [f.name for f in Case._meta.fields]
    inlines = (CasePartyInline, CaseEventInline)

    def get_queryset(self, request: HttpRequest) -> Any:
        # The same visibility as everywhere else; a superuser without a unit still sees nothing here.
        return cases_visible_to(request.user).select_related("owning_unit")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> Any:
        response = super().change_view(request, object_id, form_url, extra_context)
        user = request.user
        if response.status_code == 200 and isinstance(user, User):
            case = self.get_queryset(request).filter(pk=object_id).first()
            if case is not None:
                access_log_write(user=user, action="case_view", case=case, request=request)
        return response


@admin.register(Referral)
class ReferralAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("case", "from_unit", "to_unit", "state", "created_at", "decided_at")
    list_filter = ("state",)
    list_select_related = ("case", "from_unit", "to_unit")
    search_fields = ("case__number",)
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).filter(case__in=cases_visible_to(request.user))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_staff)


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("at", "user", "action", "case", "person", "channel", "ip", "path")
    list_filter = ("action", "channel")
    list_select_related = ("user", "case", "person")
    search_fields = ("user__username", "case__number")
    date_hierarchy = "at"
    show_full_result_count = False
