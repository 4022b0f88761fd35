"""The directory in the admin: every code an administrator types is checked against geothai, in Thai and English."""

from __future__ import annotations

from typing import Any

import geothai
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from raksa.core.errors import UNKNOWN_AREA
from raksa.directory.errors import INVALID_CONTACT, UNKNOWN_HOME_PROVINCE
from raksa.directory.models import Agency, Contact, RoutingRule, ServiceArea, Unit
from raksa.directory.services import area_code_problem, contact_value_normalize


def _both(th: str, en: str) -> str:
    return f"{th} / {en}"


class ServiceAreaForm(forms.ModelForm):
    class Meta:
        model = ServiceArea
        fields = ["area_code"]

    def clean_area_code(self) -> str:
        code = (self.cleaned_data.get("area_code") or "").strip()
        problem = area_code_problem(code)
        if problem:
            raise ValidationError(_both(*problem), code=UNKNOWN_AREA.code)
        return code


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["kind", "value", "label", "on_call", "priority"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind, value = cleaned.get("kind"), cleaned.get("value")
        if kind and value:
            try:
                cleaned["value"] = contact_value_normalize(kind, value)
            except ValueError as exc:
                self.add_error("value", ValidationError(_both(*exc.args), code=INVALID_CONTACT.code))
        return cleaned


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["code", "agency", "name_th", "name_en", "kind", "province_code", "is_active"]

    def clean_province_code(self) -> str:
        code = (self.cleaned_data.get("province_code") or "").strip()
        if code and (len(code) != 2 or area_code_problem(code)):
            raise ValidationError(_both(*UNKNOWN_HOME_PROVINCE.messages(code=code)), code=UNKNOWN_AREA.code)
        return code


class ServiceAreaInline(admin.TabularInline):
    model = ServiceArea
    form = ServiceAreaForm
    extra = 1


class ContactInline(admin.TabularInline):
    model = Contact
    form = ContactForm
    extra = 1


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "short_name_th", "kind", "unit_count"]
    list_filter = ["kind"]
    search_fields = ["code", "name_th", "name_en", "short_name_th"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Agency]:
        return super().get_queryset(request).annotate(unit_count=Count("units"))

    @admin.display(description="units", ordering="unit_count")
    def unit_count(self, obj: Any) -> int:
        return int(obj.unit_count)


class ProvinceFilter(admin.SimpleListFilter):
    title = "province / จังหวัด"
    parameter_name = "province"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(p.code, f"{p.code} {p.name_th}") for p in geothai.provinces()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Unit]) -> QuerySet[Unit]:
        if self.value():
            return queryset.filter(province_code=self.value())
        return queryset


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    form = UnitForm
    inlines = [ServiceAreaInline, ContactInline]
    list_display = ["code", "name_th", "agency", "kind", "province_code", "is_active"]
    list_filter = ["kind", "is_active", "agency", ProvinceFilter]
    list_select_related = ["agency"]
    search_fields = ["code", "name_th", "name_en", "areas__area_code", "contacts__value"]
    autocomplete_fields = ["agency"]

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Unit], search_term: str) -> Any:
        queryset, _duplicates = super().get_search_results(request, queryset, search_term)
        # Searching through areas and contacts joins many rows per unit: show each unit once.
        return queryset.distinct(), False


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["category", "agency", "note"]
    list_filter = ["agency"]
    list_select_related = ["agency"]
    search_fields = ["category", "note", "agency__code", "agency__name_th"]
    autocomplete_fields = ["agency"]
