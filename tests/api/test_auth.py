from django.test import Client

from raksa.accounts.models import ApiToken
from raksa.accounts.services import token_revoke
from raksa.people.models import Person
from tests.api.base import ApiTestCase

UNAUTHORIZED = {
    "code": "unauthorized",
    "message_th": "ต้องเข้าสู่ระบบด้วยโทเคน",
    "message_en": "A valid bearer token is required",
    "errors": [],
}


class ApiAuthTests(ApiTestCase):
    def test_it_requires_a_bearer_token(self):
        for path in ("/api/v1/people?q=x", "/api/v1/cases", "/api/v1/cases/2569-000001"):
            response = self.client.get(path)
            self.assertEqual(response.status_code, 401, path)
            self.assertEqual(response.json(), UNAUTHORIZED)
            self.assertEqual(response["WWW-Authenticate"], "Bearer")

    def test_it_rejects_an_unknown_token(self):
        response = self.client.get("/api/v1/cases", HTTP_AUTHORIZATION="Bearer rk_not-a-real-token")
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json(), UNAUTHORIZED)

    def test_it_rejects_a_revoked_token(self):
        headers = self.auth(self.case_worker)
        self.assertEqual(self.client.get("/api/v1/cases", **headers).status_code, 200)
        token_revoke(token=ApiToken.objects.get(user=self.case_worker))
        self.assertEqual(self.client.get("/api/v1/cases", **headers).status_code, 401)

    def test_it_rejects_the_token_of_a_deactivated_user(self):
        headers = self.auth(self.case_worker)
        self.case_worker.is_active = False
        self.case_worker.save(update_fields=["is_active"])
        self.assertEqual(self.client.get("/api/v1/cases", **headers).json(), UNAUTHORIZED)

    def test_it_does_not_accept_a_browser_session_instead_of_a_token(self):
        self.client.force_login(self.case_worker)
        self.assertEqual(self.client.get("/api/v1/cases").status_code, 401)

    def test_it_forbids_staff_without_a_unit(self):
        for path in ("/api/v1/people?q=x", "/api/v1/cases"):
            body = self.assertError(self.get(path, self.outsider), 403, "forbidden")
            self.assertEqual(body["errors"], [])
        response = self.post("/api/v1/people", self.outsider, {"first_name_th": "สมชาย"})
        self.assertError(response, 403, "forbidden")
        self.assertFalse(Person.objects.exists())

    def test_it_does_not_need_a_csrf_token_with_a_bearer_token(self):
        strict = Client(enforce_csrf_checks=True)
        response = self.post("/api/v1/people", self.call_taker, {"first_name_th": "สมชาย"}, client=strict)
        self.assertEqual(response.status_code, 201, response.content)
