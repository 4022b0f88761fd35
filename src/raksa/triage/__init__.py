"""Thai triage: read a report and decide emergency, category, urgency, entities and routing.

A pure library (no Django, no database) used by every intake channel. Importing the package is cheap: the
classifier model, PyThaiNLP and geothai load on first use, so the `raksa triage` command starts quickly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from raksa.triage.types import CATEGORIES, EMERGENCY_TYPES, URGENCIES, Entities, Routing, TriageResult

if TYPE_CHECKING:
    from raksa.triage.normalize import normalize

__all__ = [
    "CATEGORIES",
    "EMERGENCY_TYPES",
    "URGENCIES",
    "Entities",
    "Routing",
    "TriageResult",
    "normalize",
    "triage",
]


def triage(text: str, *, with_routing: bool = True) -> TriageResult:
    """Classify one report and extract its entities and a routing suggestion.

    The back-end is chosen here: the offline model always answers, and when RAKSA_TRIAGE_LLM_URL is set the LLM
    back-end is asked too, with the offline answer passed in for its safety check; if the LLM fails the offline
    answer stands (backend "offline-fallback"), so this never fails for lack of a network. A bad
    RAKSA_TRIAGE_LLM_TIMEOUT raises `raksa.triage.llm.LlmSettingsError`.
    """
    from dataclasses import replace

    from raksa.triage.classifier import classify_offline
    from raksa.triage.entities import extract_entities
    from raksa.triage.llm import classify_llm, llm_settings

    settings = llm_settings()
    result = classify_offline(text)
    if settings is not None:
        result = classify_llm(text, offline=result, settings=settings) or replace(
            result, backend="offline-fallback"
        )
    # Entities read the raw text: normalising collapses repeated characters, which would damage numbers.
    entities = extract_entities(text)
    routing = None
    if with_routing:
        from raksa.triage.routing import suggest_routing

        routing = suggest_routing(result.category, result.emergency_type is not None, entities)
    return replace(result, entities=entities, routing=routing)


def __getattr__(name: str) -> Any:
    if name == "normalize":
        from raksa.triage.normalize import normalize

        return normalize
    raise AttributeError(f"module 'raksa.triage' has no attribute {name!r}")
