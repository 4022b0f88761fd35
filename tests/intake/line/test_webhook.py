"""The LINE webhook: only LINE's signed bodies are taken, each event is stored once and answered at once, and the
worker processes what was stored, keeping failures with their error for a retry."""

from __future__ import annotations

import datetime as dt
import json
from unittest import mock

from django.db import OperationalError
from django.test import LiveServerTestCase, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from raksa.accounts.models import User
from raksa.cases.models import EmergencyType
from raksa.core.worker import sweeps_declared
from raksa.directory.models import Contact
from raksa.intake.line import messages
from raksa.intake.line.models import LineEvent, LineGroup
from raksa.intake.line.services import line_event_sweep, line_group_attach, signature_valid
from raksa.notify.models import Message
from raksa.notify.standins import LineStandIn
from raksa.notify.transports import transport_for
from tests.base import RaksaTestCase
from tests.intake.line.support import (
    GROUP,
    ROOM,
    SECRET,
    USER,
    WebhookMixin,
    body,
    event,
    event_id,
    follow,
    group_source,
    image_message,
    join,
    leave,
    location_message,
    postback,
    room_source,
    sign,
    sticker_message,
    text_message,
    unfollow,
)


class SignatureTests(WebhookMixin, TestCase):
    def test_it_answers_the_connection_check_with_200(self):
        answer = self.deliver()
        self.assertEqual(answer.status_code, 200)
        self.assertEqual(LineEvent.objects.count(), 0)

    def test_a_bad_signature_is_400_and_stores_nothing(self):
        data = body(text_message("ช่วยด้วย"))
        answer = self.deliver(raw=data, signature=sign(data, "another-secret"))
        self.assertEqual(answer.status_code, 400)
        self.assertEqual(LineEvent.objects.count(), 0)

    def test_a_missing_signature_is_400_and_stores_nothing(self):
        answer = self.deliver(text_message("ช่วยด้วย"), signature="")
        self.assertEqual(answer.status_code, 400)
        self.assertEqual(LineEvent.objects.count(), 0)

    def test_the_signature_is_over_the_raw_bytes(self):
        data = body(text_message("ช่วยด้วย"))
        # The same JSON written another way is another body: its signature does not carry over.
        other = json.dumps(json.loads(data), ensure_ascii=True).encode()
        self.assertEqual(self.deliver(raw=other, signature=sign(data)).status_code, 400)
        self.assertEqual(self.deliver(raw=data, signature=sign(data)).status_code, 200)
        self.assertTrue(signature_valid(secret=SECRET, body=data, signature=sign(data)))
        self.assertFalse(signature_valid(secret=SECRET, body=data, signature="not base64 at all ✗"))

    def test_a_signed_body_that_is_not_lines_is_400(self):
        for data in (b"not json", b"[]", b'{"destination": "U1"}', b'{"events": {}}'):
            with self.subTest(data=data):
                self.assertEqual(self.deliver(raw=data).status_code, 400)
        self.assertEqual(LineEvent.objects.count(), 0)

    @override_settings(LINE_CHANNEL_SECRET="")
    def test_without_a_channel_secret_nothing_is_taken(self):
        answer = self.deliver(text_message("ช่วยด้วย"))
        self.assertEqual(answer.status_code, 503)
        self.assertEqual(LineEvent.objects.count(), 0)

    def test_only_post_is_allowed(self):
        self.assertEqual(self.client.get("/line/webhook").status_code, 405)


