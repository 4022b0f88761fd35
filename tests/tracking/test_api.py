"""GET /api/v1/track/{code}: no token, the page's data and rules, the second factor in X-Tracking-Secret, every
failure in the one error shape, and nothing private in any answer."""

from __future__ import annotations

import json
import re
from unittest import mock

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from raksa.accounts.services import token_create
from raksa.cases.services import case_change_status, public_note_add
from raksa.core.ids import new_tracking_code
from raksa.tracking import factors
from tests.tracking.helpers import ELSEWHERE, PUBLIC_NOTE, REPORTER_PHONE, TrackingCase, api_path

BASE_KEYS = {"code", "stage", "stage_th", "stage_en", "stages", "next_step_th", "next_step_en"}
VERIFIED_KEYS = BASE_KEYS | {"agency", "history", "public_notes"}
ERROR_KEYS = {"code", "message_th", "message_en", "errors"}


class TrackApiCase(TrackingCase):
    def setUp(self) -> None:
        super().setUp()
        self.case = self.reported()
        case_change_status(actor=self.case_worker, case=self.case, status="active")
        public_note_add(actor=self.case_worker, case=self.case, text=PUBLIC_NOTE)
        self.case.refresh_from_db()

    def track(self, code: str, secret: str | None = None, client: Client | None = None):
        headers = {"HTTP_X_TRACKING_SECRET": secret} if secret is not None else {}
        return (client or self.public).get(api_path(code), **headers)


class TrackApiTests(TrackApiCase):
    def test_a_code_answers_the_stage_and_what_comes_next_without_a_token(self):
        response = self.track(self.case.tracking_code.lower().replace("-", " "))
        self.assertEqual(response.status_code, 200)
        answer = response.json()
        self.assertEqual(set(answer), BASE_KEYS)
        self.assertEqual(answer["code"], self.case.tracking_code)
        self.assertEqual(
            (answer["stage"], answer["stage_th"], answer["stage_en"]),
            ("in_progress", "อยู่ระหว่างให้ความช่วยเหลือ", "Help under way"),
        )
        self.assertEqual(
            [s["stage"] for s in answer["stages"]],
            ["received", "screening", "forwarded", "on_scene", "in_progress", "referred", "closed"],
        )
        # Without the second factor, only the current stage has its date.
        self.assertEqual([s["stage"] for s in answer["stages"] if s["at"]], ["in_progress"])
        self.assertTrue(all("at" in s for s in answer["stages"]))
        self.assertIn("เจ้าหน้าที่กำลังช่วยเหลือ", answer["next_step_th"])
        self.assertIn("Staff are helping", answer["next_step_en"])

    def test_the_phone_ending_opens_the_agency_the_history_and_the_public_notes(self):
        answer = self.track(self.case.tracking_code, REPORTER_PHONE[-4:]).json()
        self.assertEqual(set(answer), VERIFIED_KEYS)
        self.assertEqual(
            answer["agency"],
            {
                "name_th": "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์ กรุงเทพมหานคร",
                "name_en": "Bangkok Office of Social Development and Human Security",
            },
        )
        self.assertEqual([h["stage"] for h in answer["history"]], ["received", "in_progress"])
        self.assertEqual(answer["history"][0]["stage_en"], "Received")
        self.assertEqual([n["text"] for n in answer["public_notes"]], [PUBLIC_NOTE])
        self.assertEqual([s["stage"] for s in answer["stages"] if s["at"]], ["received", "in_progress"])

    def test_the_pin_opens_them_too(self):
        pin = self.pin_for(self.case)
        self.assertEqual(set(self.track(self.case.tracking_code, pin).json()), VERIFIED_KEYS)

    def test_a_wrong_second_factor_and_an_unknown_code_get_the_same_answer(self):
        pin = self.pin_for(self.case)
        wrong_pin = f"{(int(pin) + 1) % 1_000_000:06d}"
        answers = [
            self.track(self.case.tracking_code, "1111"),
            self.track(self.case.tracking_code, wrong_pin),
            self.track(new_tracking_code(), "1111"),
            self.track(new_tracking_code(), REPORTER_PHONE[-4:]),
            self.track(new_tracking_code(), pin),
        ]
        self.assertEqual({r.status_code for r in answers}, {404})
        self.assertEqual(len({r.content for r in answers}), 1)
        self.assertEqual(answers[0].json()["code"], "not_found")

    def test_a_wrong_second_factor_and_an_unknown_code_cost_the_same_work(self):
        # The same queries, and the same HMACs, whether or not a case stands behind the code.
        self.track(new_tracking_code(), "1111")  # the address's counters exist from here on, for both
        work = []
        for code in (self.case.tracking_code, new_tracking_code()):
            with (
                mock.patch.object(factors, "_digest", wraps=factors._digest) as digest,
                CaptureQueriesContext(connection) as queries,
            ):
                self.assertEqual(self.track(code, "1111").status_code, 404)
            shapes = [re.sub(r"'[^']*'|\"s\d+_x\d+\"", "?", q["sql"]) for q in queries.captured_queries]
            work.append((digest.call_count, shapes))
        self.assertEqual(work[0], work[1])
        self.assertGreaterEqual(work[0][0], 1)

    def test_an_unknown_code_is_not_found(self):
        response = self.track(new_tracking_code())
        self.assertEqual(response.status_code, 404)
        self.assertEqual(set(response.json()), ERROR_KEYS)
        self.assertEqual(response.json()["code"], "not_found")

    def test_a_mistyped_code_and_a_misshapen_second_factor_name_their_fields(self):
        wrong = self.track("RK7Q-M2XW-0")
        self.assertEqual(wrong.status_code, 400)
        self.assertEqual(wrong.json()["errors"][0]["field"], "code")
        shape = self.track(self.case.tracking_code, "12")
        self.assertEqual(shape.status_code, 400)
        self.assertEqual(shape.json()["code"], "tracking_secret_invalid")
        self.assertEqual(shape.json()["errors"][0]["field"], "X-Tracking-Secret")

    def test_an_empty_header_is_no_second_factor(self):
        self.assertEqual(set(self.track(self.case.tracking_code, "").json()), BASE_KEYS)

    def test_a_token_is_neither_needed_nor_any_help(self):
        token = token_create(user=self.call_taker, name="t")
        response = self.public.get(api_path(self.case.tracking_code), HTTP_AUTHORIZATION=f"Bearer {token}")
        self.assertEqual(set(response.json()), BASE_KEYS)
        bad = self.public.get(api_path(self.case.tracking_code), HTTP_AUTHORIZATION="Bearer rk_nonsense")
        self.assertEqual(bad.status_code, 200)


