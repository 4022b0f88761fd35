"""The public page /track/: a plain GET form for the code, the stage and what comes next for anyone who has it,
more behind the second factor (a POST, so it never stands in an address), Thai first with English a switch away,
the same failure for an unknown code and a wrong second factor, rate limits, and nothing private, ever."""

from __future__ import annotations

import datetime as dt
import re

import time_machine
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone

from raksa.cases.events import event_record
from raksa.cases.services import case_change_status, public_note_add, referral_create
from raksa.core.ids import new_tracking_code
from tests.tracking.helpers import ELSEWHERE, HOME, PUBLIC_NOTE, REPORTER_PHONE, TRACK, TrackingCase, text_of


class PageCase(TrackingCase):
    def look(self, code: str, client: Client | None = None):
        return (client or self.public).get(TRACK, {"code": code})

    def verify(self, code: str, secret: str, client: Client | None = None):
        return (client or self.public).post(f"{TRACK}?code={code}", {"code": code, "secret": secret})


class PageTests(PageCase):
    def test_without_a_code_it_is_the_form_alone(self):
        response = self.public.get(TRACK)
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        self.assertIn('<form method="get" action="/track/" id="code-form"', page)
        self.assertIn('name="code"', page)
        self.assertNotIn('id="status"', page)
        self.assertIn('href="tel:1300"', page)

    def test_a_code_shows_the_stage_the_seven_stages_and_what_comes_next(self):
        case = self.reported()
        case = case_change_status(actor=self.case_worker, case=case, status="screening")
        response = self.look(case.tracking_code.lower().replace("-", ""))
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        self.assertIn('<h2 id="stage-title" class="stage-now">กำลังตรวจสอบข้อมูล</h2>', page)
        steps = re.findall(r'<li class="step (\w+)"', page)
        self.assertEqual(steps, ["earlier", "current", "later", "later", "later", "later", "later"])
        for name in ("รับเรื่องแล้ว", "ส่งต่อทีมช่วยเหลือแล้ว", "เจ้าหน้าที่ลงพื้นที่แล้ว", "ดำเนินการเสร็จสิ้น"):
            self.assertIn(name, page)
        self.assertIn("เจ้าหน้าที่อาจโทรหาคุณ", text_of(page))  # what happens next
        self.assertIn('href="tel:1300"', page)
        self.assertIn(f'value="{case.tracking_code}"', page)  # shown back in its canonical form
        # The current stage's date only: the rest is history, behind the second factor.
        self.assertEqual(
            len(
                re.findall(
                    r'<li class="step[^"]*"[^>]*>\s*<span class="step-name">[^<]*</span>\s*<span class="step-at small"><time',
                    page,
                )
            ),
            1,
        )
        self.assertNotIn('id="details"', page)
        self.assertIn('id="secret-form"', page)

    def test_it_works_without_javascript(self):
        case = self.reported()
        page = self.look(case.tracking_code).content.decode()
        # Plain forms: a GET for the code, a POST for the second factor; no hx- attributes.
        self.assertIn('method="get" action="/track/"', page)
        self.assertRegex(page, r'<form method="post" action="/track/\?code=[^"]+" id="secret-form"')
        self.assertNotIn("hx-", page.split('<main id="main">')[1])
        self.assertNotIn("<script", page.split('<main id="main">')[1])

    def test_it_is_made_for_a_phone(self):
        page = self.public.get(TRACK).content.decode()
        self.assertIn('<meta name="viewport" content="width=device-width, initial-scale=1">', page)
        self.assertIn("raksa/track.css", page)

    def test_an_unknown_code_is_not_found(self):
        response = self.look(new_tracking_code())
        self.assertEqual(response.status_code, 404)
        self.assertIn("ไม่พบเรื่องที่ใช้รหัสนี้", response.content.decode())
        self.assertNotIn('id="secret-form"', response.content.decode())

    def test_the_language_switch_comes_back_to_the_same_case_in_english(self):
        case = self.reported()
        page = self.look(case.tracking_code).content.decode()
        switch = f'href="/track/?code={case.tracking_code}&amp;lang=en" lang="en"'
        self.assertIn(switch, page)
        response = self.public.get(TRACK, {"code": case.tracking_code, "lang": "en"})
        self.assertRedirects(response, f"/track/?code={case.tracking_code}", fetch_redirect_response=False)
        self.assertPrivateAnswer(response)
        self.assertEqual(self.public.cookies[settings.LANGUAGE_COOKIE_NAME].value, "en")
        page = self.look(case.tracking_code).content.decode()
        self.assertIn('<html lang="en">', page)
        self.assertIn("Track your request", page)
        self.assertIn(">Received</h2>", page)
        self.assertIn("Staff will read your request", page)
        self.assertIn("Call 1300", page)
        self.assertIn("Last 4 digits of your phone number, or your PIN", page)


