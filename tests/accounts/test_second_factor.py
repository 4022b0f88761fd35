"""Two-factor sign-in: supervisors and admins (RAKSA_2FA_ROLES) give a code from an authenticator app after the
password; the first sign-in sets the app up and shows ten recovery codes once; an administrator resets a lost
phone. Until the code is given, no staff page and no admin page opens. API tokens are not affected."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from raksa.accounts.models import Role, User
from raksa.accounts.services import recovery_codes_create, token_create, totp_device_ensure
from raksa.core.errors import InvalidInput
from tests.base import RaksaTestCase, make_user

PASSWORD = "correct-horse-battery"
KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test key, 20 bytes


def code_for(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def wrong_code_for(device: TOTPDevice) -> str:
    return f"{(int(code_for(device)) + 1) % 1_000_000:06d}"


def after_throttle(device: TOTPDevice | StaticDevice) -> None:
    """As if the wait django-otp imposes after a wrong code had passed (the clock moves on, no sleeping)."""
    type(device).objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(hours=1)
    )


class SecondFactorTests(RaksaTestCase):
    client_class = Client  # the real sign-in, not the test helper's shortcut

    def sign_in(self, user: User, next_url: str = "") -> Client:
        client = Client()
        url = f"/login/?next={next_url}" if next_url else "/login/"
        response = client.post(url, {"username": user.username, "password": PASSWORD, "next": next_url})
        self.assertEqual(response.status_code, 302)
        client.landing = response["Location"]  # type: ignore[attr-defined]
        return client

    def assertLocked(self, client: Client) -> None:
        """No staff page and no admin page opens: each sends the user to the second step."""
        for path in ("/cases/", "/people/", "/admin/", "/admin/accounts/user/", "/"):
            response = client.get(path)
            self.assertEqual(response.status_code, 302, path)
            self.assertTrue(
                response["Location"].startswith("/login/verify/?next="), (path, response["Location"])
            )

    def assertSignedIn(self, client: Client) -> None:
        self.assertEqual(client.get("/cases/").status_code, 200)

    def enrolled(self, user: User) -> TOTPDevice:
        totp_device_ensure(user=user, key_hex=KEY)
        return TOTPDevice.objects.get(user=user)

    def test_it_makes_a_supervisor_set_up_an_app_at_the_first_sign_in(self) -> None:
        client = self.sign_in(self.supervisor)
        self.assertEqual(client.landing, "/login/verify/?next=%2Fcases%2F")
        self.assertRedirects(
            client.get(client.landing), "/login/enrol/?next=%2Fcases%2F", fetch_redirect_response=False
        )
        self.assertLocked(client)

        page = client.get("/login/enrol/?next=/cases/")
        self.assertContains(page, "ตั้งค่าการยืนยันตัวตนสองขั้นตอน")
        self.assertContains(page, "otpauth://totp/Raksa%3Asupervisor_bkk?secret=")
        self.assertContains(page, "<svg")
        device = TOTPDevice.objects.get(user=self.supervisor)
        self.assertFalse(device.confirmed)
        self.assertLocked(client)

        response = client.post("/login/enrol/", {"code": code_for(device), "next": "/cases/"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("no-store", response["Cache-Control"])  # shown once: never kept in a cache
        codes = response.context["codes"]
        self.assertEqual(len(codes), 10)
        self.assertEqual(len(set(codes)), 10)
        for code in codes:
            self.assertContains(response, code)
        self.assertEqual(set(StaticToken.objects.values_list("token", flat=True)), set(codes))
        self.assertContains(response, 'href="/cases/"')
        self.assertSignedIn(client)
        self.assertEqual(
            client.get("/admin/").status_code, 302
        )  # a supervisor is not staff: the admin's own login

    def test_it_refuses_a_wrong_code_while_setting_up(self) -> None:
        client = self.sign_in(self.admin_user)
        client.get("/login/enrol/")
        device = TOTPDevice.objects.get(user=self.admin_user)
        response = client.post("/login/enrol/", {"code": wrong_code_for(device)})
        self.assertContains(response, "รหัสไม่ถูกต้องหรือหมดเวลาแล้ว")
        self.assertFalse(TOTPDevice.objects.get(pk=device.pk).confirmed)
        self.assertFalse(StaticToken.objects.exists())
        self.assertLocked(client)

    def test_it_refuses_a_wrong_code(self) -> None:
        device = self.enrolled(self.supervisor)
        client = self.sign_in(self.supervisor)
        page = client.get(client.landing)
        self.assertContains(page, "ยืนยันตัวตนขั้นที่สอง")
        self.assertNotContains(page, 'href="/cases/"')  # the menu waits for the second step
        response = client.post("/login/verify/", {"code": wrong_code_for(device), "next": "/cases/"})
        self.assertContains(response, "รหัสไม่ถูกต้องหรือหมดเวลาแล้ว")
        self.assertLocked(client)

    # A wait long enough that no slow machine lets the next try through by itself (the default is 1 s, doubling).
    @override_settings(OTP_TOTP_THROTTLE_FACTOR=600)
    def test_it_refuses_even_the_right_code_straight_after_a_wrong_one(self) -> None:
        device = self.enrolled(self.supervisor)
        client = self.sign_in(self.supervisor)
        client.post("/login/verify/", {"code": wrong_code_for(device)})
        response = client.post("/login/verify/", {"code": code_for(device)})
        self.assertContains(response, "กรอกรหัสผิดหลายครั้ง")
        self.assertLocked(client)
        after_throttle(device)
        self.assertEqual(client.post("/login/verify/", {"code": code_for(device)}).status_code, 302)
        self.assertSignedIn(client)

    def test_it_signs_in_with_the_right_code_and_goes_where_it_was_asked(self) -> None:
        device = self.enrolled(self.supervisor)
        client = self.sign_in(self.supervisor, next_url="/people/")
        self.assertEqual(client.landing, "/login/verify/?next=%2Fpeople%2F")
        code = code_for(device)
        response = client.post("/login/verify/", {"code": f"{code[:3]} {code[3:]}", "next": "/people/"})
        self.assertRedirects(response, "/people/", fetch_redirect_response=False)
        self.assertSignedIn(client)
        # The same code cannot be used twice, even by someone who watched it being typed.
        other = self.sign_in(self.supervisor)
        self.assertContains(other.post("/login/verify/", {"code": code}), "รหัสไม่ถูกต้อง")
        self.assertLocked(other)

    def test_it_gives_the_session_a_new_key_once_the_code_is_given(self) -> None:
        device = self.enrolled(self.supervisor)
        client = self.sign_in(self.supervisor)
        half_signed_in = client.cookies[settings.SESSION_COOKIE_NAME].value
        client.post("/login/verify/", {"code": code_for(device)})
        self.assertNotEqual(client.cookies[settings.SESSION_COOKIE_NAME].value, half_signed_in)
        self.assertSignedIn(client)
        stolen = Client()
        stolen.cookies[settings.SESSION_COOKIE_NAME] = half_signed_in
        self.assertRedirects(stolen.get("/cases/"), "/login/?next=/cases/", fetch_redirect_response=False)

    def test_it_sends_a_form_posted_before_the_second_step_to_the_cases_not_back_to_the_form(self) -> None:
        client = self.sign_in(self.supervisor)
        response = client.post("/people/", {})
        self.assertEqual(response["Location"], "/login/verify/?next=%2Fcases%2F")

    def test_it_never_sends_the_user_off_the_site_after_the_code(self) -> None:
        device = self.enrolled(self.supervisor)
        client = self.sign_in(self.supervisor)
        response = client.post("/login/verify/", {"code": code_for(device), "next": "https://evil.example/"})
        self.assertRedirects(response, "/cases/", fetch_redirect_response=False)

    def test_it_accepts_each_recovery_code_once(self) -> None:
        self.enrolled(self.supervisor)
        codes = recovery_codes_create(user=self.supervisor)
        client = self.sign_in(self.supervisor)
        response = client.post("/login/verify/", {"code": codes[0].upper(), "next": "/cases/"}, follow=True)
        self.assertContains(response, "เหลืออีก 9 รหัส")
        self.assertSignedIn(client)

        again = self.sign_in(self.supervisor)
        self.assertContains(again.post("/login/verify/", {"code": codes[0]}), "รหัสไม่ถูกต้อง")
        self.assertLocked(again)
        after_throttle(StaticDevice.objects.get(user=self.supervisor))
        self.assertEqual(again.post("/login/verify/", {"code": codes[1]}).status_code, 302)
        self.assertSignedIn(again)
        self.assertEqual(StaticToken.objects.filter(device__user=self.supervisor).count(), 8)

    def test_it_lets_an_administrator_reset_a_lost_phone(self) -> None:
        device = self.enrolled(self.supervisor)
        recovery_codes_create(user=self.supervisor)
        supervisor = self.sign_in(self.supervisor)
        supervisor.post("/login/verify/", {"code": code_for(device)})
        self.assertSignedIn(supervisor)

        root = User.objects.create_superuser("root", "root@raksa.example", PASSWORD)
        admin = RaksaTestCase.client_class()
        admin.force_login(root)
        response = admin.post(
            "/admin/accounts/user/",
            {"action": "reset_second_factor", "_selected_action": [self.supervisor.pk]},
            follow=True,
        )
        self.assertContains(response, "Removed 2 device(s)")
        self.assertFalse(TOTPDevice.objects.filter(user=self.supervisor).exists())
        self.assertFalse(StaticDevice.objects.filter(user=self.supervisor).exists())
        # The session verified with the lost phone no longer counts; the next sign-in sets up a new app.
        self.assertLocked(supervisor)
        self.assertRedirects(
            supervisor.get("/login/verify/"), "/login/enrol/?next=%2Fcases%2F", fetch_redirect_response=False
        )

    def test_it_resets_from_the_command_line_too(self) -> None:
        self.enrolled(self.admin_user)
        recovery_codes_create(user=self.admin_user)
        err = StringIO()
        call_command("twofactor", "reset", "--user", "admin", stderr=err)
        self.assertIn("removed 2 device(s) of admin", err.getvalue())
        self.assertFalse(TOTPDevice.objects.filter(user=self.admin_user).exists())

    def test_it_does_not_ask_roles_that_are_not_named(self) -> None:
        for user in (self.case_worker, self.call_taker, self.responder):
            client = self.sign_in(user)
            self.assertEqual(client.landing, "/cases/")
            self.assertSignedIn(client)
        self.assertFalse(TOTPDevice.objects.exists())

    @override_settings(RAKSA_2FA_ROLES=("case_worker",))
    def test_it_asks_exactly_the_roles_the_setting_names(self) -> None:
        self.assertEqual(self.sign_in(self.case_worker).landing, "/login/verify/?next=%2Fcases%2F")
        self.assertEqual(self.sign_in(self.supervisor).landing, "/cases/")

    def test_it_asks_anyone_who_may_use_the_admin_whatever_their_role(self) -> None:
        root = User.objects.create_superuser("root", "root@raksa.example", PASSWORD)
        self.assertEqual(root.role, Role.CASE_WORKER)
        client = Client()
        response = client.post(
            "/admin/login/?next=/admin/", {"username": "root", "password": PASSWORD, "next": "/admin/"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertLocked(client)

    def test_it_keeps_htmx_requests_out_too(self) -> None:
        client = self.sign_in(self.supervisor)
        response = client.get("/cases/", HTTP_HX_REQUEST="true")
        self.assertEqual(response["HX-Redirect"], "/login/verify/?next=%2Fcases%2F")

    def test_it_leaves_api_tokens_alone(self) -> None:
        raw = token_create(user=self.supervisor)
        response = Client().get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {raw}")
        self.assertEqual(response.status_code, 200)
        self.assertFalse(TOTPDevice.objects.exists())

    def test_it_signs_a_demo_user_in_with_the_key_it_was_given(self) -> None:
        supervisor = make_user("demo_supervisor", Role.SUPERVISOR, self.bkk_office)
        uri = totp_device_ensure(user=supervisor, key_hex=KEY)
        self.assertTrue(uri.startswith("otpauth://totp/Raksa%3Ademo_supervisor?secret="), uri)
        self.assertIn("issuer=Raksa", uri)
        self.assertEqual(totp_device_ensure(user=supervisor, key_hex=KEY.upper()), uri)
        self.assertEqual(TOTPDevice.objects.filter(user=supervisor).count(), 1)
        out = StringIO()
        call_command("twofactor", "code", "--key", KEY, stdout=out)
        client = self.sign_in(supervisor)
        self.assertEqual(client.post("/login/verify/", {"code": out.getvalue().strip()}).status_code, 302)
        self.assertSignedIn(client)
        for bad in ("", "xyz", "abc", "00" * 8, "00" * 41):
            with self.assertRaises(InvalidInput, msg=bad):
                totp_device_ensure(user=supervisor, key_hex=bad)

    def test_it_shows_the_second_step_in_english(self) -> None:
        self.enrolled(self.supervisor)
        client = self.sign_in(self.supervisor)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        page = client.get("/login/verify/")
        self.assertContains(page, "Two-step verification")
        self.assertContains(
            client.post("/login/verify/", {"code": "12345"}), "The code is wrong or has expired"
        )


def run_setup(value: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "raksa.settings", "RAKSA_2FA_ROLES": value}
    code = "import django; django.setup(); from django.conf import settings; print(','.join(settings.RAKSA_2FA_ROLES))"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)


class SecondFactorSettingTests:
    def test_it_reads_role_names_and_none(self):
        for value, roles in [
            ("", "supervisor,admin"),
            (" Supervisor , ADMIN,", "supervisor,admin"),
            ("call_taker,supervisor,admin", "call_taker,supervisor,admin"),
            ("none", ""),
        ]:
            result = run_setup(value)
            assert result.returncode == 0, result.stderr
            assert result.stdout.strip() == roles, (value, result.stdout)

    def test_it_fails_loudly_on_an_unknown_role(self):
        result = run_setup("supervisor,boss")
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr
        assert "RAKSA_2FA_ROLES" in result.stderr and "boss" in result.stderr
