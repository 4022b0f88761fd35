"""Staff corrections are kept, append-only, and exported as training rows."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from raksa.triage.corrections import correction_record, corrections_export, corrections_read


class CorrectionTests:
    def test_it_appends_a_correction(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        path = tmp_path / "corrections.jsonl"
        monkeypatch.setenv("RAKSA_TRIAGE_CORRECTIONS", str(path))
        correction_record(text="มีคนถือมีดขู่", emergency_type="threat", category="other", report_id="r1")
        correction_record(
            text="ขอเบี้ยผู้สูงอายุ", emergency_type=None, category="elderly_care", corrected_by="ann"
        )
        rows = list(corrections_read())
        assert [r["category"] for r in rows] == ["other", "elderly_care"]
        assert rows[0]["urgency"] == "emergency"
        assert rows[1]["urgency"] == "normal"
        assert len(path.read_text(encoding="utf-8").splitlines()) == 2

    def test_it_refuses_unknown_codes(self, tmp_path: Path) -> None:
        with pytest.raises(ValueError):
            correction_record(text="x", emergency_type="fire", category="other", path=tmp_path / "c.jsonl")
        with pytest.raises(ValueError):
            correction_record(text="x", emergency_type=None, category="weather", path=tmp_path / "c.jsonl")
        with pytest.raises(ValueError):
            correction_record(
                text="x", emergency_type=None, category="other", urgency="emergency", path=tmp_path
            )
        assert not (tmp_path / "c.jsonl").exists()

    def test_it_exports_the_latest_correction_per_report(self, tmp_path: Path) -> None:
        path = tmp_path / "c.jsonl"
        correction_record(text="มีคนคลั่ง", emergency_type="threat", category="other", report_id="r9", path=path)
        correction_record(text="มีคนคลั่ง", emergency_type="frenzy", category="other", report_id="r9", path=path)
        correction_record(
            text="ลูกหาย", emergency_type=None, category="missing_person", urgency="urgent", path=path
        )
        out = io.StringIO()
        assert corrections_export(out, path) == 2
        rows = [json.loads(line) for line in out.getvalue().splitlines()]
        assert rows[0]["emergency_type"] == "frenzy"
        assert rows[1] == {**rows[1], "category": "missing_person", "urgency": "urgent", "text": "ลูกหาย"}
        assert set(rows[0]) >= {"id", "text", "emergency_type", "category", "urgency"}

    def test_it_reads_a_directory_and_skips_broken_lines(self, tmp_path: Path) -> None:
        correction_record(text="a", emergency_type=None, category="other", path=tmp_path)
        (tmp_path / "old.jsonl").write_text(
            'not json\n{"text": "b", "category": "begging"}\n', encoding="utf-8"
        )
        assert sorted(r["text"] for r in corrections_read(tmp_path)) == ["a", "b"]
