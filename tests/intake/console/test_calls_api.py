"""POST /api/v1/calls/incoming: only the telephony system's token, the schema's fields only, the call's state
back (201 for a new call, 200 after)."""

from __future__ import annotations

import json

from raksa.accounts.services import token_create
from raksa.intake.models import Call
from tests.intake.console.helpers import INCOMING, ConsoleTestCase


class IncomingCallsApiTests(ConsoleTestCase):
    def test_it_makes_the_call_then_answers_its_state(self):
        response = self.ring()
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(body["call_id"], "pbx-1")
        self.assertEqual(body["caller"], "0812345678")
        self.assertEqual(body["agent"], "call_taker")
        self.assertEqual(body["state"], "ringing")
        self.assertIsNotNone(body["rang_at"])
        self.assertIsNone(body["answered_at"])
        self.assertEqual(body["outcome"], "")
        self.assertIsNone(body["case_number"])
        again = self.ring("answered")
        self.assertEqual(again.status_code, 200)
        self.assertEqual(again.json()["state"], "answered")
        ended = self.ring("ended")
        self.assertEqual(ended.json()["state"], "ended")
        self.assertEqual(Call.objects.count(), 1)

    def test_a_staff_token_is_refused(self):
        token = token_create(user=self.call_taker)
        response = self.ring(token=token)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["code"], "forbidden")
        self.assertFalse(Call.objects.exists())

    def test_no_token_is_refused(self):
        response = self.client.post(INCOMING, json.dumps({}), content_type="application/json")
        self.assertEqual(response.status_code, 401)

    def test_the_telephony_token_opens_nothing_else(self):
        auth = {"HTTP_AUTHORIZATION": f"Bearer {self.pbx_token}"}
        for path in ("/api/v1/people?q=0812345678", "/api/v1/cases"):
            with self.subTest(path=path):
                response = self.client.get(path, **auth)
                self.assertEqual(response.status_code, 403)
                self.assertEqual(response.json()["code"], "forbidden")

    def test_unknown_fields_are_refused_naming_them(self):
        response = self.ring(queue="vip")
        self.assertEqual(response.status_code, 400)
        body = response.json()
        self.assertEqual(body["code"], "invalid_input")
        self.assertIn(("queue", "unknown_field"), [(e["field"], e["code"]) for e in body["errors"]])
        self.assertFalse(Call.objects.exists())

    def test_bad_input_is_named_field_by_field(self):
        cases = [
            ({"event": "hold"}, "event", "invalid_choice"),
            ({"agent": "nobody"}, "agent", "unknown_agent"),
            ({"caller": "12"}, "caller", "invalid_phone"),
            ({"call_id": ""}, "call_id", "required"),
            ({"call_id": "   "}, "call_id", "required"),
        ]
        for change, field, code in cases:
            with self.subTest(field=field):
                body = {"caller": "0812345678", "call_id": "pbx-9", "agent": "call_taker", "event": "ringing"}
                body.update(change)
                response = self.client.post(
                    INCOMING,
                    json.dumps(body),
                    content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {self.pbx_token}",
                )
                self.assertEqual(response.status_code, 400, response.content)
                errors = response.json()["errors"]
                self.assertIn((field, code), [(e["field"], e["code"]) for e in errors])
        self.assertFalse(Call.objects.exists())

    def test_another_agents_answer_is_a_conflict(self):
        self.ring("answered")
        response = self.ring("answered", agent="call_taker_2")
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["code"], "call_taken")