class SecondFactorTests(PageCase):
    def setUp(self) -> None:
        super().setUp()
        self.case = self.reported()
        case_change_status(actor=self.case_worker, case=self.case, status="active")
        public_note_add(actor=self.case_worker, case=self.case, text=PUBLIC_NOTE)
        self.case.refresh_from_db()

    def assertDetails(self, response) -> None:
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        self.assertIn('id="details"', page)
        self.assertIn("สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์ กรุงเทพมหานคร", page)  # the agency's public name
        self.assertIn(PUBLIC_NOTE, page)
        history = page[page.index('id="history"') :]
        history = history[: history.index("</ol>")]
        self.assertEqual(
            re.findall(r"<li><span>([^<]+)</span>", history), ["อยู่ระหว่างให้ความช่วยเหลือ", "รับเรื่องแล้ว"]
        )
        self.assertNotIn('id="secret-form"', page)
        steps = re.findall(r'<li class="step (\w+)"', page)
        self.assertEqual(steps, ["done", "skipped", "skipped", "skipped", "current", "later", "later"])

    def test_the_last_four_digits_of_the_reporters_phone_open_the_details(self):
        self.assertDetails(self.verify(self.case.tracking_code, REPORTER_PHONE[-4:]))

    def test_the_pin_opens_them_too(self):
        pin = self.pin_for(self.case)
        self.assertDetails(self.verify(self.case.tracking_code, f"{pin[:3]} {pin[3:]}"))

    def test_thai_digits_are_read_as_digits(self):
        thai = REPORTER_PHONE[-4:].translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
        self.assertDetails(self.verify(self.case.tracking_code, thai))

    def test_the_second_factor_never_stands_in_the_address(self):
        response = self.verify(self.case.tracking_code, REPORTER_PHONE[-4:])
        self.assertNotIn(REPORTER_PHONE[-4:], response.wsgi_request.get_full_path())

    def test_the_phone_of_someone_else_on_the_case_does_not(self):
        # The subject's phone, or any other number: only the reporter's.
        response = self.verify(self.case.tracking_code, "9999")
        self.assertEqual(response.status_code, 404)
        self.assertNotIn('id="details"', response.content.decode())

    def test_a_wrong_pin_does_not(self):
        pin = self.pin_for(self.case)
        wrong = f"{(int(pin) + 1) % 1_000_000:06d}"
        response = self.verify(self.case.tracking_code, wrong)
        self.assertEqual(response.status_code, 404)
        self.assertNotIn('id="details"', response.content.decode())

    def test_a_case_without_a_pin_takes_no_six_digits(self):
        self.assertEqual(self.verify(self.case.tracking_code, "000000").status_code, 404)

    def test_a_wrong_second_factor_and_an_unknown_code_get_the_same_answer(self):
        unknown = new_tracking_code()
        wrong = self.verify(self.case.tracking_code, "1111")
        missing = self.verify(unknown, "1111")
        self.assertEqual((wrong.status_code, missing.status_code), (404, 404))

        def shown(response, code: str) -> str:
            page = response.content.decode().replace(code, "CODE")
            page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
            return re.sub(r"hx-headers='[^']*'", "", page)

        self.assertEqual(shown(wrong, self.case.tracking_code), shown(missing, unknown))
        self.assertIn("ไม่พบเรื่องที่ตรงกับรหัสติดตามและข้อมูลยืนยันนี้", wrong.content.decode())
        self.assertIn('id="secret-form"', wrong.content.decode())  # to try again

    def test_a_second_factor_of_the_wrong_shape_is_said_so_on_its_field(self):
        for secret in ("12", "12345", "1234567", "abcd"):
            response = self.verify(self.case.tracking_code, secret)
            self.assertEqual(response.status_code, 400, secret)
            page = response.content.decode()
            self.assertIn('id="secret-error"', page)
            self.assertIn("เลข 4 ตัวท้าย", page)

    def test_an_empty_second_factor_shows_the_stage_as_without_one(self):
        response = self.verify(self.case.tracking_code, "")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn('id="details"', response.content.decode())

    def test_the_details_speak_english_too(self):
        self.public.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        page = self.verify(self.case.tracking_code, REPORTER_PHONE[-4:]).content.decode()
        self.assertIn("Bangkok Office of Social Development and Human Security", page)
        self.assertIn("Messages from the staff", page)
        self.assertIn(PUBLIC_NOTE, page)  # written by staff, shown as written


