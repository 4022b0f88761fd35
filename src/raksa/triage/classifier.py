"""The offline triage classifier: cue-phrase lexicon + linear model on character n-grams.

Training (`raksa triage train`) uses scikit-learn; prediction does not. The trained weights ship as one JSON
file (model/triage_model.json: vocabulary, idf, float16 coefficients, temperatures, threshold) and are applied
with numpy, so `raksa triage` starts without importing scikit-learn (which alone takes over a second).

Three heads share one feature vector (tf-idf over character 2-5-grams of the normalised text, plus the lexicon
features from lexicon.py): emergency (none + five types), category (twelve) and urgency (urgent/normal, for
non-emergencies). The emergency decision is biased towards safety: an emergency type is chosen unless "none"
is clearly dominant (P(none) >= threshold), a strong live cue ("ถือมีด", "ถูกขัง", "มั่วสุม") is never answered with
"none", and cues that are all negated or told in the past ("ไม่ได้ถูกขัง", "เมื่อปีที่แล้วเคยถูกขัง ตอนนี้ปลอดภัยแล้ว")
demote an emergency to none only when nothing present-tense remains.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from raksa.triage import lexicon
from raksa.triage.types import CATEGORIES, EMERGENCY_TYPES, TriageResult

MODEL_PATH = Path(__file__).resolve().parent / "model" / "triage_model.json"
FORMAT = 1
NGRAM_RANGE = (2, 5)
MIN_DF = 2
MAX_VOCAB = 40_000
LEXICON_WEIGHT = 1.0
C = 32.0
EMERGENCY_CLASSES: tuple[str, ...] = ("none", *EMERGENCY_TYPES)
URGENCY_CLASSES: tuple[str, ...] = ("normal", "urgent")
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


def normalize_for_model(text: str) -> str:
    from raksa.triage.normalize import normalize

    return normalize(text)


def char_ngrams(text: str, ngram_range: tuple[int, int] = NGRAM_RANGE) -> dict[str, int]:
    """Character n-grams inside word boundaries, each word padded with spaces (scikit-learn's "char_wb")."""
    lo, hi = ngram_range
    counts: dict[str, int] = {}
    for word in text.split():
        padded = f" {word} "
        length = len(padded)
        for n in range(lo, hi + 1):
            if n > length:
                break
            for i in range(length - n + 1):
                gram = padded[i : i + n]
                counts[gram] = counts.get(gram, 0) + 1
    return counts


def _b64(array: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")


def _unb64(data: str, dtype: Any, shape: tuple[int, ...]) -> np.ndarray:
    return np.frombuffer(base64.b64decode(data), dtype=dtype).reshape(shape)


@dataclass(frozen=True)
class Scores:
    normalized: str
    reading: lexicon.Reading
    emergency: dict[str, float]
    category: dict[str, float]
    urgency: dict[str, float]


class Model:
    """A trained artifact applied with numpy only."""

    def __init__(self, data: dict[str, Any]) -> None:
        if data.get("format") != FORMAT:
            raise ValueError(f"unsupported triage model format {data.get('format')!r}")
        self.ngram_range = tuple(data["ngram_range"])
        self.vocab: dict[str, int] = {gram: i for i, gram in enumerate(data["vocab"])}
        n_vocab = len(self.vocab)
        self.idf = _unb64(data["idf"], np.float32, (n_vocab,))
        self.heads: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in data["heads"].items()}
        n_out = sum(len(v) for v in self.heads.values())
        n_lex = len(lexicon.FEATURE_NAMES)
        if data["lexicon_features"] != list(lexicon.FEATURE_NAMES):
            raise ValueError("triage model was trained with a different lexicon; run `raksa triage train`")
        coef = _unb64(data["coef"], np.float16, (n_vocab + n_lex, n_out)).astype(np.float32)
        self.coef_text = coef[:n_vocab]
        self.coef_lex = coef[n_vocab:]
        self.intercept = np.asarray(data["intercept"], dtype=np.float32)
        self.lexicon_weight = float(data["lexicon_weight"])
        self.temperature: dict[str, float] = data["temperature"]
        self.threshold = float(data["threshold"])
        self.meta: dict[str, Any] = data.get("meta", {})
        self.slices: dict[str, slice] = {}
        offset = 0
        for name, classes in self.heads.items():
            self.slices[name] = slice(offset, offset + len(classes))
            offset += len(classes)

    @classmethod
    def load(cls, path: Path | str = MODEL_PATH) -> Model:
        with open(path, encoding="utf-8") as fh:
            return cls(json.load(fh))

    def text_vector(self, normalized: str) -> tuple[np.ndarray, np.ndarray]:
        vocab = self.vocab
        idx: list[int] = []
        tf: list[float] = []
        for gram, count in char_ngrams(normalized, self.ngram_range).items():  # type: ignore[arg-type]
            j = vocab.get(gram)
            if j is not None:
                idx.append(j)
                tf.append(1.0 + math.log(count))
        if not idx:
            return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.float32)
        index = np.asarray(idx, dtype=np.intp)
        values = np.asarray(tf, dtype=np.float32) * self.idf[index]
        values /= np.linalg.norm(values)
        return index, values

    def scores(self, text: str) -> Scores:
        normalized = normalize_for_model(text)
        reading = lexicon.read(normalized)
        index, values = self.text_vector(normalized)
        logits = self.intercept.copy()
        if len(index):
            logits += values @ self.coef_text[index]
        lex = np.asarray(lexicon.features(reading), dtype=np.float32) * self.lexicon_weight
        logits += lex @ self.coef_lex
        out: dict[str, dict[str, float]] = {}
        for name, classes in self.heads.items():
            z = logits[self.slices[name]] / self.temperature[name]
            z = np.exp(z - z.max())
            p = z / z.sum()
            out[name] = {label: float(v) for label, v in zip(classes, p, strict=True)}
        return Scores(normalized, reading, out["emergency"], out["category"], out["urgency"])


