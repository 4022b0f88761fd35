"""Reports in the admin: read-only (a report is kept exactly as received), with the failed ones first to find and
an action to retry them now."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from raksa.intake.models import Call, Report
from raksa.intake.services import report_process_attempt


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("public_id", "channel", "state", "attempts", "next_attempt_at", "case", "created_at")
    list_filter = ("state", "channel")
    search_fields = ("public_id", "idempotency_key", "case__number")
    ordering = ("-created_at",)
    actions = ["retry_now"]
    readonly_fields = [f.name for f in Report._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("ลองดำเนินการอีกครั้งเดี๋ยวนี้"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        done = failed = 0
        for report in queryset.exclude(state=Report.State.PROCESSED):
            result = report_process_attempt(report=report)
            if result.state == Report.State.PROCESSED:
                done += 1
            else:
                failed += 1
        self.message_user(request, f"processed {done}, still failing {failed}", messages.INFO)


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ("call_id", "caller", "agent", "rang_at", "answered_at", "ended_at", "outcome", "case")
    list_filter = ("outcome",)
    search_fields = ("call_id", "caller")
    readonly_fields = [f.name for f in Call._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