class RateLimitTests(PageCase):
    def test_ten_failures_from_one_address_then_429_until_the_window_ends(self):
        for _ in range(settings.RAKSA_TRACK_FAILURES):
            self.assertEqual(self.look(new_tracking_code()).status_code, 404)
        response = self.look(new_tracking_code())
        self.assertEqual(response.status_code, 429)
        self.assertEqual(int(response["Retry-After"]), 600 - 1)
        page = response.content.decode()
        self.assertIn("ลองรหัสที่ไม่ถูกต้องหลายครั้งเกินไป", page)
        self.assertIn("Too many codes", page)
        self.assertIn("ประมาณ 10 นาที", page)
        self.assertIn('href="tel:1300"', page)
        self.assertPrivateAnswer(response)
        # Even a real code waits: the address is what is refused.
        case = self.reported()
        self.assertEqual(self.look(case.tracking_code).status_code, 429)
        # Another address is not.
        self.assertEqual(self.look(case.tracking_code, Client(REMOTE_ADDR=ELSEWHERE)).status_code, 200)
        with time_machine.travel(self.window_start + dt.timedelta(minutes=10), tick=False):
            self.assertEqual(self.look(case.tracking_code).status_code, 200)

    def test_a_code_alone_is_counted_against_the_address_only(self):
        from raksa.core.models import RateCount
        from raksa.tracking.services import SCOPE_ADDRESS, SCOPE_CODE

        self.look(new_tracking_code())
        self.assertEqual(set(RateCount.objects.values_list("scope", flat=True)), {SCOPE_ADDRESS})
        self.verify(self.reported().tracking_code, "1111")
        self.assertEqual(set(RateCount.objects.values_list("scope", flat=True)), {SCOPE_ADDRESS, SCOPE_CODE})

    def test_found_codes_cost_nothing(self):
        from raksa.core.models import RateCount

        case = self.reported()
        for _ in range(3 * settings.RAKSA_TRACK_FAILURES):
            self.assertEqual(self.look(case.tracking_code).status_code, 200)
        self.assertFalse(RateCount.objects.exists())  # nothing written: no counter row to queue behind
        self.assertEqual(self.verify(case.tracking_code, REPORTER_PHONE[-4:]).status_code, 200)

    def test_a_codes_second_factor_is_limited_across_addresses(self):
        # Two clients guess one case's phone ending, each under its own address's limit: the code's limit holds.
        case = self.reported()
        first, second = Client(REMOTE_ADDR=HOME), Client(REMOTE_ADDR=ELSEWHERE)
        for guess in range(settings.RAKSA_TRACK_FAILURES):
            client = first if guess % 2 else second
            self.assertEqual(self.verify(case.tracking_code, f"{guess:04d}", client).status_code, 404)
        third = Client(REMOTE_ADDR="192.0.2.30")
        response = self.verify(case.tracking_code, REPORTER_PHONE[-4:], third)
        self.assertEqual(response.status_code, 429)  # even the right one, until the window ends
        self.assertEqual(
            self.look(new_tracking_code(), third).status_code, 404
        )  # other codes are not limited

    @override_settings(RAKSA_TRACK_FAILURES=100, RAKSA_TRACK_FAILURES_DAY=15)
    def test_a_day_holds_fewer_guesses_than_ten_windows(self):
        case = self.reported()
        noon = timezone.now().astimezone(dt.UTC).replace(hour=12, minute=0, second=1, microsecond=0)
        for window in range(3):
            with time_machine.travel(noon + dt.timedelta(minutes=10 * window), tick=False):
                for guess in range(5):
                    client = Client(REMOTE_ADDR=f"192.0.2.{10 * window + guess + 1}")
                    self.assertEqual(self.verify(case.tracking_code, f"{guess:04d}", client).status_code, 404)
        with time_machine.travel(noon + dt.timedelta(minutes=30), tick=False):
            response = self.verify(case.tracking_code, REPORTER_PHONE[-4:], Client(REMOTE_ADDR="192.0.2.99"))
        self.assertEqual(response.status_code, 429)

    @override_settings(RAKSA_PROXY_COUNT=1)
    def test_behind_a_proxy_it_counts_the_address_the_proxy_saw(self):
        proxy = Client(REMOTE_ADDR="10.0.0.1")
        for index in range(settings.RAKSA_TRACK_FAILURES):
            proxy.get(TRACK, {"code": new_tracking_code()}, HTTP_X_FORWARDED_FOR=f"192.0.2.{index + 1}")
        response = proxy.get(TRACK, {"code": new_tracking_code()}, HTTP_X_FORWARDED_FOR="192.0.2.200")
        self.assertEqual(response.status_code, 404)


