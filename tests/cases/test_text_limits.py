"""One limit per text, wherever it is typed: the workspace form, the API schema (as published) and the service
refuse at the same length, and a column with a width is that wide."""

from __future__ import annotations

from django import forms
from django.test import Client, SimpleTestCase

from raksa.cases import person_access, services
from raksa.cases.models import Case, Referral
from raksa.people.models import Address, Person
from raksa.people.services import validation
from raksa.workspace import forms as workspace_forms

# (form, its field, API schema, its property, the service's constant)
CASE_TEXTS = [
    (workspace_forms.NoteForm, "body", "NoteIn", "body", services.NOTE_MAX),
    (workspace_forms.StatusForm, "reason", "StatusIn", "reason", services.STATUS_REASON_MAX),
    (workspace_forms.ReopenForm, "reason", "StatusIn", "reason", services.STATUS_REASON_MAX),
    (workspace_forms.CloseForm, "outcome", "StatusIn", "outcome", services.OUTCOME_MAX),
    (workspace_forms.ReferralForm, "reason", "ReferralIn", "reason", services.REFERRAL_REASON_MAX),
    (workspace_forms.DeclineForm, "reason", None, None, services.DECLINE_REASON_MAX),
    (
        workspace_forms.BreakGlassForm,
        "reason",
        "BreakGlassIn",
        "reason",
        person_access.BREAK_GLASS_REASON_MAX,
    ),
    (None, None, "CaseIn", "summary", services.SUMMARY_MAX),
    (None, None, "CaseIn", "description", services.DESCRIPTION_MAX),
    (None, None, "CaseIn", "location_text", services.LOCATION_TEXT_MAX),
]
# (model, column, the service's constant)
COLUMNS = [
    (Case, "summary", services.SUMMARY_MAX),
    (Case, "location_text", services.LOCATION_TEXT_MAX),
    (Case, "outcome", services.OUTCOME_MAX),
    (Referral, "decline_reason", services.DECLINE_REASON_MAX),
    (Address, "text", validation.ADDRESS_TEXT_MAX),
    *((Person, name, limit) for name, limit in validation.TEXT_MAX.items()),
]


class TextLimitTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.schemas = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]

    def schema_max(self, schema: str, prop: str) -> int:
        return self.schemas[schema]["properties"][prop]["maxLength"]

    def form_max(self, form_class: type[forms.Form], field: str) -> int:
        return form_class.base_fields[field].max_length  # type: ignore[attr-defined]

    def test_it_gives_the_form_the_schema_and_the_service_one_limit_per_case_text(self) -> None:
        for form_class, form_field, schema, prop, limit in CASE_TEXTS:
            with self.subTest(field=form_field or prop, form=form_class, schema=schema):
                if form_class is not None:
                    self.assertEqual(self.form_max(form_class, form_field), limit)
                if schema is not None:
                    self.assertEqual(self.schema_max(schema, prop), limit)

    def test_it_gives_the_schema_and_the_service_one_limit_per_person_text(self) -> None:
        for name, limit in validation.TEXT_MAX.items():
            with self.subTest(name=name):
                self.assertEqual(self.schema_max("PersonIn", name), limit)
        self.assertEqual(self.schema_max("AddressIn", "text"), validation.ADDRESS_TEXT_MAX)
        self.assertEqual(self.schemas["PersonIn"]["properties"]["phones"]["maxItems"], validation.PHONES_MAX)

    def test_it_makes_each_column_as_wide_as_its_limit(self) -> None:
        for model, column, limit in COLUMNS:
            with self.subTest(model=model.__name__, column=column):
                self.assertEqual(model._meta.get_field(column).max_length, limit)

    def test_it_has_the_limits_the_issue_settled(self) -> None:
        # Notes were 10,000 on the page and 20,000 in the API; a status reason 500 and 1,000.
        self.assertEqual((services.NOTE_MAX, services.STATUS_REASON_MAX), (20_000, 500))
        self.assertEqual(services.DESCRIPTION_MAX, 20_000)
