"""Per-class precision, recall and F1, confusion matrices and the safety figures for a labelled file.

Written without scikit-learn so `raksa triage eval` starts fast; the numbers match sklearn's definitions
(macro-F1 is the unweighted mean over the classes present in the gold labels or the predictions).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def read_jsonl(path: Path | str) -> list[dict[str, Any]]:
    """The rows of a labelled JSON Lines file (train.jsonl, dev.jsonl, a held-out set), blank lines skipped."""
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rows.append(json.loads(line))
    return rows


@dataclass
class ClassReport:
    labels: list[str]
    precision: dict[str, float]
    recall: dict[str, float]
    f1: dict[str, float]
    support: dict[str, int]
    confusion: list[list[int]]  # rows gold, columns predicted, in `labels` order
    macro_f1: float
    accuracy: float


def class_report(gold: Sequence[str], pred: Sequence[str], order: Sequence[str]) -> ClassReport:
    present = set(gold) | set(pred)
    labels = [label for label in order if label in present] + sorted(present - set(order))
    index = {label: i for i, label in enumerate(labels)}
    confusion = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, pred, strict=True):
        confusion[index[g]][index[p]] += 1
    precision, recall, f1, support = {}, {}, {}, {}
    for label, i in index.items():
        tp = confusion[i][i]
        predicted = sum(row[i] for row in confusion)
        actual = sum(confusion[i])
        precision[label] = tp / predicted if predicted else 0.0
        recall[label] = tp / actual if actual else 0.0
        total = precision[label] + recall[label]
        f1[label] = 2 * precision[label] * recall[label] / total if total else 0.0
        support[label] = actual
    correct = sum(confusion[i][i] for i in range(len(labels)))
    return ClassReport(
        labels=labels,
        precision=precision,
        recall=recall,
        f1=f1,
        support=support,
        confusion=confusion,
        macro_f1=sum(f1.values()) / len(f1) if f1 else 0.0,
        accuracy=correct / len(gold) if gold else 0.0,
    )


@dataclass
class Evaluation:
    n: int
    emergency: ClassReport
    category: ClassReport
    urgency: ClassReport | None
    emergency_recall: float  # of true emergencies, how many were flagged as some emergency
    false_alarm_rate: float  # of true non-emergencies, how many were flagged
    exact_type_recall: float  # of true emergencies, how many got the right type
    errors: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        def rep(r: ClassReport | None) -> dict | None:
            if r is None:
                return None
            return {
                "macro_f1": round(r.macro_f1, 4),
                "accuracy": round(r.accuracy, 4),
                "per_class": {
                    k: {
                        "precision": round(r.precision[k], 4),
                        "recall": round(r.recall[k], 4),
                        "f1": round(r.f1[k], 4),
                        "support": r.support[k],
                    }
                    for k in r.labels
                },
                "labels": r.labels,
                "confusion": r.confusion,
            }

        return {
            "n": self.n,
            "emergency_recall": round(self.emergency_recall, 4),
            "false_alarm_rate": round(self.false_alarm_rate, 4),
            "exact_type_recall": round(self.exact_type_recall, 4),
            "emergency": rep(self.emergency),
            "category": rep(self.category),
            "urgency": rep(self.urgency),
        }


def evaluate(gold_rows: Sequence[dict], predictions: Sequence[dict]) -> Evaluation:
    from raksa.triage.types import CATEGORIES, EMERGENCY_TYPES, URGENCIES

    g_em = [r.get("emergency_type") or "none" for r in gold_rows]
    p_em = [p.get("emergency_type") or "none" for p in predictions]
    g_cat = [r["category"] for r in gold_rows]
    p_cat = [p["category"] for p in predictions]
    urgency = None
    if all("urgency" in r for r in gold_rows):
        urgency = class_report(
            [r["urgency"] for r in gold_rows], [p["urgency"] for p in predictions], URGENCIES
        )
    true_em = [i for i, g in enumerate(g_em) if g != "none"]
    true_none = [i for i, g in enumerate(g_em) if g == "none"]
    errors = [
        {"id": r.get("id"), "text": r["text"], "gold": [g_em[i], g_cat[i]], "pred": [p_em[i], p_cat[i]]}
        for i, r in enumerate(gold_rows)
        if g_em[i] != p_em[i] or g_cat[i] != p_cat[i]
    ]
    return Evaluation(
        n=len(gold_rows),
        emergency=class_report(g_em, p_em, ["none", *EMERGENCY_TYPES]),
        category=class_report(g_cat, p_cat, CATEGORIES),
        urgency=urgency,
        emergency_recall=sum(p_em[i] != "none" for i in true_em) / len(true_em) if true_em else 1.0,
        false_alarm_rate=sum(p_em[i] != "none" for i in true_none) / len(true_none) if true_none else 0.0,
        exact_type_recall=sum(p_em[i] == g_em[i] for i in true_em) / len(true_em) if true_em else 1.0,
        errors=errors,
    )


# Thresholds on P(none) at which the trade-off curve is read: "none" is answered only when P(none) reaches the
# threshold, so a higher threshold flags more reports (recall up, false alarms up).
CURVE_THRESHOLDS: tuple[float, ...] = (
    0.5,
    0.6,
    0.7,
    0.8,
    0.85,
    0.88,
    0.9,
    0.91,
    0.92,
    0.93,
    0.94,
    0.95,
    0.96,
    0.97,
    0.98,
    0.99,
)


@dataclass(frozen=True)
class CurvePoint:
    threshold: float
    emergency_recall: float  # of true emergencies, the share flagged as some emergency
    false_alarm_rate: float  # of true non-emergencies, the share flagged
    missed: int  # true emergencies answered "none"
    false_alarms: int  # non-emergencies flagged

    def as_dict(self) -> dict[str, float | int]:
        return {
            "threshold": self.threshold,
            "emergency_recall": round(self.emergency_recall, 4),
            "false_alarm_rate": round(self.false_alarm_rate, 4),
            "missed": self.missed,
            "false_alarms": self.false_alarms,
        }


def threshold_curve(
    is_emergency: Sequence[bool], flagged_at: Mapping[float, Sequence[bool]]
) -> list[CurvePoint]:
    """Recall against false alarms, one point per threshold: `is_emergency` is the gold answer per report,
    `flagged_at[t]` whether the decision at threshold t flagged each report as an emergency. Points come in
    threshold order. With no emergencies in the gold labels recall is 1.0; with no non-emergencies false
    alarms are 0.0."""
    gold = list(is_emergency)
    emergencies = sum(gold)
    others = len(gold) - emergencies
    points = []
    for threshold in sorted(flagged_at):
        flagged = list(flagged_at[threshold])
        if len(flagged) != len(gold):
            raise ValueError(f"threshold {threshold}: {len(flagged)} decisions for {len(gold)} reports")
        hits = sum(1 for g, f in zip(gold, flagged, strict=True) if g and f)
        alarms = sum(1 for g, f in zip(gold, flagged, strict=True) if not g and f)
        points.append(
            CurvePoint(
                threshold=threshold,
                emergency_recall=hits / emergencies if emergencies else 1.0,
                false_alarm_rate=alarms / others if others else 0.0,
                missed=emergencies - hits,
                false_alarms=alarms,
            )
        )
    return points


def curve_for_rows(
    rows: Sequence[dict], thresholds: Sequence[float] = CURVE_THRESHOLDS, model: Any = None
) -> list[CurvePoint]:
    """The trade-off curve of the shipped decision (model, strong cues, negation, the readers) on labelled
    rows: every report is classified once per threshold with the model's threshold set to it."""
    from raksa.triage.classifier import classify_offline, shipped_model

    base = model or shipped_model()
    gold = [bool(r.get("emergency_type")) for r in rows]
    flagged_at: dict[float, list[bool]] = {}
    for threshold in thresholds:
        at = copy.copy(base)
        at.threshold = float(threshold)
        flagged_at[float(threshold)] = [
            classify_offline(r["text"], model=at).emergency_type is not None for r in rows
        ]
    return threshold_curve(gold, flagged_at)