class StoringTests(WebhookMixin, TestCase):
    def test_it_stores_an_event_with_its_source_and_answers_200(self):
        raw = text_message("ช่วยด้วย")
        answer = self.deliver(raw)
        self.assertEqual(answer.status_code, 200)
        stored = LineEvent.objects.get()
        self.assertEqual(
            (stored.webhook_event_id, stored.type, stored.mode, stored.source_type, stored.user_id),
            (raw["webhookEventId"], "message", "active", "user", USER),
        )
        self.assertEqual(stored.raw, raw)
        self.assertEqual((stored.state, stored.attempts, stored.redelivered), ("received", 0, False))
        self.assertIsNotNone(stored.received_at)
        # Nothing is done in the request: no report, no answer until the worker takes it.
        self.assertFalse(Message.objects.exists())

    def test_a_body_costs_one_insert_whatever_its_size(self):
        # What keeps the answer well inside LINE's 2 s: the request does nothing but store, in one statement
        # with no look-up before it (a known event is skipped by the insert itself).
        with self.assertNumQueries(1):
            self.deliver(*[text_message(f"ข้อความ {n}") for n in range(20)])
        self.assertEqual(LineEvent.objects.count(), 20)

    def test_every_event_type_with_and_without_its_optional_fields_is_stored(self):
        events = [
            text_message("สวัสดี"),
            text_message("สวัสดี", full=False),
            location_message(),
            location_message(full=False),
            image_message(),
            image_message(full=False),
            sticker_message(),
            follow(),
            follow(full=False),
            unfollow(),
            postback("action=track"),
            postback("action=track", full=False),
            join(),
            leave(),
        ]
        self.assertEqual(self.deliver(*events).status_code, 200)
        stored = {e.webhook_event_id: e for e in LineEvent.objects.all()}
        self.assertEqual(set(stored), {e["webhookEventId"] for e in events})
        for raw in events:
            self.assertEqual(stored[raw["webhookEventId"]].raw, raw)

    def test_all_events_of_one_body_are_stored_in_one_transaction(self):
        with mock.patch(
            "raksa.intake.line.services.LineEvent.objects.bulk_create", side_effect=OperationalError("gone")
        ):
            answer = self.deliver(text_message("หนึ่ง"), text_message("สอง"))
        self.assertEqual(answer.status_code, 503)
        self.assertEqual(LineEvent.objects.count(), 0)

    def test_duplicates_in_one_body_and_redeliveries_are_stored_once(self):
        first = text_message("ช่วยด้วย")
        again = dict(first, deliveryContext={"isRedelivery": True})
        self.assertEqual(self.deliver(first, first).status_code, 200)
        self.assertEqual(self.deliver(again).status_code, 200)
        self.assertEqual(self.deliver(first, text_message("อีกเรื่อง")).status_code, 200)
        self.assertEqual(LineEvent.objects.filter(webhook_event_id=first["webhookEventId"]).count(), 1)
        self.assertEqual(LineEvent.objects.count(), 2)

    def test_a_redelivery_seen_first_is_stored_as_redelivered(self):
        raw = text_message("ช่วยด้วย", redelivery=True)
        self.deliver(raw)
        self.assertTrue(LineEvent.objects.get().redelivered)

    def test_the_database_down_is_503_so_line_redelivers(self):
        with mock.patch(
            "raksa.intake.line.services.LineEvent.objects.bulk_create",
            side_effect=OperationalError("no database"),
        ):
            answer = self.deliver(text_message("ช่วยด้วย"))
        self.assertEqual(answer.status_code, 503)

    def test_standby_events_are_stored_and_nothing_is_sent(self):
        self.deliver(follow(mode="standby"), text_message("ช่วยด้วย", mode="standby"))
        self.assertEqual(list(LineEvent.objects.values_list("state", flat=True)), ["ignored", "ignored"])
        self.assertEqual(line_event_sweep(), 0)
        self.assertFalse(Message.objects.exists())

    def test_unknown_event_and_message_types_are_stored_and_ignored(self):
        novel = event("somethingNew", somethingNew={"x": 1})
        hologram = event("message", message={"id": "1", "type": "hologram"})
        self.deliver(novel, hologram)
        self.assertEqual(LineEvent.objects.get(webhook_event_id=novel["webhookEventId"]).state, "ignored")
        line_event_sweep()
        self.assertEqual(set(LineEvent.objects.values_list("state", flat=True)), {"ignored"})
        self.assertFalse(Message.objects.exists())

    def test_a_nul_character_is_stored_not_refused(self):
        # PostgreSQL's jsonb holds no NUL: refusing the body would have LINE redeliver it for ever.
        self.assertEqual(self.deliver(text_message("ช่วย\x00ด้วย")).status_code, 200)
        self.assertEqual(LineEvent.objects.get().raw["message"]["text"], "ช่วย\ufffdด้วย")

    def test_an_event_without_a_webhook_event_id_is_still_stored_once(self):
        raw = text_message("ช่วยด้วย")
        del raw["webhookEventId"]
        self.deliver(raw)
        self.deliver(raw)
        self.assertEqual(LineEvent.objects.count(), 1)
        self.assertTrue(LineEvent.objects.get().webhook_event_id.startswith("sha256:"))


