"""Small builders shared by the cases tests."""

from __future__ import annotations

from typing import Any

from raksa.cases.models import Case, Referral
from raksa.cases.services import case_create, referral_accept, referral_create
from raksa.directory.models import Unit
from raksa.people.models import Person


def person(first: str = "สมศรี", last: str = "ใจดี") -> Person:
    return Person.objects.create(first_name_th=first, last_name_th=last)


def open_case(actor: Any, unit: Unit, **fields: Any) -> Case:
    """A case owned by `unit`, in the unit's province, opened by `actor`."""
    fields.setdefault("channel", "hotline")
    fields.setdefault("summary", "แม่ถูกสามีทำร้าย")
    fields.setdefault("category", "family_violence")
    fields.setdefault("province_code", unit.province_code)
    return case_create(actor=actor, owning_unit=unit, **fields)


def refer(case: Case, *, by: Any, to_unit: Unit, accept_by: Any = None) -> Referral:
    referral = referral_create(actor=by, case=case, to_unit=to_unit, reason="ต้องการบ้านพักเด็ก")
    if accept_by is not None:
        referral = referral_accept(actor=accept_by, referral=referral)
    return referral


def kinds(case: Case) -> list[str]:
    return list(case.events.order_by("created_at", "id").values_list("kind", flat=True))
