"""`raksa triage` as scripts and call-takers' tools use it: JSON Lines in, JSON Lines out."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from raksa.triage.classifier import shipped_model
from raksa.triage.cli import main
from raksa.triage.corrections import correction_record

ROOT = Path(__file__).resolve().parents[2]


def run(argv: list[str], stdin: str = "", monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[int, str]:
    out = io.StringIO()
    assert monkeypatch is not None
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    monkeypatch.setattr("sys.stdout", out)
    code = main(argv)
    return code, out.getvalue()


class ClassifyCommandTests:
    def test_it_writes_one_contract_line_per_report(self, monkeypatch: pytest.MonkeyPatch) -> None:
        lines = [
            {"id": "a1", "text": "ช่วยด้วย มีคนถือมีดขู่ อยู่หน้าเซเว่น โทร ๐๘๑-๒๓๔-๕๖๗๘"},
            {"id": 2, "text": "อยากสมัครเบี้ยยังชีพผู้สูงอายุให้แม่"},
        ]
        code, out = run([], "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", monkeypatch)
        assert code == 0
        first, second = (json.loads(line) for line in out.splitlines())
        assert first["id"] == "a1"
        assert first["emergency_type"] == "threat"
        assert first["urgency"] == "emergency"
        assert first["entities"]["phones"] == ["0812345678"]
        assert set(first["entities"]) >= {"national_ids", "invalid_national_ids", "province_codes", "ages"}
        assert second["id"] == 2
        assert second["emergency_type"] is None
        assert second["category"] == "elderly_care"
        assert 0.0 <= second["confidence"] <= 1.0

    def test_it_reports_bad_lines_and_carries_on(self, monkeypatch: pytest.MonkeyPatch) -> None:
        stdin = 'not json\n{"id": 7}\n[1]\n{"id": 8, "text": "มีคนคลุ้มคลั่งหน้าบ้าน"}\n'
        code, out = run([], stdin, monkeypatch)
        assert code == 1
        rows = [json.loads(line) for line in out.splitlines()]
        assert len(rows) == 4
        assert rows[0]["error"]["code"] == "invalid_json"
        assert rows[1] == {**rows[1], "id": 7}
        assert rows[1]["error"]["message_th"] and rows[1]["error"]["message_en"]
        assert rows[2]["error"]["code"] == "not_an_object"
        assert rows[3]["emergency_type"] == "frenzy"

    def test_it_succeeds_on_empty_input(self, monkeypatch: pytest.MonkeyPatch) -> None:
        assert run([], "", monkeypatch) == (0, "")


class EvalCommandTests:
    def test_it_prints_per_class_figures_and_confusion(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = tmp_path / "gold.jsonl"
        rows = [
            {"text": "มีคนถือมีดขู่จะฆ่า", "emergency_type": "threat", "category": "other", "urgency": "emergency"},
            {
                "text": "ขอเบี้ยคนพิการ",
                "emergency_type": None,
                "category": "disability_support",
                "urgency": "normal",
            },
            {"text": "วัยรุ่นมั่วสุมเสพยา", "emergency_type": "gathering", "category": "drugs"},
        ]
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
        code, out = run(["eval", str(path)], monkeypatch=monkeypatch)
        assert code == 0
        assert "precision" in out and "recall" in out and "macro-F1" in out
        assert "confusion" in out
        assert "false alarms on non-emergencies: 0.000" in out
        assert "emergency recall (any type): 1.000" in out
        code, out = run(["eval", str(path), "--json"], monkeypatch=monkeypatch)
        figures = json.loads(out)
        assert figures["emergency"]["per_class"]["threat"]["recall"] == 1.0
        assert figures["category"]["confusion"]
        assert "curve" not in figures

    def test_it_gives_the_trade_off_curve_of_any_labelled_file(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = tmp_path / "gold.jsonl"
        rows = [
            {"text": "มีคนถือมีดขู่จะฆ่า", "emergency_type": "threat", "category": "other"},
            {"text": "ขอเบี้ยคนพิการ", "emergency_type": None, "category": "disability_support"},
        ]
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
        code, out = run(["eval", str(path), "--curve"], monkeypatch=monkeypatch)
        assert code == 0
        assert "trade-off curve over the threshold" in out
        assert "*" in out.split("trade-off curve")[1]
        code, out = run(["eval", str(path), "--curve", "--json"], monkeypatch=monkeypatch)
        curve = json.loads(out)["curve"]
        assert [p["threshold"] for p in curve] == sorted(p["threshold"] for p in curve)
        assert all(p["emergency_recall"] == 1.0 for p in curve)
        assert shipped_model().threshold in [p["threshold"] for p in curve]


class ExportCorrectionsCommandTests:
    def test_it_exports_corrections(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        store = tmp_path / "corrections.jsonl"
        monkeypatch.setenv("RAKSA_TRIAGE_CORRECTIONS", str(store))
        correction_record(
            text="ลูกหายจากบ้าน", emergency_type=None, category="missing_person", urgency="urgent"
        )
        code, out = run(["export-corrections"], monkeypatch=monkeypatch)
        assert code == 0
        assert json.loads(out)["category"] == "missing_person"
        target = tmp_path / "out" / "c.jsonl"
        code, _ = run(["export-corrections", "--out", str(target)], monkeypatch=monkeypatch)
        assert code == 0
        assert json.loads(target.read_text(encoding="utf-8"))["text"] == "ลูกหายจากบ้าน"


class TrainCommandTests:
    def test_it_refuses_to_train_on_a_held_out_file(self, monkeypatch: pytest.MonkeyPatch) -> None:
        # The path need not exist: the refusal comes before anything is read.
        held_out = ROOT / "data" / "triage" / "holdout" / "sealed.jsonl"
        code, out = run(["train", "--data", str(held_out), "--out", "/dev/null"], monkeypatch=monkeypatch)
        assert code == 2
        assert out == ""


# Runs the real `raksa` entry point in a fresh interpreter and reports which heavy packages it loaded.
RUNTIME_PROBE = """
import json, sys
from raksa.cli import main

for argv in (["triage"], ["triage", "eval", sys.argv[1]]):
    try:
        main(argv)
    except SystemExit as done:
        assert done.code == 0, (argv, done.code)
loaded = [m for m in ("django", "sklearn", "scipy", "threadpoolctl") if m in sys.modules]
print(json.dumps(loaded), file=sys.stderr)
"""


class RuntimeTests:
    def test_it_triages_and_evaluates_without_django_or_scikit_learn(self, tmp_path: Path) -> None:
        gold = tmp_path / "gold.jsonl"
        gold.write_text(
            json.dumps({"text": "ขอเบี้ยคนพิการ", "emergency_type": None, "category": "disability_support"})
            + "\n",
            encoding="utf-8",
        )
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        # The LLM back-end switched on (nothing listens there), so the outbound HTTP helper is loaded too.
        env["RAKSA_TRIAGE_LLM_URL"] = "http://127.0.0.1:9/v1"
        done = subprocess.run(
            [sys.executable, "-c", RUNTIME_PROBE, str(gold)],
            input=json.dumps({"id": 1, "text": "มีคนถือมีดขู่อยู่หน้าเซเว่น"}) + "\n",
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        result = json.loads(done.stdout.splitlines()[0])
        assert result["emergency_type"] == "threat"
        assert result["backend"] == "offline-fallback"
        assert json.loads(done.stderr.strip().splitlines()[-1]) == []