class GroupTests(WebhookMixin, RaksaTestCase):
    def test_a_join_records_the_group_for_an_admin_to_attach(self):
        self.deliver(join())
        line_event_sweep()
        group = LineGroup.objects.get()
        self.assertEqual((group.group_id, group.source_type, group.unit), (GROUP, "group", None))
        self.assertFalse(Message.objects.exists())  # nothing is said in a team's group

    def test_a_room_join_and_a_leave_are_recorded(self):
        self.deliver(join({"type": "room", "roomId": ROOM}))
        line_event_sweep()
        self.deliver(leave({"type": "room", "roomId": ROOM}))
        line_event_sweep()
        group = LineGroup.objects.get()
        self.assertEqual(group.source_type, "room")
        self.assertIsNotNone(group.left_at)

    def test_group_messages_are_stored_and_ignored(self):
        self.deliver(
            text_message("รับทราบ", source=group_source()),
            text_message("ok", source=group_source(user=None)),
            text_message("ok", source=room_source()),
        )
        self.assertEqual(set(LineEvent.objects.values_list("state", flat=True)), {"ignored"})
        self.assertEqual(LineEvent.objects.filter(group_id=GROUP).count(), 2)

    def test_attaching_a_group_makes_it_the_units_line_contact(self):
        self.deliver(join())
        line_event_sweep()
        group = LineGroup.objects.get()
        line_group_attach(group=group, unit=self.bkk_rapid)
        line_group_attach(group=group, unit=self.bkk_rapid)
        contact = Contact.objects.get(value=GROUP)
        self.assertEqual((contact.unit, contact.kind), (self.bkk_rapid, "line_group"))

    def test_the_admin_attaches_a_group_to_a_unit(self):
        root = User.objects.create_superuser(username="root", password="correct-horse-battery")
        self.client.force_login(root)
        self.deliver(join())
        line_event_sweep()
        group = LineGroup.objects.get()
        listing = self.client.get(reverse("admin:line_linegroup_changelist"))
        self.assertContains(listing, GROUP)
        answer = self.client.post(
            reverse("admin:line_linegroup_change", args=[group.pk]), {"unit": self.bkk_rapid.pk}
        )
        self.assertEqual(answer.status_code, 302)
        self.assertTrue(Contact.objects.filter(unit=self.bkk_rapid, kind="line_group", value=GROUP).exists())


class AdminPagesTests(WebhookMixin, RaksaTestCase):
    def test_the_line_pages_open_and_keep_events_and_chats_as_they_are(self):
        root = User.objects.create_superuser(username="root", password="correct-horse-battery")
        self.client.force_login(root)
        self.deliver(follow(), join())
        line_event_sweep()
        for name in ("lineevent", "linechat", "linegroup"):
            with self.subTest(page=name):
                self.assertEqual(self.client.get(reverse(f"admin:line_{name}_changelist")).status_code, 200)
        self.assertContains(self.client.get(reverse("admin:line_linechat_changelist")), USER)
        self.assertEqual(self.client.get(reverse("admin:line_lineevent_add")).status_code, 403)
        event = LineEvent.objects.first()
        assert event is not None
        answer = self.client.post(
            reverse("admin:line_lineevent_change", args=[event.pk]), {"state": "failed"}
        )
        self.assertEqual(answer.status_code, 403)


