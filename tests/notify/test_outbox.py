"""The outbox: queueing once per key, the sweep's claims, retries with growing waits, failure, outcomes told, and
what happens when two workers race or one dies mid-send."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any
from unittest import skipUnless

from django.db import IntegrityError, connection, connections, transaction
from django.test import TestCase, TransactionTestCase, override_settings
from django.utils import timezone

from raksa.core.worker import sweeps_declared
from raksa.directory.models import Agency
from raksa.notify.models import Message
from raksa.notify.services import (
    backoff_seconds,
    message_queue,
    outbox_sweep,
    outcome_handler_register,
    outcome_handler_unregister,
)
from raksa.notify.standins import Request
from raksa.notify.transports import LineTransport
from tests.notify.support import GROUP, PHONE, PURPOSE, USER, StandInsMixin, line_id

SECOND = dt.timedelta(seconds=1)


def queue_line(key: str = "dispatch:12:contact:3:1", to: str = GROUP, text: str = "แจ้งเหตุ") -> Message:
    return message_queue(
        key=key, transport="line", to=to, payload={"text": text}, purpose=PURPOSE, ref=key.split(":")[1]
    )


class MessageQueueTests(TestCase):
    def test_it_makes_one_message_per_key(self):
        first = queue_line(text="ครั้งแรก")
        again = queue_line(text="ครั้งที่สอง")
        self.assertEqual(again.pk, first.pk)
        self.assertEqual(Message.objects.count(), 1)
        self.assertEqual(again.payload, {"text": "ครั้งแรก"})  # the first payload wins
        self.assertEqual(
            (first.state, first.attempts, first.purpose, first.ref), ("pending", 0, PURPOSE, "12")
        )

    def test_it_leaves_the_callers_transaction_usable_after_a_duplicate_key(self):
        queue_line()
        with transaction.atomic():
            agency = Agency.objects.create(
                code="x", name_th="หน่วยงาน", name_en="Agency", kind=Agency.Kind.OFFICE
            )
            queue_line()
            # On PostgreSQL a failed INSERT outside a savepoint would abort the whole transaction here.
            Agency.objects.filter(pk=agency.pk).update(name_en="Still here")
        self.assertEqual(Agency.objects.get(pk=agency.pk).name_en, "Still here")
        self.assertEqual(Message.objects.count(), 1)

    def test_it_queues_a_new_key_in_one_statement_and_finds_a_taken_one_in_two(self):
        # The hot path of every alert and notice: no look-up first, no savepoint around the insert.
        with self.assertNumQueries(1):
            first = queue_line()
        with self.assertNumQueries(2):
            again = queue_line(text="ครั้งที่สอง")
        self.assertEqual((again.pk, again.payload), (first.pk, {"text": "แจ้งเหตุ"}))
        self.assertEqual(Message.objects.get().pk, first.pk)

    def test_it_is_rolled_back_with_the_callers_transaction(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            queue_line()
            raise IntegrityError("the caller's own change failed")
        self.assertFalse(Message.objects.exists())

    def test_it_refuses_what_the_transport_could_never_send(self):
        bad: list[dict[str, Any]] = [
            {"transport": "pigeon", "to": GROUP, "payload": {"text": "x"}},
            {"transport": "line", "to": "not-a-line-id", "payload": {"text": "x"}},
            {"transport": "line", "to": GROUP, "payload": {}},
            {"transport": "line", "to": GROUP, "payload": {"text": "x", "flex": {"type": "nonsense"}}},
            {"transport": "line", "to": GROUP, "payload": {"text": "x" * 5001}},
            {"transport": "sms", "to": "+66 81 234 5678", "payload": {"text": "x"}},
            {"transport": "email", "to": "nobody", "payload": {"text": "x"}},
            {"transport": "webhook", "to": "ftp://police.example/hook", "payload": {"text": "x"}},
        ]
        for fields in bad:
            with self.subTest(fields=fields), self.assertRaises(ValueError):
                message_queue(key=f"bad:{fields['transport']}:{len(str(fields))}", **fields)
        with self.assertRaises(ValueError):
            message_queue(key="", transport="sms", to=PHONE, payload={"text": "x"})
        with self.assertRaises(ValueError):  # a time without its zone could mean either side of midnight
            message_queue(
                key="naive",
                transport="sms",
                to=PHONE,
                payload={"text": "x"},
                not_before=dt.datetime(2026, 1, 1),
            )
        self.assertFalse(Message.objects.exists())


class BackoffTests(TestCase):
    def test_it_doubles_from_the_base_up_to_the_ceiling(self):
        with override_settings(RAKSA_NOTIFY_BACKOFF_SECONDS=10, RAKSA_NOTIFY_BACKOFF_MAX_SECONDS=600):
            self.assertEqual([backoff_seconds(n) for n in range(1, 9)], [10, 20, 40, 80, 160, 320, 600, 600])
            self.assertEqual(backoff_seconds(1000), 600)


class OutboxSweepTests(StandInsMixin, TestCase):
    def sweep(self, now: dt.datetime | None = None) -> int:
        with self.captureOnCommitCallbacks(execute=True):
            return outbox_sweep(now=now)

    def test_the_worker_runs_it_four_times_a_second(self):
        sweeps = {sweep.path: sweep.every for sweep in sweeps_declared()}
        self.assertEqual(sweeps["raksa.notify.services.outbox_sweep"], 0.25)

    def test_it_sends_a_due_message_and_tells_the_handler(self):
        message = queue_line()
        self.assertEqual(self.sweep(), 1)
        message.refresh_from_db()
        self.assertEqual(message.state, "sent")
        self.assertEqual(message.attempts, 1)
        self.assertIsNotNone(message.sent_at)
        self.assertIsNone(message.claimed_until)
        self.assertEqual(message.provider_ref, self.line.received()[0]["request_id"])
        self.assertEqual(self.outcomes, [(message.key, "sent", "sent")])
        self.assertEqual(self.sweep(), 0)  # nothing left to do
        self.assertEqual(len(self.line.requests), 1)

    def test_a_message_held_until_not_before_waits_for_it_then_goes(self):
        start = timezone.now()
        held = message_queue(
            key="notice:1",
            transport="sms",
            to=PHONE,
            payload={"text": "แจ้งความคืบหน้า"},
            purpose=PURPOSE,
            not_before=start + dt.timedelta(hours=8),
        )
        self.assertEqual((held.state, held.next_attempt_at), ("pending", start + dt.timedelta(hours=8)))
        self.assertEqual(self.sweep(start), 0)
        self.assertEqual(self.sweep(start + dt.timedelta(hours=8) - SECOND), 0)
        self.assertEqual(self.sms.received(), [])
        self.assertEqual(self.sweep(start + dt.timedelta(hours=8)), 1)
        held.refresh_from_db()
        self.assertEqual((held.state, held.attempts), ("sent", 1))
        self.assertEqual([item["text"] for item in self.sms.received(PHONE)], ["แจ้งความคืบหน้า"])

    def test_it_retries_a_transient_failure_after_growing_waits_then_sends(self):
        message = queue_line()
        self.line.fail_next(2, status=500)
        start = timezone.now()
        self.assertEqual(self.sweep(start), 1)
        message.refresh_from_db()
        self.assertEqual((message.state, message.attempts), ("pending", 1))
        self.assertEqual(message.next_attempt_at, start + 10 * SECOND)
        self.assertIn("LINE answered 500", message.last_error)

        self.assertEqual(self.sweep(start + 9 * SECOND), 0)  # not yet
        self.assertEqual(self.sweep(start + 10 * SECOND), 1)
        message.refresh_from_db()
        self.assertEqual((message.state, message.attempts), ("pending", 2))
        self.assertEqual(message.next_attempt_at, start + 30 * SECOND)  # then 20 s

        self.assertEqual(self.sweep(start + 29 * SECOND), 0)
        self.assertEqual(self.sweep(start + 30 * SECOND), 1)
        message.refresh_from_db()
        self.assertEqual((message.state, message.attempts, message.last_error), ("sent", 3, ""))
        self.assertEqual(len(self.line.requests), 3)
        self.assertEqual(len(self.line.received(GROUP)), 1)
        self.assertEqual(self.outcomes, [(message.key, "sent", "sent")])  # told once, at the end

    def test_it_retries_a_rate_limit_and_a_dropped_connection(self):
        limited, dropped = queue_line("a:1"), queue_line("a:2")
        self.line.fail_next(1, status=429)
        self.line.drop_next(1)
        start = timezone.now()
        self.assertEqual(self.sweep(start), 2)
        for message in (limited, dropped):
            message.refresh_from_db()
            self.assertEqual((message.state, message.attempts), ("pending", 1))
        self.assertEqual(self.sweep(start + 10 * SECOND), 2)
        self.assertEqual(Message.objects.filter(state="sent").count(), 2)

    def test_it_fails_a_permanent_error_at_once_and_tells_the_handler(self):
        message = queue_line()
        with override_settings(LINE_CHANNEL_ACCESS_TOKEN="a-revoked-token"):
            self.assertEqual(self.sweep(), 1)
        message.refresh_from_db()
        self.assertEqual((message.state, message.attempts), ("failed", 1))
        self.assertIn("LINE answered 401", message.last_error)
        self.assertIsNone(message.next_attempt_at)
        self.assertEqual(self.outcomes, [(message.key, "failed", "failed")])
        self.assertEqual(self.sweep(timezone.now() + dt.timedelta(days=1)), 0)  # never again

    def test_it_fails_an_unconfigured_transport_at_once(self):
        message = message_queue(
            key="sms:1", transport="sms", to=PHONE, payload={"text": "x"}, purpose=PURPOSE
        )
        with override_settings(RAKSA_SMS_GATEWAY_URL=""):
            self.sweep()
        message.refresh_from_db()
        self.assertEqual(message.state, "failed")
        self.assertIn("RAKSA_SMS_GATEWAY_URL", message.last_error)
        self.assertEqual(self.outcomes, [("sms:1", "failed", "failed")])

    @override_settings(RAKSA_NOTIFY_MAX_ATTEMPTS=3)
    def test_it_fails_when_the_last_allowed_attempt_fails(self):
        message = queue_line()
        self.line.fail_next(10, status=503)
        start = timezone.now()
        for at in (0, 10, 30):
            self.assertEqual(self.sweep(start + at * SECOND), 1)
        message.refresh_from_db()
        self.assertEqual((message.state, message.attempts), ("failed", 3))
        self.assertIn("503", message.last_error)
        self.assertEqual(self.outcomes, [(message.key, "failed", "failed")])
        self.assertEqual(self.sweep(start + dt.timedelta(days=1)), 0)
        self.assertEqual(len(self.line.requests), 3)

    def test_a_handler_that_raises_leaves_the_message_sent(self):
        def broken(message: Message, outcome: str) -> None:
            Agency.objects.create(code="half", name_th="ครึ่ง", name_en="Half", kind=Agency.Kind.OFFICE)
            raise RuntimeError("a bug in the caller's handler")

        outcome_handler_register(PURPOSE, broken)
        self.addCleanup(outcome_handler_unregister, PURPOSE, broken)
        message = queue_line()
        with self.assertLogs("raksa.notify.services", "ERROR"):
            self.sweep()
        message.refresh_from_db()
        self.assertEqual(message.state, "sent")
        self.assertFalse(Agency.objects.filter(code="half").exists())  # its half-done writes rolled back
        self.assertEqual(self.outcomes, [(message.key, "sent", "sent")])  # the other handler still told
        self.assertEqual(self.sweep(), 0)  # and it is not sent again

    def test_it_leaves_a_message_a_live_worker_is_sending(self):
        message = queue_line()
        now = timezone.now()
        Message.objects.filter(pk=message.pk).update(
            state="sending", attempts=1, claimed_until=now + 30 * SECOND
        )
        self.assertEqual(self.sweep(now), 0)
        self.assertEqual(self.line.requests, [])

    def test_it_resends_what_a_dead_worker_left_and_line_records_it_once(self):
        message = queue_line()
        # The dead worker's attempt reached LINE; then it died before recording the answer.
        LineTransport().send(message)
        crashed = timezone.now()
        Message.objects.filter(pk=message.pk).update(
            state="sending", attempts=1, claimed_until=crashed + 60 * SECOND
        )
        self.assertEqual(self.sweep(crashed + 59 * SECOND), 0)  # its lease has not run out yet
        self.assertEqual(self.sweep(crashed + 60 * SECOND), 1)
        message.refresh_from_db()
        self.assertEqual((message.state, message.attempts), ("sent", 2))
        self.assertEqual(len(self.line.requests), 2)  # sent again, with the same retry key...
        self.assertEqual(
            self.line.requests[0].headers["x-line-retry-key"],
            self.line.requests[1].headers["x-line-retry-key"],
        )
        received = self.line.received(GROUP)
        self.assertEqual(len(received), 1)  # ...so the group got it once
        self.assertEqual(message.provider_ref, received[0]["request_id"])  # LINE's x-line-accepted-request-id

    def test_it_recovers_when_line_accepted_but_the_answer_was_lost(self):
        message = queue_line()
        self.line.drop_next(1, after_accept=True)
        start = timezone.now()
        self.sweep(start)
        message.refresh_from_db()
        self.assertEqual(message.state, "pending")
        self.sweep(start + 10 * SECOND)
        message.refresh_from_db()
        self.assertEqual(message.state, "sent")
        self.assertEqual(len(self.line.received()), 1)

    @override_settings(RAKSA_NOTIFY_MAX_ATTEMPTS=2)
    def test_it_gives_up_on_a_message_whose_worker_died_during_the_last_attempt(self):
        message = queue_line()
        now = timezone.now()
        Message.objects.filter(pk=message.pk).update(state="sending", attempts=2, claimed_until=now - SECOND)
        self.assertEqual(self.sweep(now), 1)
        message.refresh_from_db()
        self.assertEqual((message.state, message.attempts), ("failed", 3))
        self.assertIn("last allowed attempt", message.last_error)
        self.assertEqual(self.line.requests, [])
        self.assertEqual(self.outcomes, [(message.key, "failed", "failed")])

    @override_settings(RAKSA_NOTIFY_BATCH=3, RAKSA_NOTIFY_CONCURRENCY=2)
    def test_it_takes_a_bounded_batch_oldest_first(self):
        keys = [f"batch:{n}" for n in range(5)]
        for n, key in enumerate(keys):
            queue_line(key, to=line_id("U", n))
        self.assertEqual(self.sweep(), 3)
        sent = set(Message.objects.filter(state="sent").values_list("key", flat=True))
        self.assertEqual(sent, set(keys[:3]))
        self.assertEqual(self.sweep(), 2)
        self.assertEqual(Message.objects.filter(state="sent").count(), 5)

    @override_settings(RAKSA_NOTIFY_TIMEOUT_SECONDS=3)
    def test_a_slow_send_does_not_hold_up_an_alert_behind_it(self):
        release = threading.Event()
        self.addCleanup(release.set)
        released_by: list[str] = []

        def hold_the_sms(request: Request) -> None:
            if not release.wait(2):
                released_by.append("nobody")

        def line_answered(request: Request) -> None:
            released_by.append("line")
            release.set()

        self.sms.before_answer = hold_the_sms
        self.line.before_answer = line_answered
        message_queue(key="slow:sms", transport="sms", to=PHONE, payload={"text": "x"}, purpose=PURPOSE)
        queue_line("fast:line", to=USER)  # queued after the SMS, sent while the SMS is still held
        self.assertEqual(self.sweep(), 2)
        self.assertEqual(released_by, ["line"])
        self.assertEqual(Message.objects.filter(state="sent").count(), 2)


def in_transaction(conn: Any) -> bool:
    """Whether the database connection itself (not Django's bookkeeping) has a transaction open."""
    raw = conn.connection
    if raw is None:
        return False
    if conn.vendor == "sqlite":
        return bool(raw.in_transaction)
    from psycopg.pq import TransactionStatus

    return raw.info.transaction_status != TransactionStatus.IDLE


class OutboxConcurrencyTests(StandInsMixin, TransactionTestCase):
    def test_two_sweeps_racing_send_each_message_once(self):
        messages = [queue_line(f"race:{n}", to=line_id("C", n)) for n in range(24)]
        start = threading.Barrier(2)
        taken: list[int] = []
        errors: list[BaseException] = []

        def sweeper() -> None:
            try:
                start.wait(5)
                taken.append(outbox_sweep())
            except BaseException as exc:  # reported by the test below
                errors.append(exc)
            finally:
                connections.close_all()  # this thread's own connection

        threads = [threading.Thread(target=sweeper) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        self.assertEqual(errors, [])
        self.assertEqual(sum(taken), len(messages))
        self.assertEqual(len(self.line.requests), len(messages))  # no message was sent twice
        for n in range(len(messages)):
            self.assertEqual(len(self.line.received(line_id("C", n))), 1)
        self.assertEqual(Message.objects.filter(state="sent", attempts=1).count(), len(messages))

    def test_it_holds_no_transaction_or_row_lock_while_the_provider_answers(self):
        message = queue_line()
        sweeper = connections["default"]  # the sweep runs in this thread, on this connection
        seen: dict[str, Any] = {}

        def probe(request: Request) -> None:
            # In the stand-in's thread, on a connection of its own, while the sweep waits for this answer.
            try:
                seen["sweep_in_transaction"] = in_transaction(sweeper) or sweeper.in_atomic_block
                with connections["default"].cursor() as cursor:
                    if connection.vendor == "sqlite":
                        cursor.execute("PRAGMA busy_timeout = 100")  # a held write lock fails this fast
                with transaction.atomic():
                    row = Message.objects.select_for_update(nowait=True).get(pk=message.pk)
                    Message.objects.filter(pk=row.pk).update(last_error="")
                    seen["state"] = row.state
            except Exception as exc:  # the assertions below report it
                seen["error"] = repr(exc)
            finally:
                connections.close_all()

        self.line.before_answer = probe
        outbox_sweep()
        self.assertEqual(seen.get("error"), None)
        self.assertEqual(seen["sweep_in_transaction"], False)
        self.assertEqual(seen["state"], "sending")  # the claim was committed before the network call
        message.refresh_from_db()
        self.assertEqual(message.state, "sent")

    @skipUnless(connection.vendor == "postgresql", "row locks: SQLite has none to take")
    def test_a_claimed_row_can_be_locked_by_another_connection_during_the_send(self):
        message = queue_line()
        seen: dict[str, Any] = {}

        def probe(request: Request) -> None:
            try:
                with connections["default"].cursor() as cursor:
                    cursor.execute(
                        "SELECT state FROM notify_message WHERE id = %s FOR UPDATE NOWAIT", [message.pk]
                    )
                    seen["state"] = cursor.fetchone()[0]
            except Exception as exc:
                seen["error"] = repr(exc)
            finally:
                connections.close_all()

        self.line.before_answer = probe
        outbox_sweep()
        self.assertEqual(seen, {"state": "sending"})
