"""The outbox in the admin: read-only (a message is a record of what went out), the failed ones first."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest

from raksa.notify.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = (
        "key",
        "transport",
        "to",
        "purpose",
        "ref",
        "state",
        "attempts",
        "next_attempt_at",
        "sent_at",
    )
    list_filter = ("state", "transport")
    search_fields = ("key", "to", "ref", "provider_ref")
    ordering = (
        Case(
            When(state=Message.State.FAILED, then=Value(0)), default=Value(1), output_field=IntegerField()
        ).asc(),
        "-created_at",
    )
    readonly_fields = [f.name for f in Message._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
