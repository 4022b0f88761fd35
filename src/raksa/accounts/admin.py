"""Staff and tokens in the admin. A token's hash is never shown; new tokens come from `raksa token create`."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from raksa.accounts.models import ApiToken, User
from raksa.accounts.services import login_unlock, second_factor_reset, token_revoke


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("Raksa", {"fields": ("display_name", "role", "unit", "phone")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        ("Raksa", {"fields": ("display_name", "role", "unit")}),
    )
    list_display = ["username", "display_name", "role", "unit", "is_active", "is_staff", "last_login"]
    list_filter = ["role", "is_active", "is_staff", "unit__agency", "unit__kind"]
    list_select_related = ["unit"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email", "phone", "unit__code"]
    autocomplete_fields = ["unit"]
    actions = ["reset_second_factor", "unlock_sign_in"]

    @admin.action(
        description="Reset two-factor sign-in (lost phone) / ล้างการยืนยันตัวตนสองขั้นตอน", permissions=["change"]
    )
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        removed = sum(second_factor_reset(user=user) for user in queryset)
        self.message_user(
            request,
            f"Removed {removed} device(s); they set up an app at their next sign-in / "
            f"ลบแล้ว {removed} รายการ ผู้ใช้จะตั้งค่าแอปใหม่เมื่อเข้าสู่ระบบครั้งถัดไป",
            messages.SUCCESS,
        )

    @admin.action(
        description="Unlock sign-in after failed passwords / ปลดล็อกการเข้าสู่ระบบ", permissions=["change"]
    )
    def unlock_sign_in(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        cleared = sum(login_unlock(username=user.username) for user in queryset)
        self.message_user(
            request, f"Cleared {cleared} failed attempt record(s) / ล้างแล้ว {cleared} รายการ", messages.SUCCESS
        )


_TOKEN_FIELDS = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    fields = _TOKEN_FIELDS
    readonly_fields = _TOKEN_FIELDS
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["prefix", "name", "user__username"]
    actions = ["revoke"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiToken]:
        return super().get_queryset(request).defer("key_hash")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Revoke selected tokens / ยกเลิกโทเค็นที่เลือก", permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        tokens: Any = queryset.filter(revoked_at__isnull=True)
        count = 0
        for token in tokens:
            token_revoke(token=token)
            count += 1
        self.message_user(request, f"revoked {count} token(s) / ยกเลิกแล้ว {count} รายการ", messages.SUCCESS)