def format_curve(points: Sequence[CurvePoint], chosen: float | None = None) -> str:
    """The curve as a table; the shipped threshold is marked with *."""
    lines = [f"{'threshold':>10}{'recall':>9}{'false alarms':>14}{'missed':>8}{'alarms':>8}"]
    for p in points:
        mark = " *" if chosen is not None and abs(p.threshold - chosen) < 1e-9 else ""
        lines.append(
            f"{p.threshold:>10.2f}{p.emergency_recall:>9.3f}{p.false_alarm_rate:>14.3f}{p.missed:>8d}"
            f"{p.false_alarms:>8d}{mark}"
        )
    return "\n".join(lines)


def format_report(ev: Evaluation) -> str:
    lines = [f"examples: {ev.n}", ""]

    def table(title: str, r: ClassReport) -> None:
        width = max(len(label) for label in r.labels) + 2
        lines.append(f"== {title} ==")
        lines.append(f"{'class':<{width}}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}")
        for label in r.labels:
            lines.append(
                f"{label:<{width}}{r.precision[label]:>10.3f}{r.recall[label]:>10.3f}{r.f1[label]:>10.3f}"
                f"{r.support[label]:>9d}"
            )
        lines.append(f"{'macro-F1':<{width}}{r.macro_f1:>30.3f}")
        lines.append(f"{'accuracy':<{width}}{r.accuracy:>30.3f}")
        lines.append("")
        lines.append("confusion (rows = gold, columns = predicted):")
        short = [label[:6] for label in r.labels]
        lines.append(" " * width + "".join(f"{s:>7}" for s in short))
        for label, row in zip(r.labels, r.confusion, strict=True):
            lines.append(f"{label:<{width}}" + "".join(f"{v:>7d}" for v in row))
        lines.append("")

    table("emergency type", ev.emergency)
    lines.append(f"emergency recall (any type): {ev.emergency_recall:.3f}")
    lines.append(f"emergency recall (exact type): {ev.exact_type_recall:.3f}")
    lines.append(f"false alarms on non-emergencies: {ev.false_alarm_rate:.3f}")
    lines.append("")
    table("category", ev.category)
    if ev.urgency is not None:
        table("urgency", ev.urgency)
    return "\n".join(lines)