class PrivacyTests(PageCase):
    def setUp(self) -> None:
        super().setUp()
        self.case = self.reported()
        referral_create(
            actor=self.case_worker, case=self.case, to_unit=self.dcy_hq, reason="เด็กหญิง 8 ขวบต้องการที่พัก"
        )
        event_record(case=self.case, kind="note_added", actor=self.case_worker, data={"note_id": 1})
        public_note_add(actor=self.case_worker, case=self.case, text=PUBLIC_NOTE)
        self.case.refresh_from_db()

    def test_no_personal_data_or_case_content_without_the_second_factor(self):
        page = self.look(self.case.tracking_code).content.decode()
        self.assertShowsNothingPrivate(page, self.case)
        self.assertNotIn(PUBLIC_NOTE, page)
        self.assertNotIn("สำนักงานพัฒนาสังคม", page)

    def test_none_with_it_either(self):
        pin = self.pin_for(self.case)
        for secret in (REPORTER_PHONE[-4:], pin):
            response = self.verify(self.case.tracking_code, secret)
            self.assertEqual(response.status_code, 200)
            page = response.content.decode()
            self.assertShowsNothingPrivate(page, self.case)
            self.assertNotIn(pin, page)
            self.assertNotIn("เด็กหญิง", page)  # the referral's reason
            self.assertNotIn(self.dcy_hq.code, page)
            self.assertNotIn(self.dcy_hq.name_th, page)  # only the owning unit, by name

    def test_nor_in_any_failure(self):
        pages = [
            self.look("0000").content.decode(),
            self.look(new_tracking_code()).content.decode(),
            self.verify(self.case.tracking_code, "1111").content.decode(),
            self.verify(self.case.tracking_code, "12").content.decode(),
        ]
        for page in pages:
            self.assertShowsNothingPrivate(page, self.case)

    def test_every_answer_is_kept_out_of_search_engines_caches_and_referers(self):
        answers = [
            self.public.get(TRACK),
            self.look(self.case.tracking_code),
            self.verify(self.case.tracking_code, REPORTER_PHONE[-4:]),
            self.look("0000"),
            self.look(new_tracking_code()),
            self.verify(self.case.tracking_code, "12"),
        ]
        for response in answers:
            self.assertPrivateAnswer(response)
            page = response.content.decode()
            self.assertIn('<meta name="robots" content="noindex, nofollow, noarchive">', page)
            self.assertIn('<meta name="referrer" content="no-referrer">', page)

    def test_a_look_up_writes_no_access_log(self):
        from raksa.cases.models import AccessLog

        self.verify(self.case.tracking_code, REPORTER_PHONE[-4:])
        self.assertFalse(AccessLog.objects.exists())  # it shows no one's personal data

    def test_a_browser_that_sends_origin_null_may_still_post_the_second_factor(self):
        # What a browser sends from a page with Referrer-Policy: no-referrer.
        strict = Client(REMOTE_ADDR=HOME, enforce_csrf_checks=True)
        code = self.case.tracking_code
        response = strict.post(
            f"{TRACK}?code={code}", {"code": code, "secret": REPORTER_PHONE[-4:]}, HTTP_ORIGIN="null"
        )
        self.assertContains(response, 'id="details"')

    def test_it_takes_nothing_but_get_and_post(self):
        self.assertEqual(self.public.put(TRACK).status_code, 405)

    def test_the_clock_shown_is_the_minute(self):
        page = self.look(self.case.tracking_code).content.decode()
        stamps = [dt.datetime.fromisoformat(s) for s in re.findall(r'<time datetime="([^"]+)"', page)]
        self.assertTrue(stamps)
        for stamp in stamps:
            self.assertEqual((stamp.second, stamp.microsecond), (0, 0))
            self.assertEqual(stamp.utcoffset(), dt.timedelta(hours=7))  # Bangkok time
