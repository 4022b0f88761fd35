"""Signing in and out of the workspace."""

from __future__ import annotations

from django.urls import reverse

from tests.base import RaksaTestCase


class LoginViewTests(RaksaTestCase):
    def test_it_sends_the_front_door_to_login_or_to_the_cases(self) -> None:
        self.assertRedirects(self.client.get("/"), "/login/", fetch_redirect_response=False)
        self.client.force_login(self.case_worker)
        self.assertRedirects(self.client.get("/"), "/cases/", fetch_redirect_response=False)

    def test_it_signs_in_with_the_right_password_and_lands_on_the_cases(self) -> None:
        response = self.client.post(
            "/login/", {"username": "worker_bkk", "password": "correct-horse-battery"}
        )
        self.assertRedirects(response, "/cases/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/cases/").status_code, 200)

    def test_it_refuses_a_wrong_password_in_thai(self) -> None:
        response = self.client.post("/login/", {"username": "worker_bkk", "password": "wrong-password"})
        self.assertContains(response, "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง")

    def test_it_shows_the_login_page_in_english_after_switching(self) -> None:
        self.client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
        response = self.client.get("/login/")
        self.assertContains(response, "Log in")
        self.assertContains(response, "Username")

    def test_it_signs_out_only_by_post(self) -> None:
        self.client.force_login(self.case_worker)
        self.assertEqual(self.client.get(reverse("accounts:logout")).status_code, 405)
        response = self.client.post(reverse("accounts:logout"))
        self.assertRedirects(response, "/login/", fetch_redirect_response=False)
        self.assertRedirects(
            self.client.get("/cases/"), "/login/?next=/cases/", fetch_redirect_response=False
        )
