"""Forms for creating and editing a person. They only shape input: the services validate and save, and their
errors (Thai and English, naming the field) are put back on the matching form field."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db import transaction

from raksa.core.errors import RaksaError
from raksa.core.forms import add_service_error
from raksa.people.models import CitizenshipStatus, Identifier, Person, Sex
from raksa.people.services import identifier_add, person_create, person_update

ADDRESS_FIELDS = ("text", "province_code", "district_code", "subdistrict_code", "postal_code")
# The services name an address's parts "address.<part>" and an added phone "phone".
SERVICE_FIELDS = {f"address.{name}": name for name in ADDRESS_FIELDS} | {"phone": "phones"}
_PHONE_SPLIT = re.compile(r"[,;\n]+")


class PersonForm(forms.Form):
    """Create a person (no `person`) or edit one. Call `save(actor=...)`; it returns None when it added errors."""

    title = forms.CharField(required=False, max_length=40, label="คำนำหน้า / Title")
    first_name_th = forms.CharField(required=False, max_length=100, label="ชื่อ / First name (Thai)")
    last_name_th = forms.CharField(required=False, max_length=100, label="นามสกุล / Last name (Thai)")
    first_name_en = forms.CharField(required=False, max_length=100, label="First name (English)")
    last_name_en = forms.CharField(required=False, max_length=100, label="Last name (English)")
    nickname = forms.CharField(required=False, max_length=60, label="ชื่อเล่น / Nickname")
    sex = forms.ChoiceField(choices=Sex.choices, initial=Sex.UNKNOWN, label="เพศ / Sex")
    birth_date = forms.DateField(required=False, label="วันเกิด / Birth date")
    age = forms.IntegerField(
        required=False, min_value=0, max_value=130, label="อายุ (โดยประมาณ) / Age (approx.)"
    )
    nationality = forms.CharField(required=False, max_length=2, initial="TH", label="สัญชาติ / Nationality")
    status = forms.ChoiceField(
        choices=CitizenshipStatus.choices, initial=CitizenshipStatus.UNKNOWN, label="สถานะ / Status"
    )
    national_id = forms.CharField(required=False, max_length=20, label="เลขประจำตัวประชาชน / National ID")
    passport = forms.CharField(required=False, max_length=30, label="หนังสือเดินทาง / Passport")
    phones = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="โทรศัพท์ / Phones (one per line)"
    )
    line_user_id = forms.CharField(required=False, max_length=64, label="LINE user id")
    text = forms.CharField(required=False, max_length=500, label="ที่อยู่ / Address")
    province_code = forms.CharField(required=False, max_length=2, label="จังหวัด / Province code")
    district_code = forms.CharField(required=False, max_length=4, label="อำเภอ/เขต / District code")
    subdistrict_code = forms.CharField(required=False, max_length=6, label="ตำบล/แขวง / Subdistrict code")
    postal_code = forms.CharField(required=False, max_length=5, label="รหัสไปรษณีย์ / Postal code")

    def __init__(self, *args: Any, person: Person | None = None, **kwargs: Any) -> None:
        self.person = person
        if person is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(person)
        super().__init__(*args, **kwargs)

    @staticmethod
    def initial_for(person: Person) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(person, name)
            for name in (
                "title",
                "first_name_th",
                "last_name_th",
                "first_name_en",
                "last_name_en",
                "nickname",
                "sex",
                "birth_date",
                "nationality",
                "status",
            )
        }
        values: dict[str, list[str]] = {kind: [] for kind in Identifier.Kind.values}
        for kind, value in person.identifiers.values_list("kind", "value"):
            values[kind].append(value)
        initial["national_id"] = next(iter(values["national_id"]), "")
        initial["passport"] = next(iter(values["passport"]), "")
        initial["line_user_id"] = next(iter(values["line_user"]), "")
        initial["phones"] = "\n".join(values["phone"])
        address = person.addresses.filter(is_current=True).first()
        for name in ADDRESS_FIELDS:
            initial[name] = getattr(address, name) if address else ""
        return initial

    def save(self, *, actor: Any) -> Person | None:
        if not self.is_valid():
            return None
        data = dict(self.cleaned_data)
        address = {name: data.pop(name) or "" for name in ADDRESS_FIELDS}
        phones = [p.strip() for p in _PHONE_SPLIT.split(data.pop("phones") or "") if p.strip()]
        identifiers: dict[str, Any] = {
            name: data.pop(name) or None for name in ("national_id", "passport", "line_user_id")
        }
        if data.get("age") is None:
            data.pop("age")
        try:
            if self.person is None:
                return person_create(actor=actor, **data, **identifiers, phones=phones, address=address)
            return self._update(
                actor=actor, data=data, identifiers=identifiers, phones=phones, address=address
            )
        except RaksaError as error:
            add_service_error(self, error, fields=SERVICE_FIELDS)
            return None

    def _update(
        self,
        *,
        actor: Any,
        data: dict[str, Any],
        identifiers: dict[str, Any],
        phones: list[str],
        address: dict[str, str],
    ) -> Person:
        assert self.person is not None
        kinds = {"national_id": "national_id", "passport": "passport", "line_user_id": "line_user"}
        with transaction.atomic():
            person = person_update(actor=actor, person=self.person, **data, address=address)
            # Identifiers are only ever added here; removing one is a deliberate act elsewhere (admin).
            for name, value in identifiers.items():
                if value:
                    identifier_add(actor=actor, person=person, kind=kinds[name], value=value)
            for phone in phones:
                identifier_add(actor=actor, person=person, kind="phone", value=phone)
        return person
