"""Calling the API as each persona: one bearer token per user, JSON in and out."""

from __future__ import annotations

import json
from typing import Any

from django.test.client import Client

from raksa.accounts.services import token_create
from raksa.cases.models import Case
from raksa.cases.services import case_create
from raksa.people.models import Person
from raksa.people.services import person_create
from tests.base import BANGKOK, RaksaTestCase

# A valid 13-digit national ID (check digit correct) and the same with the last digit changed.
NATIONAL_ID = "1101700203450"
BAD_NATIONAL_ID = "1101700203451"


class ApiTestCase(RaksaTestCase):
    def setUp(self) -> None:
        super().setUp()
        self._tokens: dict[int, str] = {}

    def token(self, user: Any) -> str:
        if user.pk not in self._tokens:
            self._tokens[user.pk] = token_create(user=user, name="tests")
        return self._tokens[user.pk]

    def auth(self, user: Any) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token(user)}"}

    def get(self, path: str, user: Any, **params: Any):
        return self.client.get(path, params, **self.auth(user))

    def post(
        self, path: str, user: Any, data: Any = None, *, raw: str | None = None, client: Client | None = None
    ):
        body = raw if raw is not None else json.dumps(data if data is not None else {})
        return (client or self.client).post(path, body, content_type="application/json", **self.auth(user))

    def assertError(self, response, status: int, code: str) -> dict[str, Any]:
        self.assertEqual(response.status_code, status, response.content)
        self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
        body = response.json()
        self.assertEqual(body["code"], code)
        self.assertTrue(body["message_th"])
        self.assertTrue(body["message_en"])
        self.assertIsInstance(body["errors"], list)
        return body

    # --- data ------------------------------------------------------------------------------------------------

    def make_person(self, **fields: Any) -> Person:
        fields.setdefault("first_name_th", "สมศรี")
        fields.setdefault("last_name_th", "ใจดี")
        return person_create(actor=self.call_taker, **fields)

    def make_case(
        self, *, owner=None, subject: Person | None = None, province: str = BANGKOK, **fields: Any
    ) -> Case:
        fields.setdefault("summary", "ทะเลาะวิวาทในครอบครัว")
        fields.setdefault("category", "family_violence")
        fields.setdefault("channel", "hotline")
        return case_create(
            actor=self.call_taker,
            subject=subject,
            province_code=province,
            owning_unit=owner or self.bkk_office,
            **fields,
        )
