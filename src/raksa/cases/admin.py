"""Admin for cases: read-mostly. Cases change only through the services (so every change has its event); here
staff can look, and every admin page that shows personal data writes PDPA access-log rows as the workspace does.

The people admins are registered here again with that logging (and the data subject's export): people sits
below cases and may not import the access log, so cases wraps people's own admin classes instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.views.main import SEARCH_VAR
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from raksa.accounts.models import User
from raksa.cases.access import Action, access_log_write_many, can_export_person, cases_visible_to
from raksa.cases.models import AccessLog, Case, CaseEvent, CaseParty, Referral
from raksa.cases.person_export import person_export_json
from raksa.people.admin import PersonAdmin, PersonMergeAdmin
from raksa.people.models import Person, PersonMerge

Seen = tuple[list[Case], list[Person]]


class AccessLoggedAdmin:
    """Access-log rows for the admin pages that show personal data: one record's pages (change, history,
    delete), and its list when searched (or always, for admins whose list rows name people).

    A subclass says whose data one of its records shows (`access_seen`). Rows are written only for a page that was
    answered (200), never for a refusal or a redirect after saving.
    """

    # True where a list row names a person (people, merges, the access log): every list page is logged, not
    # only a searched one.
    access_log_lists = False

    def access_seen(self, obj: Any) -> Seen:
        """The cases and people one record's own page shows."""
        raise NotImplementedError

    def access_listed(self, obj: Any) -> Seen:
        """The cases and people one row of the list shows; by default what its page shows."""
        return self.access_seen(obj)

    def _log(self, request: HttpRequest, action: str, objects: Iterable[Any]) -> None:
        user = request.user
        if not isinstance(user, User):
            return
        cases: list[Case] = []
        people: list[Person] = []
        for obj in objects:
            seen_cases, seen_people = (
                self.access_listed if action == Action.ADMIN_LIST else self.access_seen
            )(obj)
            cases.extend(seen_cases)
            people.extend(seen_people)
        access_log_write_many(
            user=user, action=action, cases=cases, people=people, request=request, channel="admin"
        )

    def _log_record_page(self, request: HttpRequest, response: Any, key: str) -> None:
        if response.status_code == 200 and isinstance(response, TemplateResponse):
            obj = (response.context_data or {}).get(key)
            if obj is not None:
                self._log(request, Action.ADMIN_VIEW, [obj])

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> Any:
        response = super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        self._log_record_page(request, response, "original")
        return response

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        response = super().history_view(request, object_id, extra_context)  # type: ignore[misc]
        self._log_record_page(request, response, "object")
        return response

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        response = super().delete_view(request, object_id, extra_context)  # type: ignore[misc]
        self._log_record_page(request, response, "object")
        return response

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        response = super().changelist_view(request, extra_context)  # type: ignore[misc]
        searched = bool((request.GET.get(SEARCH_VAR) or "").strip())
        if (
            (searched or self.access_log_lists)
            and response.status_code == 200
            and isinstance(response, TemplateResponse)
        ):
            changelist = (response.context_data or {}).get("cl")
            if changelist is not None:
                self._log(request, Action.ADMIN_LIST, changelist.result_list)
        return response


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CaseEventInline(ReadOnlyMixin, admin.TabularInline):
    model = CaseEvent
    fields = ("created_at", "kind", "stage", "actor", "unit", "data")
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
class CaseAdmin(AccessLoggedAdmin, ReadOnlyMixin, admin.ModelAdmin):
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
    # Not the tracking PIN's hash: nobody needs it, and a hash of six digits is worth hiding.
    readonly_fields = [f.name for f in Case._meta.fields if f.name != "tracking_pin"]
    inlines = (CasePartyInline, CaseEventInline)

    def get_queryset(self, request: HttpRequest) -> Any:
        # The same visibility as everywhere else; a superuser without a unit still sees nothing here.
        return cases_visible_to(request.user).select_related("owning_unit")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def access_seen(self, obj: Case) -> Seen:
        # The change page lists the people on the case (the parties inline).
        return [obj], [party.person for party in obj.parties.select_related("person")]

    def access_listed(self, obj: Case) -> Seen:
        return [obj], []  # a list row shows the number and status, nobody's name


@admin.register(Referral)
class ReferralAdmin(AccessLoggedAdmin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("case", "from_unit", "to_unit", "state", "created_at", "decided_at")
    list_filter = ("state",)
    list_select_related = ("case", "from_unit", "to_unit")
    search_fields = ("case__number",)
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).filter(case__in=cases_visible_to(request.user))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def access_seen(self, obj: Referral) -> Seen:
        return [obj.case], []


@admin.register(AccessLog)
class AccessLogAdmin(AccessLoggedAdmin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("at", "user", "action", "case", "person", "channel", "ip", "path")
    list_filter = ("action", "channel")
    list_select_related = ("user", "case", "person")
    search_fields = ("user__username", "case__number")
    date_hierarchy = "at"
    show_full_result_count = False
    access_log_lists = True  # each row names the person looked at

    def access_seen(self, obj: AccessLog) -> Seen:
        return ([obj.case] if obj.case else []), ([obj.person] if obj.person else [])


# --- people, with the access log and the data subject's export ---------------------------------------------------

admin.site.unregister(Person)
admin.site.unregister(PersonMerge)


@admin.register(Person)
class LoggedPersonAdmin(AccessLoggedAdmin, PersonAdmin):
    access_log_lists = True
    actions = ["export_person"]

    def access_seen(self, obj: Person) -> Seen:
        return [], [obj]

    @admin.action(
        description="Export everything about this person (data subject request) / ส่งออกข้อมูลทั้งหมดของบุคคล"
    )
    def export_person(self, request: HttpRequest, queryset: QuerySet[Person]) -> HttpResponse | None:
        user = request.user
        if not isinstance(user, User) or not can_export_person(user):
            self.message_user(
                request, "Only an admin may export / เฉพาะผู้ดูแลระบบเท่านั้นที่ส่งออกได้", messages.ERROR
            )
            return None
        people = list(queryset[:2])
        if len(people) != 1:
            self.message_user(request, "Choose exactly one person / กรุณาเลือกบุคคลหนึ่งคน", messages.WARNING)
            return None
        data = person_export_json(actor=user, person=people[0], channel="admin", request=request)
        response = HttpResponse(data, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="person-{people[0].pk}.json"'
        return response


@admin.register(PersonMerge)
class LoggedPersonMergeAdmin(AccessLoggedAdmin, PersonMergeAdmin):
    access_log_lists = True

    def access_seen(self, obj: PersonMerge) -> Seen:
        return [], [obj.survivor, obj.merged]
