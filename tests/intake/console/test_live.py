"""The caller pop: a call event for an agent shows on her console's next poll, never on another agent's, and a
poll that finds nothing new is a 304 without a body."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.intake.console.helpers import ConsoleTestCase

LIVE = "/console/live"


class CallerPopTests(ConsoleTestCase):
    def poll(self, user, etag: str = ""):
        self.client.force_login(user)
        headers = {"HTTP_IF_NONE_MATCH": etag} if etag else {}
        return self.client.get(LIVE, **headers)

    def test_the_agents_next_poll_shows_the_caller(self):
        quiet = self.poll(self.call_taker)
        self.assertEqual(quiet.status_code, 200)
        self.assertIsNone(quiet.json()["call"])
        self.ring("ringing", caller="0812345678", call_id="pbx-7")
        popped = self.poll(self.call_taker, quiet["ETag"])
        self.assertEqual(popped.status_code, 200)
        call = popped.json()["call"]
        self.assertEqual((call["caller"], call["call_id"], call["state"]), ("0812345678", "pbx-7", "ringing"))
        self.assertNotEqual(popped["ETag"], quiet["ETag"])

    def test_another_agent_never_sees_it(self):
        self.ring("ringing", agent="call_taker")
        other = self.poll(self.second_taker)
        self.assertEqual(other.status_code, 200)
        self.assertIsNone(other.json()["call"])
        self.assertNotIn(b"0812345678", other.content)

    def test_nothing_new_is_a_304_and_a_change_is_not(self):
        self.ring("ringing")
        first = self.poll(self.call_taker)
        same = self.poll(self.call_taker, first["ETag"])
        self.assertEqual(same.status_code, 304)
        self.assertEqual(same.content, b"")
        self.assertIn("private", same["Cache-Control"])
        self.ring("answered")
        changed = self.poll(self.call_taker, first["ETag"])
        self.assertEqual(changed.status_code, 200)
        self.assertEqual(changed.json()["call"]["state"], "answered")
        self.ring("ended")
        gone = self.poll(self.call_taker, changed["ETag"])
        self.assertIsNone(gone.json()["call"])

    def test_a_poll_is_one_query_on_the_call_log_beyond_the_session(self):
        self.ring("ringing")
        first = self.poll(self.call_taker)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(LIVE, HTTP_IF_NONE_MATCH=first["ETag"])
        self.assertEqual(response.status_code, 304)
        sql = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
        self.assertEqual(len([q for q in sql if "intake_call" in q]), 1)
        # Beside it only the signed-in session: the session, the user and her unit, the session's new expiry.
        others = [q for q in sql if "intake_call" not in q]
        tables = ("django_session", "accounts_user", "directory_unit")
        self.assertTrue(all(any(t in q for t in tables) for q in others), others)
        self.assertLessEqual(len(others), 4)

    def test_only_the_centres_intake_staff_may_poll(self):
        for user in (self.case_worker, self.responder, self.supervisor):
            with self.subTest(user=user.username):
                self.assertEqual(self.poll(user).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get(LIVE).status_code, 302)
