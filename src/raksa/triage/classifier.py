"""The offline triage classifier: cue-phrase lexicon + linear model on character n-grams.

This is the runtime half: it applies the trained weights with numpy. Training (`raksa triage train`) lives in
training.py, the only module that imports scikit-learn; the weights ship as one JSON file
(model/triage_model.json: vocabulary, idf, float16 coefficients, temperatures, threshold), so `raksa triage`
starts without importing scikit-learn (which alone takes over a second).

Three heads share one feature vector (tf-idf over character 2-5-grams of the normalised text, plus the lexicon
features from lexicon.py): emergency (none + five types), category (twelve) and urgency (urgent/normal, for
non-emergencies). The emergency decision is biased towards safety: an emergency type is chosen unless "none"
is clearly dominant (P(none) >= threshold), a strong live cue ("ถือมีด", "ถูกขัง", "มั่วสุม") is never answered with
"none", and cues that are all negated or told in the past ("ไม่ได้ถูกขัง", "เมื่อปีที่แล้วเคยถูกขัง ตอนนี้ปลอดภัยแล้ว")
demote an emergency to none only when nothing present-tense remains.
"""

from __future__ import annotations

import base64
import json
import math
import os
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
EMERGENCY_CLASSES: tuple[str, ...] = ("none", *EMERGENCY_TYPES)
URGENCY_CLASSES: tuple[str, ...] = ("normal", "urgent")


def normalize_for_model(text: str) -> str:
    """The text the model and the lexicon read: Thai typed in English layout and romanised Thai read as Thai,
    then normalised."""
    from raksa.triage.layout import read_layout
    from raksa.triage.normalize import normalize
    from raksa.triage.romanised import read_romanised

    return read_romanised(normalize(read_layout(text)))


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


# A threat in a gathering, or by someone whose mind is out of reach, is read as that when the model gives it at
# least this share of the threat's probability: the call-taker sends a team for a den or a gang fight, or for a
# person out of control who may hurt anyone near, rather than one for a person who means the harm he promises.
TYPE_SHARE = 0.05


def refine_type(emergency: str | None, p: dict[str, float], reading: lexicon.Reading) -> str | None:
    """Which emergency a weapon belongs to. A gambling den or a gang fight with guns or swords ("วงไพ่ มีคนถือปืน
    เฝ้า", "สองแก๊งนัดตีกัน ถือมีดดาบ") is a gathering; a drunk, high or psychotic person with a weapon or violence
    ("ป้อเมาแล้วตุ๊บแม่", "เสพยาบ้าแล้วถือมีดเดินไปมา") is a frenzy. Money demanded ("ถ้าไม่ให้เงินจะแทง") keeps
    it a threat, whoever demands it."""
    if emergency != "threat" or reading.demand:
        return emergency
    if reading.live("gathering") and p["gathering"] >= TYPE_SHARE * p["threat"]:
        return "gathering"
    if reading.mind and p["frenzy"] >= TYPE_SHARE * p["threat"]:
        return "frenzy"
    return emergency


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
    return refine_type(emergency, p, reading), False


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
    scores = model.scores(text or "")
    result = decide(model, scores)
    if result.emergency_type is None:
        return _with_live_clause(model, scores, result)
    return _without_false_alarm(scores, result)


def _without_false_alarm(scores: Scores, result: TriageResult) -> TriageResult:
    """An emergency reading framed as a question, a joke, a story or a denial, with nothing live outside it,
    is lowered to the urgency head's answer (hypothetical.py)."""
    from dataclasses import replace

    from raksa.triage.hypothetical import lowers_emergency

    frame = lowers_emergency(scores.normalized, scores.reading)
    if frame is None:
        return result
    category = result.category
    return replace(
        result,
        emergency_type=None,
        urgency=max(URGENCY_CLASSES, key=lambda u: scores.urgency[u]),
        confidence=round(float(scores.emergency["none"] * scores.category[category]), 4),
        evidence=_distinct(
            [*frame.phrases, *(c.phrase for c in scores.reading.category if c.label == category)]
        )[:8],
    )


def _with_live_clause(model: Model, scores: Scores, result: TriageResult) -> TriageResult:
    """A long report answered "none" as a whole is an emergency when one of its clauses reads as one now."""
    from dataclasses import replace

    from raksa.triage.clauses import live_clause
    from raksa.triage.hypothetical import Frame, clause_is_framed, read_frame

    def score(text: str) -> tuple[dict[str, float], lexicon.Reading]:
        clause_scores = model.scores(text)
        return clause_scores.emergency, clause_scores.reading

    if not scores.reading.emergency:
        return result
    frames: list[Frame | None] = []

    def framed(clause: str) -> bool:
        # Read the frame only when a clause is a candidate: most reports never get that far.
        if not frames:
            frames.append(read_frame(scores.normalized, scores.reading))
        return clause_is_framed(clause, frames[0])

    found = live_clause(
        scores.normalized,
        score,
        model.threshold,
        reading=scores.reading,
        skip=framed,
    )
    if found is None:
        # Answered "none" with danger words in it: show what framed them (a joke, a question, a story), if any.
        frame = frames[0] if frames else read_frame(scores.normalized, scores.reading)
        if frame is None or frame.kind == "negated":
            return result
        return replace(result, evidence=_distinct([*frame.phrases, *result.evidence])[:8])
    return replace(
        result,
        emergency_type=refine_type(found.emergency_type, found.scores, scores.reading),
        urgency="emergency",
        confidence=round(found.scores[found.emergency_type], 4),
        evidence=_distinct([*found.cues, *result.evidence])[:8],
        emergency_scores={k: round(v, 4) for k, v in found.scores.items()},
    )
