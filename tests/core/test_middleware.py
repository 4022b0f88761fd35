from django.conf import settings
from django.test import TestCase


class ThaiFirstLocaleTests(TestCase):
    def test_it_answers_in_thai_even_when_the_browser_prefers_english(self):
        response = self.client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        assert response["Content-Language"] == "th"
        assert "เข้าสู่ระบบ" in response.content.decode()

    def test_it_switches_to_english_when_chosen(self):
        self.client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
        assert self.client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
        response = self.client.get("/login/")
        assert response["Content-Language"] == "en"
        assert "Sign in" in response.content.decode() or "Log in" in response.content.decode()

    def test_it_ignores_an_unknown_language_cookie(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
        assert self.client.get("/login/")["Content-Language"] == "th"
