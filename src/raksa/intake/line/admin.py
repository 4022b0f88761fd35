"""LINE in the admin: the events as received (failed ones first to find, retried on demand), the chats, and the
groups the account was invited to, which an admin attaches to their unit."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from raksa.cases.admin import ReadOnlyMixin
from raksa.intake.line.models import LineChat, LineEvent, LineGroup
from raksa.intake.line.services import line_event_process_attempt, line_group_attach


@admin.register(LineEvent)
class LineEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "webhook_event_id",
        "type",
        "source_type",
        "mode",
        "state",
        "attempts",
        "next_attempt_at",
        "redelivered",
        "received_at",
    )
    list_filter = ("state", "type", "source_type", "mode")
    search_fields = ("webhook_event_id", "user_id", "group_id")
    ordering = ("-received_at", "-id")
    actions = ["retry_now"]
    readonly_fields = [f.name for f in LineEvent._meta.fields]

    @admin.action(description=_("ลองดำเนินการอีกครั้งเดี๋ยวนี้"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet[LineEvent]) -> None:
        done = failed = 0
        for event in queryset.filter(state=LineEvent.State.FAILED):
            result = line_event_process_attempt(event=event)
            if result.state == LineEvent.State.FAILED:
                failed += 1
            else:
                done += 1
        self.message_user(request, f"processed {done}, still failing {failed}", messages.INFO)


@admin.register(LineChat)
class LineChatAdmin(admin.ModelAdmin):
    list_display = (
        "user_id",
        "language",
        "following",
        "case",
        "pending_emergency",
        "pending_until",
        "updated_at",
    )
    search_fields = ("user_id", "case__number")
    readonly_fields = [f.name for f in LineChat._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LineGroup)
class LineGroupAdmin(admin.ModelAdmin):
    """Attaching a group to a unit (the unit field) makes it that unit's LINE group contact for alerts."""

    list_display = ("group_id", "source_type", "unit", "joined_at", "left_at")
    list_filter = ("source_type",)
    search_fields = ("group_id", "unit__code")
    fields = ("group_id", "source_type", "joined_at", "left_at", "unit")
    readonly_fields = ("group_id", "source_type", "joined_at", "left_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: LineGroup, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if obj.unit is not None:
            line_group_attach(group=obj, unit=obj.unit)
