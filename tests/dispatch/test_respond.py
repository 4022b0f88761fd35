"""The responder page as a field team uses it from the alert on its phone, and the board as the centre watches it:
the signed link works only for its dispatch and only until it expires; each move changes the board."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import Client, override_settings
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils import timezone

from raksa.cases.models import AccessLog
from raksa.directory.models import Contact
from raksa.dispatch.links import link_check, link_token, link_url
from raksa.dispatch.models import Dispatch, DispatchState
from raksa.dispatch.services import dispatch_acknowledge, dispatch_cancel, dispatch_request
from raksa.notify.models import Message
from raksa.notify.services import outbox_sweep
from tests.base import BANGKOK
from tests.dispatch.test_services import RAPID_GROUP, DispatchTestCase
from tests.notify.support import StandInsMixin

S = DispatchState


def link_path(dispatch: Dispatch, token: str | None = None) -> str:
    return reverse("dispatch:respond", kwargs={"pk": dispatch.pk, "token": token or link_token(dispatch)})


class ResponderLinkTests(DispatchTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dispatch = dispatch_request(case=self.emergency(location_text="ซอยลาดพร้าว 101"))
        self.phone = Client()  # a team member's phone: not signed in

    def test_the_alerts_link_opens_the_essentials_without_a_password(self):
        page = self.phone.get(link_path(self.dispatch))
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "ซอยลาดพร้าว 101")
        self.assertContains(page, self.dispatch.case.number)
        self.assertContains(page, 'value="acknowledged"')
        self.assertNotContains(page, 'value="on_scene"')  # not before it is acknowledged
        self.assertTrue(AccessLog.objects.filter(case=self.dispatch.case, user=None).exists())

    def test_a_team_acknowledges_then_arrives_from_the_link(self):
        path = link_path(self.dispatch)
        self.assertEqual(self.phone.post(path, {"move": "acknowledged"}).status_code, 302)
        self.assertEqual(self.phone.post(path, {"move": "on_scene"}).status_code, 302)
        self.dispatch.refresh_from_db()
        self.assertEqual(self.dispatch.state, S.ON_SCENE)
        answer = self.phone.post(path, {"move": "resolved", "outcome": ""})
        self.assertEqual(answer.status_code, 400)
        self.assertContains(answer, "ผลการระงับเหตุ", status_code=400)

    def test_an_illegal_move_is_refused_and_shown(self):
        answer = self.phone.post(link_path(self.dispatch), {"move": "on_scene"})
        self.assertEqual(answer.status_code, 409)
        self.dispatch.refresh_from_db()
        self.assertEqual(self.dispatch.state, S.ALERTED)

    def test_a_tampered_link_is_the_same_as_a_missing_dispatch(self):
        token = link_token(self.dispatch)
        tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
        self.assertEqual(self.phone.get(link_path(self.dispatch, tampered)).status_code, 404)
        missing = reverse("dispatch:respond", kwargs={"pk": 999999, "token": token})
        self.assertEqual(self.phone.get(missing).status_code, 404)

    def test_another_cases_link_does_not_open_this_one(self):
        other = dispatch_request(case=self.emergency(summary="มีคนคลุ้มคลั่ง", emergency_type="frenzy"))
        wrong = reverse("dispatch:respond", kwargs={"pk": self.dispatch.pk, "token": link_token(other)})
        self.assertEqual(self.phone.get(wrong).status_code, 404)
        self.assertEqual(self.phone.post(wrong, {"move": "acknowledged"}).status_code, 404)
        self.dispatch.refresh_from_db()
        self.assertEqual(self.dispatch.state, S.ALERTED)

    @override_settings(RAKSA_DISPATCH_LINK_HOURS=12)
    def test_an_expired_link_says_so_and_changes_nothing(self):
        path = link_path(self.dispatch)
        with time_machine.travel(timezone.now() + dt.timedelta(hours=13)):
            page = self.phone.get(path)
            self.assertEqual(page.status_code, 410)
            self.assertContains(page, "This link has expired", status_code=410)
            self.assertEqual(self.phone.post(path, {"move": "acknowledged"}).status_code, 410)
        self.dispatch.refresh_from_db()
        self.assertEqual(self.dispatch.state, S.ALERTED)


class ResponderSignedInTests(DispatchTestCase):
    def test_the_team_member_and_the_centre_see_it_others_do_not(self):
        dispatch = dispatch_request(case=self.emergency())
        path = reverse("dispatch:respond_staff", kwargs={"pk": dispatch.pk})
        for user in (self.responder, self.call_taker, self.supervisor):
            self.client.force_login(user)
            self.assertEqual(self.client.get(path).status_code, 200, user)
        for user in (self.other_province_worker, self.other_supervisor):
            self.client.force_login(user)
            self.assertEqual(self.client.get(path).status_code, 404, user)
            self.assertEqual(self.client.post(path, {"move": "acknowledged"}).status_code, 404)
        self.client.force_login(self.responder)
        self.assertEqual(self.client.post(path, {"move": "acknowledged"}).status_code, 302)
        dispatch.refresh_from_db()
        self.assertEqual((dispatch.state, dispatch.acknowledged_by), (S.ACKNOWLEDGED, self.responder))


class BoardTests(DispatchTestCase):
    def poll(self, since: str = "", etag: str = "", at: dt.datetime | None = None):
        """One poll as the page makes it at `at`: the answer, and the `since` of the next poll (X-Board-Since)."""
        headers = {"HTTP_IF_NONE_MATCH": etag} if etag else {}
        with time_machine.travel(at or timezone.now(), tick=False):
            answer = self.client.get(reverse("dispatch:board_live"), {"since": since}, **headers)
        return answer, answer["X-Board-Since"]

    def test_the_board_lists_active_emergencies_and_answers_304_until_one_changes(self):
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            dispatch = dispatch_request(case=self.emergency())
        self.client.force_login(self.call_taker)
        page = self.client.get(reverse("dispatch:board"))
        self.assertContains(page, dispatch.case.number)
        first, since = self.poll(at=start + dt.timedelta(seconds=1))
        self.assertEqual(first.status_code, 200)
        etag = first["ETag"]
        # A row comes again until a poll is answered more than a few seconds after its change (it may have had
        # company committed late); then nothing: 304.
        _, since = self.poll(since, etag, at=start + dt.timedelta(seconds=9))
        quiet, since = self.poll(since, etag, at=start + dt.timedelta(seconds=10))
        self.assertEqual(quiet.status_code, 304)
        with time_machine.travel(start + dt.timedelta(seconds=11), tick=False):
            self.client.force_login(self.responder)
            self.client.post(
                reverse("dispatch:respond_staff", kwargs={"pk": dispatch.pk}), {"move": "acknowledged"}
            )
            self.client.force_login(self.call_taker)
        changed, _ = self.poll(since, etag, at=start + dt.timedelta(seconds=12))
        self.assertEqual(changed.status_code, 200)
        self.assertContains(changed, "ทีมรับเรื่องแล้ว")
        self.assertNotEqual(changed["ETag"], etag)

    def test_a_change_that_committed_after_a_later_one_still_reaches_the_board(self):
        # Two emergencies at once: B's transaction took its time before A's, but A committed first and the board
        # saw A (its version is A's time). B, committed a moment later with an older time, must still come.
        now = timezone.now()
        with time_machine.travel(now + dt.timedelta(seconds=10), tick=False):
            first = dispatch_request(case=self.emergency(summary="เอ"))
        self.client.force_login(self.call_taker)
        seen, since = self.poll(str(int(now.timestamp() * 1_000_000)), at=now + dt.timedelta(seconds=10.1))
        self.assertEqual([row["id"] for row in seen.json()["rows"]], [first.pk])
        with time_machine.travel(now + dt.timedelta(seconds=9), tick=False):
            second = dispatch_request(case=self.emergency(summary="บี"))
        again, _ = self.poll(since, seen["ETag"], at=now + dt.timedelta(seconds=11))
        self.assertEqual(again.status_code, 200)
        self.assertIn(second.pk, [row["id"] for row in again.json()["rows"]])

    def test_a_poll_sends_only_the_rows_changed_since_its_version_and_drops_finished_ones(self):
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            first = dispatch_request(case=self.emergency(summary="หนึ่ง"))
            second = dispatch_request(case=self.emergency(summary="สอง"))
        self.client.force_login(self.call_taker)
        answer, since = self.poll(at=start + dt.timedelta(seconds=5))
        self.assertEqual({row["id"] for row in answer.json()["rows"]}, {first.pk, second.pk})
        with time_machine.travel(start + dt.timedelta(seconds=10), tick=False):
            dispatch_cancel(dispatch=first, actor=self.call_taker, reason="แจ้งซ้ำ")
        changed, since = self.poll(since, at=start + dt.timedelta(seconds=10.5))
        # What changed since (and what changed a few seconds before the last answer): not the untouched one.
        rows = {row["id"]: row["active"] for row in changed.json()["rows"]}
        self.assertEqual(rows, {first.pk: False})
        self.assertGreater(int(changed.json()["version"]), int(answer.json()["version"]))
        _, since = self.poll(since, at=start + dt.timedelta(seconds=20))
        later, _ = self.poll(since, at=start + dt.timedelta(seconds=21))
        self.assertEqual(later.json()["rows"], [])

    def test_a_row_is_rendered_once_per_change_however_many_boards_poll_and_never_stale(self):
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            dispatch = dispatch_request(case=self.emergency())
        self.client.force_login(self.call_taker)
        rendered: list[str] = []

        def count(sender, template, context, **kwargs) -> None:
            if template.name == "dispatch/_board_row.html":
                rendered.append(template.name)

        template_rendered.connect(count)
        self.addCleanup(template_rendered.disconnect, count)
        boards = [self.poll(at=start + dt.timedelta(seconds=1)) for _ in range(5)]  # five boards, one change
        self.assertEqual(len(rendered), 1)
        self.assertEqual(len({answer.json()["rows"][0]["html"] for answer, _ in boards}), 1)
        with time_machine.travel(start + dt.timedelta(seconds=2), tick=False):
            dispatch_acknowledge(dispatch=dispatch, actor=self.responder)
        answer, _ = self.poll(boards[0][1], at=start + dt.timedelta(seconds=3))
        self.assertIn('data-state="acknowledged"', answer.json()["rows"][0]["html"])
        self.assertEqual(len(rendered), 2)

    def test_a_supervisor_sees_only_her_area_and_filters_work(self):
        bangkok = dispatch_request(case=self.emergency())
        self.client.force_login(self.other_supervisor)
        self.assertNotContains(self.client.get(reverse("dispatch:board")), bangkok.case.number)
        self.client.force_login(self.call_taker)
        self.assertContains(
            self.client.get(reverse("dispatch:board"), {"province": BANGKOK}), bangkok.case.number
        )
        self.assertNotContains(
            self.client.get(reverse("dispatch:board"), {"type": "frenzy"}), bangkok.case.number
        )

    def test_rows_carry_the_position_and_labels_the_map_draws_and_filters_apply_to_them(self):
        placed = dispatch_request(case=self.emergency(latitude="13.7563", longitude="100.5018"))
        unplaced = dispatch_request(case=self.emergency(summary="ไม่มีพิกัด", emergency_type="frenzy"))
        self.client.force_login(self.call_taker)
        html = self.client.get(reverse("dispatch:board")).content.decode()
        row = html[html.index(f'id="dispatch-{placed.pk}"') :].split(">", 1)[0]
        self.assertIn('data-lat="13.756300" data-lon="100.501800"', row)
        self.assertIn('data-state="alerted"', row)
        self.assertIn('data-type="ถูกข่มขู่"', row)
        self.assertIn('data-place="กรุงเทพมหานคร"', row)  # no place typed: the province's name, not its code
        self.assertIn(f'data-href="/dispatch/{placed.pk}/"', row)
        other = html[html.index(f'id="dispatch-{unplaced.pk}"') :].split(">", 1)[0]
        self.assertNotIn("data-lat", other)
        self.assertIn('id="board-map"', html)
        # A live answer carries the same rows, and a filter keeps the other type's position off the map.
        live = self.client.get(reverse("dispatch:board_live")).json()["rows"]
        self.assertIn('data-lat="13.756300"', next(r["html"] for r in live if r["id"] == placed.pk))
        filtered = self.client.get(reverse("dispatch:board"), {"type": "frenzy"}).content.decode()
        self.assertNotIn("data-lat", filtered)
        self.assertIn(f'id="dispatch-{unplaced.pk}"', filtered)

    def test_escalations_and_failed_alerts_come_first(self):
        Contact.objects.filter(unit=self.bkk_rapid).delete()  # this one's alert fails: it climbs at once
        failed = dispatch_request(case=self.emergency(summary="ไม่มีทีมรับ"))
        Contact.objects.create(
            unit=self.bkk_rapid, kind=Contact.Kind.LINE_GROUP, value=RAPID_GROUP, on_call=True
        )
        calm = dispatch_request(case=self.emergency(summary="ปกติ"))
        self.client.force_login(self.call_taker)
        html = self.client.get(reverse("dispatch:board")).content.decode()
        self.assertLess(html.index(failed.case.number), html.index(calm.case.number))


class AlertDeliveryTests(StandInsMixin, DispatchTestCase):
    def test_the_alert_reaches_the_teams_line_group_once_with_its_link(self):
        dispatch = dispatch_request(case=self.emergency(latitude="13.7563", longitude="100.5018"))
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(outbox_sweep(), 1)
        [push] = self.line.received(RAPID_GROUP)
        [message] = push["messages"]
        self.assertEqual(message["type"], "flex")
        self.assertIn(dispatch.case.number, message["altText"])
        buttons = message["contents"]["footer"]["contents"]
        # The one-tap button opens this dispatch's responder page.
        token = buttons[0]["action"]["uri"].rstrip("/").rsplit("/", 1)[1]
        self.assertTrue(buttons[0]["action"]["uri"].startswith(link_url(dispatch).split("/respond/")[0]))
        self.assertEqual(link_check(dispatch.pk, token).dispatch, dispatch)
        self.assertIn("13.7563", buttons[1]["action"]["uri"])
        self.assertEqual(Message.objects.get().state, "sent")
        self.assertEqual(outbox_sweep(), 0)
        self.assertEqual(len(self.line.received(RAPID_GROUP)), 1)


class PhonesPageTests(StandInsMixin, DispatchTestCase):
    def test_it_shows_what_each_teams_phone_received_from_the_stand_ins(self):
        dispatch = dispatch_request(case=self.emergency())
        with self.captureOnCommitCallbacks(execute=True):
            outbox_sweep()
        self.client.force_login(self.call_taker)
        with override_settings(RAKSA_STANDINS_URLS=(self.line.base_url, self.sms.base_url)):
            page = self.client.get(reverse("dispatch:phones"))
        self.assertContains(page, dispatch.case.number)
        self.assertContains(page, self.bkk_rapid.name_th)

    def test_it_does_not_exist_outside_development(self):
        self.client.force_login(self.call_taker)
        with override_settings(RAKSA_STANDINS_URLS=()):
            self.assertEqual(self.client.get(reverse("dispatch:phones")).status_code, 404)


class RouteDryRunTests(DispatchTestCase):
    def test_it_says_where_a_point_or_an_address_would_go_and_why(self):
        self.client.force_login(self.call_taker)
        page = self.client.get(reverse("dispatch:route"), {"lat": "13.7500", "lon": "100.4913"})
        self.assertContains(page, "1001")  # the Grand Palace is in Phra Nakhon
        self.assertContains(page, self.bkk_rapid.code)
        self.assertContains(page, "จากพิกัด")
        at_sea = self.client.get(reverse("dispatch:route"), {"lat": "12.0", "lon": "101.0", "province": ""})
        self.assertContains(at_sea, self.centre.code)
        by_code = self.client.get(reverse("dispatch:route"), {"province": BANGKOK})
        self.assertContains(by_code, self.bkk_rapid.code)
        self.assertFalse(Dispatch.objects.exists())  # nothing sent, nothing stored

    def test_half_a_position_is_a_clear_error(self):
        self.client.force_login(self.call_taker)
        page = self.client.get(reverse("dispatch:route"), {"lat": "13.75"})
        self.assertContains(page, "Give both latitude and longitude", status_code=400)
