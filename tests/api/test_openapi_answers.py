"""The published schema lists every operation with every answer it can give. The API fuzzing in CI
(scripts/fuzz_api.py) holds the running server to it: an answer the schema does not list fails there."""

from django.test import SimpleTestCase

from raksa.api.api import api

ALWAYS = {400, 401, 403, 500}
# Each operation: its success, and what it can answer besides ALWAYS.
OPERATIONS = {
    ("get", "/api/v1/people"): (200, {429}),
    ("post", "/api/v1/people"): (201, {409}),
    ("get", "/api/v1/people/{person_id}"): (200, {404, 429}),
    ("post", "/api/v1/people/{person_id}/break-glass"): (201, {404, 409}),
    ("get", "/api/v1/cases"): (200, set()),
    ("post", "/api/v1/cases"): (201, {409}),
    ("get", "/api/v1/cases/{number}"): (200, {404}),
    ("get", "/api/v1/cases/{number}/events"): (200, {404}),
    ("post", "/api/v1/cases/{number}/status"): (200, {404, 409}),
    ("post", "/api/v1/cases/{number}/notes"): (201, {404}),
    ("post", "/api/v1/cases/{number}/referrals"): (201, {404, 409}),
    ("get", "/api/v1/cases/{number}/access"): (200, {404}),
    # 201 for a new report, 200 for the same Idempotency-Key and body again.
    ("post", "/api/v1/reports"): (201, {200, 409}),
    ("get", "/api/v1/reports/{report_id}"): (200, {404}),
    ("post", "/api/v1/calls/incoming"): (201, {200, 409}),
    ("get", "/api/v1/track/{code}"): (200, {404, 429}),
}
# Operations without a token: never 401 or 403.
PUBLIC = {("get", "/api/v1/track/{code}")}
ERROR_SHAPE = {"code", "message_th", "message_en", "errors"}
# pydantic writes a constraint it cannot translate under its own name, which no JSON Schema reader knows: a limit
# the schema would seem to state and does not.
NOT_JSON_SCHEMA = {"ge", "gt", "le", "lt", "max_digits", "decimal_places", "strict", "min_items", "max_items"}


def keys_in(node: object) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {key for value in node.values() for key in keys_in(value)}
    if isinstance(node, list):
        return {key for value in node for key in keys_in(value)}
    return set()


class OpenApiAnswersTests(SimpleTestCase):
    def setUp(self) -> None:
        self.schema = self.client.get("/api/v1/openapi.json").json()
        self.operations = {
            (method, path): operation
            for path, methods in self.schema["paths"].items()
            for method, operation in methods.items()
        }

    def test_it_lists_every_operation_the_api_serves(self):
        self.assertEqual(set(self.operations), set(OPERATIONS))
        # ninja names each endpoint's URL pattern after its view, the end of the operation's id.
        served = {pattern.name for pattern in api.urls[0]} - {"openapi-json", "openapi-view", "api-root"}
        listed = [operation["operationId"] for operation in self.operations.values()]
        self.assertEqual(len(served), len(listed))
        for name in served:
            self.assertEqual(len([op for op in listed if op.endswith(f"_{name}")]), 1, name)

    def test_it_lists_every_answer_of_each_operation(self):
        for key, (success, errors) in OPERATIONS.items():
            with self.subTest(operation=key):
                answers = {int(status) for status in self.operations[key]["responses"]}
                always = ALWAYS - {401, 403} if key in PUBLIC else ALWAYS
                self.assertEqual(answers, {success, *always, *errors})

    def test_it_documents_every_failure_in_the_one_error_shape(self):
        error = self.schema["components"]["schemas"]["ErrorOut"]
        self.assertEqual(set(error["required"]), ERROR_SHAPE)
        field_error = self.schema["components"]["schemas"]["FieldErrorOut"]
        self.assertEqual(set(field_error["required"]), {"field", "code", "message_th", "message_en"})
        for key, operation in self.operations.items():
            for status, answer in operation["responses"].items():
                if int(status) < 400:
                    continue
                with self.subTest(operation=key, status=status):
                    schema = answer["content"]["application/json"]["schema"]
                    self.assertEqual(schema, {"$ref": "#/components/schemas/ErrorOut"})
                    self.assertIn("`", answer["description"])  # names the codes it may carry

    def test_it_names_the_codes_behind_each_status(self):
        answers = self.operations[("get", "/api/v1/cases/{number}")]["responses"]
        self.assertIn("`invalid_input`", answers["400"]["description"])
        self.assertIn("`unauthorized`", answers["401"]["description"])
        self.assertIn("`forbidden`", answers["403"]["description"])
        self.assertIn("`not_found`", answers["404"]["description"])
        self.assertIn("`server_error`", answers["500"]["description"])
        conflict = self.operations[("post", "/api/v1/cases/{number}/status")]["responses"]["409"]
        self.assertIn("`illegal_transition`", conflict["description"])

    def test_only_the_public_operations_take_no_token(self):
        for key, operation in self.operations.items():
            with self.subTest(operation=key):
                self.assertEqual(not operation.get("security"), key in PUBLIC)

    def test_it_states_every_limit_in_json_schema_terms(self):
        self.assertEqual(keys_in(self.schema["components"]["schemas"]) & NOT_JSON_SCHEMA, set())
        self.assertEqual(keys_in(self.schema["paths"]) & NOT_JSON_SCHEMA, set())