@cache
def shipped_model() -> Model:
    path = os.environ.get("RAKSA_TRIAGE_MODEL") or MODEL_PATH
    return Model.load(path)


def emergency_choice(
    p: dict[str, float], reading: lexicon.Reading, threshold: float
) -> tuple[str | None, bool]:
    """The emergency type (or None) and whether a negated or past story demoted it; used by decide() and by
    training, so the threshold is chosen on exactly the rule that ships."""
    best = max(EMERGENCY_TYPES, key=lambda t: p[t])
    emergency: str | None = best if p["none"] < threshold else None
    strong = reading.strong_live()
    if emergency is None and strong:
        # Safety net: a live strong cue is never answered with "none"; the low probability says how unsure.
        emergency = max(strong, key=lambda t: p[t])
    elif (
        emergency is None
        and reading.help_call
        and not reading.category
        and not any(c.live for c in reading.emergency)
    ):
        # A bare call for help ("ช่วยด้วย", "SOS") with nothing else to go on.
        emergency = best
    if emergency is not None and reading.emergency and not strong:
        live = [c for c in reading.emergency if c.live]
        if not live and not reading.present and (reading.negation_phrases or reading.past):
            return None, True
    return emergency, False


def decide(model: Model, scores: Scores) -> TriageResult:
    """Turn probabilities and lexicon readings into the triage decision (safety bias, negation, past)."""
    p = scores.emergency
    reading = scores.reading
    p_none = p["none"]
    emergency, demoted = emergency_choice(p, reading, model.threshold)
    evidence: list[str] = []
    category_scores = scores.category
    category = max(CATEGORIES, key=lambda c: category_scores[c])
    if emergency is not None:
        urgency = "emergency"
        confidence = p[emergency]
        evidence.extend(c.phrase for c in reading.emergency if c.label == emergency and c.live)
        if not evidence:
            evidence.extend(c.phrase for c in reading.emergency if c.live)
        if not evidence and reading.help_call:
            evidence.extend(m for m in lexicon.HELP_CALLS if m in scores.normalized)
    else:
        urgency = max(URGENCY_CLASSES, key=lambda u: scores.urgency[u])
        confidence = p_none * category_scores[category]
        if demoted or reading.negation_phrases:
            evidence.extend(reading.negation_phrases)
        if demoted or reading.past:
            evidence.extend(m for m in lexicon.PAST_MARKERS if m in scores.normalized)
            evidence.extend(m for m in lexicon.RESOLVED_MARKERS if m in scores.normalized)
    evidence.extend(c.phrase for c in reading.category if c.label == category)
    return TriageResult(
        emergency_type=emergency,
        category=category,
        urgency=urgency,
        confidence=round(float(confidence), 4),
        evidence=_distinct(evidence)[:8],
        emergency_scores={k: round(v, 4) for k, v in p.items()},
        category_scores={k: round(v, 4) for k, v in category_scores.items()},
        backend="offline",
    )


def _distinct(phrases: list[str]) -> tuple[str, ...]:
    """Phrases in order, without repeats or phrases already inside a longer one ("ปีที่แล้ว" in "เมื่อปีที่แล้ว")."""
    unique = list(dict.fromkeys(p.strip() for p in phrases if p.strip()))
    return tuple(p for p in unique if not any(p != q and p in q for q in unique))


def classify_offline(text: str, model: Model | None = None) -> TriageResult:
    model = model or shipped_model()
    return decide(model, model.scores(text or ""))


def classify_text(text: str) -> TriageResult:
    """Classify with the LLM back-end when one is configured, else (and on any failure) offline."""
    if os.environ.get("RAKSA_TRIAGE_LLM_URL"):
        from raksa.triage.llm import classify_llm

        result = classify_llm(text)
        if result is not None:
            return result
        from dataclasses import replace

        return replace(classify_offline(text), backend="offline-fallback")
    return classify_offline(text)


# ---------------------------------------------------------------------------------------------------- training


def read_jsonl(path: Path | str) -> list[dict[str, Any]]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rows.append(json.loads(line))
    return rows


def _matrix(
    rows: Sequence[dict[str, Any]], vocab: dict[str, int], idf: np.ndarray, ngram_range: tuple[int, int]
):
    from scipy import sparse

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
    from sklearn.linear_model import LogisticRegression

    heads = {"emergency": EMERGENCY_CLASSES, "category": CATEGORIES, "urgency": URGENCY_CLASSES}
    fitted = {}
    for name, classes in heads.items():
        y = np.asarray(labels[name])
        mask = np.ones(len(y), dtype=bool)
        if name == "urgency":
            mask = y != "emergency"
        clf = LogisticRegression(C=C, max_iter=3000, random_state=0)
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
    from raksa.triage.evaluation import class_report

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
    from threadpoolctl import threadpool_limits

    # One BLAS thread: faster on these small problems (threads thrash on a shared machine) and reproducible.
    with threadpool_limits(limits=1):
        return _train(list(rows), out=out, folds=folds, threshold=threshold)


def _train(
    rows: list[dict[str, Any]], *, out: Path | str | None, folds: int, threshold: float | None
) -> dict[str, Any]:
    from sklearn.model_selection import GroupKFold

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
            "curve": {
                f"{t:.2f}": [*rates(t), *(rates(t, handwritten) if handwritten.any() else ())]
                for t in (0.5, 0.7, 0.8, 0.85, 0.88, 0.9, 0.92, 0.93, 0.94, 0.95, 0.96, 0.97)
            },
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
