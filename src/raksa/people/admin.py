"""The person index in the admin. An administrator's edit is held to the same checks as every other channel:
each form runs the people services' own validation (people.services.validation) and shows its messages, so a
national ID of "123" or a birth year of 1200 is refused here with the words the API and the workspace use."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from raksa.core.errors import FieldError, InvalidInput
from raksa.core.text import clean_text
from raksa.people import matching
from raksa.people.errors import ONE_NATIONAL_ID
from raksa.people.models import Address, Identifier, Person, PersonMerge
from raksa.people.services import _refresh_keys
from raksa.people.services.person import _identifier_in_use
from raksa.people.services.validation import (
    ADDRESS_KEYS,
    IDENTIFYING_NAMES,
    NAME_FIELDS,
    address_check,
    identifier_check,
    identity_problems,
    person_fields_check,
)

# The Person fields the services validate; the others shown are derived (keys) or read-only.
_PERSON_CHECKED = (*NAME_FIELDS, "sex", "birth_date", "birth_year", "nationality", "status", "province_code")


def _message(error: FieldError) -> ValidationError:
    return ValidationError(f"{error.message_th} / {error.message_en}", code=error.code)


def _add_errors(
    form: forms.BaseForm, errors: Iterable[FieldError], fields: dict[str, str] | None = None
) -> None:
    for error in errors:
        name = (fields or {}).get(error.field, error.field)
        form.add_error(name if name in form.fields else None, _message(error))


class PersonAdminForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = (*_PERSON_CHECKED, "birth_year_estimated")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        data = {name: cleaned.get(name) for name in _PERSON_CHECKED if name in self.fields}
        problems = person_fields_check(data)
        _add_errors(self, problems)
        if not problems:
            cleaned.update({name: value for name, value in data.items() if name in self.fields})
            if "birth_year_estimated" in data and "birth_year_estimated" in self.fields:
                cleaned["birth_year_estimated"] = data["birth_year_estimated"]
        return cleaned


class IdentifierForm(forms.ModelForm):
    class Meta:
        model = Identifier
        fields = ("kind", "value", "label")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind, value = cleaned.get("kind"), cleaned.get("value")
        if kind and value:
            normalized, problems = identifier_check(kind=kind, value=value)
            _add_errors(self, problems, {problems[0].field: "value"} if problems else None)
            if normalized:
                cleaned["value"] = normalized
                holder = Identifier.objects.filter(kind=kind, value=normalized).exclude(pk=self.instance.pk)
                if holder.exists():
                    conflict = _identifier_in_use(
                        "line_user_id" if kind == Identifier.Kind.LINE_USER else kind
                    )
                    self.add_error("value", _message(conflict.errors[0]))
        try:
            cleaned["label"] = clean_text(
                cleaned.get("label"), field="label", max_length=100, what_th="คำอธิบาย", what_en="label"
            )
        except InvalidInput as exc:
            _add_errors(self, exc.errors)
        return cleaned


class IdentifierFormSet(forms.BaseInlineFormSet):
    """What the person's identifiers must be together: one national ID, a few phones, and something that makes
    the record findable (its name, from the person form above, or an identifier)."""

    def clean(self) -> None:
        super().clean()
        kept = [
            form.cleaned_data
            for form in self.forms
            if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
        ]
        kinds = [data.get("kind") for data in kept if data.get("value")]
        if kinds.count(Identifier.Kind.NATIONAL_ID) > 1:
            raise ValidationError(" / ".join(ONE_NATIONAL_ID.messages()), code=ONE_NATIONAL_ID.code)
        names = {name: getattr(self.instance, name, "") for name in IDENTIFYING_NAMES}
        problems = identity_problems(
            names=names, identifiers=len(kinds), phones=kinds.count(Identifier.Kind.PHONE)
        )
        if problems:
            raise ValidationError([_message(problem) for problem in problems])


class AddressForm(forms.ModelForm):
    class Meta:
        model = Address
        fields = ("text", *ADDRESS_KEYS[1:], "is_current")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        address, problems = address_check({key: cleaned.get(key) or "" for key in ADDRESS_KEYS})
        _add_errors(self, problems, {f"address.{key}": key for key in ADDRESS_KEYS})
        if address and not problems:
            cleaned.update(address)
        return cleaned


class IdentifierInline(admin.TabularInline):
    model = Identifier
    form = IdentifierForm
    formset = IdentifierFormSet
    extra = 0
    fields = ("kind", "value", "label")


class AddressInline(admin.TabularInline):
    model = Address
    form = AddressForm
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
    form = PersonAdminForm
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
