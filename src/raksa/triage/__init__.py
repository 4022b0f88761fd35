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

    The optional LLM back-end is used only when RAKSA_TRIAGE_LLM_URL is set; the offline model is always the
    fallback, so this never fails for lack of a network.
    """
    from dataclasses import replace

    from raksa.triage.classifier import classify_text
    from raksa.triage.entities import extract_entities

    result = classify_text(text)
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
