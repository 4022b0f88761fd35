"""Staff corrections of triage suggestions, kept as labelled examples for retraining.

Pure and append-only: each correction is one JSON line in RAKSA_TRIAGE_CORRECTIONS (a file, or a directory of
*.jsonl files; default var/triage/corrections.jsonl). The intake screens call `correction_record`;
`raksa triage export-corrections` turns the log into training rows (the latest correction of a report wins).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from raksa.triage.types import CATEGORIES, EMERGENCY_TYPES, URGENCIES

DEFAULT_PATH = Path("var/triage/corrections.jsonl")


def corrections_path() -> Path:
    return Path(os.environ.get("RAKSA_TRIAGE_CORRECTIONS") or DEFAULT_PATH)


def _validate(emergency_type: str | None, category: str, urgency: str) -> None:
    if emergency_type is not None and emergency_type not in EMERGENCY_TYPES:
        raise ValueError(f"unknown emergency type {emergency_type!r}")
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}")
    if urgency not in URGENCIES:
        raise ValueError(f"unknown urgency {urgency!r}")
    if (urgency == "emergency") != (emergency_type is not None):
        raise ValueError("urgency is 'emergency' exactly when an emergency type is set")


def correction_record(
    *,
    text: str,
    emergency_type: str | None,
    category: str,
    urgency: str | None = None,
    report_id: str | None = None,
    predicted: dict[str, Any] | None = None,
    corrected_by: str | None = None,
    path: Path | str | None = None,
) -> dict[str, Any]:
    """Append one correction and return it. Urgency defaults to "emergency" / "normal" from the type."""
    if not text or not text.strip():
        raise ValueError("a correction needs the report text")
    emergency_type = emergency_type or None
    urgency = urgency or ("emergency" if emergency_type else "normal")
    _validate(emergency_type, category, urgency)
    record = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "report_id": None if report_id is None else str(report_id),
        "text": text,
        "emergency_type": emergency_type,
        "category": category,
        "urgency": urgency,
        "predicted": predicted,
        "corrected_by": corrected_by,
    }
    target = Path(path) if path is not None else corrections_path()
    if target.is_dir():
        target = target / "corrections.jsonl"
    target.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    # One write on an O_APPEND descriptor: concurrent writers never interleave within a line.
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)
    return record


def corrections_read(path: Path | str | None = None) -> Iterator[dict[str, Any]]:
    """Every recorded correction, oldest first; unreadable lines are skipped, not fatal."""
    source = Path(path) if path is not None else corrections_path()
    files = sorted(source.glob("*.jsonl")) if source.is_dir() else [source]
    for file in files:
        if not file.exists():
            continue
        with file.open(encoding="utf-8") as fh:
            for line in fh:
                try:
                    row = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if isinstance(row, dict) and row.get("text") and row.get("category"):
                    yield row


def corrections_export(out: TextIO, path: Path | str | None = None) -> int:
    """Write corrections as training rows (train.jsonl format); return how many were written."""
    latest: dict[str, dict[str, Any]] = {}
    for row in corrections_read(path):
        key = row.get("report_id") or row["text"]
        latest[str(key)] = row
    for n, (key, row) in enumerate(latest.items(), start=1):
        out.write(
            json.dumps(
                {
                    "id": f"c-{row.get('report_id') or n}",
                    "text": row["text"],
                    "emergency_type": row.get("emergency_type"),
                    "category": row["category"],
                    "urgency": row.get("urgency") or ("emergency" if row.get("emergency_type") else "normal"),
                    "group": f"correction:{key}",
                },
                ensure_ascii=False,
            )
            + "\n"
        )
    return len(latest)
