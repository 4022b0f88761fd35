"""The signed-in user comes with her unit: a staff page's request reads both in one query, and a user switched off
after signing in is signed out on her next request."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from raksa.directory.models import Unit
from tests.base import RaksaTestCase

UNIT_TABLE = Unit._meta.db_table


class StaffBackendTests(RaksaTestCase):
    def signed_in(self, username: str) -> Client:
        client = Client()
        response = client.post("/login/", {"username": username, "password": "correct-horse-battery"})
        self.assertEqual(response.status_code, 302)
        return client

    def test_a_poll_reads_the_user_and_her_unit_in_one_query(self) -> None:
        client = self.signed_in("call_taker")
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/console/live")
        self.assertEqual(response.status_code, 200)
        sql = [q["sql"] for q in queries.captured_queries]
        user_reads = [s for s in sql if 'FROM "accounts_user"' in s]
        self.assertEqual(len(user_reads), 1, sql)
        self.assertIn(UNIT_TABLE, user_reads[0])
        self.assertFalse([s for s in sql if f'FROM "{UNIT_TABLE}"' in s], sql)  # no second trip for the unit

    def test_a_user_switched_off_is_signed_out_on_her_next_request(self) -> None:
        client = self.signed_in("worker_bkk")
        self.assertEqual(client.get("/cases/").status_code, 200)
        self.case_worker.is_active = False
        self.case_worker.save(update_fields=["is_active"])
        response = client.get("/cases/")
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/login/"))