class TrackApiLimitTests(TrackApiCase):
    def test_failures_are_limited_per_address_with_retry_after_in_the_error_shape(self):
        for _ in range(settings.RAKSA_TRACK_FAILURES):
            self.assertEqual(self.track(new_tracking_code()).status_code, 404)
        response = self.track(self.case.tracking_code)
        self.assertEqual(response.status_code, 429)
        self.assertEqual(set(response.json()), ERROR_KEYS)
        self.assertEqual(response.json()["code"], "too_many_tracking_failures")
        self.assertGreater(int(response["Retry-After"]), 0)
        self.assertPrivateAnswer(response)
        self.assertEqual(
            self.track(self.case.tracking_code, client=Client(REMOTE_ADDR=ELSEWHERE)).status_code, 200
        )

    def test_the_page_and_the_api_share_one_allowance(self):
        for _ in range(settings.RAKSA_TRACK_FAILURES):
            self.public.get("/track/", {"code": new_tracking_code()})
        self.assertEqual(self.track(self.case.tracking_code).status_code, 429)

    def test_a_codes_guesses_are_limited_across_addresses(self):
        for guess in range(settings.RAKSA_TRACK_FAILURES):
            client = Client(REMOTE_ADDR=f"192.0.2.{guess + 1}")
            self.assertEqual(self.track(self.case.tracking_code, f"{guess:04d}", client).status_code, 404)
        response = self.track(self.case.tracking_code, REPORTER_PHONE[-4:], Client(REMOTE_ADDR="192.0.2.99"))
        self.assertEqual(response.status_code, 429)


class TrackApiPrivacyTests(TrackApiCase):
    def test_no_answer_holds_anything_private(self):
        pin = self.pin_for(self.case)
        answers = [
            self.track(self.case.tracking_code),
            self.track(self.case.tracking_code, REPORTER_PHONE[-4:]),
            self.track(self.case.tracking_code, pin),
            self.track(self.case.tracking_code, "1111"),
            self.track(new_tracking_code()),
            self.track("not-a-code"),
        ]
        for response in answers:
            body = json.dumps(response.json(), ensure_ascii=False)
            self.assertShowsNothingPrivate(body, self.case)
            self.assertNotIn(pin, body)
            self.assertNotIn('"id"', body)
            self.assertPrivateAnswer(response)
