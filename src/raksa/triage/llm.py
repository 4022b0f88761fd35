"""Optional LLM back-end for triage, behind the same interface as the offline model.

Off unless RAKSA_TRIAGE_LLM_URL is set (an OpenAI-compatible base URL such as http://127.0.0.1:8080/v1).
RAKSA_TRIAGE_LLM_MODEL, RAKSA_TRIAGE_LLM_KEY and RAKSA_TRIAGE_LLM_TIMEOUT (seconds above zero, default 5) tune
it; a timeout that is not such a number raises `LlmSettingsError` naming the variable, as the other settings
do, instead of quietly becoming the default. Any failure of the back-end itself (network, HTTP status,
timeout, an answer that is not the JSON we asked for, unknown codes) returns None and `triage()` keeps the
offline answer. Requests go through raksa.core.http.

`triage()` chooses the back-end and passes the offline answer in, so this module never imports the classifier.
The safety bias holds here too: if the offline model sees a live strong emergency cue the LLM answered "none"
for, the emergency stands.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass, replace
from typing import Any

from raksa.triage.types import CATEGORIES, EMERGENCY_TYPES, URGENCIES, TriageResult

SYSTEM_PROMPT = (
    "You triage reports to Thailand's social-help hotline 1300 (Thai, English or mixed). Answer with one JSON "
    "object and nothing else: "
    '{"emergency_type": one of ' + json.dumps(list(EMERGENCY_TYPES)) + " or null, "
    '"category": one of ' + json.dumps(list(CATEGORIES)) + ", "
    '"urgency": "emergency" if emergency_type is set, else "urgent" or "normal", '
    '"confidence": a number from 0 to 1, "evidence": [the exact phrases from the report that decided it]}. '
    "Emergency types: threat = threatened with harm, weapons or extortion now; detention = confined or held "
    "against their will now; abuse_risk = at imminent risk of sexual abuse, harassment or exploitation; frenzy = "
    "a person out of control (drug psychosis, psychiatric crisis, rampage) endangering others or self; "
    "gathering = illicit gathering (drugs, gambling, under-age drinking, gangs, street racing). A past event "
    "or a negated one is not an emergency now. Missing an emergency is far worse than a false alarm: when "
    "unsure between an emergency and none, answer the emergency with a low confidence."
)


DEFAULT_TIMEOUT = 5.0


class LlmSettingsError(ValueError):
    """A RAKSA_TRIAGE_LLM_* variable with a value that cannot be used."""


@dataclass(frozen=True)
class LlmSettings:
    url: str  # the chat-completions endpoint
    model: str
    key: str
    timeout: float


def _timeout() -> float:
    raw = os.environ.get("RAKSA_TRIAGE_LLM_TIMEOUT", "").strip()
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise LlmSettingsError(
            f"RAKSA_TRIAGE_LLM_TIMEOUT must be a number of seconds above zero, got {raw!r}"
        )
    return seconds


def llm_settings() -> LlmSettings | None:
    """The back-end's settings, or None when it is off. The timeout is checked even then: a bad value is found
    when it is written, not on the day the back-end is switched on."""
    timeout = _timeout()
    url = os.environ.get("RAKSA_TRIAGE_LLM_URL", "").strip()
    if not url:
        return None
    return LlmSettings(
        url=url.rstrip("/") + "/chat/completions",
        model=os.environ.get("RAKSA_TRIAGE_LLM_MODEL") or "default",
        key=os.environ.get("RAKSA_TRIAGE_LLM_KEY") or "",
        timeout=timeout,
    )


def _post(settings: LlmSettings, text: str) -> str:
    # Imported here: urllib.request (with ssl) costs tens of milliseconds and the back-end is usually off.
    from raksa.core import http

    body = {
        "model": settings.model,
        "temperature": 0,
        "messages": [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": text}],
        "response_format": {"type": "json_object"},
    }
    headers = {"Authorization": f"Bearer {settings.key}"} if settings.key else {}
    payload = http.post_json(settings.url, body, headers=headers, timeout=settings.timeout)
    return payload["choices"][0]["message"]["content"]


_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$")


def parse_answer(content: str) -> dict[str, Any] | None:
    """Validate the model's answer; None when it is not exactly what was asked for."""
    try:
        answer = json.loads(_FENCE.sub("", content.strip()))
    except (json.JSONDecodeError, AttributeError):
        return None
    if not isinstance(answer, dict):
        return None
    emergency = answer.get("emergency_type") or None
    if emergency in ("none", "null"):
        emergency = None
    category = answer.get("category")
    if emergency is not None and emergency not in EMERGENCY_TYPES:
        return None
    if category not in CATEGORIES:
        return None
    urgency = answer.get("urgency")
    urgency = "emergency" if emergency else (urgency if urgency in URGENCIES[1:] else "normal")
    try:
        confidence = min(max(float(answer.get("confidence", 0.5)), 0.0), 1.0)
    except (TypeError, ValueError):
        confidence = 0.5
    evidence = answer.get("evidence") or []
    if not isinstance(evidence, list):
        evidence = [evidence]
    return {
        "emergency_type": emergency,
        "category": category,
        "urgency": urgency,
        "confidence": confidence,
        "evidence": tuple(str(e) for e in evidence if str(e).strip())[:8],
    }


def classify_llm(text: str, *, offline: TriageResult, settings: LlmSettings) -> TriageResult | None:
    """The LLM's answer checked against the offline one (`offline`, for the same text), or None on any failure."""
    from raksa.core.http import HttpError

    try:
        answer = parse_answer(_post(settings, text or ""))
    except (HttpError, KeyError, IndexError, TypeError):  # no answer, or not in the chat-completions shape
        return None
    if answer is None:
        return None
    emergency = answer["emergency_type"]
    urgency = answer["urgency"]
    confidence = answer["confidence"]
    if emergency is None and offline.emergency_type is not None:
        # Safety bias: when the two disagree the offline model's emergency stands, with a low confidence.
        emergency, urgency, confidence = offline.emergency_type, "emergency", min(1.0 - confidence, 0.5)
    return replace(
        offline,
        emergency_type=emergency,
        category=answer["category"],
        urgency=urgency,
        confidence=round(confidence, 4),
        evidence=answer["evidence"] or offline.evidence,
        backend="llm",
    )
