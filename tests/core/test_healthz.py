from django.test import TestCase


class HealthzTests(TestCase):
    def test_it_reports_the_database_ok(self):
        response = self.client.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok"}
