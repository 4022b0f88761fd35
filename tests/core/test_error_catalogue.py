import ast
from pathlib import Path

from django.test import SimpleTestCase

from raksa.core.errors import REQUIRED, ErrorCode, InvalidInput, error_catalogue

SRC = Path(__file__).resolve().parents[2] / "src" / "raksa"
# The mechanism itself; everything else raises through an ErrorCode.
MECHANISM = SRC / "core" / "errors.py"
ERROR_TYPES = {"RaksaError", "InvalidInput", "Conflict", "NotFound", "Forbidden", "FieldError"}
# A `code=` of these calls is a database lookup (a unit's code), not an error code.
LOOKUPS = {"filter", "exclude", "get", "create", "get_or_create", "update_or_create"}


def _sources() -> list[tuple[Path, ast.Module]]:
    # triage is a pure library without Django; its command line's codes are its own (triage/cli.py).
    paths = sorted(p for p in SRC.rglob("*.py") if "migrations" not in p.parts and "triage" not in p.parts)
    return [(p, ast.parse(p.read_text(encoding="utf-8"), filename=str(p))) for p in paths]


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _calls(tree: ast.Module) -> list[ast.Call]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)]


class ErrorCatalogueTests(SimpleTestCase):
    def test_it_declares_each_code_once_in_an_apps_errors_module(self):
        declared: dict[str, Path] = {}
        for path, tree in _sources():
            for call in _calls(tree):
                if _name(call.func) != "ErrorCode":
                    continue
                where = f"{path.relative_to(SRC)}:{call.lineno}"
                self.assertEqual(path.name, "errors.py", f"{where}: declare codes in the app's errors module")
                self.assertTrue(call.args and isinstance(call.args[0], ast.Constant), where)
                code = call.args[0].value  # type: ignore[attr-defined]
                self.assertNotIn(
                    code, declared, f"{where}: {code!r} is already declared in {declared.get(code)}"
                )
                declared[code] = path
        self.assertEqual(set(declared), set(error_catalogue()))

    def test_it_raises_only_through_the_catalogue(self):
        for path, tree in _sources():
            if path == MECHANISM:
                continue
            for call in _calls(tree):
                where = f"{path.relative_to(SRC)}:{call.lineno}"
                self.assertNotIn(
                    _name(call.func), ERROR_TYPES, f"{where}: raise through an ErrorCode (CODE.error(...))"
                )

    def test_it_knows_every_code_given_as_a_literal(self):
        codes = set(error_catalogue())
        for path, tree in _sources():
            for call in _calls(tree):
                if _name(call.func) in LOOKUPS:
                    continue
                for keyword in call.keywords:
                    if keyword.arg == "code" and isinstance(keyword.value, ast.Constant):
                        where = f"{path.relative_to(SRC)}:{call.lineno}"
                        self.assertIn(
                            keyword.value.value, codes, f"{where}: declare this code in a catalogue"
                        )

    def test_it_raises_only_codes_a_catalogue_declares(self):
        declared = {
            target.id
            for path, tree in _sources()
            if path.name == "errors.py"
            for node in tree.body
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for path, tree in _sources():
            for call in _calls(tree):
                func = call.func
                if not (
                    isinstance(func, ast.Attribute) and func.attr in {"error", "field_error", "messages"}
                ):
                    continue
                owner = func.value
                name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
                if name.isupper():
                    self.assertIn(
                        name, declared, f"{path.relative_to(SRC)}:{call.lineno}: {name} is no ErrorCode"
                    )

    def test_it_gives_every_code_a_meaning_for_the_api(self):
        for code, error in error_catalogue().items():
            self.assertTrue(error.meaning.strip(), code)
            self.assertIn(error.status, {400, 401, 403, 404, 405, 409, 429, 500}, code)

    def test_it_lists_every_catalogue_code_in_the_api_description(self):
        description = self.client.get("/api/v1/openapi.json").json()["info"]["description"]
        for code, error in error_catalogue().items():
            self.assertIn(f"| `{code}` | {error.status} | {error.meaning} |", description)

    def test_it_refuses_a_second_different_declaration_of_a_code(self):
        with self.assertRaises(ValueError):
            ErrorCode("required", 409, "ซ้ำ", "Again", meaning="a second meaning")
        self.assertIs(error_catalogue()["required"], REQUIRED)

    def test_it_fills_the_messages_and_keeps_the_error_shape(self):
        error = REQUIRED.error(field="summary", what_th="สรุปเรื่อง", what_en="Summary")
        self.assertIsInstance(error, InvalidInput)
        self.assertEqual(error.status, 400)
        self.assertEqual(
            error.as_dict(),
            {
                "code": "required",
                "message_th": "กรุณาระบุสรุปเรื่อง",
                "message_en": "Summary is required",
                "errors": [
                    {
                        "field": "summary",
                        "code": "required",
                        "message_th": "กรุณาระบุสรุปเรื่อง",
                        "message_en": "Summary is required",
                    }
                ],
            },
        )
