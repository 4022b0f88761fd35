import json

from django.test import SimpleTestCase


class OpenApiTests(SimpleTestCase):
    def test_it_serves_a_valid_openapi_schema_with_every_endpoint(self):
        response = self.client.get("/api/v1/openapi.json")
        self.assertEqual(response.status_code, 200)
        schema = json.loads(response.content)
        self.assertTrue(schema["openapi"].startswith("3."))
        self.assertEqual(schema["info"]["title"], "Raksa API")
        paths = schema["paths"]
        expected = {
            "/api/v1/people": {"get", "post"},
            "/api/v1/people/{person_id}": {"get"},
            "/api/v1/cases": {"get", "post"},
            "/api/v1/cases/{number}": {"get"},
            "/api/v1/cases/{number}/events": {"get"},
            "/api/v1/cases/{number}/status": {"post"},
            "/api/v1/cases/{number}/notes": {"post"},
            "/api/v1/cases/{number}/referrals": {"post"},
            "/api/v1/track/{code}": {"get"},
        }
        for path, methods in expected.items():
            self.assertIn(path, paths)
            self.assertEqual(set(paths[path]), methods, path)

    def test_it_declares_bearer_security_on_every_operation_but_the_public_look_up(self):
        schema = self.client.get("/api/v1/openapi.json").json()
        schemes = schema["components"]["securitySchemes"]
        # Staff tokens everywhere; the telephony system's token only for the call events; none for tracking.
        self.assertEqual(set(schemes), {"StaffBearer", "TelephonyBearer"})
        for scheme in schemes.values():
            self.assertEqual(scheme, {"type": "http", "scheme": "bearer"})
        for path, operations in schema["paths"].items():
            name = "TelephonyBearer" if path == "/api/v1/calls/incoming" else "StaffBearer"
            for method, operation in operations.items():
                if path == "/api/v1/track/{code}":
                    self.assertNotIn("security", operation)
                    continue
                self.assertEqual(operation["security"], [{name: []}], f"{method} {path}")

    def test_it_documents_the_error_shape_and_codes(self):
        schema = self.client.get("/api/v1/openapi.json").json()
        error = schema["components"]["schemas"]["ErrorOut"]
        self.assertEqual(set(error["properties"]), {"code", "message_th", "message_en", "errors"})
        for code in ("invalid_input", "unauthorized", "forbidden", "not_found", "illegal_transition"):
            self.assertIn(f"`{code}`", schema["info"]["description"])
        not_found = schema["paths"]["/api/v1/cases/{number}"]["get"]["responses"]["404"]
        self.assertIn("ErrorOut", json.dumps(not_found))

    def test_it_serves_interactive_docs(self):
        response = self.client.get("/api/v1/docs")
        self.assertEqual(response.status_code, 200)
        self.assertIn(b"openapi.json", response.content)
