"""Training the offline classifier (`raksa triage train`): the only part of triage that imports scikit-learn.

Features are computed exactly as classifier.py computes them at run time (the same character n-grams,
normalisation and lexicon), the three heads are fitted with scikit-learn's logistic regression, and the
artifact is written as the JSON file classifier.Model reads with numpy. Deterministic: the same rows, in any
order, give a byte-identical file.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from threadpoolctl import threadpool_limits

from raksa.triage import lexicon
from raksa.triage.classifier import (
    EMERGENCY_CLASSES,
    FORMAT,
    MODEL_PATH,
    NGRAM_RANGE,
    URGENCY_CLASSES,
    char_ngrams,
    emergency_choice,
    normalize_for_model,
    shipped_model,
)
from raksa.triage.evaluation import CURVE_THRESHOLDS, class_report, read_jsonl, threshold_curve
from raksa.triage.types import CATEGORIES

__all__ = ["read_jsonl", "train"]

MIN_DF = 2
MAX_VOCAB = 40_000
LEXICON_WEIGHT = 1.0
C = 32.0
# "none" must reach a probability threshold to be answered: below it the likeliest emergency type is chosen.
# train() sets the threshold from grouped out-of-fold predictions on the training set, passed through the same
# decision rule that ships (strong cues, negation, past): the lowest threshold whose emergency recall reaches
# TARGET_RECALL while false alarms stay within MAX_FALSE_ALARMS; when both cannot hold, the highest threshold
# within the false-alarm budget (a missed emergency costs far more than a false alarm, but a flood of false
# alarms teaches call-takers to ignore the flag). The dev set plays no part in it, so the dev figures stay honest.
TARGET_RECALL = 0.985
MAX_FALSE_ALARMS = 0.12
THRESHOLD_BOUNDS = (0.5, 0.97)
# Training rows whose group starts with this are hand-written reports used as written (build_train.py); their
# out-of-fold figures are reported apart, being the closest thing to real traffic.
HANDWRITTEN_GROUP = "h:"


def _b64(array: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")


def _matrix(
    rows: Sequence[dict[str, Any]], vocab: dict[str, int], idf: np.ndarray, ngram_range: tuple[int, int]
):
    data: list[float] = []
    indices: list[int] = []
    indptr = [0]
    lex_rows = []
    for row in rows:
        normalized = normalize_for_model(row["text"])
        pairs = sorted(
            (vocab[g], 1.0 + math.log(c))
            for g, c in char_ngrams(normalized, ngram_range).items()
            if g in vocab
        )
        values = np.asarray([v for _, v in pairs], dtype=np.float64) * idf[[j for j, _ in pairs]]
        norm = np.linalg.norm(values)
        if norm:
            values /= norm
        indices.extend(j for j, _ in pairs)
        data.extend(values.tolist())
        indptr.append(len(indices))
        lex_rows.append(lexicon.features(lexicon.read(normalized)))
    text = sparse.csr_matrix((data, indices, indptr), shape=(len(rows), len(vocab)))
    lex = sparse.csr_matrix(np.asarray(lex_rows, dtype=np.float64) * LEXICON_WEIGHT)
    return sparse.hstack([text, lex], format="csr")


def _fit_vocab(
    rows: Sequence[dict[str, Any]], ngram_range: tuple[int, int]
) -> tuple[dict[str, int], np.ndarray]:
    df: dict[str, int] = {}
    for row in rows:
        for gram in char_ngrams(normalize_for_model(row["text"]), ngram_range):
            df[gram] = df.get(gram, 0) + 1
    kept = sorted((g for g, n in df.items() if n >= MIN_DF), key=lambda g: (-df[g], g))[:MAX_VOCAB]
    kept.sort()
    n_docs = len(rows)
    idf = np.asarray([math.log((1 + n_docs) / (1 + df[g])) + 1.0 for g in kept], dtype=np.float32)
    return {g: i for i, g in enumerate(kept)}, idf


def _labels(rows: Sequence[dict[str, Any]]) -> dict[str, list[str]]:
    return {
        "emergency": [row.get("emergency_type") or "none" for row in rows],
        "category": [row["category"] for row in rows],
        "urgency": [row.get("urgency", "normal") for row in rows],
    }


def _fit_heads(x, labels: dict[str, list[str]]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    heads = {"emergency": EMERGENCY_CLASSES, "category": CATEGORIES, "urgency": URGENCY_CLASSES}
    fitted = {}
    for name, classes in heads.items():
        y = np.asarray(labels[name])
        mask = np.ones(len(y), dtype=bool)
        if name == "urgency":
            mask = y != "emergency"
        # The category head weighs each class by the inverse of its frequency: "other" is a third of the
        # hand-written rows, and unweighted it took the small categories' reports (out-of-fold category
        # macro-F1 of the hand-written rows 0.855 unweighted, 0.862 weighted). The emergency head is left as it
        # is: its threshold is the safety bias.
        clf = LogisticRegression(
            C=C, max_iter=3000, random_state=0, class_weight="balanced" if name == "category" else None
        )
        clf.fit(x[mask], y[mask])
        coef = np.zeros((x.shape[1], len(classes)), dtype=np.float64)
        intercept = np.zeros(len(classes), dtype=np.float64)
        learned = list(clf.classes_)
        if len(learned) == 2:  # binary: scikit-learn keeps one weight vector for the second class
            coef[:, classes.index(learned[1])] = clf.coef_[0]
            intercept[classes.index(learned[1])] = clf.intercept_[0]
        else:
            for k, label in enumerate(learned):
                coef[:, classes.index(label)] = clf.coef_[k]
                intercept[classes.index(label)] = clf.intercept_[k]
        for k, label in enumerate(classes):
            if label not in learned:
                intercept[k] = -30.0  # a class absent from the data is never predicted
        fitted[name] = (coef, intercept)
    return fitted


def _quantize(coef: np.ndarray) -> np.ndarray:
    """Coefficients on a fixed grid of 2**-14 before float16. The solver's last digits move with memory layout
    (about 1e-10 between two runs on the same rows), and float16 alone keeps such digits for tiny weights, so a
    rebuild would not be byte-identical; the grid is far below anything that changes a decision."""
    return (np.round(coef * 2.0**14) / 2.0**14).astype(np.float16)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    best_t, best_nll = 1.0, float("inf")
    for t in np.arange(0.3, 4.01, 0.05):
        p = _softmax(logits / t)
        nll = -float(np.mean(np.log(p[np.arange(len(y)), y] + 1e-12)))
        if nll < best_nll - 1e-9:
            best_t, best_nll = round(float(t), 2), nll
    return best_t


def _handwritten_report(
    rows: list[dict[str, Any]],
    handwritten: np.ndarray,
    category_logits: np.ndarray,
    rates: tuple[float, float],
) -> dict[str, Any]:
    index = np.flatnonzero(handwritten)
    gold = [rows[i]["category"] for i in index]
    pred = [CATEGORIES[int(k)] for k in category_logits[index].argmax(axis=1)]
    report = class_report(gold, pred, CATEGORIES)
    return {
        "rows": len(index),
        "emergency_recall": rates[0],
        "false_alarm_rate": rates[1],
        "category_macro_f1": round(report.macro_f1, 4),
        "category_accuracy": round(report.accuracy, 4),
    }


def _oof_curve(
    p_emergency: np.ndarray,
    flagged_if: np.ndarray,
    is_emergency: np.ndarray,
    handwritten: np.ndarray,
    chosen: float,
) -> dict[str, Any]:
    """The out-of-fold trade-off curve: each row is flagged at threshold t by the decision with "none" below
    the threshold when P(none) < t, else above it (the two decisions training computed)."""
    thresholds = sorted({*CURVE_THRESHOLDS, chosen})
    flagged_at = {
        t: np.where(p_emergency[:, 0] < t, flagged_if[:, 1], flagged_if[:, 0]).tolist() for t in thresholds
    }
    curve: dict[str, Any] = {
        "all": [p.as_dict() for p in threshold_curve(is_emergency.tolist(), flagged_at)],
    }
    if handwritten.any():
        index = np.flatnonzero(handwritten)
        curve["handwritten"] = [
            p.as_dict()
            for p in threshold_curve(
                is_emergency[index].tolist(), {t: [f[i] for i in index] for t, f in flagged_at.items()}
            )
        ]
    return curve


def train(
    rows: Iterable[dict[str, Any]],
    *,
    out: Path | str | None = MODEL_PATH,
    folds: int = 5,
    threshold: float | None = None,
) -> dict[str, Any]:
    """Train the three heads and write the artifact; deterministic for the same rows (order does not matter).

    Temperatures and the emergency threshold come from grouped out-of-fold predictions (rows dressed from the
    same hand-written core share a "group", so a fold never sees a sibling of the sentence it is scored on).
    """
    # One BLAS thread: faster on these small problems (threads thrash on a shared machine) and reproducible.
    with threadpool_limits(limits=1):
        return _train(list(rows), out=out, folds=folds, threshold=threshold)


def _train(
    rows: list[dict[str, Any]], *, out: Path | str | None, folds: int, threshold: float | None
) -> dict[str, Any]:
    rows = sorted(rows, key=lambda r: (str(r.get("id")), r["text"]))
    labels = _labels(rows)
    ngram_range = NGRAM_RANGE
    heads = {"emergency": EMERGENCY_CLASSES, "category": CATEGORIES, "urgency": URGENCY_CLASSES}
    temperature = dict.fromkeys(heads, 1.0)
    chosen_threshold = 0.5 if threshold is None else threshold
    oof_report: dict[str, Any] = {}
    if folds >= 2:
        groups = np.asarray([str(r.get("group") or r.get("id")) for r in rows])
        oof = {name: np.zeros((len(rows), len(classes))) for name, classes in heads.items()}
        for train_idx, test_idx in GroupKFold(n_splits=folds).split(rows, groups=groups):
            sub = [rows[i] for i in train_idx]
            vocab, idf = _fit_vocab(sub, ngram_range)
            fitted = _fit_heads(_matrix(sub, vocab, idf, ngram_range), _labels(sub))
            x_test = _matrix([rows[i] for i in test_idx], vocab, idf, ngram_range)
            for name, (coef, intercept) in fitted.items():
                oof[name][test_idx] = np.asarray(x_test @ coef) + intercept
        for name, classes in heads.items():
            y_all = np.asarray(labels[name])
            mask = y_all != "emergency" if name == "urgency" else np.ones(len(rows), dtype=bool)
            y = np.asarray([classes.index(v) for v in y_all[mask]])
            temperature[name] = _fit_temperature(oof[name][mask], y)
        p_emergency = _softmax(oof["emergency"] / temperature["emergency"])
        readings = [lexicon.read(normalize_for_model(r["text"])) for r in rows]
        # The decision with "none" below the threshold and above it; a threshold only picks between the two.
        flagged_if = np.zeros((len(rows), 2), dtype=bool)
        for i, reading in enumerate(readings):
            p = dict(zip(EMERGENCY_CLASSES, p_emergency[i].tolist(), strict=True))
            flagged_if[i, 0] = emergency_choice(p, reading, 0.0)[0] is not None
            flagged_if[i, 1] = emergency_choice(p, reading, 2.0)[0] is not None
        is_emergency = np.asarray([v != "none" for v in labels["emergency"]])
        handwritten = np.asarray([str(r.get("group", "")).startswith(HANDWRITTEN_GROUP) for r in rows])

        def rates(t: float, subset: np.ndarray | None = None) -> tuple[float, float]:
            flagged = np.where(p_emergency[:, 0] < t, flagged_if[:, 1], flagged_if[:, 0])
            keep = np.ones(len(rows), dtype=bool) if subset is None else subset
            em, no = keep & is_emergency, keep & ~is_emergency
            recall = float(np.mean(flagged[em])) if em.any() else 1.0
            false_alarms = float(np.mean(flagged[no])) if no.any() else 0.0
            return round(recall, 4), round(false_alarms, 4)

        grid = [round(float(t), 2) for t in np.arange(THRESHOLD_BOUNDS[0], THRESHOLD_BOUNDS[1] + 1e-9, 0.01)]
        if threshold is None:
            affordable = [t for t in grid if rates(t)[1] <= MAX_FALSE_ALARMS] or [grid[0]]
            reaching = [t for t in affordable if rates(t)[0] >= TARGET_RECALL]
            chosen_threshold = reaching[0] if reaching else affordable[-1]
        recall, false_alarms = rates(chosen_threshold)
        oof_report = {
            "emergency_recall": recall,
            "false_alarm_rate": false_alarms,
            "handwritten": _handwritten_report(
                rows, handwritten, oof["category"], rates(chosen_threshold, handwritten)
            )
            if handwritten.any()
            else None,
            # Recall against false alarms over the threshold, on all rows and on the hand-written ones.
            "curve": _oof_curve(p_emergency, flagged_if, is_emergency, handwritten, chosen_threshold),
        }
    vocab, idf = _fit_vocab(rows, ngram_range)
    fitted = _fit_heads(_matrix(rows, vocab, idf, ngram_range), labels)
    coef = np.concatenate([fitted[name][0] for name in heads], axis=1)
    intercept = np.concatenate([fitted[name][1] for name in heads])
    digest = hashlib.sha256(
        "\n".join(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in rows).encode()
    )
    data = {
        "format": FORMAT,
        "ngram_range": list(ngram_range),
        "vocab": sorted(vocab, key=vocab.__getitem__),
        "idf": _b64(idf.astype(np.float32)),
        "lexicon_features": list(lexicon.FEATURE_NAMES),
        "lexicon_weight": LEXICON_WEIGHT,
        "heads": {name: list(classes) for name, classes in heads.items()},
        "coef": _b64(_quantize(coef)),
        "intercept": [round(float(v), 4) for v in intercept],
        "temperature": temperature,
        "threshold": chosen_threshold,
        "meta": {"rows": len(rows), "data_sha256": digest.hexdigest(), "C": C, "oof": oof_report},
    }
    if out is not None:
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
        shipped_model.cache_clear()
    return data