class ProcessingFailureTests(WebhookMixin, RaksaTestCase):
    def test_a_failing_event_is_kept_with_its_error_and_retried_with_backoff(self):
        now = timezone.now()
        self.deliver(follow())
        with mock.patch("raksa.intake.line.services._act", side_effect=RuntimeError("triage exploded")):
            self.assertEqual(line_event_sweep(now=now), 1)
        failed = LineEvent.objects.get()
        self.assertEqual((failed.state, failed.attempts), ("failed", 1))
        self.assertIn("triage exploded", failed.last_error)
        self.assertEqual(failed.next_attempt_at, now + dt.timedelta(seconds=10))
        self.assertFalse(Message.objects.exists())  # its answer went with the rolled-back work
        self.assertEqual(line_event_sweep(now=now + dt.timedelta(seconds=5)), 0)
        self.assertEqual(line_event_sweep(now=now + dt.timedelta(seconds=11)), 1)
        done = LineEvent.objects.get()
        self.assertEqual((done.state, done.last_error), ("processed", ""))
        self.assertEqual(Message.objects.count(), 1)

    def test_the_admin_shows_failed_events_with_their_error(self):
        root = User.objects.create_superuser(username="root", password="correct-horse-battery")
        self.client.force_login(root)
        self.deliver(follow())
        with mock.patch("raksa.intake.line.services._act", side_effect=RuntimeError("triage exploded")):
            line_event_sweep()
        failed = LineEvent.objects.first()
        assert failed is not None
        page = self.client.get(reverse("admin:line_lineevent_changelist") + "?state__exact=failed")
        self.assertContains(page, failed.webhook_event_id)
        detail = self.client.get(reverse("admin:line_lineevent_change", args=[failed.pk]))
        self.assertContains(detail, "triage exploded")

    def test_one_users_events_are_processed_in_order(self):
        first, second = event_id(), event_id()
        self.deliver(follow(webhook_event_id=first), text_message("สวัสดี", webhook_event_id=second))
        # The first is claimed by another worker (its claim not yet run out): the second waits for it.
        LineEvent.objects.filter(webhook_event_id=first).update(
            next_attempt_at=timezone.now() + dt.timedelta(minutes=5)
        )
        self.assertEqual(line_event_sweep(), 0)
        self.assertEqual(LineEvent.objects.get(webhook_event_id=second).state, "received")


class StandInDeliveryTests(LiveServerTestCase):
    """The LINE stand-in delivers signed events to the running app over HTTP, as LINE does."""

    def setUp(self) -> None:
        super().setUp()
        self.line = LineStandIn().start()
        self.addCleanup(self.line.stop)
        overrides = override_settings(LINE_CHANNEL_SECRET=SECRET)
        overrides.enable()
        self.addCleanup(overrides.disable)

    def test_it_delivers_signed_events_and_redeliveries_which_are_stored_once(self):
        url = self.live_server_url + "/line/webhook"
        events = [follow(), text_message("ช่วยด้วย")]
        self.assertEqual(self.line.webhook_deliver(url, events, secret=SECRET), 200)
        self.assertEqual(self.line.webhook_deliver(url, events, secret=SECRET, redelivery=True), 200)
        self.assertEqual(self.line.webhook_deliver(url, events, secret="not-the-secret"), 400)
        self.assertEqual(LineEvent.objects.count(), 2)
        self.assertFalse(LineEvent.objects.filter(redelivered=True).exists())  # the first delivery was kept


class WorkerTests(TestCase):
    def test_the_worker_runs_both_line_sweeps(self):
        declared = {sweep.path: sweep.every for sweep in sweeps_declared()}
        self.assertEqual(declared["raksa.intake.line.services.line_event_sweep"], 1)
        self.assertEqual(declared["raksa.intake.line.services.line_pending_sweep"], 2)


class AnswerShapeTests(TestCase):
    def test_every_answer_in_both_languages_is_a_message_line_accepts(self):
        for language in (messages.THAI, messages.ENGLISH):
            for kind in EmergencyType.values:
                for payload in (
                    messages.welcome(language),
                    messages.ask_location(language, kind),
                    messages.emergency_sent(
                        language, kind, "RK7Q-M2XW-9", "http://x/track/", located=False, pin="123456"
                    ),
                    messages.emergency_again(language, kind, "RK7Q-M2XW-9", "http://x/track/", located=False),
                    messages.report_received(
                        language, "RK7Q-M2XW-9", "http://x/track/", dispatched=True, pin="123456"
                    ),
                    messages.report_waiting(language),
                    messages.added_to_case(language, "RK7Q-M2XW-9"),
                    messages.case_status(language, "RK7Q-M2XW-9", "received", "http://x/track/"),
                    messages.no_case(language, "http://x/track/"),
                    messages.confirm_emergency(language, kind, confident=True),
                    messages.confirm_emergency(language, kind, confident=False),
                    messages.unconfirmed_received(language, "RK7Q-M2XW-9", "http://x/track/", pin="123456"),
                    messages.same_matter(language, "RK7Q-M2XW-9"),
                    messages.tell_more_same(language, "RK7Q-M2XW-9"),
                    messages.choose_category(language),
                    messages.tell_more_category(language, "elderly_care"),
                    messages.too_many_lookups(language, 10),
                ):
                    with self.subTest(language=language, kind=kind, text=payload["text"][:30]):
                        transport_for("line").check(to=USER, payload=payload)
