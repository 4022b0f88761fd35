from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from raksa.people import matching
from raksa.people.models import Address, Identifier, Person, PersonMerge
from raksa.people.services import _refresh_keys


class IdentifierInline(admin.TabularInline):
    model = Identifier
    extra = 0
    fields = ("kind", "value", "label")


class AddressInline(admin.TabularInline):
    model = Address
    extra = 0
    fields = ("text", "province_code", "district_code", "subdistrict_code", "postal_code", "is_current")


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "display_name",
        "birth_year",
        "province_code",
        "status",
        "merged_into",
        "created_at",
    )
    list_filter = ("status", "sex")
    search_fields = ("name_key", "last_name_key", "identifiers__value")
    readonly_fields = ("name_key", "last_name_key", "name_soundex", "merged_into", "created_by", "created_at")
    raw_id_fields = ("merged_into", "created_by")
    inlines = (IdentifierInline, AddressInline)
    show_full_result_count = False

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        # Search the stored keys by prefix (indexed) instead of Django's icontains over a million rows.
        term = search_term.strip()
        if not term:
            return queryset, False
        key = matching.name_key(term)
        by_name = queryset.filter(name_key__startswith=key) | queryset.filter(last_name_key__startswith=key)
        ids = Identifier.objects.filter(value=term.replace(" ", "").replace("-", "")).values("person_id")
        return (by_name | queryset.filter(pk__in=ids)).distinct(), True

    def save_model(self, request: HttpRequest, obj: Person, form: Any, change: bool) -> None:
        _refresh_keys(obj)
        super().save_model(request, obj, form, change)


@admin.register(PersonMerge)
class PersonMergeAdmin(admin.ModelAdmin):
    list_display = ("id", "survivor", "merged", "performed_by", "created_at", "reversed_at")
    readonly_fields = (
        "survivor",
        "merged",
        "performed_by",
        "reason",
        "moved",
        "reversed_at",
        "reversed_by",
        "created_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
