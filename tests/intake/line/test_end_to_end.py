"""ESS Help Me from one end to the other, through the LINE stand-in: she taps an emergency and shares her place,
the case is dispatched, the alert reaches the unit's LINE group, a responder opens the alert's link on his phone
and acknowledges, and she is told in her chat. And when her place comes only after the alert, the team is told
it, once."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any
from urllib.parse import urlsplit

from django.test import Client

from raksa.cases.models import Case
from raksa.directory.models import Contact
from raksa.dispatch.models import Dispatch, DispatchState
from raksa.intake.line.services import line_pending_sweep
from raksa.intake.models import Report
from tests.intake.line.support import (
    USER,
    follow,
    location_message,
    postback,
    text_message,
    unfollow,
)
from tests.intake.line.test_conversation import DAY, SECOND, ConversationTestCase
from tests.notify.support import GROUP, line_id

# The 1300 centre's own LINE group: an emergency with no place (and so no province) goes to the centre.
CENTRE_GROUP = line_id("C", 0x1300)
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def texts(items: list[dict[str, Any]]) -> list[str]:
    return [m.get("text") or m.get("altText") or "" for item in items for m in item["messages"]]


class EndToEndTests(ConversationTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        Contact.objects.create(
            unit=cls.centre, kind=Contact.Kind.LINE_GROUP, value=CENTRE_GROUP, on_call=True
        )

    def group_alerts(self, group: str = GROUP) -> list[dict[str, Any]]:
        self.send_out()
        return self.line.received(group)

    def acknowledge_by_the_alerts_link(self, alert: dict[str, Any]) -> None:
        """What the responder does: opens the alert's "รับเรื่อง" button on his phone, then taps it."""
        [flex] = [m for m in alert["messages"] if m["type"] == "flex"]
        footer = flex["contents"]["footer"]["contents"]
        [link] = [b["action"]["uri"] for b in footer if b["action"]["label"] == "รับเรื่อง"]
        path = urlsplit(link).path
        phone = Client(enforce_csrf_checks=True)  # no password: the signed link is the key
        page = phone.get(path)
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, 'id="move-acknowledged"')
        token = _CSRF.search(page.content.decode())
        assert token is not None
        with self.captureOnCommitCallbacks(execute=True):
            done = phone.post(path, {"move": "acknowledged", "csrfmiddlewaretoken": token.group(1)})
        self.assertEqual(done.status_code, 302)

    def test_a_tap_and_a_pin_reach_the_team_whose_acknowledgement_reaches_her(self):
        self.says(follow())
        self.says(postback("emergency=threat"))
        self.at(DAY + 10 * SECOND)
        self.says(location_message())

        case = Case.objects.get()
        self.assertEqual((case.emergency_type, case.province_code), ("threat", "10"))
        dispatch = Dispatch.objects.get(case=case)
        self.assertEqual((dispatch.unit, dispatch.state), (self.bkk_rapid, DispatchState.ALERTED))
        [alert] = self.group_alerts()
        self.assertEqual(alert["via"], "push")
        alert_text = json.dumps(alert["messages"], ensure_ascii=False)
        self.assertIn("ถูกข่มขู่", alert_text)
        self.assertIn(case.number, alert_text)
        self.assertIn("ปทุมวัน", alert_text)
        told = texts(self.line.received(USER))
        self.assertTrue(any(case.tracking_code in t and "ส่งเรื่องเหตุฉุกเฉิน" in t for t in told), told)

        before = len(self.line.received(USER))
        self.acknowledge_by_the_alerts_link(alert)
        dispatch.refresh_from_db()
        self.assertEqual(dispatch.state, DispatchState.ACKNOWLEDGED)
        self.send_out()
        [news] = self.line.received(USER)[before:]
        self.assertEqual(news["via"], "push")
        [text] = texts([news])
        self.assertIn(f"ทีมช่วยเหลือรับเรื่อง {case.tracking_code} แล้ว", text)
        self.assertTrue(news["retry_key"])  # a push LINE runs once, however often it is retried
        self.send_out()
        self.assertEqual(len(self.line.received(USER)), before + 1)  # told once

    def test_a_place_that_comes_after_the_alert_is_told_to_the_team_once(self):
        self.says(postback("emergency=detention"))
        self.at(DAY + 61 * SECOND)
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(line_pending_sweep(), 1)
        [alert] = self.group_alerts(CENTRE_GROUP)
        self.assertNotIn("แผนที่", alert["messages"][0].get("altText", "") + json.dumps(alert["messages"]))

        self.at(DAY + 90 * SECOND)
        self.says(location_message())
        case = Case.objects.get()
        self.assertIsNotNone(case.latitude)
        alerts = self.group_alerts(CENTRE_GROUP)
        self.assertEqual(len(alerts), 2)
        [late] = texts(alerts[1:])
        self.assertIn(f"ทราบตำแหน่งเหตุ {case.number} แล้ว", late)
        self.assertIn("ปทุมวัน", late)
        self.assertIn("openstreetmap.org", late)
        self.assertIn("/dispatch/", late)

        # Another pin later (it does not move the case's point) tells the team nothing more.
        self.at(DAY + 120 * SECOND)
        self.says(location_message(13.80, 100.55))
        self.assertEqual(Report.objects.count(), 3)
        self.assertEqual(len(self.group_alerts(CENTRE_GROUP)), 2)

    def test_a_place_after_the_team_took_it_is_told_too(self):
        self.says(postback("emergency=frenzy"), postback("action=send_now"))
        [alert] = self.group_alerts(CENTRE_GROUP)
        self.acknowledge_by_the_alerts_link(alert)
        self.at(DAY + dt.timedelta(minutes=3))
        self.says(location_message())
        alerts = self.group_alerts(CENTRE_GROUP)
        self.assertEqual(len(alerts), 2)
        self.assertIn("ทราบตำแหน่งเหตุ", texts(alerts[1:])[0])

    def test_she_is_not_told_once_she_has_blocked_the_account(self):
        self.says(postback("emergency=threat"))
        self.says(location_message())
        [alert] = self.group_alerts()
        self.says(unfollow())
        before = len(self.line.received(USER))
        self.acknowledge_by_the_alerts_link(alert)
        self.send_out()
        self.assertEqual(len(self.line.received(USER)), before)

    def test_an_english_chat_is_told_in_english(self):
        self.says(text_message("My grandmother lives alone with no income and needs help", full=False))
        self.says(postback("emergency=threat"))
        self.says(location_message())
        case = Case.objects.order_by("-id").first()
        assert case is not None
        alerts = [a for a in self.group_alerts() if case.number in json.dumps(a["messages"])]
        self.acknowledge_by_the_alerts_link(alerts[0])
        self.send_out()
        told = texts(self.line.received(USER))
        self.assertTrue(
            any(t.startswith(f"A help team has taken your case {case.tracking_code}") for t in told)
        )
