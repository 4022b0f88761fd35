from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from unittest import TestCase

from raksa.core.identifiers import normalize_phone

ROOT = Path(__file__).resolve().parents[2]
FILE = ROOT / "src" / "raksa" / "directory" / "data" / "directory.json"


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_directory", ROOT / "scripts" / "build_directory.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class DirectoryDataFileTests(TestCase):
    def test_it_is_exactly_what_the_generator_writes(self) -> None:
        build = generator()
        self.assertEqual(build.render(build.build()), FILE.read_text(encoding="utf-8"))

    def test_it_uses_valid_phones_except_the_1300_hotline(self) -> None:
        data = json.loads(FILE.read_text(encoding="utf-8"))
        phones = [
            (u["code"], c["value"]) for u in data["units"] for c in u["contacts"] if c["kind"] == "phone"
        ]
        odd = [(code, value) for code, value in phones if normalize_phone(value) != value]
        self.assertEqual(odd, [("centre-1300", "1300")])
        self.assertEqual(len({value for _, value in phones}), len(phones))
